import { describe, expect, it } from "vitest";

import { isSystem, move, nextColor, ordered, PALETTE, regular, sortChanges } from "./stages";

const stage = (id: number, sort: number, type = 0) => ({ id, sort, type });
const apply = (stages: { id: number; sort: number }[], changes: { id: number; sort: number }[]) =>
  stages.map((s) => ({ ...s, sort: changes.find((c) => c.id === s.id)?.sort ?? s.sort }));
const orderOf = (stages: { id: number; sort: number }[]) =>
  [...stages].sort((a, b) => a.sort - b.sort || a.id - b.id).map((s) => s.id);

describe("stage order", () => {
  it("puts Incoming first and won and lost last, whatever their numbers", () => {
    const stages = [stage(143, 5), stage(1002, 20), stage(142, 1), stage(50, 99999, 1), stage(1001, 30)];
    expect(ordered(stages).map((s) => s.id)).toEqual([50, 1002, 1001, 142, 143]);
    expect(regular(stages).map((s) => s.id)).toEqual([1002, 1001]);
    expect(stages.filter(isSystem).map((s) => s.id)).toEqual([143, 142, 50]);
  });

  it("moves an item in a list", () => {
    expect(move(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(move(["a", "b", "c", "d"], 3, 0)).toEqual(["d", "a", "b", "c"]);
    expect(move(["a", "b"], 1, 5)).toEqual(["a", "b"]);
  });
});

describe("sortChanges", () => {
  const stages = [stage(1, 20), stage(2, 30), stage(3, 40), stage(4, 50)];

  it("changes only the moved stage when it fits between its neighbours", () => {
    const wanted = [1, 3, 2, 4]; // 3 moved up one place
    const changes = sortChanges(stages, wanted);
    expect(changes).toHaveLength(1);
    expect(orderOf(apply(stages, changes))).toEqual(wanted);
  });

  it("moves to the top and to the bottom", () => {
    for (const wanted of [[4, 1, 2, 3], [2, 3, 4, 1], [1, 2, 4, 3]]) {
      const changes = sortChanges(stages, wanted);
      expect(changes).toHaveLength(1);
      expect(orderOf(apply(stages, changes))).toEqual(wanted);
      expect(changes.every((c) => c.sort >= 0)).toBe(true);
    }
  });

  it("numbers every stage again when there is no room between the neighbours", () => {
    const tight = [stage(1, 10), stage(2, 11), stage(3, 12), stage(4, 13)];
    const changes = sortChanges(tight, [1, 4, 2, 3]); // 4 between 10 and 11: no whole number fits
    expect(orderOf(apply(tight, changes))).toEqual([1, 4, 2, 3]);
    expect(changes).toEqual([{ id: 4, sort: 20 }, { id: 2, sort: 30 }, { id: 3, sort: 40 }]);
  });

  it("handles equal numbers (the API then orders by id)", () => {
    const same = [stage(1, 10), stage(2, 10), stage(3, 10)];
    const changes = sortChanges(same, [3, 1, 2]);
    expect(orderOf(apply(same, changes))).toEqual([3, 1, 2]);
  });

  it("asks nothing when the order is unchanged", () => {
    expect(sortChanges(stages, [1, 2, 3, 4])).toEqual([]);
  });

  it("orders any permutation", () => {
    const many = [5, 17, 18, 40, 41, 42, 100].map((sort, i) => stage(i + 1, sort));
    const ids = many.map((s) => s.id);
    for (let seed = 1; seed < 60; seed++) {
      const wanted = [...ids].sort((a, b) => ((a * seed * 7919) % 13) - ((b * seed * 7919) % 13) || a - b);
      expect(orderOf(apply(many, sortChanges(many, wanted)))).toEqual(wanted);
    }
  });
});

describe("nextColor", () => {
  it("takes the palette in turn after the regular stages", () => {
    expect(nextColor([stage(50, 10, 1), stage(142, 1), stage(143, 1)])).toBe(PALETTE[0]);
    expect(nextColor([stage(1, 10), stage(2, 20)])).toBe(PALETTE[2]);
  });
});
