// Adding or changing a custom field: name, type (fixed once made), code, group, position, choices for the
// types that have them, type settings (currency, birthday reminder, where a linked entity is searched), the
// stages where it is required, and whether only the API may fill it. Predefined fields follow the API's
// rules: their code never changes and their coded choices stay.
import { useState } from "react";

import { api, unwrap, type components } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useSession } from "../../api/session";
import { useT } from "../../i18n";
import { Checkbox, Select, TextField } from "../../ui";
import { EnumsEditor } from "./EnumsEditor";
import {
  enumDrafts,
  enumProblems,
  enumsPayload,
  FIELD_TYPES,
  hasEnums,
  newEnum,
  type EnumDraft,
  type Field,
  type FieldEntity,
  type FieldGroup,
  type FieldType,
} from "./fields";
import { FormDialog, useSettingsMutation } from "./parts";
import { fieldPath, fieldsPath } from "./settingsApi";
import { ordered, type Pipeline } from "./stages";

type FieldPatch = components["schemas"]["FieldPatch"];
type Currency = NonNullable<FieldPatch["currency"]>;
type Remind = NonNullable<FieldPatch["remind"]>;
const REMINDS: Remind[] = ["never", "day", "week", "month"];
const SEARCH_IN = ["contacts", "companies", "contacts_and_companies"] as const;

interface Draft {
  name: string;
  type: FieldType;
  code: string;
  groupId: string;
  sort: string;
  enums: EnumDraft[];
  required: Set<string>;
  isApiOnly: boolean;
  currency: string;
  remind: string;
  searchIn: string;
}

function draftOf(field: Field | null, groupId: string | null): Draft {
  return {
    name: field?.name ?? "",
    type: field?.type ?? "text",
    code: field?.code ?? "",
    groupId: field ? field.group_id ?? "" : groupId ?? "",
    sort: field ? String(field.sort) : "",
    enums: field ? enumDrafts(field) : [newEnum(), newEnum()],
    required: new Set((field?.required_statuses ?? []).map((s) => `${s.pipeline_id}:${s.status_id}`)),
    isApiOnly: field?.is_api_only ?? false,
    currency: field?.currency ?? "",
    remind: field?.remind ?? "",
    searchIn: field?.search_in ?? "",
  };
}

export function FieldDialog(props: {
  entity: FieldEntity;
  field: Field | null;
  /** The group a new field starts in. */
  groupId?: string | null;
  groups: FieldGroup[];
  pipelines: Pipeline[];
  onClose: () => void;
}) {
  const { entity, field } = props;
  const t = useT();
  const { account } = useSession();
  const [draft, setDraft] = useState<Draft>(() => draftOf(field, props.groupId ?? null));
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const save = useSettingsMutation({
    run: async (body: Record<string, unknown>) => {
      if (field) await unwrap(api.PATCH(fieldPath(entity), { params: { path: { field_id: field.id } }, body: body as FieldPatch }));
      else await unwrap(api.POST(fieldsPath(entity), { body: [body as components["schemas"]["FieldIn"]] }));
    },
    touches: ["custom_fields"],
    done: field ? t("settings.saved") : t("settings.fields.added", { name: draft.name.trim() }),
    onSuccess: props.onClose,
  });

  const problems = enumProblems(draft.type, draft.enums);
  const withEnums = hasEnums(draft.type);
  const local: Record<string, string> = {};
  if (checked && withEnums && problems.empty) local.enums = t("settings.fields.choices_needed");
  if (checked && withEnums && problems.duplicates.length)
    local.enums = t("settings.fields.choices_twice", { values: problems.duplicates.join(", ") });
  const errors = { ...fieldErrors(save.error, "0"), ...local };

  function submit() {
    setChecked(true);
    if (withEnums && (problems.empty || problems.duplicates.length)) return;
    const body: Record<string, unknown> = {
      name: draft.name.trim(),
      group_id: draft.groupId || null,
      is_api_only: draft.isApiOnly,
      required_statuses: [...draft.required].sort().map((key) => {
        const [pipeline_id, status_id] = key.split(":").map(Number);
        return { pipeline_id, status_id };
      }),
    };
    if (!field) body.type = draft.type;
    if (!field?.is_predefined) body.code = draft.code.trim() || null;
    if (draft.sort.trim() !== "") body.sort = Number(draft.sort);
    if (withEnums) body.enums = enumsPayload(draft.enums);
    if (draft.type === "monetary" && draft.currency.trim()) body.currency = draft.currency.trim().toUpperCase() as Currency;
    if (draft.type === "birthday") body.remind = draft.remind || null;
    if (draft.type === "linked_entity") body.search_in = draft.searchIn || null;
    save.mutate(body);
  }

  const typeLabel = (type: FieldType) => t(`settings.fields.type.${type}`);
  return (
    <FormDialog
      size="large"
      title={field ? t("settings.fields.edit_title", { name: field.name }) : t("settings.fields.add")}
      submit={field ? t("common.save") : t("common.create")}
      busy={save.isPending}
      onClose={props.onClose}
      onSubmit={submit}
    >
      <div className="field-form-grid">
        <TextField label={t("settings.fields.name")} value={draft.name} required maxLength={255} error={errors.name}
          onChange={(e) => set("name", e.target.value)} />
        <Select
          label={t("settings.fields.type_label")}
          value={draft.type}
          disabled={field !== null}
          hint={field ? t("settings.fields.type_fixed") : undefined}
          error={errors.type}
          options={FIELD_TYPES.map((type) => ({ value: type, label: typeLabel(type) }))}
          onChange={(e) => set("type", e.target.value as FieldType)}
        />
        <TextField
          label={t("settings.fields.code")}
          value={draft.code}
          maxLength={64}
          disabled={field?.is_predefined}
          hint={field?.is_predefined ? t("settings.fields.code_predefined") : t("settings.fields.code_hint")}
          error={errors.code}
          onChange={(e) => set("code", e.target.value)}
        />
        <Select
          label={t("settings.fields.group")}
          value={draft.groupId}
          error={errors.group_id}
          options={[{ value: "", label: t("settings.fields.no_group") }, ...props.groups.map((g) => ({ value: g.id, label: g.name }))]}
          onChange={(e) => set("groupId", e.target.value)}
        />
        <TextField label={t("settings.fields.sort")} type="number" inputMode="numeric" value={draft.sort}
          hint={t("settings.fields.sort_hint")} error={errors.sort} onChange={(e) => set("sort", e.target.value)} />
        {draft.type === "monetary" ? (
          <TextField label={t("settings.fields.currency")} value={draft.currency} maxLength={3}
            placeholder={account.currency} hint={t("settings.fields.currency_hint", { currency: account.currency })}
            error={errors.currency} onChange={(e) => set("currency", e.target.value)} />
        ) : null}
        {draft.type === "birthday" ? (
          <Select label={t("settings.fields.remind")} value={draft.remind} error={errors.remind}
            options={[{ value: "", label: t("settings.fields.remind_unset") },
              ...REMINDS.map((r) => ({ value: r, label: t(`settings.fields.remind_${r}`) }))]}
            onChange={(e) => set("remind", e.target.value)} />
        ) : null}
        {draft.type === "linked_entity" ? (
          <Select label={t("settings.fields.search_in")} value={draft.searchIn} error={errors.search_in}
            options={[{ value: "", label: t("settings.fields.search_in_unset") },
              ...SEARCH_IN.map((s) => ({ value: s, label: t(`settings.fields.search_in_${s}`) }))]}
            onChange={(e) => set("searchIn", e.target.value)} />
        ) : null}
      </div>
      <Checkbox label={t("settings.fields.api_only")} hint={t("settings.fields.api_only_hint")} checked={draft.isApiOnly}
        onChange={(e) => set("isApiOnly", e.target.checked)} />
      {withEnums ? (
        <EnumsEditor legend={t("settings.fields.choices")} items={draft.enums} errors={errors} onChange={(items) => set("enums", items)} />
      ) : null}
      <RequiredStages pipelines={props.pipelines} chosen={draft.required} error={errors.required_statuses}
        onChange={(required) => set("required", required)} />
    </FormDialog>
  );
}

function RequiredStages(props: { pipelines: Pipeline[]; chosen: Set<string>; error?: string; onChange: (next: Set<string>) => void }) {
  const t = useT();
  const toggle = (key: string, on: boolean) => {
    const next = new Set(props.chosen);
    if (on) next.add(key);
    else next.delete(key);
    props.onChange(next);
  };
  return (
    <details className="required-stages" open={props.chosen.size > 0}>
      <summary>{t("settings.fields.required", { count: props.chosen.size })}</summary>
      <p className="settings-hint">{t("settings.fields.required_hint")}</p>
      {props.error ? <p className="field-error">{props.error}</p> : null}
      {props.pipelines.map((pipeline) => (
        <fieldset key={pipeline.id} className="required-pipeline">
          <legend>{pipeline.name}</legend>
          {ordered(pipeline._embedded.statuses).map((stage) => {
            const key = `${pipeline.id}:${stage.id}`;
            return (
              <Checkbox key={key} label={stage.name} checked={props.chosen.has(key)}
                onChange={(e) => toggle(key, e.target.checked)} />
            );
          })}
        </fieldset>
      ))}
    </details>
  );
}
