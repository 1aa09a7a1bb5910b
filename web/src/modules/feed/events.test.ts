import { describe, expect, it } from "vitest";

import { translate } from "../../i18n/translate";
import { describeEvent, type EventContext } from "./events";
import type { FeedEvent } from "./merge";

function context(lang: "en" | "es" = "en"): EventContext {
  return {
    t: (key, vars) => translate(lang, key, vars),
    userName: (id) => ({ 1: "Ana", 2: "Bruno" })[id] ?? `#${id}`,
    stageName: (_pipelineId, statusId) => `${{ 1001: "New", 1002: "Offer", 143: "Lost" }[statusId] ?? statusId}`,
    pipelineName: (id) => ({ 1: "Sales", 2: "Partners" })[id] ?? `#${id}`,
    field: (id) => ({ 8: { name: "Budget" }, 9: { name: "Visit" }, 10: { name: "VIP" } })[id],
    lossReason: (id) => ({ 3: "Too expensive" })[id],
    number: (value) => new Intl.NumberFormat("en").format(value),
    money: (value) => `$${value}`,
    date: (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10),
    dateTime: (seconds) => new Date(seconds * 1000).toISOString().slice(0, 16),
    typeName: (type) => (type === "nps_rate_added" ? "NPS rated" : undefined),
  };
}

function event(type: string, before: unknown[] = [], after: unknown[] = []): FeedEvent {
  return {
    id: "01x",
    type,
    entity_id: 1,
    entity_type: "lead",
    created_by: 1,
    created_at: 0,
    value_before: before,
    value_after: after,
    account_id: 1,
    _links: { self: { href: "" } },
  } as FeedEvent;
}

const line = (e: FeedEvent, lang: "en" | "es" = "en") => describeEvent(context(lang), e).text;

describe("describeEvent", () => {
  it("says which stage a lead moved from and to, naming the pipeline when it changed", () => {
    const status = (id: number, pipeline = 1) => [{ lead_status: { id, pipeline_id: pipeline } }];
    expect(line(event("lead_status_changed", status(1001), status(1002)))).toBe("Stage changed: New → Offer");
    expect(line(event("lead_status_changed", status(1001), status(1002, 2)))).toBe(
      "Stage changed: Sales: New → Partners: Offer",
    );
    expect(line(event("lead_status_changed", status(1001), status(1002)), "es")).toBe("Etapa cambiada: New → Offer");
  });

  it("names users, names and sales before and after", () => {
    expect(
      line(event("entity_responsible_changed", [{ responsible_user: { id: 1 } }], [{ responsible_user: { id: 2 } }])),
    ).toBe("Responsible user changed: Ana → Bruno");
    expect(
      line(
        event("name_field_changed", [{ name_field_value: { name: "Old" } }], [{ name_field_value: { name: "New" } }]),
      ),
    ).toBe("Name changed: Old → New");
    expect(line(event("sale_field_changed", [], [{ sale_field_value: { sale: 200 } }]))).toBe(
      "Sale changed: empty → $200",
    );
  });

  it("reads custom field changes by the field's type", () => {
    const value = (field_id: number, field_type: string, text: string) => [
      { custom_field_value: { field_id, field_type, enum_id: null, text } },
    ];
    expect(line(event("custom_field_value_changed", value(8, "numeric", "1500"), value(8, "numeric", "2500.5")))).toBe(
      "Budget changed: 1,500 → 2,500.5",
    );
    expect(line(event("custom_field_value_changed", [], value(9, "date", "1781481600")))).toBe(
      "Visit set to 2026-06-15",
    );
    expect(line(event("custom_field_value_changed", value(10, "checkbox", "1"), []))).toBe("VIP cleared (was Yes)");
    expect(line(event("custom_field_value_changed", [], value(77, "text", "x")))).toBe("Field #77 set to x");
    const many = [
      { custom_field_value: { field_id: 8, field_type: "multiselect", enum_id: 1, text: "A" } },
      { custom_field_value: { field_id: 8, field_type: "multiselect", enum_id: 2, text: "B" } },
    ];
    expect(line(event("custom_field_value_changed", [], many))).toBe("Budget set to A, B");
  });

  it("lists tags, links and loss reasons", () => {
    expect(line(event("entity_tag_added", [], [{ tag: { name: "vip" } }, { tag: { name: "hot" } }]))).toBe(
      "Tag added: vip, hot",
    );
    expect(line(event("entity_tag_deleted", [{ tag: { name: "vip" } }], []))).toBe("Tag removed: vip");
    const linked = describeEvent(
      context(),
      event("entity_linked", [], [{ link: { entity: { id: 5, type: "contact" } } }]),
    );
    expect(linked).toEqual({ text: "Contact linked", link: { entity: "contact", id: 5 } });
    expect(line(event("entity_unlinked", [{ link: { entity: { id: 2, type: "company" } } }], []))).toBe(
      "Company unlinked",
    );
    expect(line(event("lead_loss_reason_changed", [], [{ loss_reason: { id: 3 } }]))).toBe(
      "Loss reason: Too expensive",
    );
    expect(line(event("lead_loss_reason_changed", [{ loss_reason: { id: 3 } }], []))).toBe("Loss reason cleared");
  });

  it("names lifecycle events in the user's language", () => {
    expect(line(event("lead_added"))).toBe("Lead created");
    expect(line(event("company_restored"), "es")).toBe("Empresa restaurada");
    expect(line(event("unsorted_accepted"))).toBe("Incoming lead accepted");
  });

  it("falls back to the account's name of the type, then to the key, and survives odd values", () => {
    expect(line(event("nps_rate_added"))).toBe("NPS rated");
    expect(line(event("key_action_completed"))).toBe("Key action completed");
    expect(line(event("lead_status_changed", [null, "x"], [{ lead_status: {} }]))).toBe("Stage changed: empty → empty");
    expect(line(event("entity_linked", [], [{ link: { entity: { id: 1, type: "catalog_element" } } }]))).toBe(
      "Entity linked",
    );
  });
});
