// Custom field definitions: the types Kanbo supports (src/kanbo/custom_fields/types.py), which of them hold
// choices (enums), fields arranged by group, and the enums of a change.
import type { components } from "../../api/client";

export type Field = components["schemas"]["FieldOut"];
export type FieldType = Field["type"];
export type FieldGroup = components["schemas"]["GroupOut"];
export type EnumIn = components["schemas"]["EnumIn"];

export const FIELD_ENTITIES = ["leads", "contacts", "companies"] as const;
export type FieldEntity = (typeof FIELD_ENTITIES)[number];

/** Every type of PHP's CustomFieldModel::TYPE_* in the order a person picks from: the common ones first. */
export const FIELD_TYPES = [
  "text", "textarea", "numeric", "checkbox", "select", "multiselect", "radiobutton", "multitext", "date",
  "date_time", "birthday", "url", "price", "monetary", "streetaddress", "smart_address", "category",
  "legal_entity", "org_legal_name", "items", "linked_entity", "tracking_data", "chained_list", "file", "payer",
  "supplier",
] as const satisfies readonly FieldType[];

/** Types whose definition carries choices; the first four need at least one. */
export const ENUM_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  "select", "multiselect", "radiobutton", "multitext", "category",
]);
export const ENUMS_REQUIRED: ReadonlySet<FieldType> = new Set<FieldType>([
  "select", "multiselect", "radiobutton", "multitext",
]);

export function hasEnums(type: FieldType): boolean {
  return ENUM_TYPES.has(type);
}

/** A choice being edited: `id` for the field's existing enums, a local `key` for React. */
export interface EnumDraft {
  key: string;
  id?: number;
  value: string;
  code?: string | null;
}

let drafts = 0;
export function newEnum(value = ""): EnumDraft {
  drafts += 1;
  return { key: `new-${drafts}`, value };
}

export function enumDrafts(field: Pick<Field, "enums">): EnumDraft[] {
  return (field.enums ?? []).map((e) => ({ key: `enum-${e.id}`, id: e.id, value: e.value, code: e.code }));
}

/** The `enums` to send: every choice the field keeps, in order (sort 10, 20…); those with an id change, the
 * others are added, the missing ones removed (the API's rule). Blank choices are left out. */
export function enumsPayload(items: readonly EnumDraft[]): EnumIn[] {
  return items
    .filter((item) => item.value.trim() !== "")
    .map((item, i) => {
      const entry: EnumIn = { value: item.value.trim(), sort: (i + 1) * 10 };
      if (item.id !== undefined) entry.id = item.id;
      else if (item.code) entry.code = item.code;
      return entry;
    });
}

/** Local checks before sending (the API checks again): a choice type needs a choice, and no choice twice. */
export function enumProblems(type: FieldType, items: readonly EnumDraft[]): { empty: boolean; duplicates: string[] } {
  const values = items.map((item) => item.value.trim()).filter(Boolean);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const value of values) {
    const key = value.toLocaleLowerCase();
    if (seen.has(key)) duplicates.add(value);
    seen.add(key);
  }
  return { empty: ENUMS_REQUIRED.has(type) && values.length === 0, duplicates: [...duplicates] };
}

export interface GroupedFields {
  group: FieldGroup | null;
  fields: Field[];
}

/** Fields under their groups: first the fields in no group, then each group in order (empty ones too). */
export function byGroup(fields: readonly Field[], groups: readonly FieldGroup[]): GroupedFields[] {
  const known = new Set(groups.map((g) => g.id));
  const order = (a: Field, b: Field) => a.sort - b.sort || a.id - b.id;
  const loose = fields.filter((f) => !f.group_id || !known.has(f.group_id)).sort(order);
  const sorted = [...groups].sort((a, b) => a.sort - b.sort);
  return [
    { group: null, fields: loose },
    ...sorted.map((group) => ({ group, fields: fields.filter((f) => f.group_id === group.id).sort(order) })),
  ];
}
