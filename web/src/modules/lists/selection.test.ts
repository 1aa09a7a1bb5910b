import { describe, expect, it } from "vitest";

import { clickRow, keepShown, NO_SELECTION, pageState, selectedInOrder, togglePage, type Selection } from "./selection";

const order = [10, 20, 30, 40, 50];
const ids = (selection: Selection) => [...selection.ids].sort((a, b) => a - b);

describe("selecting rows", () => {
  it("toggles one row per click and remembers it as the anchor", () => {
    let selection = clickRow(NO_SELECTION, 20, order, false);
    expect(ids(selection)).toEqual([20]);
    expect(selection.anchor).toBe(20);
    selection = clickRow(selection, 40, order, false);
    expect(ids(selection)).toEqual([20, 40]);
    selection = clickRow(selection, 20, order, false);
    expect(ids(selection)).toEqual([40]);
  });

  it("selects the range from the anchor with shift, downwards and upwards", () => {
    const down = clickRow(clickRow(NO_SELECTION, 20, order, false), 40, order, true);
    expect(ids(down)).toEqual([20, 30, 40]);
    expect(down.anchor).toBe(40);
    const up = clickRow(clickRow(NO_SELECTION, 50, order, false), 20, order, true);
    expect(ids(up)).toEqual([20, 30, 40, 50]);
  });

  it("clears a range when the shift-clicked row was selected", () => {
    let selection = togglePage(NO_SELECTION, order);
    selection = clickRow(selection, 20, order, false); // deselects 20, anchor 20
    selection = clickRow(selection, 40, order, true); // 40 is selected: the range 20..40 is cleared
    expect(ids(selection)).toEqual([10, 50]);
  });

  it("treats shift without an anchor on the page as a plain click", () => {
    expect(ids(clickRow(NO_SELECTION, 30, order, true))).toEqual([30]);
    const gone = { ids: new Set([99]), anchor: 99 };
    expect(ids(clickRow(gone, 30, order, true))).toEqual([30, 99]);
  });

  it("selects the page, or clears it when all of it is selected", () => {
    expect(pageState(NO_SELECTION, order)).toBe("none");
    const some = clickRow(NO_SELECTION, 10, order, false);
    expect(pageState(some, order)).toBe("some");
    const all = togglePage(some, order);
    expect(pageState(all, order)).toBe("all");
    expect(ids(togglePage(all, order))).toEqual([]);
  });

  it("keeps only the rows still shown, and gives them in the order shown", () => {
    const selection = { ids: new Set([50, 10, 30]), anchor: 30 };
    const kept = keepShown(selection, [10, 20, 50]);
    expect(ids(kept)).toEqual([10, 50]);
    expect(kept.anchor).toBeNull();
    expect(keepShown(kept, [10, 20, 50])).toBe(kept); // nothing changed: the same value
    expect(selectedInOrder(selection, [50, 40, 30, 20, 10])).toEqual([50, 30, 10]);
  });
});
