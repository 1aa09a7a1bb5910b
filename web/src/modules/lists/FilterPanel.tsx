// The filters of a list: responsible user, tags, created/updated dates, pipeline and stage (leads) and
// simple custom field filters (a choice, a checkbox, a number range, an exact text or phone).
// Every change applies at once (texts when they are committed: Enter or leaving the field).
import { useEffect, useState, type KeyboardEvent } from "react";

import { useT } from "../../i18n";
import { Button, IconButton, Select, TextField } from "../../ui";
import type { Field, Pipeline, User } from "./data";
import { clearFilters, filterCount, type EntityKind, type FieldFilter, type ListState } from "./listState";

const CHOICE = new Set(["select", "multiselect", "radiobutton"]);
const NUMBER = new Set(["numeric", "price", "monetary"]);
const TEXT = new Set(["text", "textarea", "url", "multitext", "streetaddress"]);

export type FilterKind = "choice" | "checkbox" | "range" | "text";

/** How a field can be filtered here, or null when it cannot (files, dates, addresses…). */
export function filterKind(field: Pick<Field, "type" | "enums">): FilterKind | null {
  if (CHOICE.has(field.type) && field.enums?.length) return "choice";
  if (field.type === "checkbox") return "checkbox";
  if (NUMBER.has(field.type)) return "range";
  if (TEXT.has(field.type)) return "text";
  return null;
}

interface Props {
  id: string;
  kind: EntityKind;
  state: ListState;
  onChange: (next: ListState) => void;
  users: readonly User[];
  pipelines: readonly Pipeline[];
  fields: readonly Field[];
  tagNames: readonly string[];
}

/** A text input that applies its value on Enter or when the focus leaves it. */
function CommitField(props: { label: string; value: string; onCommit: (value: string) => void; list?: string; hint?: string; type?: string }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const commit = () => text !== props.value && props.onCommit(text);
  return (
    <TextField
      label={props.label}
      hint={props.hint}
      value={text}
      type={props.type}
      list={props.list}
      onChange={(event) => setText(event.target.value)}
      onBlur={commit}
      onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => event.key === "Enter" && commit()}
    />
  );
}

export function FilterPanel({ id, kind, state, onChange, users, pipelines, fields, tagNames }: Props) {
  const t = useT();
  const [adding, setAdding] = useState("");
  const set = (patch: Partial<ListState>) => onChange({ ...state, ...patch });
  const setField = (fieldId: number, filter: FieldFilter | null) => {
    const next = { ...state.fields };
    if (filter === null) delete next[fieldId];
    else next[fieldId] = filter;
    set({ fields: next });
  };
  const pipeline = pipelines.find((item) => item.id === state.pipeline);
  const filterable = fields.filter((field) => filterKind(field) !== null);
  const tagList = `${id}-tags`;

  return (
    <section id={id} className="list-filters" aria-label={t("lists.filters")}>
      <div className="list-filter-grid">
        <Select
          label={t("lists.filter.responsible")}
          placeholder={t("lists.filter.anyone")}
          value={state.users[0] ?? ""}
          options={users.map((user) => ({ value: user.id, label: user.name }))}
          onChange={(event) => set({ users: event.target.value ? [Number(event.target.value)] : [] })}
        />
        <CommitField
          label={t("lists.filter.tags")}
          hint={t("lists.filter.tags_hint")}
          list={tagList}
          value={state.tags.join(", ")}
          onCommit={(value) => set({ tags: value.split(",").map((tag) => tag.trim()).filter(Boolean) })}
        />
        <datalist id={tagList}>
          {tagNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        {(["created", "updated"] as const).map((name) => (
          <fieldset key={name} className="list-filter-range">
            <legend>{t(`lists.filter.${name}`)}</legend>
            <TextField
              label={t("lists.filter.from")}
              type="date"
              value={state[name].from ?? ""}
              onChange={(event) => set({ [name]: { ...state[name], from: event.target.value || undefined } })}
            />
            <TextField
              label={t("lists.filter.to")}
              type="date"
              value={state[name].to ?? ""}
              onChange={(event) => set({ [name]: { ...state[name], to: event.target.value || undefined } })}
            />
          </fieldset>
        ))}
        {kind === "leads" ? (
          <>
            <Select
              label={t("lists.filter.pipeline")}
              placeholder={t("lists.filter.any_pipeline")}
              value={state.pipeline ?? ""}
              options={pipelines.map((item) => ({ value: item.id, label: item.name }))}
              onChange={(event) => set({ pipeline: event.target.value ? Number(event.target.value) : null, statuses: [] })}
            />
            <Select
              label={t("lists.filter.stage")}
              placeholder={t("lists.filter.any_stage")}
              disabled={!pipeline}
              value={state.statuses[0] ?? ""}
              options={(pipeline?._embedded.statuses ?? []).map((stage) => ({ value: stage.id, label: stage.name }))}
              onChange={(event) => set({ statuses: event.target.value ? [Number(event.target.value)] : [] })}
            />
          </>
        ) : null}
      </div>

      {Object.entries(state.fields).map(([fieldId, filter]) => {
        const field = fields.find((item) => String(item.id) === fieldId);
        if (!field) return null;
        return (
          <FieldFilterRow key={fieldId} field={field} filter={filter} onChange={(next) => setField(field.id, next)} />
        );
      })}

      <div className="list-filter-actions">
        {filterable.length ? (
          <Select
            label={t("lists.filter.add_field")}
            value={adding}
            placeholder={t("lists.filter.choose_field")}
            options={filterable
              .filter((field) => !(String(field.id) in state.fields))
              .map((field) => ({ value: field.id, label: field.name }))}
            onChange={(event) => {
              const field = filterable.find((item) => String(item.id) === event.target.value);
              setAdding("");
              if (!field) return;
              const kindOf = filterKind(field);
              setField(field.id, kindOf === "range" ? { from: "" } : { value: kindOf === "checkbox" ? "1" : "" });
            }}
          />
        ) : null}
        <Button variant="ghost" disabled={filterCount(state) === 0} onClick={() => onChange(clearFilters(state))}>
          {t("lists.filter.clear")}
        </Button>
      </div>
    </section>
  );
}

function FieldFilterRow({ field, filter, onChange }: {
  field: Field;
  filter: FieldFilter;
  onChange: (next: FieldFilter | null) => void;
}) {
  const t = useT();
  const kind = filterKind(field);
  const value = "value" in filter ? filter.value : "";
  let input;
  if (kind === "choice") {
    input = (
      <Select
        label={field.name}
        placeholder={t("lists.filter.choose_value")}
        value={value}
        options={(field.enums ?? []).map((item) => ({ value: item.id, label: item.value }))}
        onChange={(event) => onChange({ value: event.target.value })}
      />
    );
  } else if (kind === "checkbox") {
    input = (
      <Select
        label={field.name}
        value={value || "1"}
        options={[
          { value: "1", label: t("lists.yes") },
          { value: "0", label: t("lists.no") },
        ]}
        onChange={(event) => onChange({ value: event.target.value })}
      />
    );
  } else if (kind === "range") {
    const range = "value" in filter ? {} : filter;
    input = (
      <fieldset className="list-filter-range">
        <legend>{field.name}</legend>
        <CommitField label={t("lists.filter.min")} type="number" value={range.from ?? ""} onCommit={(from) => onChange({ ...range, from })} />
        <CommitField label={t("lists.filter.max")} type="number" value={range.to ?? ""} onCommit={(to) => onChange({ ...range, to })} />
      </fieldset>
    );
  } else {
    input = (
      <CommitField label={field.name} hint={t("lists.filter.exact")} value={value} onCommit={(text) => onChange({ value: text })} />
    );
  }
  return (
    <div className="list-filter-field">
      {input}
      <IconButton label={t("lists.filter.remove", { name: field.name })} icon="✕" onClick={() => onChange(null)} />
    </div>
  );
}

