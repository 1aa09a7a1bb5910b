// The fields every card has: a lead's price, stage, responsible user and loss reason; a contact's first and last
// name; everybody's responsible user; the name (in the header). Saved through PATCH /api/v4/{kind}/{id}.
import { useQueryClient } from "@tanstack/react-query";

import { useT } from "../../i18n";
import { useFormat } from "../../ui";
import { patchEntity, refreshCard, useLossReasons, usePipelines, useUsers, type EntityPatch } from "./data";
import { parseNumber } from "./fieldValues";
import { editorAttrs, InlineEdit, type EditorProps } from "./InlineEdit";
import type { Contact, Entity, Kind, Lead, Pipeline } from "./kinds";

export const WON = 142;
export const LOST = 143;
const INCOMING = 1; // stage type of the Incoming stage

export function useSave(kind: Kind, id: number) {
  const client = useQueryClient();
  return async (body: EntityPatch) => {
    await patchEntity(kind, id, body);
    await refreshCard(client, kind, id);
  };
}

function TextInput(p: EditorProps<string> & { inputMode?: "decimal" }) {
  return (
    <input
      type="text"
      inputMode={p.inputMode}
      value={p.draft}
      onChange={(event) => p.setDraft(event.target.value)}
      {...editorAttrs(p)}
    />
  );
}

interface Choice {
  value: string;
  label: string;
}

function SelectInput(
  p: EditorProps<string> & {
    choices: readonly Choice[];
    groups?: readonly { label: string; choices: Choice[] }[];
    none?: string;
  },
) {
  return (
    <select value={p.draft} onChange={(event) => p.setDraft(event.target.value)} {...editorAttrs(p)}>
      {p.none !== undefined ? <option value="">{p.none}</option> : null}
      {p.choices.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
      {p.groups?.map((group) => (
        <optgroup key={group.label} label={group.label}>
          {group.choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

/** A text property (name, first name…) edited in place. */
export function TextProperty(props: {
  label: string;
  value: string;
  path: "name" | "first_name" | "last_name";
  kind: Kind;
  id: number;
  className?: string;
}) {
  const save = useSave(props.kind, props.id);
  return (
    <InlineEdit<string>
      label={props.label}
      className={props.className}
      display={props.value}
      start={() => props.value}
      unchanged={(draft) => draft.trim() === props.value}
      save={(draft) => save({ [props.path]: draft.trim() })}
      errorPaths={[props.path]}
      editor={(p) => <TextInput {...p} />}
    />
  );
}

/** The stages a lead may be moved to, by pipeline (never into Incoming: that is for incoming leads). */
export function stageGroups(pipelines: readonly Pipeline[], lead: Pick<Lead, "pipeline_id" | "status_id">) {
  return pipelines
    .filter((pipeline) => !pipeline.is_archive || pipeline.id === lead.pipeline_id)
    .map((pipeline) => ({
      label: pipeline.name,
      choices: pipeline._embedded.statuses
        .filter((stage) => stage.type !== INCOMING || (pipeline.id === lead.pipeline_id && stage.id === lead.status_id))
        .map((stage) => ({ value: `${pipeline.id}:${stage.id}`, label: stage.name })),
    }));
}

export function stageLabel(pipelines: readonly Pipeline[] | undefined, pipelineId: number, statusId: number): string {
  const pipeline = pipelines?.find((item) => item.id === pipelineId);
  return pipeline?._embedded.statuses.find((stage) => stage.id === statusId)?.name ?? `#${statusId}`;
}

function LeadFields({ lead }: { lead: Lead }) {
  const t = useT();
  const format = useFormat();
  const save = useSave("leads", lead.id);
  const pipelines = usePipelines();
  const reasons = useLossReasons();
  const pipeline = pipelines.data?.find((item) => item.id === lead.pipeline_id);
  const stage = `${lead.pipeline_id}:${lead.status_id}`;
  const reason = reasons.data?.find((item) => item.id === lead.loss_reason_id);
  return (
    <>
      <InlineEdit<string>
        label={t("cards.stage")}
        display={
          pipeline
            ? `${pipeline.name} · ${stageLabel(pipelines.data, lead.pipeline_id, lead.status_id)}`
            : `#${lead.status_id}`
        }
        start={() => stage}
        unchanged={(draft) => draft === stage}
        save={(draft) => {
          const [pipelineId, statusId] = draft.split(":").map(Number);
          return save({ pipeline_id: pipelineId, status_id: statusId });
        }}
        errorPaths={["status_id", "pipeline_id"]}
        editor={(p) => <SelectInput {...p} choices={[]} groups={stageGroups(pipelines.data ?? [], lead)} />}
      />
      <InlineEdit<string>
        label={t("cards.price")}
        display={format.money(lead.price)}
        start={() => String(lead.price)}
        unchanged={(draft) => parseNumber(draft) === lead.price || (lead.price === 0 && parseNumber(draft) === null)}
        // anything but a number goes as typed: the API's message says what is wrong with it
        save={(draft) => save({ price: (parseNumber(draft) ?? 0) as number })}
        errorPaths={["price"]}
        editor={(p) => <TextInput {...p} inputMode="decimal" />}
      />
      {lead.status_id === LOST ? (
        <InlineEdit<string>
          label={t("cards.loss_reason")}
          display={reason?.name ?? (lead.loss_reason_id ? `#${lead.loss_reason_id}` : null)}
          start={() => (lead.loss_reason_id ? String(lead.loss_reason_id) : "")}
          unchanged={(draft) => draft === (lead.loss_reason_id ? String(lead.loss_reason_id) : "")}
          save={(draft) => save({ loss_reason_id: draft ? Number(draft) : null })}
          errorPaths={["loss_reason_id"]}
          editor={(p) => (
            <SelectInput
              {...p}
              none={t("cards.none")}
              choices={(reasons.data ?? []).map((item) => ({ value: String(item.id), label: item.name }))}
            />
          )}
        />
      ) : null}
    </>
  );
}

function ResponsibleField({ kind, entity }: { kind: Kind; entity: Entity }) {
  const t = useT();
  const users = useUsers();
  const save = useSave(kind, entity.id);
  const current = String(entity.responsible_user_id);
  const choices = (users.data ?? [])
    .filter((user) => user.rights.is_active || user.id === entity.responsible_user_id)
    .map((user) => ({ value: String(user.id), label: user.name }));
  const name = users.data?.find((user) => user.id === entity.responsible_user_id)?.name;
  return (
    <InlineEdit<string>
      label={t("cards.responsible")}
      display={name ?? `#${entity.responsible_user_id}`}
      start={() => current}
      unchanged={(draft) => draft === current}
      save={(draft) => save({ responsible_user_id: Number(draft) })}
      errorPaths={["responsible_user_id"]}
      editor={(p) => <SelectInput {...p} choices={choices} />}
    />
  );
}

/** The predefined fields of the main tab. */
export function PredefinedFields({ kind, entity }: { kind: Kind; entity: Entity }) {
  const t = useT();
  return (
    <>
      {kind === "leads" ? <LeadFields lead={entity as Lead} /> : null}
      {kind === "contacts"
        ? (["first_name", "last_name"] as const).map((path) => (
            <TextProperty
              key={path}
              label={t(path === "first_name" ? "cards.first_name" : "cards.last_name")}
              value={(entity as Contact)[path] ?? ""}
              path={path}
              kind={kind}
              id={entity.id}
            />
          ))
        : null}
      <ResponsibleField kind={kind} entity={entity} />
    </>
  );
}
