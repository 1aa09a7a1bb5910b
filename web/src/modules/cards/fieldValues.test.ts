import { describe, expect, it } from "vitest";

import {
  editorKind,
  fromDateInput,
  fromDateTimeInput,
  fromDraft,
  isEditable,
  isUnchanged,
  parseNumber,
  toDateInput,
  toDateTimeInput,
  toDraft,
  valueLines,
  type Draft,
  type TextContext,
} from "./fieldValues";

const PHONE = {
  type: "multitext",
  enums: [
    { id: 1, value: "WORK", code: "WORK", sort: 10 },
    { id: 3, value: "MOB", code: "MOB", sort: 30 },
  ],
};
const SOURCE = {
  type: "select",
  enums: [
    { id: 19, value: "Web", code: null, sort: 10 },
    { id: 20, value: "Phone", code: null, sort: 20 },
  ],
};
const TAGS = { ...SOURCE, type: "multiselect" };
const CONTEXT: TextContext = {
  locale: "en",
  currency: "USD",
  yes: "Yes",
  no: "No",
  enumLabel: (code, value) => ({ WORK: "Work", MOB: "Mobile" })[code ?? ""] ?? value,
};
const JUNE_15_2026 = Date.UTC(2026, 5, 15) / 1000;

function roundTrip(field: { type: string; enums?: typeof PHONE.enums | null }, values: Record<string, unknown>[]) {
  return fromDraft(field, toDraft({ enums: null, ...field }, values));
}

describe("editorKind", () => {
  it("gives every Kommo type an input or a read-only view", () => {
    expect(editorKind("text")).toBe("text");
    expect(editorKind("url")).toBe("text");
    expect(editorKind("streetaddress")).toBe("textarea");
    expect(editorKind("monetary")).toBe("number");
    expect(editorKind("radiobutton")).toBe("radio");
    expect(editorKind("birthday")).toBe("date");
    expect(editorKind("date_time")).toBe("datetime");
    expect(editorKind("smart_address")).toBe("address");
    expect(editorKind("legal_entity")).toBe("object");
    expect(editorKind("linked_entity")).toBe("linked");
    expect(editorKind("items")).toBe("readonly");
    expect(editorKind("file")).toBe("readonly");
    expect(editorKind("chained_list")).toBe("readonly");
    expect(editorKind("a_type_from_the_future")).toBe("readonly");
  });

  it("leaves API-only and computed fields to integrations", () => {
    expect(isEditable({ type: "text", is_api_only: false, is_computed: false })).toBe(true);
    expect(isEditable({ type: "text", is_api_only: true, is_computed: false })).toBe(false);
    expect(isEditable({ type: "numeric", is_api_only: false, is_computed: true })).toBe(false);
    expect(isEditable({ type: "file", is_api_only: false })).toBe(false);
  });
});

describe("scalar values", () => {
  it("trims text and clears an empty field with null", () => {
    expect(fromDraft({ type: "text" }, { kind: "text", text: "  Acme " })).toEqual([{ value: "Acme" }]);
    expect(fromDraft({ type: "text" }, { kind: "text", text: "   " })).toBeNull();
    expect(fromDraft({ type: "textarea" }, { kind: "textarea", text: "line 1\nline 2\n" })).toEqual([
      { value: "line 1\nline 2\n" },
    ]);
    expect(toDraft({ type: "url", enums: null }, [{ value: "https://acme.test" }])).toEqual({
      kind: "text",
      text: "https://acme.test",
    });
  });

  it("reads numbers in both decimal styles and sends anything else as typed, for the API to judge", () => {
    expect(parseNumber("1 500,5")).toBe(1500.5);
    expect(parseNumber("12.25")).toBe(12.25);
    expect(parseNumber("-3")).toBe(-3);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("abc")).toBe("abc");
    expect(fromDraft({ type: "numeric" }, { kind: "number", text: "abc" })).toEqual([{ value: "abc" }]);
    expect(toDraft({ type: "price", enums: null }, [{ value: 1500 }])).toEqual({ kind: "number", text: "1500" });
  });

  it("keeps a checkbox a boolean, false included", () => {
    expect(toDraft({ type: "checkbox", enums: null }, [{ value: true }])).toEqual({ kind: "checkbox", checked: true });
    expect(toDraft({ type: "checkbox", enums: null }, undefined)).toEqual({ kind: "checkbox", checked: false });
    expect(fromDraft({ type: "checkbox" }, { kind: "checkbox", checked: false })).toEqual([{ value: false }]);
  });

  it("writes dates as midnight UTC and date-times in the browser's zone", () => {
    expect(toDateInput(JUNE_15_2026)).toBe("2026-06-15");
    expect(fromDateInput("2026-06-15")).toBe(JUNE_15_2026);
    expect(fromDateInput("15/06/2026")).toBeNull();
    expect(roundTrip({ type: "birthday" }, [{ value: JUNE_15_2026 }])).toEqual([{ value: JUNE_15_2026 }]);
    const local = Math.floor(new Date(2026, 5, 15, 9, 30).getTime() / 1000);
    expect(toDateTimeInput(local)).toBe("2026-06-15T09:30");
    expect(fromDateTimeInput("2026-06-15T09:30")).toBe(local);
    expect(fromDraft({ type: "date_time" }, { kind: "datetime", text: "2026-06-15T09:30" })).toEqual([
      { value: local },
    ]);
    expect(fromDraft({ type: "date" }, { kind: "date", text: "" })).toBeNull();
  });
});

describe("choices", () => {
  it("send enum ids", () => {
    expect(toDraft(SOURCE, [{ value: "Phone", enum_id: 20, enum_code: null }])).toEqual({
      kind: "select",
      enumId: "20",
    });
    expect(fromDraft(SOURCE, { kind: "select", enumId: "19" })).toEqual([{ enum_id: 19 }]);
    expect(fromDraft(SOURCE, { kind: "select", enumId: "" })).toBeNull();
    expect(fromDraft({ type: "radiobutton" }, { kind: "radio", enumId: "7" })).toEqual([{ enum_id: 7 }]);
    expect(toDraft(TAGS, [{ enum_id: 19 }, { enum_id: 20 }])).toEqual({ kind: "multiselect", enumIds: ["19", "20"] });
    expect(fromDraft(TAGS, { kind: "multiselect", enumIds: [] })).toBeNull();
  });
});

describe("multitext (phones and emails)", () => {
  it("keeps each value with its enum and starts an empty field with the first enum", () => {
    const draft = toDraft(PHONE, [
      { value: "+1 555 0100", enum_id: 3, enum_code: "MOB" },
      { value: "+1 555 0101", enum_id: 1, enum_code: "WORK" },
    ]);
    expect(draft).toEqual({
      kind: "multitext",
      rows: [
        { value: "+1 555 0100", enumId: "3" },
        { value: "+1 555 0101", enumId: "1" },
      ],
    });
    expect(toDraft(PHONE, undefined)).toEqual({ kind: "multitext", rows: [{ value: "", enumId: "1" }] });
  });

  it("drops empty rows and lets the server choose a missing enum", () => {
    const draft: Draft = {
      kind: "multitext",
      rows: [
        { value: " a@b.test ", enumId: "3" },
        { value: "", enumId: "1" },
        { value: "c@d.test", enumId: "" },
      ],
    };
    expect(fromDraft(PHONE, draft)).toEqual([{ value: "a@b.test", enum_id: 3 }, { value: "c@d.test" }]);
    expect(fromDraft(PHONE, { kind: "multitext", rows: [{ value: " ", enumId: "1" }] })).toBeNull();
  });
});

describe("composite values", () => {
  it("writes a smart address as parts 1..6", () => {
    const values = [
      { value: "Madrid", enum_id: 3, enum_code: "city" },
      { value: "Gran Vía 1", enum_id: 1, enum_code: "address_line_1" },
    ];
    const draft = toDraft({ type: "smart_address", enums: null }, values);
    expect(draft.kind === "address" && draft.parts.city).toBe("Madrid");
    expect(fromDraft({ type: "smart_address" }, draft)).toEqual([
      { value: "Gran Vía 1", enum_id: 1 },
      { value: "Madrid", enum_id: 3 },
    ]);
  });

  it("writes legal entities as objects with number keys as numbers", () => {
    const draft = toDraft({ type: "legal_entity", enums: null }, [
      { value: { name: "Acme SL", entity_type: 2, vat_id: "B123" } },
    ]);
    expect(draft.kind === "object" && draft.entries[0]).toMatchObject({
      name: "Acme SL",
      entity_type: "2",
      vat_id: "B123",
      kpp: "",
    });
    expect(fromDraft({ type: "legal_entity" }, draft)).toEqual([
      { value: { name: "Acme SL", entity_type: 2, vat_id: "B123" } },
    ]);
    const empty = toDraft({ type: "supplier", enums: null }, undefined);
    expect(fromDraft({ type: "supplier" }, empty)).toBeNull();
  });

  it("writes linked entities with their ids", () => {
    const values = [{ value: { name: "Ann", entity_id: 5, entity_type: "contacts", catalog_id: null } }];
    expect(roundTrip({ type: "linked_entity" }, values)).toEqual([
      { value: { name: "Ann", entity_id: 5, entity_type: "contacts" } },
    ]);
    expect(fromDraft({ type: "linked_entity" }, { kind: "linked", items: [] })).toBeNull();
  });

  it("never sends read-only types", () => {
    expect(
      fromDraft({ type: "file" }, toDraft({ type: "file", enums: null }, [{ value: { file_uuid: "x" } }])),
    ).toBeUndefined();
  });
});

describe("isUnchanged", () => {
  it("compares what would be sent", () => {
    expect(isUnchanged({ type: "text", enums: null }, [{ value: "Acme" }], { kind: "text", text: " Acme " })).toBe(
      true,
    );
    expect(isUnchanged({ type: "text", enums: null }, undefined, { kind: "text", text: "" })).toBe(true);
    expect(isUnchanged({ type: "numeric", enums: null }, [{ value: 5 }], { kind: "number", text: "5,0" })).toBe(true);
    expect(isUnchanged(SOURCE, [{ enum_id: 19 }], { kind: "select", enumId: "20" })).toBe(false);
  });
});

describe("valueLines", () => {
  it("reads every type, odd data included", () => {
    const lines = (type: string, values: Record<string, unknown>[], extra: object = {}) =>
      valueLines({ type, enums: null, currency: null, ...extra }, values, CONTEXT);
    expect(lines("numeric", [{ value: 1500.5 }])).toEqual(["1,500.5"]);
    expect(lines("monetary", [{ value: 20 }], { currency: "EUR" })).toEqual(["€20"]);
    expect(lines("checkbox", [{ value: false }])).toEqual(["No"]);
    expect(lines("date", [{ value: JUNE_15_2026 }])).toEqual(["Jun 15, 2026"]);
    expect(valueLines(PHONE as never, [{ value: "+1 555", enum_id: 3 }], CONTEXT)).toEqual(["+1 555 (Mobile)"]);
    expect(valueLines({ ...TAGS, currency: null }, [{ enum_id: 20 }], CONTEXT)).toEqual(["Phone"]);
    expect(
      lines("smart_address", [
        { value: "Madrid", enum_id: 3 },
        { value: "Gran Vía 1", enum_id: 1 },
      ]),
    ).toEqual(["Gran Vía 1, Madrid"]);
    expect(lines("legal_entity", [{ value: { name: "Acme SL", vat_id: "B1" } }])).toEqual(["Acme SL (B1)"]);
    expect(lines("items", [{ value: { sku: "A-1", quantity: 2 } }])).toEqual(["A-1 × 2"]);
    expect(lines("file", [{ value: { file_name: "a.pdf", file_size: 2048 } }])).toEqual(["a.pdf (2 KB)"]);
    expect(lines("chained_list", [{ catalog_id: 1001, catalog_element_id: 7 }])).toEqual(["#7 (1001)"]);
    expect(lines("payer", [{ value: null }])).toEqual(["{}"]);
    expect(lines("mystery", [{ value: { a: 1 } }])).toEqual(['{"a":1}']);
    expect(lines("text", [])).toEqual([]);
  });
});
