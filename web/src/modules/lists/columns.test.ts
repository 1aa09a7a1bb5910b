import { describe, expect, it } from "vitest";

import { translate } from "../../i18n/translate";
import { formatDate, formatDateTime, formatMoney, formatNumber, formatRelative } from "../../ui/format";
import {
  allColumns,
  defaultColumns,
  storeColumns,
  storedColumns,
  toggleColumn,
  valueText,
  visibleColumns,
  type CellContext,
} from "./columns";
import type { Field } from "./data";

const t: CellContext["t"] = (key, vars) => translate("en", key, vars);
const format = {
  locale: "en-US",
  number: (value: number) => formatNumber(value, "en-US"),
  money: (amount: number) => formatMoney(amount, "USD", "en-US"),
  date: (seconds: number) => formatDate(seconds, "en-US", { timeZone: "UTC" }),
  dateTime: (seconds: number) => formatDateTime(seconds, "en-US", { timeZone: "UTC" }),
  relative: (seconds: number) => formatRelative(seconds, "en-US"),
};
const ctx: CellContext = { users: new Map(), stages: new Map(), format, t };

const field = (id: number, name: string, type: string, code: string | null = null) => ({ id, name, type, code }) as Field;
const fields = [field(7, "Phone", "multitext", "PHONE"), field(8, "Email", "multitext", "EMAIL"), field(9, "Score", "numeric")];

describe("columns", () => {
  it("shows the name, then the chosen columns in the order chosen", () => {
    const columns = allColumns("contacts", fields, t);
    expect(defaultColumns("contacts", fields)).toEqual(["name", "f:7", "f:8", "responsible", "tags", "created_at"]);
    const shown = visibleColumns(columns, ["f:9", "created_at", "gone", "name"]);
    expect(shown.map((column) => column.key)).toEqual(["name", "f:9", "created_at"]);
    expect(shown.map((column) => column.sortKey)).toEqual(["name", "9", "created_at"]);
    expect(toggleColumn(["name", "tags"], "f:9")).toEqual(["name", "tags", "f:9"]);
    expect(toggleColumn(["name", "tags", "f:9"], "tags")).toEqual(["name", "f:9"]);
  });

  it("remembers the choice per entity type", () => {
    expect(storedColumns("leads")).toBeNull();
    storeColumns("leads", ["name", "f:9"]);
    expect(storedColumns("leads")).toEqual(["name", "f:9"]);
    expect(storedColumns("contacts")).toBeNull();
    storeColumns("leads", null);
    expect(storedColumns("leads")).toBeNull();
    window.localStorage.setItem("kanbo.lists.columns.leads", "{not json");
    expect(storedColumns("leads")).toBeNull();
  });

  it("writes field values as text by type", () => {
    expect(valueText(field(1, "x", "checkbox"), { value: true }, ctx)).toBe("Yes");
    expect(valueText(field(1, "x", "numeric"), { value: 1500.5 }, ctx)).toBe("1,500.5");
    expect(valueText(field(1, "x", "date"), { value: 1772668800 }, ctx)).toBe("Mar 5, 2026");
    expect(valueText(field(1, "x", "select"), { value: "Gold", enum_id: 3 }, ctx)).toBe("Gold");
    expect(valueText(field(1, "x", "legal_entity"), { value: { name: "Acme SL" } }, ctx)).toBe("Acme SL");
  });
});
