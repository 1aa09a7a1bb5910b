// The input of each custom-field type (editorKind in fieldValues.ts), inside an InlineEdit.
import type { ReactNode } from "react";

import { useT, type MessageKey } from "../../i18n";
import { IconButton } from "../../ui";
import { editorAttrs, type EditorProps } from "./InlineEdit";
import type { FieldDef } from "./kinds";
import { searchCards } from "./links";
import { ADDRESS_PARTS, OBJECT_KEYS, isMultiValue, type Draft, type LinkedItem } from "./fieldValues";
import { Picker, type PickOption } from "./Picker";

type T = ReturnType<typeof useT>;

const ENUM_CODES: Record<string, MessageKey> = {
  WORK: "cards.enum.WORK",
  WORKDD: "cards.enum.WORKDD",
  MOB: "cards.enum.MOB",
  FAX: "cards.enum.FAX",
  HOME: "cards.enum.HOME",
  OTHER: "cards.enum.OTHER",
  PRIV: "cards.enum.PRIV",
};

/** WORK → "Work"; other enums show their own text. */
export function enumLabel(t: T, code: string | null | undefined, value: string): string {
  const key = code ? ENUM_CODES[code.toUpperCase()] : undefined;
  return key ? t(key) : value;
}

const OBJECT_LABELS: Record<string, MessageKey> = {
  name: "cards.obj.name",
  entity_type: "cards.obj.entity_type",
  vat_id: "cards.obj.vat_id",
  tax_registration_reason_code: "cards.obj.tax_registration_reason_code",
  address: "cards.obj.address",
  real_address: "cards.obj.real_address",
  kpp: "cards.obj.kpp",
  bank_code: "cards.obj.bank_code",
  external_uid: "cards.obj.external_uid",
  unp: "cards.obj.unp",
  bin: "cards.obj.bin",
  egrpou: "cards.obj.egrpou",
  mfo: "cards.obj.mfo",
  bank_account_number: "cards.obj.bank_account_number",
  oked: "cards.obj.oked",
  director: "cards.obj.director",
  entity_id: "cards.obj.entity_id",
  phone: "cards.obj.phone",
  email: "cards.obj.email",
  type: "cards.obj.type",
};

const ADDRESS_LABELS: Record<(typeof ADDRESS_PARTS)[number], MessageKey> = {
  address_line_1: "cards.address.address_line_1",
  address_line_2: "cards.address.address_line_2",
  city: "cards.address.city",
  state: "cards.address.state",
  zip: "cards.address.zip",
  country: "cards.address.country",
};

interface Props extends EditorProps<Draft> {
  field: FieldDef;
  label: string;
}

const inputProps = (p: Props, first: boolean) => editorAttrs(p, first);

/** The editor of `field` for its current draft. */
export function FieldEditor(p: Props): ReactNode {
  const t = useT();
  const { draft, setDraft, field } = p;
  switch (draft.kind) {
    case "text":
    case "number":
      return (
        <input
          type="text"
          inputMode={draft.kind === "number" ? "decimal" : field.type === "url" ? "url" : undefined}
          value={draft.text}
          onChange={(event) => setDraft({ ...draft, text: event.target.value })}
          {...inputProps(p, true)}
        />
      );
    case "textarea":
      return (
        <textarea
          rows={3}
          value={draft.text}
          onChange={(event) => setDraft({ ...draft, text: event.target.value })}
          {...inputProps(p, true)}
        />
      );
    case "date":
    case "datetime":
      return (
        <input
          type={draft.kind === "date" ? "date" : "datetime-local"}
          value={draft.text}
          onChange={(event) => setDraft({ ...draft, text: event.target.value })}
          {...inputProps(p, true)}
        />
      );
    case "checkbox":
      return (
        <input
          type="checkbox"
          checked={draft.checked}
          onChange={(event) => setDraft({ ...draft, checked: event.target.checked })}
          {...inputProps(p, true)}
        />
      );
    case "select":
      return (
        <select
          value={draft.enumId}
          onChange={(event) => setDraft({ ...draft, enumId: event.target.value })}
          {...inputProps(p, true)}
        >
          <option value="">{t("cards.none")}</option>
          {(field.enums ?? []).map((item) => (
            <option key={item.id} value={item.id}>
              {item.value}
            </option>
          ))}
        </select>
      );
    case "radio":
      return (
        <div className="inline-choices" role="radiogroup" aria-label={p.label}>
          {[{ id: "", value: t("cards.none") }, ...(field.enums ?? [])].map((item, index) => (
            <label key={item.id} className="inline-choice">
              <input
                type="radio"
                name={`${p.inputId}-radio`}
                checked={draft.enumId === String(item.id)}
                onChange={() => setDraft({ ...draft, enumId: String(item.id) })}
                {...inputProps(p, index === 0)}
              />
              {item.value}
            </label>
          ))}
        </div>
      );
    case "multiselect":
      return (
        <div className="inline-choices">
          {(field.enums ?? []).map((item, index) => {
            const id = String(item.id);
            const checked = draft.enumIds.includes(id);
            return (
              <label key={item.id} className="inline-choice">
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() =>
                    setDraft({
                      ...draft,
                      enumIds: checked ? draft.enumIds.filter((one) => one !== id) : [...draft.enumIds, id],
                    })
                  }
                  {...inputProps(p, index === 0)}
                />
                {item.value}
              </label>
            );
          })}
        </div>
      );
    case "multitext":
      return <MultitextEditor {...p} draft={draft} />;
    case "address":
      return (
        <div className="inline-grid">
          {ADDRESS_PARTS.map((part, index) => (
            <label key={part} className="inline-sub">
              <span>{t(ADDRESS_LABELS[part])}</span>
              <input
                type="text"
                value={draft.parts[part]}
                onChange={(event) => setDraft({ ...draft, parts: { ...draft.parts, [part]: event.target.value } })}
                {...inputProps(p, index === 0)}
              />
            </label>
          ))}
        </div>
      );
    case "object":
      return <ObjectEditor {...p} draft={draft} />;
    case "linked":
      return <LinkedEditor {...p} draft={draft} />;
    default:
      return null;
  }
}

function MultitextEditor(p: Props & { draft: Extract<Draft, { kind: "multitext" }> }) {
  const t = useT();
  const { draft, setDraft, field } = p;
  const rows = draft.rows;
  const put = (index: number, change: Partial<(typeof rows)[number]>) =>
    setDraft({ ...draft, rows: rows.map((row, i) => (i === index ? { ...row, ...change } : row)) });
  const type = field.code === "EMAIL" ? "email" : field.code === "PHONE" ? "tel" : "text";
  return (
    <div className="inline-rows">
      {rows.map((row, index) => (
        <div className="inline-row" key={index}>
          <input
            type={type}
            value={row.value}
            aria-label={t("cards.value_n", { field: p.label, n: index + 1 })}
            onChange={(event) => put(index, { value: event.target.value })}
            {...inputProps(p, index === 0)}
          />
          <select
            value={row.enumId}
            aria-label={t("cards.value_kind", { field: p.label, n: index + 1 })}
            onChange={(event) => put(index, { enumId: event.target.value })}
            disabled={p.disabled}
          >
            {(field.enums ?? []).map((item) => (
              <option key={item.id} value={item.id}>
                {enumLabel(t, item.code, item.value)}
              </option>
            ))}
          </select>
          <IconButton
            label={t("cards.remove_value", { n: index + 1 })}
            icon="✕"
            disabled={p.disabled}
            onClick={() => setDraft({ ...draft, rows: rows.filter((_, i) => i !== index) })}
          />
        </div>
      ))}
      <button
        type="button"
        className="btn btn-ghost inline-add"
        disabled={p.disabled}
        onClick={() =>
          setDraft({
            ...draft,
            rows: [...rows, { value: "", enumId: rows[rows.length - 1]?.enumId ?? String(field.enums?.[0]?.id ?? "") }],
          })
        }
      >
        + {t("cards.add_value")}
      </button>
    </div>
  );
}

function ObjectEditor(p: Props & { draft: Extract<Draft, { kind: "object" }> }) {
  const t = useT();
  const { draft, setDraft, field } = p;
  const keys = OBJECT_KEYS[field.type] ?? [];
  const put = (index: number, key: string, value: string) =>
    setDraft({
      ...draft,
      entries: draft.entries.map((entry, i) => (i === index ? { ...entry, [key]: value } : entry)),
    });
  const blank = Object.fromEntries(keys.map(([key]) => [key, ""]));
  return (
    <div className="inline-rows">
      {draft.entries.map((entry, index) => (
        <div className="inline-grid inline-object" key={index}>
          {keys.map(([key], k) => (
            <label key={key} className="inline-sub">
              <span>{t(OBJECT_LABELS[key] ?? "cards.obj.name")}</span>
              {field.type === "legal_entity" && key === "entity_type" ? (
                <select
                  value={entry[key] ?? ""}
                  onChange={(event) => put(index, key, event.target.value)}
                  disabled={p.disabled}
                >
                  <option value="">{t("cards.none")}</option>
                  <option value="1">{t("cards.obj.entrepreneur")}</option>
                  <option value="2">{t("cards.obj.legal_person")}</option>
                </select>
              ) : (
                <input
                  type="text"
                  value={entry[key] ?? ""}
                  onChange={(event) => put(index, key, event.target.value)}
                  {...inputProps(p, index === 0 && k === 0)}
                />
              )}
            </label>
          ))}
          {draft.entries.length > 1 ? (
            <IconButton
              label={t("cards.remove_value", { n: index + 1 })}
              icon="✕"
              disabled={p.disabled}
              onClick={() => setDraft({ ...draft, entries: draft.entries.filter((_, i) => i !== index) })}
            />
          ) : null}
        </div>
      ))}
      {isMultiValue(field.type) ? (
        <button
          type="button"
          className="btn btn-ghost inline-add"
          disabled={p.disabled}
          onClick={() => setDraft({ ...draft, entries: [...draft.entries, blank] })}
        >
          + {t("cards.add_value")}
        </button>
      ) : null}
    </div>
  );
}

function LinkedEditor(p: Props & { draft: Extract<Draft, { kind: "linked" }> }) {
  const t = useT();
  const { draft, setDraft, field } = p;
  const searchIn = field.search_in ?? "contacts_and_companies";
  const targets = (searchIn === "contacts" || searchIn === "companies" ? [searchIn] : ["contacts", "companies"]) as (
    | "contacts"
    | "companies"
  )[];
  async function search(text: string): Promise<PickOption[]> {
    const found = await Promise.all(
      targets.map(async (target) => (await searchCards(target, text)).map((option) => ({ ...option, kind: target }))),
    );
    return found
      .flat()
      .filter(
        (option) => !draft.items.some((item) => item.entity_id === option.id && item.entity_type === option.kind),
      );
  }
  function pick(option: PickOption) {
    const item: LinkedItem = { name: option.label, entity_id: option.id, entity_type: option.kind ?? targets[0]! };
    setDraft({ ...draft, items: [...draft.items, item] });
  }
  return (
    <div className="inline-rows">
      <ul className="inline-linked">
        {draft.items.map((item, index) => (
          <li key={`${item.entity_type}-${item.entity_id}`}>
            <span>{item.name || `#${item.entity_id}`}</span>
            <IconButton
              label={t("cards.remove_named", { name: item.name || `#${item.entity_id}` })}
              icon="✕"
              disabled={p.disabled}
              onClick={() => setDraft({ ...draft, items: draft.items.filter((_, i) => i !== index) })}
            />
          </li>
        ))}
      </ul>
      <Picker label={t("cards.find_card")} scope={["cards", "linked-field", field.id]} search={search} onPick={pick} />
    </div>
  );
}
