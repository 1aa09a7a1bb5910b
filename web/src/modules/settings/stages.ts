// Pipeline stages: the palette, which stages are the system ones, and the `sort` values a reorder needs.
// The API orders a pipeline's stages by type (Incoming first, then the regular ones, then 142 won and 143
// lost), then by `sort`, then by id; only regular stages move, and only among themselves.
import type { components } from "../../api/client";

export type Pipeline = components["schemas"]["PipelineOut"];
export type Stage = components["schemas"]["StatusOut"];
export type StageColor = Stage["color"];

/** Kommo's stage palette (StatusModel::COLORS): the colours a regular stage may have. */
export const PALETTE = [
  "#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a", "#ffdbdb", "#ffc8c8", "#ff8f92",
  "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81", "#87f2c0", "#f9deff", "#f3beff", "#ccc8f9",
  "#eb93ff", "#f2f3f4", "#e6e8ea",
] as const satisfies readonly StageColor[];

export const WON = 142;
export const LOST = 143;
export const INCOMING_TYPE = 1;
/** The API's limits (KANBO_MAX_PIPELINES, KANBO_MAX_STAGES defaults; the server's answer decides). */
export const MAX_PIPELINES = 10;
export const MAX_STAGES = 100;
const MAX_SORT = 2 ** 31 - 1;
const STEP = 10;

export function isSystem(stage: Pick<Stage, "id" | "type">): boolean {
  return stage.type === INCOMING_TYPE || stage.id === WON || stage.id === LOST;
}

/** The board order of a pipeline's stages (what the API answers, computed again after local changes). */
export function ordered<S extends Pick<Stage, "id" | "type" | "sort">>(stages: readonly S[]): S[] {
  const rank = (s: S) => (s.type === INCOMING_TYPE ? 0 : s.id === WON ? 2 : s.id === LOST ? 3 : 1);
  return [...stages].sort((a, b) => rank(a) - rank(b) || a.sort - b.sort || a.id - b.id);
}

/** The regular stages in order. */
export function regular<S extends Pick<Stage, "id" | "type" | "sort">>(stages: readonly S[]): S[] {
  return ordered(stages).filter((s) => !isSystem(s));
}

/** `list` with the item at `from` moved to `to` (indexes of the list before the move). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  if (from < 0 || from >= copy.length || to < 0 || to >= copy.length || from === to) return copy;
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

export interface SortChange {
  id: number;
  sort: number;
}

/** The `sort` changes that put the regular stages in `wanted` order (ids, every regular stage once).
 * When the moved stages fit between their neighbours' numbers only they change; when there is no room,
 * every stage is numbered again 10, 20, 30… (so a move is one request, rarely many). */
export function sortChanges(stages: readonly Pick<Stage, "id" | "sort">[], wanted: readonly number[]): SortChange[] {
  const current = new Map(stages.map((s) => [s.id, s.sort]));
  const sorts = wanted.map((id) => current.get(id) ?? 0);
  // Keep the longest run of stages whose numbers already rise (by position); give the others room between.
  const keep = longestRising(wanted.map((id, i) => ({ id, sort: sorts[i] as number })));
  const changes: SortChange[] = [];
  const next = [...sorts];
  for (let i = 0; i < wanted.length; i++) {
    if (keep.has(i)) continue;
    const before = i > 0 ? (next[i - 1] as number) : 0;
    let j = i + 1;
    while (j < wanted.length && !keep.has(j)) j++;
    const after = j < wanted.length ? (next[j] as number) : null;
    const gap = after === null ? null : after - before;
    const slots = j - i; // stages to place between `before` and `after`
    if (gap !== null && gap <= slots) return renumber(wanted, current);
    for (let k = 0; k < slots; k++) {
      const sort = after === null ? before + STEP * (k + 1) : before + Math.floor(((gap as number) * (k + 1)) / (slots + 1));
      if (sort > MAX_SORT) return renumber(wanted, current);
      next[i + k] = sort;
      changes.push({ id: wanted[i + k] as number, sort });
    }
    i = j - 1;
  }
  return changes.filter((change) => current.get(change.id) !== change.sort);
}

function renumber(wanted: readonly number[], current: Map<number, number>): SortChange[] {
  return wanted
    .map((id, i) => ({ id, sort: STEP * (i + 1) }))
    .filter((change) => current.get(change.id) !== change.sort);
}

/** Positions of a longest strictly rising subsequence of `sort` (ties broken by keeping earlier ones). */
function longestRising(items: readonly { sort: number }[]): Set<number> {
  const n = items.length;
  const length = new Array<number>(n).fill(1);
  const previous = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if ((items[j] as { sort: number }).sort < (items[i] as { sort: number }).sort && (length[j] as number) + 1 > (length[i] as number)) {
        length[i] = (length[j] as number) + 1;
        previous[i] = j;
      }
    }
  }
  let best = -1;
  for (let i = 0; i < n; i++) if (best === -1 || (length[i] as number) > (length[best] as number)) best = i;
  const keep = new Set<number>();
  for (let i = best; i !== -1; i = previous[i] as number) keep.add(i);
  return keep;
}

/** A new stage's colour: the palette in turn, after the stages there are. */
export function nextColor(stages: readonly Pick<Stage, "id" | "type">[]): StageColor {
  return PALETTE[stages.filter((s) => !isSystem(s)).length % PALETTE.length] as StageColor;
}
