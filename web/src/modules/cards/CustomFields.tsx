// The card's custom fields, grouped by their field groups (tabs), each edited in place with its type's input.
import { useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

import { useSession } from "../../api/session";
import { useT } from "../../i18n";
import { ErrorState, useFormat } from "../../ui";
import { patchEntity, refreshCard, useFieldDefs, useFieldGroups } from "./data";
import { enumLabel, FieldEditor } from "./FieldEditors";
import {
  editorKind,
  fromDraft,
  isEditable,
  isUnchanged,
  toDraft,
  valueLines,
  type Draft,
  type ValueEl,
} from "./fieldValues";
import { InlineEdit } from "./InlineEdit";
import type { Entity, FieldDef, Kind } from "./kinds";
import { saveError } from "./saveErrors";

const GROUPED = new Set(["radio", "multiselect", "multitext", "address", "object", "linked"]);

function valuesOf(entity: Entity, fieldId: number): ValueEl[] | undefined {
  return entity.custom_fields_values?.find((item) => item.field_id === fieldId)?.values;
}

/** May the UI write this field? (Linked entities of a list, `search_in` a catalog id, are not searchable here.) */
function writable(field: FieldDef): boolean {
  if (!isEditable(field)) return false;
  return !(field.type === "linked_entity" && field.search_in && /^\d+$/.test(field.search_in));
}

function useSaveField(kind: Kind, id: number) {
  const client = useQueryClient();
  return async (field: FieldDef, values: ValueEl[] | null) => {
    await patchEntity(kind, id, { custom_fields_values: [{ field_id: field.id, values }] });
    await refreshCard(client, kind, id);
  };
}

function Lines({ lines }: { lines: string[] }) {
  if (lines.length <= 1) return <>{lines[0] ?? ""}</>;
  return (
    <span className="inline-lines">
      {lines.map((line, index) => (
        <span key={index}>{line}</span>
      ))}
    </span>
  );
}

function CheckboxField({ field, entity, kind }: { field: FieldDef; entity: Entity; kind: Kind }) {
  const t = useT();
  const save = useSaveField(kind, entity.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const checked = valuesOf(entity, field.id)?.[0]?.value === true;
  return (
    <div className={error ? "inline-field field-invalid" : "inline-field"}>
      <label className="inline-label" htmlFor={id}>
        {field.name}
      </label>
      <span className="inline-value inline-check">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={busy}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={async (event) => {
            setBusy(true);
            setError(null);
            try {
              await save(field, [{ value: event.target.checked }]);
            } catch (failure) {
              setError(saveError(failure, ["custom_fields_values.0"], t("cards.save_failed")));
            } finally {
              setBusy(false);
            }
          }}
        />
      </span>
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function CustomField({ field, entity, kind }: { field: FieldDef; entity: Entity; kind: Kind }) {
  const t = useT();
  const format = useFormat();
  const { account } = useSession();
  const save = useSaveField(kind, entity.id);
  const values = valuesOf(entity, field.id);
  const editorType = editorKind(field.type);
  if (editorType === "checkbox" && writable(field)) return <CheckboxField field={field} entity={entity} kind={kind} />;
  const lines = valueLines(field, values, {
    locale: format.locale,
    currency: account.currency,
    yes: t("cards.yes"),
    no: t("cards.no"),
    enumLabel: (code, value) => enumLabel(t, code, value),
  });
  return (
    <InlineEdit<Draft>
      label={field.name}
      display={lines.length ? <Lines lines={lines} /> : null}
      displayText={lines.join(", ")}
      editable={writable(field)}
      start={() => toDraft(field, values)}
      unchanged={(draft) => isUnchanged(field, values, draft)}
      save={(draft) => save(field, fromDraft(field, draft) ?? null)}
      errorPaths={["custom_fields_values.0"]}
      group={GROUPED.has(editorType)}
      enterSaves={editorType !== "textarea"}
      editor={(props) => <FieldEditor {...props} field={field} label={field.name} />}
    />
  );
}

interface Tab {
  id: string;
  name: string;
  fields: FieldDef[];
}

/** Fields by tab: the main tab first (fields of no group, or of a group the account no longer has), then the
 * groups in their order; empty groups are left out. */
export function tabsOf(
  fields: readonly FieldDef[],
  groups: readonly { id: string; name: string; sort: number }[],
  mainName: string,
): Tab[] {
  const sorted = [...fields].sort((a, b) => a.sort - b.sort || a.id - b.id);
  const known = new Set(groups.map((group) => group.id));
  const main: Tab = {
    id: "main",
    name: mainName,
    fields: sorted.filter((field) => !field.group_id || !known.has(field.group_id)),
  };
  const others = [...groups]
    .sort((a, b) => a.sort - b.sort)
    .map((group) => ({ id: group.id, name: group.name, fields: sorted.filter((field) => field.group_id === group.id) }))
    .filter((tab) => tab.fields.length > 0);
  return [main, ...others];
}

export function CardFields({ kind, entity, predefined }: { kind: Kind; entity: Entity; predefined: ReactNode }) {
  const t = useT();
  const defs = useFieldDefs(kind);
  const groups = useFieldGroups(kind);
  const tabs = useMemo(
    () => tabsOf(defs.data ?? [], groups.data ?? [], t("cards.tab_main")),
    [defs.data, groups.data, t],
  );
  const [selected, setSelected] = useState("main");
  const base = useId();
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0]!;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.findIndex((tab) => tab.id === current.id);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length]!;
    setSelected(next.id);
    tabRefs.current[next.id]?.focus();
  }

  const panel = (
    <div className="card-fields">
      {current.id === "main" ? predefined : null}
      {defs.isError ? (
        <ErrorState error={defs.error} title={t("cards.fields_failed")} onRetry={() => void defs.refetch()} />
      ) : null}
      {current.fields.map((field) => (
        <CustomField key={field.id} field={field} entity={entity} kind={kind} />
      ))}
    </div>
  );
  if (tabs.length === 1) return panel;
  return (
    <div className="card-tabs">
      <div role="tablist" aria-label={t("cards.field_groups")} className="tablist" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              tabRefs.current[tab.id] = element;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.id}`}
            aria-selected={tab.id === current.id}
            aria-controls={`${base}-panel`}
            tabIndex={tab.id === current.id ? 0 : -1}
            className="tab"
            onClick={() => setSelected(tab.id)}
          >
            {tab.name}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current.id}`}>
        {panel}
      </div>
    </div>
  );
}
