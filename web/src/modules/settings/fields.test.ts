import { describe, expect, it } from "vitest";

import { byGroup, enumDrafts, enumProblems, enumsPayload, FIELD_TYPES, hasEnums, newEnum, type Field } from "./fields";

const field = (id: number, sort: number, group_id: string | null, extra: Partial<Field> = {}) =>
  ({ id, sort, group_id, name: `f${id}`, type: "text", enums: null, ...extra }) as Field;

describe("field types", () => {
  it("lists every type once and knows which hold choices", () => {
    expect(new Set(FIELD_TYPES).size).toBe(FIELD_TYPES.length);
    expect(FIELD_TYPES.length).toBe(26);
    expect(hasEnums("select")).toBe(true);
    expect(hasEnums("multitext")).toBe(true);
    expect(hasEnums("text")).toBe(false);
  });
});

describe("enums", () => {
  it("keeps the ids of existing choices, numbers them in order and drops blank ones", () => {
    const existing = enumDrafts({ enums: [{ id: 5, value: "Red", sort: 2, code: "R" }, { id: 6, value: "Blue", sort: 4, code: null }] });
    const added = { ...newEnum("  Green "), code: "G" };
    const items = [existing[1]!, added, newEnum("   "), { ...existing[0]!, value: "Crimson" }];
    expect(enumsPayload(items)).toEqual([
      { id: 6, value: "Blue", sort: 10 },
      { value: "Green", sort: 20, code: "G" },
      { id: 5, value: "Crimson", sort: 30 },
    ]);
  });

  it("finds missing and repeated choices", () => {
    expect(enumProblems("select", [newEnum(" ")])).toEqual({ empty: true, duplicates: [] });
    expect(enumProblems("category", [])).toEqual({ empty: false, duplicates: [] });
    expect(enumProblems("radiobutton", [newEnum("Yes"), newEnum("yes "), newEnum("No")])).toEqual({
      empty: false,
      duplicates: ["yes"],
    });
  });
});

describe("byGroup", () => {
  it("puts loose fields first, then each group in order with its fields by sort", () => {
    const groups = [
      { id: "leads_2", name: "B", sort: 2 },
      { id: "leads_1", name: "A", sort: 1 },
      { id: "leads_3", name: "Empty", sort: 3 },
    ] as never;
    const fields = [field(1, 5, "leads_2"), field(2, 1, null), field(3, 1, "leads_2"), field(4, 9, "gone"), field(5, 0, "leads_1")];
    const grouped = byGroup(fields, groups);
    expect(grouped.map((g) => [g.group?.id ?? null, g.fields.map((f) => f.id)])).toEqual([
      [null, [2, 4]],
      ["leads_1", [5]],
      ["leads_2", [3, 1]],
      ["leads_3", []],
    ]);
  });
});
