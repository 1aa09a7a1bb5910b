import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { StrictMode } from "react";
import { describe, expect, it, vi } from "vitest";

import { advance, FakeSource, fakeHub, fakeLiveEachTest } from "../../api/fakeLive";
import { LiveHubContext } from "../../api/live";
import { SessionContext, type Session } from "../../api/session";
import { feedKeys } from "../feed/useFeed";
import { cardKeys } from "./data";
import type { Kind } from "./kinds";
import { applyRefresh, DEBOUNCE_MS, refreshFor, RefreshBatch, useCardLiveUpdates, type Refresh } from "./live";

const TYPES = ["name_field_changed", "custom_field_value_changed", "common_note_added", "task_added", "task_completed"];

fakeLiveEachTest();

describe("refreshFor", () => {
  const lead7 = { kind: "leads" as Kind, id: 7, taskIds: [30] };
  const event = (type: string, entity_type: string, entity_id: number) => ({ type, entity_type, entity_id });

  it("reads the whole card again for its own events, notes included", () => {
    expect(refreshFor(lead7, event("name_field_changed", "lead", 7))).toBe("card");
    expect(refreshFor(lead7, event("common_note_added", "lead", 7))).toBe("card");
    expect(refreshFor({ kind: "companies", id: 3, taskIds: [] }, event("company_deleted", "company", 3))).toBe("card");
  });

  it("leaves other cards' events alone", () => {
    expect(refreshFor(lead7, event("name_field_changed", "lead", 8))).toBeNull();
    expect(refreshFor(lead7, event("name_field_changed", "contact", 7))).toBeNull();
    expect(refreshFor({ ...lead7, id: null }, event("name_field_changed", "lead", 7))).toBeNull();
    expect(refreshFor({ ...lead7, id: null }, event("task_added", "task", 31))).toBeNull();
  });

  it("reads the tasks again for the card's tasks and for any new task", () => {
    expect(refreshFor(lead7, event("task_completed", "task", 30))).toBe("tasks");
    expect(refreshFor(lead7, event("task_deadline_changed", "task", 30))).toBe("tasks");
    expect(refreshFor(lead7, event("task_added", "task", 31))).toBe("tasks");
    expect(refreshFor(lead7, event("task_completed", "task", 31))).toBeNull();
  });
});

describe("RefreshBatch", () => {
  it("runs a burst once, with all it asked for, DEBOUNCE_MS after its first event", () => {
    const run = vi.fn();
    const batch = new RefreshBatch(run);
    batch.add("tasks");
    vi.advanceTimersByTime(100);
    batch.add("card");
    batch.add("card");
    vi.advanceTimersByTime(DEBOUNCE_MS - 101);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect([...(run.mock.calls[0]![0] as Set<Refresh>)].sort()).toEqual(["card", "tasks"]);
    // The next event starts a new batch.
    batch.add("tasks");
    vi.advanceTimersByTime(DEBOUNCE_MS);
    expect(run).toHaveBeenCalledTimes(2);
    expect([...(run.mock.calls[1]![0] as Set<Refresh>)]).toEqual(["tasks"]);
  });

  it("runs what is pending at once on flush, and forgets it when cancelled", () => {
    const run = vi.fn();
    const batch = new RefreshBatch(run, 10);
    batch.add("tasks");
    batch.flush();
    expect(run).toHaveBeenCalledTimes(1);
    batch.add("card");
    batch.cancel();
    vi.advanceTimersByTime(100);
    batch.flush();
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe("applyRefresh", () => {
  function invalidated(what: Refresh[]) {
    const client = new QueryClient();
    const spy = vi.spyOn(client, "invalidateQueries");
    void applyRefresh(client, "leads", 7, new Set(what));
    return spy.mock.calls.map(([filters]) => filters?.queryKey);
  }

  it("reads the card, the cards it links and the whole feed again; or only the tasks", () => {
    expect(invalidated(["card", "tasks"])).toEqual([cardKeys.entity("leads", 7), ["cards", "linked"], ["feed", "leads", 7]]);
    expect(invalidated(["tasks"])).toEqual([feedKeys.tasks("leads", 7)]);
  });
});

const SESSION = { user: { id: 1 }, account: { id: 1 }, isAdmin: false, csrfToken: "t" } as unknown as Session;

function Card({ kind, id }: { kind: Kind; id: number | null }) {
  useCardLiveUpdates(kind, id);
  return null;
}

function mount(id: number | null = 7) {
  const { hub } = fakeHub(TYPES);
  const client = new QueryClient();
  client.setQueryData(feedKeys.tasks("leads", 7), [{ id: 30 }]);
  const spy = vi.spyOn(client, "invalidateQueries");
  const view = render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <SessionContext.Provider value={SESSION}>
          <LiveHubContext.Provider value={hub}>
            <Card kind="leads" id={id} />
          </LiveHubContext.Provider>
        </SessionContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );
  const keys = () => spy.mock.calls.map(([filters]) => filters?.queryKey);
  return { view, keys, spy };
}

describe("useCardLiveUpdates", () => {
  it("refreshes the open card once per burst of its events", async () => {
    const { keys } = mount();
    await advance(0);
    const source = FakeSource.all[0]!;
    expect(FakeSource.all).toHaveLength(1); // one connection for both subscriptions
    source.send(1, { type: "name_field_changed", entity_type: "lead", entity_id: 7 });
    source.send(2, { type: "custom_field_value_changed", entity_type: "lead", entity_id: 7 });
    source.send(3, { type: "common_note_added", entity_type: "lead", entity_id: 7 });
    source.send(4, { type: "name_field_changed", entity_type: "lead", entity_id: 8 });
    await advance(DEBOUNCE_MS - 1);
    expect(keys()).toEqual([]);
    await advance(1);
    expect(keys()).toEqual([cardKeys.entity("leads", 7), ["cards", "linked"], ["feed", "leads", 7]]);
  });

  it("refreshes the tasks for the card's task events and new tasks, not for other tasks", async () => {
    const { keys, spy } = mount();
    await advance(0);
    const source = FakeSource.all[0]!;
    source.send(1, { type: "task_completed", entity_type: "task", entity_id: 31 });
    await advance(DEBOUNCE_MS);
    expect(keys()).toEqual([]);
    source.send(2, { type: "task_completed", entity_type: "task", entity_id: 30 });
    await advance(DEBOUNCE_MS);
    expect(keys()).toEqual([feedKeys.tasks("leads", 7)]);
    spy.mockClear();
    source.send(3, { type: "task_added", entity_type: "task", entity_id: 32 });
    await advance(DEBOUNCE_MS);
    expect(keys()).toEqual([feedKeys.tasks("leads", 7)]);
  });

  it("does nothing once the card is closed, nor for a card without an id", async () => {
    const { view, keys } = mount();
    await advance(0);
    FakeSource.all[0]!.send(1, { type: "name_field_changed", entity_type: "lead", entity_id: 7 });
    view.unmount();
    await advance(DEBOUNCE_MS);
    expect(keys()).toEqual([]);

    const missing = mount(null);
    await advance(1000);
    const source = FakeSource.all[FakeSource.all.length - 1]!;
    source.send(2, { type: "name_field_changed", entity_type: "lead", entity_id: 7 });
    source.send(3, { type: "task_added", entity_type: "task", entity_id: 33 });
    await advance(DEBOUNCE_MS);
    expect(missing.keys()).toEqual([]);
  });
});
