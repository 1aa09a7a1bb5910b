import { describe, expect, it } from "vitest";

import {
  eventItem,
  isOwnLine,
  mergeFeed,
  noteItem,
  sourcesToLoad,
  taskItem,
  threshold,
  type FeedEvent,
  type Note,
  type Sources,
  type Task,
} from "./merge";

function note(id: number, at: number, type = "common", params: Record<string, unknown> = { text: `note ${id}` }): Note {
  return {
    id,
    entity_id: 1,
    created_at: at,
    updated_at: at,
    created_by: 1,
    updated_by: 1,
    responsible_user_id: 1,
    group_id: 0,
    note_type: type,
    params,
    is_editable: true,
    account_id: 1,
    _links: { self: { href: "" } },
  } as Note;
}

function event(id: string, at: number, type = "name_field_changed"): FeedEvent {
  return {
    id,
    type,
    entity_id: 1,
    entity_type: "lead",
    created_by: 1,
    created_at: at,
    value_after: [],
    value_before: [],
    account_id: 1,
    _links: { self: { href: "" } },
    _embedded: { entity: { id: 1, _links: { self: { href: "" } } } },
  } as FeedEvent;
}

function task(id: number, created: number, done: boolean, updated = created, deadline = created + 3600): Task {
  return {
    id,
    created_at: created,
    updated_at: updated,
    complete_till: deadline,
    is_completed: done,
    text: `task ${id}`,
    task_type_id: 1,
    responsible_user_id: 1,
    result: done ? { text: "ok" } : [],
  } as Task;
}

const keys = (sources: Sources) => mergeFeed(sources).timeline.map((item) => item.key);

describe("mergeFeed", () => {
  it("puts every list in one chronological list, oldest first, the newest at the bottom", () => {
    const sources: Sources = {
      notes: { items: [note(2, 300), note(1, 100)].map(noteItem), hasMore: false },
      events: { items: [event("b", 200), event("a", 50, "lead_added")].map(eventItem), hasMore: false },
      tasks: { items: [task(7, 120, true, 250)].map(taskItem), hasMore: false },
    };
    expect(keys(sources)).toEqual(["event-a", "note-1", "event-b", "task-7", "note-2"]);
    expect(mergeFeed(sources).hasEarlier).toBe(false);
  });

  it("orders items of the same second: events, then notes, then tasks", () => {
    const sources: Sources = {
      notes: { items: [noteItem(note(1, 100))], hasMore: false },
      events: { items: [eventItem(event("x", 100))], hasMore: false },
      tasks: { items: [taskItem(task(3, 100, true))], hasMore: false },
    };
    expect(keys(sources)).toEqual(["event-x", "note-1", "task-3"]);
  });

  it("lists open tasks apart, nearest deadline first", () => {
    const merged = mergeFeed({
      tasks: {
        items: [task(1, 10, false, 10, 900), task(2, 20, false, 20, 500), task(3, 30, true, 40)].map(taskItem),
        hasMore: false,
      },
    });
    expect(merged.openTasks.map((item) => item.id)).toEqual([2, 1]);
    expect(merged.timeline.map((item) => item.key)).toEqual(["task-3"]);
  });

  it("leaves out events that the feed shows as notes or tasks, and results of tasks it shows", () => {
    const merged = mergeFeed({
      notes: {
        items: [
          note(1, 10, "task_result", { text: "ok", task_id: 5 }),
          note(2, 11, "task_result", { text: "x", task_id: 99 }),
        ].map(noteItem),
        hasMore: false,
      },
      events: {
        items: ["common_note_added", "incoming_call", "outgoing_sms", "task_completed", "entity_tag_added"].map(
          (type, i) => eventItem(event(type, 20 + i, type)),
        ),
        hasMore: false,
      },
      tasks: { items: [taskItem(task(5, 1, true, 9))], hasMore: false },
    });
    expect(merged.timeline.map((item) => item.key)).toEqual(["task-5", "note-2", "event-entity_tag_added"]);
    expect(isOwnLine("custom_field_value_changed")).toBe(true);
    expect(isOwnLine("geo_note_added")).toBe(false);
  });

  it("shows only what is complete while a list has older pages, and says there is more", () => {
    const sources: Sources = {
      // notes: newest page loaded (400, 300); older ones not yet
      notes: { items: [note(4, 400), note(3, 300)].map(noteItem), hasMore: true },
      // events: all loaded, some older than the notes' oldest
      events: { items: [event("e3", 350), event("e2", 250), event("e1", 50)].map(eventItem), hasMore: false },
    };
    expect(threshold(sources)).toBe(300);
    expect(keys(sources)).toEqual(["note-3", "event-e3", "note-4"]);
    expect(mergeFeed(sources).hasEarlier).toBe(true);
    expect(sourcesToLoad(sources)).toEqual(["notes"]);
  });

  it("asks the list that holds the threshold for its next page; none once everything is in", () => {
    const sources: Sources = {
      notes: { items: [noteItem(note(1, 500))], hasMore: true },
      events: { items: [eventItem(event("e", 700))], hasMore: true },
    };
    expect(sourcesToLoad(sources)).toEqual(["events"]);
    expect(sourcesToLoad({ notes: { items: [], hasMore: false } })).toEqual([]);
    // a list with more pages and nothing loaded yet holds everything back
    expect(
      keys({ notes: { items: [], hasMore: true }, events: { items: [eventItem(event("e", 1))], hasMore: false } }),
    ).toEqual([]);
  });

  it("drops a row seen twice (it moved to the next page while paging)", () => {
    const sources: Sources = {
      notes: { items: [note(2, 200), note(1, 100), note(1, 100)].map(noteItem), hasMore: false },
    };
    expect(keys(sources)).toEqual(["note-1", "note-2"]);
  });
});
