import { act, render } from "@testing-library/react";
import { StrictMode, type ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";

import { advance, FakeSource, fakeHub, fakeLiveEachTest } from "./fakeLive";
import { LiveHub, LiveHubContext, matches, useLiveEvents, type LiveEvent, type LiveFilter } from "./live";
import { SessionContext, type Session } from "./session";

const TYPES = ["lead_added", "name_field_changed", "common_note_added"];

function makeHub(loadTypes = vi.fn(async () => TYPES)) {
  return fakeHub(TYPES, loadTypes);
}

/** Lets the types promise settle. */
const settle = () => advance(0);

fakeLiveEachTest();

describe("matches", () => {
  const event = { entity_type: "lead", entity_id: 7 };
  it("picks by entity and id", () => {
    expect(matches({}, event)).toBe(true);
    expect(matches({ entity: "leads" }, event)).toBe(true);
    expect(matches({ entity: "leads", entityId: 7 }, event)).toBe(true);
    expect(matches({ entity: "leads", entityId: 8 }, event)).toBe(false);
    expect(matches({ entity: "contacts", entityId: 7 }, event)).toBe(false);
    expect(matches({ entity: "companies" }, { entity_type: "company", entity_id: 1 })).toBe(true);
  });
});

describe("LiveHub", () => {
  it("opens one connection for all subscribers, listening to every event type", async () => {
    const { hub, loadTypes } = makeHub();
    const a = hub.subscribe({}, vi.fn());
    const b = hub.subscribe({ entity: "leads", entityId: 1 }, vi.fn());
    await settle();
    expect(FakeSource.all).toHaveLength(1);
    expect(FakeSource.all[0]!.url).toBe("/api/v4/events/stream");
    expect([...FakeSource.all[0]!.listeners.keys()]).toEqual(TYPES);
    expect(loadTypes).toHaveBeenCalledTimes(1);
    a();
    b();
  });

  it("dispatches by entity type and id, with the position", async () => {
    const { hub } = makeHub();
    const all = vi.fn();
    const lead7 = vi.fn();
    const contact7 = vi.fn();
    hub.subscribe({}, all);
    hub.subscribe({ entity: "leads", entityId: 7 }, lead7);
    hub.subscribe({ entity: "contacts", entityId: 7 }, contact7);
    await settle();
    const source = FakeSource.all[0]!;
    source.send(10, { type: "name_field_changed", entity_type: "lead", entity_id: 7 });
    source.send(11, { type: "common_note_added", entity_type: "contact", entity_id: 7 });
    source.send(12, { type: "lead_added", entity_type: "lead", entity_id: 8 });
    expect(all.mock.calls.map(([event]) => (event as LiveEvent).position)).toEqual([10, 11, 12]);
    expect(lead7).toHaveBeenCalledTimes(1);
    expect(lead7.mock.calls[0]![0]).toMatchObject({ type: "name_field_changed", entity_id: 7, position: 10 });
    expect(contact7).toHaveBeenCalledTimes(1);
    expect(contact7.mock.calls[0]![0]).toMatchObject({ type: "common_note_added", position: 11 });
  });

  it("keeps delivering to the others when one subscriber throws", async () => {
    const { hub } = makeHub();
    const errors = vi.fn();
    vi.stubGlobal("reportError", errors);
    const other = vi.fn();
    hub.subscribe({}, () => {
      throw new Error("boom");
    });
    hub.subscribe({}, other);
    await settle();
    FakeSource.all[0]!.send(1, { type: "lead_added" });
    expect(other).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledTimes(1);
    vi.unstubAllGlobals();
  });

  it("closes after the last subscriber leaves, not when another comes in time", async () => {
    const { hub } = makeHub();
    const a = hub.subscribe({}, vi.fn());
    await settle();
    const source = FakeSource.all[0]!;
    a();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    const b = hub.subscribe({}, vi.fn()); // e.g. from one card to the next
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5000);
    });
    expect(source.closed).toBe(false);
    expect(FakeSource.all).toHaveLength(1);
    b();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    expect(source.closed).toBe(true);
    expect(hub.connecting).toBe(false);
    // Unsubscribing twice changes nothing; a new subscriber opens a new connection, from the next event.
    b();
    hub.subscribe({}, vi.fn());
    await settle();
    expect(FakeSource.all).toHaveLength(2);
    expect(FakeSource.all[1]!.url).toBe("/api/v4/events/stream");
  });

  it("does not open when the last subscriber leaves before the types arrive", async () => {
    let arrive: (types: string[]) => void = () => undefined;
    const { hub } = makeHub(vi.fn(() => new Promise<string[]>((resolve) => (arrive = resolve))));
    const a = hub.subscribe({}, vi.fn());
    a();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    arrive(TYPES);
    await settle();
    expect(FakeSource.all).toHaveLength(0);
  });

  it("lets EventSource resume by itself, and reopens from the last position when it gives up", async () => {
    const { hub } = makeHub();
    const handler = vi.fn();
    hub.subscribe({}, handler);
    await settle();
    const first = FakeSource.all[0]!;
    first.open();
    first.send(41, { type: "lead_added" });
    first.fail(false); // the browser reconnects with Last-Event-ID: 41 itself
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    expect(FakeSource.all).toHaveLength(1);
    first.send(42, { type: "lead_added" });
    first.fail(true); // e.g. a 502 while the server restarts: EventSource ends
    expect(first.closed).toBe(true);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(99);
    });
    expect(FakeSource.all).toHaveLength(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(FakeSource.all).toHaveLength(2);
    const second = FakeSource.all[1]!;
    expect(second.url).toBe("/api/v4/events/stream?since=42");
    // A late message of the old connection and a repeated position are dropped.
    first.send(43, { type: "lead_added" });
    second.send(42, { type: "lead_added" });
    second.send(43, { type: "lead_added" });
    expect(handler.mock.calls.map(([event]) => (event as LiveEvent).position)).toEqual([41, 42, 43]);
  });

  it("waits longer after each failure, and starts over once a connection opens", async () => {
    const { hub } = makeHub();
    hub.subscribe({}, vi.fn());
    await settle();
    FakeSource.all[0]!.fail(true);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    FakeSource.all[1]!.fail(true);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(199);
    });
    expect(FakeSource.all).toHaveLength(2);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(FakeSource.all).toHaveLength(3);
    FakeSource.all[2]!.open();
    FakeSource.all[2]!.fail(true);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    expect(FakeSource.all).toHaveLength(4);
  });

  it("tries the types again after they failed to load", async () => {
    const loadTypes = vi.fn().mockRejectedValueOnce(new Error("offline")).mockResolvedValue(TYPES);
    const { hub } = makeHub(loadTypes);
    hub.subscribe({}, vi.fn());
    await settle();
    expect(FakeSource.all).toHaveLength(0);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    expect(loadTypes).toHaveBeenCalledTimes(2);
    expect(FakeSource.all).toHaveLength(1);
  });
});

function Probe(props: { filter: LiveFilter; onEvent: (event: LiveEvent) => void }) {
  useLiveEvents(props.filter, props.onEvent);
  return null;
}

const SESSION = { user: { id: 1 }, account: { id: 1 }, isAdmin: false, csrfToken: "t" } as unknown as Session;

function wrap(hub: LiveHub, signedIn: boolean, children: ReactNode) {
  return (
    <StrictMode>
      <SessionContext.Provider value={signedIn ? SESSION : null}>
        <LiveHubContext.Provider value={hub}>{children}</LiveHubContext.Provider>
      </SessionContext.Provider>
    </StrictMode>
  );
}

describe("useLiveEvents", () => {
  it("subscribes while mounted (StrictMode: one connection) and calls the latest handler", async () => {
    const { hub } = makeHub();
    const first = vi.fn();
    const second = vi.fn();
    const view = render(wrap(hub, true, <Probe filter={{ entity: "leads", entityId: 7 }} onEvent={first} />));
    await settle();
    expect(FakeSource.all).toHaveLength(1);
    view.rerender(wrap(hub, true, <Probe filter={{ entity: "leads", entityId: 7 }} onEvent={second} />));
    FakeSource.all[0]!.send(5, { type: "name_field_changed", entity_type: "lead", entity_id: 7 });
    FakeSource.all[0]!.send(6, { type: "name_field_changed", entity_type: "lead", entity_id: 8 });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    // Another entity: the same connection, the new filter.
    view.rerender(wrap(hub, true, <Probe filter={{ entity: "leads", entityId: 8 }} onEvent={second} />));
    FakeSource.all[0]!.send(7, { type: "name_field_changed", entity_type: "lead", entity_id: 8 });
    expect(second).toHaveBeenCalledTimes(2);
    await settle();
    expect(FakeSource.all).toHaveLength(1);
    view.unmount();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    expect(FakeSource.all[0]!.closed).toBe(true);
  });

  it("opens nothing while signed out", async () => {
    const { hub, loadTypes } = makeHub();
    render(wrap(hub, false, <Probe filter={{}} onEvent={vi.fn()} />));
    await settle();
    expect(loadTypes).not.toHaveBeenCalled();
    expect(FakeSource.all).toHaveLength(0);
  });
});
