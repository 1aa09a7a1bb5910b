// An open card follows the account's live events (issue 11 §7): when someone else changes it, adds a note or works
// one of its tasks, the card and its feed are read again, within a second, without a reload.
//
// Which events concern the card (`refreshFor`, pure):
// - its own events (entity_type/entity_id the card's: fields, stage, tags, links, notes — a note's event is on
//   the note's card) → the card, the cards it links and the whole feed (`refreshCard`);
// - task events, which the log records on the task (entity_type "task", entity_id the task's id, nothing about
//   its card): those of a task the feed shows, and every `task_added` (a new task may be the card's) → the
//   card's task list only.
// A burst (a batch PATCH, a note with its events) becomes one refresh (`RefreshBatch`): the first event starts a
// short timer, the events until it rings join it — a steady stream still refreshes every DEBOUNCE_MS.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { useLiveEvents, type LiveEvent } from "../../api/live";
import type { Task } from "../feed/merge";
import { feedKeys } from "../feed/useFeed";
import { refreshCard } from "./data";
import { SINGULAR, type Kind } from "./kinds";

export const DEBOUNCE_MS = 150;

/** What to read again: the whole card, or only its tasks. */
export type Refresh = "card" | "tasks";

export interface WatchedCard {
  kind: Kind;
  /** null: no card (a malformed id), nothing concerns it. */
  id: number | null;
  /** The ids of the card's tasks the feed has loaded. */
  taskIds: readonly number[];
}

/** What `event` makes the card read again, if anything. */
export function refreshFor(
  card: WatchedCard,
  event: Pick<LiveEvent, "type" | "entity_type" | "entity_id">,
): Refresh | null {
  if (card.id === null) return null;
  if (event.entity_type === SINGULAR[card.kind] && event.entity_id === card.id) return "card";
  if (event.entity_type !== "task") return null;
  return event.type === "task_added" || card.taskIds.includes(event.entity_id) ? "tasks" : null;
}

/** Gathers what events ask for and runs it once, `delayMs` after the first of them. */
export class RefreshBatch {
  private pending = new Set<Refresh>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly run: (what: ReadonlySet<Refresh>) => void,
    private readonly delayMs = DEBOUNCE_MS,
  ) {}

  add(what: Refresh): void {
    this.pending.add(what);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Runs what is pending now. */
  flush(): void {
    const what = this.pending;
    this.cancel();
    if (what.size) this.run(what);
  }

  /** Forgets what is pending (the card closed). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = new Set();
  }
}

/** Invalidates the card's queries for `what` (the whole card covers its tasks). */
export function applyRefresh(client: QueryClient, kind: Kind, id: number, what: ReadonlySet<Refresh>): Promise<unknown> {
  if (what.has("card")) return refreshCard(client, kind, id);
  return client.invalidateQueries({ queryKey: feedKeys.tasks(kind, id) });
}

/** Keeps the open card `kind`/`id` (its fields, links and feed) up to date with the account's live events. */
export function useCardLiveUpdates(kind: Kind, id: number | null): void {
  const client = useQueryClient();
  const batch = useRef<RefreshBatch | null>(null);
  useEffect(() => {
    if (id === null) return undefined;
    const current = new RefreshBatch((what) => void applyRefresh(client, kind, id, what));
    batch.current = current;
    return () => {
      current.cancel();
      if (batch.current === current) batch.current = null;
    };
  }, [client, kind, id]);

  function onEvent(event: LiveEvent) {
    const tasks = id === null ? undefined : client.getQueryData<Task[]>(feedKeys.tasks(kind, id));
    const what = refreshFor({ kind, id, taskIds: tasks?.map((task) => task.id) ?? [] }, event);
    if (what) batch.current?.add(what);
  }
  // The card's own events come filtered by the hub; task events name the task, not the card: they come unfiltered.
  useLiveEvents({ entity: kind, entityId: id ?? undefined }, onEvent);
  useLiveEvents({}, (event) => {
    if (event.entity_type === "task") onEvent(event);
  });
}
