// Custom-field values (spec §12.4) ↔ what an input edits (a Draft), per field type, and their readable text.
// No React here: fieldValues.test.ts covers every type.
import { formatDate, formatDateTime, formatMoney, formatNumber } from "../../ui/format";
import type { FieldDef } from "./kinds";

/** What the conversions read of a field definition (a `type` string: newer servers may send new types). */
export interface FieldShape {
  type: string;
  enums?: FieldDef["enums"];
  currency?: string | null;
}

/** One element of a field's `values`, as the API sends and takes it. */
export type ValueEl = Record<string, unknown>;

export type EditorKind =
  | "text"
  | "textarea"
  | "number"
  | "checkbox"
  | "select"
  | "radio"
  | "multiselect"
  | "date"
  | "datetime"
  | "multitext"
  | "address"
  | "object"
  | "linked"
  | "readonly";

const EDITORS: Record<string, EditorKind> = {
  text: "text",
  url: "text",
  tracking_data: "text",
  org_legal_name: "text",
  textarea: "textarea",
  streetaddress: "textarea",
  numeric: "number",
  price: "number",
  monetary: "number",
  checkbox: "checkbox",
  select: "select",
  category: "select",
  radiobutton: "radio",
  multiselect: "multiselect",
  date: "date",
  birthday: "date",
  date_time: "datetime",
  multitext: "multitext",
  smart_address: "address",
  legal_entity: "object",
  payer: "object",
  supplier: "object",
  linked_entity: "linked",
  // items (invoice lines), file, chained_list and any type Kanbo does not know yet: shown, not edited
};

/** The input a field of `type` gets ("readonly" when it has none). */
export function editorKind(type: string): EditorKind {
  return EDITORS[type] ?? "readonly";
}

/** Whether the UI may change the field (API-only and computed fields are written by integrations only). */
export function isEditable(field: { type: string; is_api_only?: boolean; is_computed?: boolean }): boolean {
  return editorKind(field.type) !== "readonly" && !field.is_api_only && !field.is_computed;
}

export const ADDRESS_PARTS = ["address_line_1", "address_line_2", "city", "state", "zip", "country"] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];

/** The keys of object-valued types, in the order of Kanbo's schema (custom_fields/types.py); "int" keys are numbers. */
export const OBJECT_KEYS: Record<string, readonly (readonly [string, "str" | "int"])[]> = {
  legal_entity: [
    ["name", "str"],
    ["entity_type", "int"],
    ["vat_id", "str"],
    ["tax_registration_reason_code", "str"],
    ["address", "str"],
    ["real_address", "str"],
    ["kpp", "str"],
    ["bank_code", "str"],
    ["external_uid", "str"],
    ["unp", "str"],
    ["bin", "str"],
    ["egrpou", "str"],
    ["mfo", "str"],
    ["bank_account_number", "str"],
    ["oked", "str"],
    ["director", "str"],
  ],
  payer: [
    ["name", "str"],
    ["vat_id", "str"],
    ["kpp", "str"],
    ["tax_registration_reason_code", "str"],
    ["address", "str"],
    ["entity_type", "str"],
    ["entity_id", "int"],
    ["bank_code", "str"],
    ["unp", "str"],
    ["bin", "str"],
    ["egrpou", "str"],
    ["real_address", "str"],
    ["mfo", "str"],
    ["bank_account_number", "str"],
    ["oked", "str"],
    ["director", "str"],
    ["phone", "str"],
    ["email", "str"],
    ["type", "str"],
  ],
  supplier: [
    ["entity_id", "int"],
    ["name", "str"],
    ["vat_id", "str"],
    ["kpp", "str"],
    ["tax_registration_reason_code", "str"],
    ["bank_code", "str"],
    ["address", "str"],
    ["bank_account_number", "str"],
  ],
};

/** Types that hold several values (types.py MULTI_VALUE_TYPES). */
const MULTI = new Set([
  "multiselect",
  "multitext",
  "smart_address",
  "items",
  "linked_entity",
  "chained_list",
  "legal_entity",
  "file",
]);

export function isMultiValue(type: string): boolean {
  return MULTI.has(type);
}

export interface MultitextRow {
  value: string;
  enumId: string; // "" lets the server pick the field's first enum
}

export interface LinkedItem {
  name: string;
  entity_id: number;
  entity_type: string;
  catalog_id?: number | null;
}

export type Draft =
  | { kind: "text" | "textarea" | "number" | "date" | "datetime"; text: string }
  | { kind: "checkbox"; checked: boolean }
  | { kind: "select" | "radio"; enumId: string }
  | { kind: "multiselect"; enumIds: string[] }
  | { kind: "multitext"; rows: MultitextRow[] }
  | { kind: "address"; parts: Record<AddressPart, string> }
  | { kind: "object"; entries: Record<string, string>[] }
  | { kind: "linked"; items: LinkedItem[] }
  | { kind: "readonly" };

// Small conversions ---------------------------------------------------------------------------------

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Unix seconds → "YYYY-MM-DD" of that moment in UTC (dates and birthdays are midnight UTC). */
export function toDateInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** "YYYY-MM-DD" → midnight UTC in Unix seconds; null for anything else. */
export function fromDateInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 1000;
}

/** Unix seconds → "YYYY-MM-DDTHH:mm" in the browser's time zone (a datetime-local input's value). */
export function toDateTimeInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "YYYY-MM-DDTHH:mm" (or a date and a time apart) in the browser's time zone → Unix seconds; null if malformed. */
export function fromDateTimeInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  return Math.floor(new Date(y, mo - 1, d, h, mi).getTime() / 1000);
}

/** A typed number: `1 500,5` → 1500.5; anything that is not a number goes to the API as typed (it says why). */
export function parseNumber(value: string): number | string | null {
  const compact = value.trim().replace(/[\s\u00a0]/g, "");
  if (!compact) return null;
  const normal = compact.includes(",") && !compact.includes(".") ? compact.replace(",", ".") : compact;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(normal) ? Number(normal) : value.trim();
}

function enumIdOf(element: ValueEl | undefined): string {
  const id = element?.enum_id;
  return typeof id === "number" ? String(id) : "";
}

// Values → Draft ------------------------------------------------------------------------------------

/** What the input of `field` starts with, from the field's current `values` (undefined: no value). */
export function toDraft(field: FieldShape, values: readonly ValueEl[] | undefined): Draft {
  const list = values ?? [];
  const first = list[0];
  const kind = editorKind(field.type);
  switch (kind) {
    case "text":
    case "textarea":
    case "number":
      return { kind, text: text(first?.value) };
    case "date":
      return { kind, text: typeof first?.value === "number" ? toDateInput(first.value) : "" };
    case "datetime":
      return { kind, text: typeof first?.value === "number" ? toDateTimeInput(first.value) : "" };
    case "checkbox":
      return { kind, checked: first?.value === true };
    case "select":
    case "radio":
      return { kind, enumId: enumIdOf(first) };
    case "multiselect":
      return { kind, enumIds: list.map(enumIdOf).filter(Boolean) };
    case "multitext": {
      const rows = list.map((element) => ({ value: text(element.value), enumId: enumIdOf(element) }));
      const firstEnum = field.enums?.[0];
      return { kind, rows: rows.length ? rows : [{ value: "", enumId: firstEnum ? String(firstEnum.id) : "" }] };
    }
    case "address": {
      const parts = Object.fromEntries(ADDRESS_PARTS.map((part) => [part, ""])) as Record<AddressPart, string>;
      for (const element of list) {
        const index = typeof element.enum_id === "number" ? element.enum_id - 1 : 0;
        const part = ADDRESS_PARTS[index];
        if (part) parts[part] = text(element.value);
      }
      return { kind, parts };
    }
    case "object": {
      const entries = list.map((element) => {
        const value = (element.value ?? {}) as Record<string, unknown>;
        return Object.fromEntries((OBJECT_KEYS[field.type] ?? []).map(([key]) => [key, text(value[key])]));
      });
      const empty = Object.fromEntries((OBJECT_KEYS[field.type] ?? []).map(([key]) => [key, ""]));
      return { kind, entries: entries.length ? entries : [empty] };
    }
    case "linked":
      return {
        kind,
        items: list
          .map((element) => element.value as Partial<LinkedItem> | undefined)
          .filter((value): value is LinkedItem => typeof value?.entity_id === "number")
          .map((value) => ({ ...value, name: value.name ?? "" })),
      };
    default:
      return { kind: "readonly" };
  }
}

// Draft → values ------------------------------------------------------------------------------------

/** The `values` to PATCH for `draft`: null clears the field; undefined for a read-only field (nothing to send). */
export function fromDraft(field: FieldShape, draft: Draft): ValueEl[] | null | undefined {
  switch (draft.kind) {
    case "text": {
      const value = draft.text.trim();
      return value ? [{ value }] : null;
    }
    case "textarea":
      return draft.text.trim() ? [{ value: draft.text }] : null;
    case "number": {
      const value = parseNumber(draft.text);
      return value === null ? null : [{ value }];
    }
    case "date": {
      if (!draft.text.trim()) return null;
      return [{ value: fromDateInput(draft.text) ?? draft.text.trim() }];
    }
    case "datetime": {
      if (!draft.text.trim()) return null;
      return [{ value: fromDateTimeInput(draft.text) ?? draft.text.trim() }];
    }
    case "checkbox":
      return [{ value: draft.checked }];
    case "select":
    case "radio":
      return draft.enumId ? [{ enum_id: Number(draft.enumId) }] : null;
    case "multiselect":
      return draft.enumIds.length ? draft.enumIds.map((id) => ({ enum_id: Number(id) })) : null;
    case "multitext": {
      const rows = draft.rows
        .filter((row) => row.value.trim())
        .map((row) =>
          row.enumId ? { value: row.value.trim(), enum_id: Number(row.enumId) } : { value: row.value.trim() },
        );
      return rows.length ? rows : null;
    }
    case "address": {
      const parts = ADDRESS_PARTS.map((part, index) => ({
        value: draft.parts[part].trim(),
        enum_id: index + 1,
      })).filter((part) => part.value);
      return parts.length ? parts : null;
    }
    case "object": {
      const keys = OBJECT_KEYS[field.type] ?? [];
      const objects = draft.entries
        .map((entry) => {
          const value: Record<string, string | number> = {};
          for (const [key, type] of keys) {
            const raw = (entry[key] ?? "").trim();
            if (!raw) continue;
            value[key] = type === "int" && /^\d+$/.test(raw) ? Number(raw) : raw;
          }
          return value;
        })
        .filter((value) => Object.keys(value).length > 0)
        .map((value) => ({ value }));
      return objects.length ? objects : null;
    }
    case "linked":
      return draft.items.length
        ? draft.items.map((item) => ({
            value: {
              name: item.name,
              entity_id: item.entity_id,
              entity_type: item.entity_type,
              ...(item.catalog_id ? { catalog_id: item.catalog_id } : {}),
            },
          }))
        : null;
    default:
      return undefined;
  }
}

/** Whether saving `draft` would change the field (an unchanged field is not sent). */
export function isUnchanged(field: FieldShape, current: readonly ValueEl[] | undefined, draft: Draft): boolean {
  const before = fromDraft(field, toDraft(field, current)) ?? null;
  const after = fromDraft(field, draft) ?? null;
  return JSON.stringify(before) === JSON.stringify(after);
}

// Readable text -------------------------------------------------------------------------------------

export interface TextContext {
  locale: string;
  /** The account's currency (monetary fields without their own). */
  currency: string;
  yes: string;
  no: string;
  /** The label of a multitext enum (WORK → "Work"). */
  enumLabel: (code: string | null | undefined, value: string) => string;
}

function enumText(field: FieldShape, element: ValueEl): string {
  if (typeof element.value === "string" && element.value) return element.value;
  const found = field.enums?.find((item) => item.id === element.enum_id);
  return found?.value ?? text(element.enum_id);
}

function objectText(type: string, element: ValueEl): string {
  const value = (element.value ?? {}) as Record<string, unknown>;
  if (type === "items") {
    const label = [value.sku, value.description].filter(Boolean).map(text).join(" — ") || "—";
    return value.quantity !== undefined && value.quantity !== null ? `${label} × ${text(value.quantity)}` : label;
  }
  if (type === "file") {
    const name = text(value.file_name) || text(value.file_uuid);
    return typeof value.file_size === "number" ? `${name} (${Math.ceil(value.file_size / 1024)} KB)` : name;
  }
  const name = text(value.name);
  const vat = text(value.vat_id);
  const shown = [name, vat && `(${vat})`].filter(Boolean).join(" ");
  return shown || JSON.stringify(value);
}

/** The readable lines of a field's values (one per value; [] when empty). Never throws on odd data. */
export function valueLines(field: FieldShape, values: readonly ValueEl[] | undefined, context: TextContext): string[] {
  const list = values ?? [];
  const { locale } = context;
  if (field.type === "smart_address") {
    const parts = [...list]
      .sort((a, b) => Number(a.enum_id ?? 0) - Number(b.enum_id ?? 0))
      .map((part) => text(part.value));
    const joined = parts.filter(Boolean).join(", ");
    return joined ? [joined] : [];
  }
  const lines = list.map((element): string => {
    const value = element.value;
    switch (field.type) {
      case "numeric":
      case "price":
        return typeof value === "number" ? formatNumber(value, locale) : text(value);
      case "monetary":
        return typeof value === "number" ? formatMoney(value, field.currency || context.currency, locale) : text(value);
      case "checkbox":
        return value === true ? context.yes : context.no;
      case "select":
      case "radiobutton":
      case "multiselect":
      case "category":
        return enumText(field, element);
      case "date":
      case "birthday":
        return typeof value === "number" ? formatDate(value, locale, { timeZone: "UTC" }) : text(value);
      case "date_time":
        return typeof value === "number" ? formatDateTime(value, locale) : text(value);
      case "multitext": {
        const found = field.enums?.find((item) => item.id === element.enum_id);
        const label = found ? context.enumLabel(found.code ?? (element.enum_code as string | null), found.value) : "";
        return label ? `${text(value)} (${label})` : text(value);
      }
      case "linked_entity": {
        const linked = (value ?? {}) as Record<string, unknown>;
        return text(linked.name) || `#${text(linked.entity_id)}`;
      }
      case "chained_list":
        return `#${text(element.catalog_element_id)} (${text(element.catalog_id)})`;
      case "legal_entity":
      case "payer":
      case "supplier":
      case "items":
      case "file":
        return objectText(field.type, element);
      default:
        return text(value ?? element);
    }
  });
  return lines.filter((line) => line !== "");
}
