// The feed of a card: notes, tasks and events of three paged lists in one chronological list (oldest first, as
// Kommo shows it: the newest at the bottom, above the composer). No React here: merge.test.ts covers it.
//
// Each list arrives newest first, a page at a time. Everything newer than the oldest item loaded from a list that
// has more pages is complete and shown; what is older waits until that list's next page comes ("show earlier"),
// so an older note never appears above an event that has not been loaded yet.
import type { components } from "../../api/client";

type Schemas = components["schemas"];
export type Note = Schemas["NoteOut"];
export type Task = Schemas["TaskOut"];
export type FeedEvent = Schemas["EventOut"];

export type FeedItem =
  | { type: "event"; key: string; at: number; event: FeedEvent }
  | { type: "note"; key: string; at: number; note: Note }
  | { type: "task"; key: string; at: number; task: Task };

export interface Source {
  items: readonly FeedItem[];
  /** The list has more (older) pages. */
  hasMore: boolean;
}

export type SourceName = "notes" | "events" | "tasks";
export type Sources = Partial<Record<SourceName, Source>>;

// Events that the feed shows otherwise: a note's own item, a task's own item.
const NOTE_EVENT = /_note_added$/;
const SHOWN_ELSEWHERE = new Set(["incoming_call", "outgoing_call", "incoming_sms", "outgoing_sms"]);

/** Whether an event gets a line of its own (its note or task is in the feed already). */
export function isOwnLine(type: string): boolean {
  return !NOTE_EVENT.test(type) && !SHOWN_ELSEWHERE.has(type) && !type.startsWith("task_");
}

export function noteItem(note: Note): FeedItem {
  return { type: "note", key: `note-${note.id}`, at: note.created_at, note };
}

export function eventItem(event: FeedEvent): FeedItem {
  return { type: "event", key: `event-${event.id}`, at: event.created_at, event };
}

/** A completed task sits where it was completed (its last change); open tasks are listed apart. */
export function taskItem(task: Task): FeedItem {
  return { type: "task", key: `task-${task.id}`, at: task.is_completed ? task.updated_at : task.created_at, task };
}

const RANK: Record<FeedItem["type"], number> = { event: 0, note: 1, task: 2 };

export function compareItems(a: FeedItem, b: FeedItem): number {
  return a.at - b.at || RANK[a.type] - RANK[b.type] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function oldest(source: Source): number {
  let found = Infinity;
  for (const item of source.items) found = Math.min(found, item.at);
  return found;
}

/** The moment above which the feed is complete: the newest of the "oldest loaded" of lists with more pages
 * (-Infinity when every list is complete; +Infinity when a list with more pages has none loaded yet). */
export function threshold(sources: Sources): number {
  let bound = -Infinity;
  for (const source of Object.values(sources)) {
    if (source?.hasMore) bound = Math.max(bound, oldest(source));
  }
  return bound;
}

/** The lists whose next page shows more of the feed: those holding the threshold. */
export function sourcesToLoad(sources: Sources): SourceName[] {
  const bound = threshold(sources);
  if (bound === -Infinity) return [];
  return (Object.keys(sources) as SourceName[]).filter((name) => {
    const source = sources[name];
    return source?.hasMore && oldest(source) === bound;
  });
}

export interface MergedFeed {
  /** Oldest first. */
  timeline: FeedItem[];
  /** Open tasks, the nearest deadline first. */
  openTasks: Task[];
  /** Older items exist (loaded or not) that are not shown yet. */
  hasEarlier: boolean;
}

export function mergeFeed(sources: Sources): MergedFeed {
  const bound = threshold(sources);
  const taskIds = new Set<number>();
  for (const item of sources.tasks?.items ?? []) if (item.type === "task") taskIds.add(item.task.id);

  const seen = new Set<string>();
  const timeline: FeedItem[] = [];
  const openTasks: Task[] = [];
  for (const source of Object.values(sources)) {
    for (const item of source?.items ?? []) {
      if (seen.has(item.key)) continue; // a row that moved to the next page while paging
      seen.add(item.key);
      if (item.type === "task" && !item.task.is_completed) {
        openTasks.push(item.task);
        continue;
      }
      if (item.type === "event" && !isOwnLine(item.event.type)) continue;
      if (item.type === "note" && item.note.note_type === "task_result" && taskIds.has(taskIdOf(item.note))) continue;
      if (item.at >= bound) timeline.push(item);
    }
  }
  timeline.sort(compareItems);
  openTasks.sort((a, b) => a.complete_till - b.complete_till || a.id - b.id);
  return { timeline, openTasks, hasEarlier: bound !== -Infinity };
}

function taskIdOf(note: Note): number {
  const id = (note.params as Record<string, unknown> | undefined)?.task_id;
  return typeof id === "number" ? id : -1;
}
