// Live updates of an open board: which of its queries an event of the log makes stale. A lead's change reloads
// only the columns it was and is in (and the totals), a task's only the cards' closest tasks, a contact's or a
// company's only the names on the cards; a burst of events (a bulk change) is gathered for 100 ms and reloads each
// stale query once.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useRef } from "react";

import { useLiveEvents, type LiveEvent } from "../../api/live";
import { columnsKey, reloadColumns, summaryKey, type BoardScope } from "./data";
import { columnLeads, type ColumnData } from "./model";

export interface Stale {
  /** Every column (where a new or restored lead lands is not in its event). */
  allColumns: boolean;
  columns: Set<number>;
  summary: boolean;
  tasks: boolean;
  /** The contacts' and companies' names on the cards. */
  names: boolean;
}

export function nothingStale(): Stale {
  return { allColumns: false, columns: new Set(), summary: false, tasks: false, names: false };
}

type EventFacts = Pick<LiveEvent, "type" | "entity_type" | "entity_id"> & {
  value_before?: unknown;
  value_after?: unknown;
};

function stageIn(values: unknown): number | null {
  if (!Array.isArray(values)) return null;
  for (const value of values) {
    const status = (value as { lead_status?: { id?: unknown } } | null)?.lead_status?.id;
    if (typeof status === "number") return status;
  }
  return null;
}

/** Adds what `event` makes stale to `stale`. `shown` is each loaded column's lead ids, by stage id. */
export function markStale(stale: Stale, event: EventFacts, shown: ReadonlyMap<number, ReadonlySet<number>>): Stale {
  if (event.entity_type === "task") return { ...stale, tasks: true };
  if (event.entity_type === "contact" || event.entity_type === "company") return { ...stale, names: true };
  if (event.entity_type !== "lead") return stale;
  const next: Stale = { ...stale, summary: true, columns: new Set(stale.columns) };
  for (const [stage, leads] of shown) if (leads.has(event.entity_id)) next.columns.add(stage);
  if (event.type === "lead_status_changed") {
    for (const stage of [stageIn(event.value_before), stageIn(event.value_after)]) if (stage !== null) next.columns.add(stage);
  }
  // Where a new or restored lead lands is not in its event.
  if (event.type === "lead_added" || event.type === "lead_restored") next.allColumns = true;
  return next;
}

/** The lead ids each loaded column of `scope` shows, by stage id. */
export function shownLeads(client: QueryClient, scope: BoardScope): Map<number, Set<number>> {
  const shown = new Map<number, Set<number>>();
  for (const [key, data] of client.getQueriesData<ColumnData>({ queryKey: columnsKey(scope) })) {
    const stage = key[key.length - 1];
    if (typeof stage === "number") shown.set(stage, new Set(columnLeads(data).map((lead) => lead.id)));
  }
  return shown;
}

export function refreshStale(client: QueryClient, scope: BoardScope, stale: Stale): Promise<unknown> {
  const work: Promise<unknown>[] = [];
  if (stale.allColumns || stale.columns.size) work.push(reloadColumns(client, scope, stale.allColumns ? "all" : stale.columns));
  else if (stale.summary) work.push(client.invalidateQueries({ queryKey: summaryKey(scope) }));
  if (stale.tasks) work.push(client.invalidateQueries({ queryKey: ["board", "extras", "tasks"] }));
  if (stale.names) {
    work.push(client.invalidateQueries({ queryKey: ["board", "extras", "contacts"] }));
    work.push(client.invalidateQueries({ queryKey: ["board", "extras", "companies"] }));
  }
  return Promise.all(work);
}

export const GATHER_MS = 100;

/** Keeps the open board of `scope` in step with the account's event log. */
export function useLiveBoard(scope: BoardScope): void {
  const client = useQueryClient();
  const pending = useRef<Stale | null>(null);
  const current = useRef(scope);
  current.current = scope;
  useLiveEvents({}, (event) => {
    const first = pending.current === null;
    pending.current = markStale(pending.current ?? nothingStale(), event, shownLeads(client, current.current));
    if (!first) return;
    setTimeout(() => {
      const stale = pending.current;
      pending.current = null;
      if (stale) void refreshStale(client, current.current, stale);
    }, GATHER_MS);
  });
}
