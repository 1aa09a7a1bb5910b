// Which rows are selected for a bulk action. Pure functions over an immutable value (selection.test.ts).
//
// - a click toggles one row and makes it the anchor;
// - a shift-click sets every row from the anchor to the clicked one (in the order shown) to the clicked
//   row's new state, like a mail client; without an anchor (or when the anchor is gone) it is a click;
// - the header checkbox selects every row shown, or clears them when all are selected already.

export interface Selection {
  ids: ReadonlySet<number>;
  /** The row clicked last (the start of a shift-click range). */
  anchor: number | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

export function clickRow(selection: Selection, id: number, order: readonly number[], shift: boolean): Selection {
  const next = new Set(selection.ids);
  const select = !selection.ids.has(id);
  const from = selection.anchor === null ? -1 : order.indexOf(selection.anchor);
  const to = order.indexOf(id);
  if (shift && from >= 0 && to >= 0) {
    const [start, end] = from <= to ? [from, to] : [to, from];
    for (const rowId of order.slice(start, end + 1)) {
      if (select) next.add(rowId);
      else next.delete(rowId);
    }
  } else if (select) {
    next.add(id);
  } else {
    next.delete(id);
  }
  return { ids: next, anchor: id };
}

export type PageState = "none" | "some" | "all";

/** How many of the rows shown are selected: the header checkbox's state (checked / mixed / unchecked). */
export function pageState(selection: Selection, order: readonly number[]): PageState {
  const selected = order.filter((id) => selection.ids.has(id)).length;
  if (selected === 0) return "none";
  return selected === order.length ? "all" : "some";
}

/** The header checkbox: select every row shown, or clear them when all are already selected. */
export function togglePage(selection: Selection, order: readonly number[]): Selection {
  const next = new Set(selection.ids);
  if (pageState(selection, order) === "all") order.forEach((id) => next.delete(id));
  else order.forEach((id) => next.add(id));
  return { ids: next, anchor: selection.anchor };
}

/** Only the rows still shown stay selected (after a reload, a deletion or a new filter). */
export function keepShown(selection: Selection, order: readonly number[]): Selection {
  const shown = new Set(order);
  const ids = [...selection.ids].filter((id) => shown.has(id));
  if (ids.length === selection.ids.size && (selection.anchor === null || shown.has(selection.anchor))) return selection;
  return { ids: new Set(ids), anchor: selection.anchor !== null && shown.has(selection.anchor) ? selection.anchor : null };
}

/** The selected ids in the order shown. */
export function selectedInOrder(selection: Selection, order: readonly number[]): number[] {
  return order.filter((id) => selection.ids.has(id));
}
