import { describe, expect, it } from "vitest";

import { groupResults, highlight, moveActive, type SearchAnswer } from "./results";

const links = { self: { href: "x" } };
const answer = {
  query: "ana",
  _links: links,
  _embedded: {
    leads: [{ id: 5, name: "Ana's deal", price: 1200, pipeline_id: 1, status_id: 11, _links: links }],
    contacts: [
      { id: 7, name: "Ana Pérez", phone: "+1 555 000 0012", email: "ana@x.test", _links: links },
      { id: 8, name: "", phone: null, email: "ana.b@x.test", _links: links },
    ],
    companies: [],
  },
} as SearchAnswer;

describe("grouping the results", () => {
  it("orders the groups contacts, leads, companies, leaves empty ones out and numbers across groups", () => {
    const { groups, flat } = groupResults(answer);
    expect(groups.map((group) => group.type)).toEqual(["contacts", "leads"]);
    expect(flat.map((item) => [item.index, item.type, item.id, item.href])).toEqual([
      [0, "contacts", 7, "/contacts/7"],
      [1, "contacts", 8, "/contacts/8"],
      [2, "leads", 5, "/leads/5"],
    ]);
    expect(flat[1]!.title).toBe("#8");
    expect(flat[2]).toMatchObject({ price: 1200, statusId: 11, phone: null });
  });

  it("has nothing before an answer", () => {
    expect(groupResults(undefined)).toEqual({ groups: [], flat: [] });
  });
});

describe("moving through the results", () => {
  it("wraps around at both ends and has no position without results", () => {
    expect(moveActive(0, 1, 3)).toBe(1);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});

describe("highlighting the match", () => {
  it("marks the query in any case", () => {
    expect(highlight("Ana Pérez", "pÉ")).toEqual([
      { text: "Ana ", match: false },
      { text: "Pé", match: true },
      { text: "rez", match: false },
    ]);
  });

  it("marks the digits of a phone typed in another form", () => {
    expect(highlight("+1 (555) 000-0012", "5550000012")).toEqual([
      { text: "+1 (", match: false },
      { text: "555) 000-0012", match: true },
    ]);
    expect(highlight("+1 555 000 0012", "001 555 000 0012")).toEqual([
      { text: "+", match: false },
      { text: "1 555 000 0012", match: true },
    ]);
    expect(highlight("+1 555 000 0012", "000-0012")).toEqual([
      { text: "+1 555 ", match: false },
      { text: "000 0012", match: true },
    ]);
  });

  it("marks nothing when nothing matches", () => {
    expect(highlight("Ana", "")).toEqual([{ text: "Ana", match: false }]);
    expect(highlight("Ana", "bob")).toEqual([{ text: "Ana", match: false }]);
    expect(highlight("+1 555 000 0012", "12")).toEqual([
      { text: "+1 555 000 00", match: false },
      { text: "12", match: true },
    ]);
    expect(highlight("+1 555 000 0012", "(99) 12")).toEqual([{ text: "+1 555 000 0012", match: false }]);
  });
});
