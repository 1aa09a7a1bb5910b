import { describe, expect, it } from "vitest";

import { phpQuery } from "./query";

describe("phpQuery", () => {
  it("writes nested objects and lists as PHP does", () => {
    expect(
      phpQuery({ page: 2, filter: { id: [1, 2], is_completed: false, entity_type: [] }, order: { complete_till: "asc" } }),
    ).toBe("page=2&filter[id][]=1&filter[id][]=2&filter[is_completed]=false&order[complete_till]=asc");
  });

  it("leaves out what is not given and escapes values", () => {
    expect(phpQuery({ query: "a&b c", limit: undefined, with: null })).toBe("query=a%26b%20c");
  });
});
