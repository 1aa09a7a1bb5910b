// The bar shown while rows are selected, and the dialogs of its actions: move leads to a stage, change the
// responsible user, add tags, delete (to the trash). Failures are listed per item, by name.
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { useT, type MessageKey } from "../../i18n";
import { Button, Dialog, Select, TextField, useToast } from "../../ui";
import { runBulk, type BulkAction, type BulkOutcome } from "./bulk";
import { INCOMING_STAGE, sendBulk, type Pipeline, type Row, type User } from "./data";
import type { EntityKind } from "./listState";

type ActionType = BulkAction["type"];

interface Props {
  kind: EntityKind;
  /** The selected ids, in the order shown. */
  ids: number[];
  rows: readonly Row[];
  users: readonly User[];
  pipelines: readonly Pipeline[];
  onClear: () => void;
  /** After an action: the ids still to keep selected (the ones that failed). */
  onDone: (keep: number[]) => void;
}

const TITLES: Record<ActionType, MessageKey> = {
  stage: "lists.bulk.stage",
  responsible: "lists.bulk.responsible",
  tags: "lists.bulk.tags",
  delete: "lists.bulk.delete",
};

/** Stages a lead can be moved to in bulk: every stage of every pipeline but Incoming. */
export function movableStages(pipelines: readonly Pipeline[]) {
  return pipelines.flatMap((pipeline) =>
    pipeline._embedded.statuses.filter((stage) => stage.type !== INCOMING_STAGE).map((stage) => ({ pipeline, stage })),
  );
}

export function BulkBar(props: Props) {
  const t = useT();
  const [open, setOpen] = useState<ActionType | null>(null);
  const actions: ActionType[] = props.kind === "leads" ? ["stage", "responsible", "tags", "delete"] : ["responsible", "tags", "delete"];
  return (
    <div className="list-bulk" role="region" aria-label={t("lists.bulk.label")}>
      <strong className="list-bulk-count" aria-live="polite">
        {t("lists.selected", { count: props.ids.length })}
      </strong>
      {actions.map((type) => (
        <Button key={type} variant={type === "delete" ? "danger" : "secondary"} onClick={() => setOpen(type)}>
          {t(TITLES[type])}
        </Button>
      ))}
      <Button variant="ghost" onClick={props.onClear}>
        {t("lists.bulk.clear")}
      </Button>
      {open ? <BulkDialog {...props} type={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function BulkDialog({ kind, ids, rows, users, pipelines, type, onClose, onDone }: Props & {
  type: ActionType;
  onClose: () => void;
}) {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const stages = movableStages(pipelines);
  const [stage, setStage] = useState("");
  const [user, setUser] = useState("");
  const [tags, setTags] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const names = new Map(rows.map((row) => [row.id, row.name || `#${row.id}`]));

  function action(): BulkAction | null {
    if (type === "delete") return { type };
    if (type === "stage") {
      const found = stages.find((item) => String(item.stage.id) === stage);
      return found ? { type, pipelineId: found.pipeline.id, statusId: found.stage.id } : null;
    }
    if (type === "responsible") return user ? { type, userId: Number(user) } : null;
    const list = tags.split(",").map((tag) => tag.trim()).filter(Boolean);
    return list.length ? { type, names: list } : null;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = action();
    if (!chosen) {
      setInvalid(t("lists.bulk.choose"));
      return;
    }
    setBusy(true);
    const result = await runBulk(chosen, ids, (request) => sendBulk(kind, request), t("error.generic"));
    setBusy(false);
    if (result.done.length) await queryClient.invalidateQueries({ queryKey: ["lists", kind] });
    const failed = [...result.errors.map((item) => item.id), ...result.skipped];
    if (!result.errors.length && !result.failure) {
      toast({ kind: "success", message: t(type === "delete" ? "lists.bulk.deleted" : "lists.bulk.changed", { count: result.done.length }) });
      onDone([]);
      onClose();
      return;
    }
    onDone(failed);
    setOutcome(result);
  }

  const formId = `bulk-${type}`;
  const footer = outcome ? (
    <Button variant="primary" onClick={onClose}>
      {t("common.close")}
    </Button>
  ) : (
    <>
      <Button onClick={onClose}>{t("common.cancel")}</Button>
      <Button type="submit" form={formId} variant={type === "delete" ? "danger" : "primary"} busy={busy}>
        {type === "delete" ? t("common.delete") : t("lists.bulk.apply")}
      </Button>
    </>
  );

  return (
    <Dialog open title={t(TITLES[type])} onClose={onClose} footer={footer} size="small">
      {outcome ? (
        <BulkReport outcome={outcome} names={names} deleting={type === "delete"} />
      ) : (
        <form id={formId} onSubmit={submit} noValidate>
          <p className="list-bulk-what">{t(`lists.bulk.${kind}`, { count: ids.length })}</p>
          {type === "stage" ? (
            <Select
              label={t("lists.col.status")}
              placeholder={t("lists.bulk.choose_stage")}
              value={stage}
              error={invalid}
              onChange={(event) => setStage(event.target.value)}
            >
              {pipelines.map((pipeline) => (
                <optgroup key={pipeline.id} label={pipeline.name}>
                  {stages
                    .filter((item) => item.pipeline.id === pipeline.id)
                    .map((item) => (
                      <option key={item.stage.id} value={item.stage.id}>
                        {item.stage.name}
                      </option>
                    ))}
                </optgroup>
              ))}
            </Select>
          ) : null}
          {type === "responsible" ? (
            <Select
              label={t("lists.col.responsible")}
              placeholder={t("lists.bulk.choose_user")}
              value={user}
              error={invalid}
              options={users.map((item) => ({ value: item.id, label: item.name }))}
              onChange={(event) => setUser(event.target.value)}
            />
          ) : null}
          {type === "tags" ? (
            <TextField
              label={t("lists.col.tags")}
              hint={t("lists.filter.tags_hint")}
              value={tags}
              error={invalid}
              onChange={(event) => setTags(event.target.value)}
            />
          ) : null}
          {type === "delete" ? <p>{t("lists.bulk.delete_confirm")}</p> : null}
        </form>
      )}
    </Dialog>
  );
}

function BulkReport({ outcome, names, deleting }: { outcome: BulkOutcome; names: Map<number, string>; deleting: boolean }) {
  const t = useT();
  const name = (id: number) => names.get(id) ?? `#${id}`;
  return (
    <div className="list-bulk-report" role="alert">
      {outcome.done.length ? (
        <p>{t(deleting ? "lists.bulk.deleted" : "lists.bulk.changed", { count: outcome.done.length })}</p>
      ) : null}
      {outcome.errors.length ? (
        <>
          <p>{t("lists.bulk.refused", { count: outcome.errors.length })}</p>
          <ul>
            {outcome.errors.map((item) => (
              <li key={item.id}>
                <strong>{name(item.id)}</strong>: {item.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {outcome.failure ? (
        <p>
          {t("lists.bulk.failed", { count: outcome.skipped.length })} {outcome.failure}
        </p>
      ) : null}
    </div>
  );
}
