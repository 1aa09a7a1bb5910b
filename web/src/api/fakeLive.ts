// Test doubles for live.ts (used by Vitest tests only): an EventSource the test plays the server of, a hub that
// opens them, and the fake clock they run on.
import { act } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";

import { LiveHub, type LiveEvent } from "./live";

/** A fake EventSource: records its listeners; the test plays the server. */
export class FakeSource {
  static all: FakeSource[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  closed = false;

  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.closed = true;
    this.readyState = 2;
  }

  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  /** The server sends one event (as `event: <type>`, `id: <position>`). */
  send(position: number, event: Partial<LiveEvent> & { type: string }) {
    const message = new MessageEvent<string>(event.type, {
      data: JSON.stringify({ id: `ev${position}`, entity_type: "lead", entity_id: 1, ...event }),
      lastEventId: String(position),
    });
    for (const listener of this.listeners.get(event.type) ?? []) listener(message);
  }

  /** The connection drops; `giveUp` is what EventSource does after an answer that is not a stream. */
  fail(giveUp: boolean) {
    this.readyState = giveUp ? 2 : 0;
    this.onerror?.(new Event("error"));
  }
}

/** A hub on FakeSources, listening to `types` (closes 1 s after its last subscriber, reopens after n × 100 ms). */
export function fakeHub(types: string[], loadTypes = vi.fn(async () => types)) {
  const hub = new LiveHub({
    open: (url) => new FakeSource(url),
    loadTypes,
    closeDelayMs: 1000,
    reopenDelayMs: (attempt) => attempt * 100,
  });
  return { hub, loadTypes };
}

/** Every test of the file starts with no sources, on a fake clock. */
export function fakeLiveEachTest(): void {
  beforeEach(() => {
    FakeSource.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Moves the fake clock by `ms`, letting promises (the hub's types) and React act on it. */
export async function advance(ms: number): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}
