import { describe, expect, it } from "vitest";

import { phpQuery } from "./phpQuery";

describe("phpQuery", () => {
  it("writes Kommo's PHP-style query strings", () => {
    expect(
      phpQuery({
        page: 2,
        with: ["contacts", "loss_reason"],
        filter: { entity: ["lead"], entity_id: [1, 2] },
        order: { created_at: "desc" },
        query: "a b&c",
        skipped: undefined,
      }),
    ).toBe(
      [
        "page=2",
        "with=contacts,loss_reason",
        "filter[entity][]=lead",
        "filter[entity_id][]=1",
        "filter[entity_id][]=2",
        "order[created_at]=desc",
        "query=a%20b%26c",
      ].join("&"),
    );
  });

  it("leaves out empty lists and nothing", () => {
    expect(phpQuery({ with: [], filter: { id: [] } })).toBe("");
    expect(phpQuery(undefined)).toBe("");
  });
});
