// Live updates (issue 11 §7): the account's new events, as GET /api/v4/events/stream sends them.
//
//   useLiveEvents({ entity: "leads", entityId: 7 }, (event) => refreshCard(event));
//
// One EventSource per tab, shared by every subscriber: opened when the first one mounts, closed shortly after
// the last one unmounts (a StrictMode remount or a card → card navigation keeps it), never while signed out.
// The stream is unfiltered (the server already scopes it by the user's rights); subscribers are picked here by
// entity_type / entity_id (a server stream per card would soon hit the 5 streams per user).
//
// Why EventSource and not fetch + an SSE parser: the browser parses the stream, resumes after a dropped
// connection by itself, sending Last-Event-ID (the last position it saw: nothing missed, nothing twice), and
// follows the server's `retry:`. Its one catch, that every message carries `event: <type>` so only a listener
// per type sees it (onmessage sees nothing), is answered by GET /api/v4/events/types: the server's whole list
// of types (custom field changes are all `custom_field_value_changed`), loaded once per tab. What EventSource
// does not do is retry after an answer that is not a stream (401, 429 past 5 streams, a 502 of a proxy while
// the server restarts): it ends (readyState CLOSED). Then the hub opens a new one after a growing delay, from
// `?since=<last position seen>`, so that gap loses nothing either.
import { createContext, useContext, useEffect, useInsertionEffect, useRef } from "react";

import { api, unwrap } from "./client";
import type { components } from "./schema";
import { useSessionOptional } from "./session";

/** An event of the log (an item of GET /api/v4/events) and its position in the account's log. */
export type LiveEvent = components["schemas"]["EventOut"] & { position: number };

export type LiveEntity = "leads" | "contacts" | "companies";

export interface LiveFilter {
  entity?: LiveEntity;
  entityId?: number;
}

export type LiveHandler = (event: LiveEvent) => void;

const SINGULAR: Record<LiveEntity, string> = { leads: "lead", contacts: "contact", companies: "company" };

export function matches(filter: LiveFilter, event: Pick<LiveEvent, "entity_type" | "entity_id">): boolean {
  if (filter.entity !== undefined && event.entity_type !== SINGULAR[filter.entity]) return false;
  return filter.entityId === undefined || event.entity_id === filter.entityId;
}

/** What the hub needs of the browser's EventSource (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface LiveHubOptions {
  /** Default: the browser's EventSource (looked up when a connection opens). */
  open?: (url: string) => EventSourceLike;
  /** The event type keys to listen to. Default: GET /api/v4/events/types. */
  loadTypes?: () => Promise<string[]>;
  url?: string;
  /** How long the connection outlives its last subscriber (ms). */
  closeDelayMs?: number;
  /** Delay before a new connection after the previous one ended for good (attempt 1, 2, …), ms. */
  reopenDelayMs?: (attempt: number) => number;
}

const CLOSED = 2; // EventSource.CLOSED

async function loadEventTypes(): Promise<string[]> {
  const answer = await unwrap(api.GET("/api/v4/events/types"));
  return answer._embedded.events_types.map((type) => type.key);
}

function reopenDelay(attempt: number): number {
  return Math.min(3_000 * 2 ** (attempt - 1), 60_000);
}

interface Subscription {
  filter: LiveFilter;
  handler: LiveHandler;
}

export class LiveHub {
  private readonly subscriptions = new Set<Subscription>();
  private source: EventSourceLike | null = null;
  private types: Promise<string[]> | null = null;
  private generation = 0; // bumped on close: a connection being opened for an older generation gives up
  private lastPosition: number | null = null;
  private attempts = 0;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly options: Required<LiveHubOptions>;

  constructor(options: LiveHubOptions = {}) {
    this.options = {
      open: options.open ?? ((url) => new EventSource(url)),
      loadTypes: options.loadTypes ?? loadEventTypes,
      url: options.url ?? "/api/v4/events/stream",
      closeDelayMs: options.closeDelayMs ?? 1_000,
      reopenDelayMs: options.reopenDelayMs ?? reopenDelay,
    };
  }

  /** Calls `handler` with each new event that matches `filter`; returns the unsubscribe function. */
  subscribe(filter: LiveFilter, handler: LiveHandler): () => void {
    const subscription: Subscription = { filter: { ...filter }, handler };
    this.subscriptions.add(subscription);
    this.cancel("close");
    if (!this.connecting) this.connect();
    return () => {
      if (!this.subscriptions.delete(subscription) || this.subscriptions.size) return;
      this.cancel("close");
      this.closeTimer = setTimeout(() => this.close(), this.options.closeDelayMs);
    };
  }

  /** Is a connection open or on its way (for tests and diagnostics). */
  get connecting(): boolean {
    return this.source !== null || this.opening || this.reopenTimer !== null;
  }

  private opening = false;

  private connect(): void {
    const generation = this.generation;
    this.opening = true;
    this.types ??= this.options.loadTypes();
    this.types.then(
      (types) => {
        if (generation !== this.generation) return;
        this.opening = false;
        this.openSource(types);
      },
      () => {
        this.types = null; // try again with the next attempt
        if (generation !== this.generation) return;
        this.opening = false;
        this.scheduleReopen();
      },
    );
  }

  private openSource(types: string[]): void {
    const since = this.lastPosition === null ? "" : `?since=${this.lastPosition}`;
    const source = this.options.open(`${this.options.url}${since}`);
    this.source = source;
    const listener = (message: MessageEvent<string>) => {
      if (source === this.source) this.receive(message);
    };
    for (const type of types) source.addEventListener(type, listener);
    source.onopen = () => {
      this.attempts = 0;
    };
    source.onerror = () => {
      // CONNECTING: the browser reconnects by itself (with Last-Event-ID). CLOSED: it gave up.
      if (source !== this.source || source.readyState !== CLOSED) return;
      source.close();
      this.source = null;
      this.scheduleReopen();
    };
  }

  private scheduleReopen(): void {
    this.attempts += 1;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (this.subscriptions.size) this.connect();
    }, this.options.reopenDelayMs(this.attempts));
  }

  private receive(message: MessageEvent<string>): void {
    const position = Number(message.lastEventId);
    if (Number.isFinite(position) && this.lastPosition !== null && position <= this.lastPosition) return;
    let event: LiveEvent;
    try {
      event = { ...(JSON.parse(message.data) as components["schemas"]["EventOut"]), position };
    } catch {
      return; // not an event of the log
    }
    if (Number.isFinite(position)) this.lastPosition = position;
    for (const subscription of [...this.subscriptions]) {
      if (!this.subscriptions.has(subscription) || !matches(subscription.filter, event)) continue;
      try {
        subscription.handler(event);
      } catch (error) {
        reportError(error); // one failing subscriber does not keep the event from the others
      }
    }
  }

  private cancel(timer: "close" | "reopen"): void {
    const key = timer === "close" ? "closeTimer" : "reopenTimer";
    const handle = this[key];
    if (handle !== null) clearTimeout(handle);
    this[key] = null;
  }

  /** Ends the connection (the last subscriber left, or signing out). Subscribing again opens a new one. */
  close(): void {
    this.generation += 1;
    this.cancel("close");
    this.cancel("reopen");
    this.opening = false;
    this.source?.close();
    this.source = null;
    this.attempts = 0;
    // A later connection starts with the events after it opens: its subscribers load fresh data on mount.
    this.lastPosition = null;
  }
}

function reportError(error: unknown): void {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else console.error(error);
}

/** The tab's hub. */
export const liveHub = new LiveHub();

/** Which hub useLiveEvents uses (tests provide their own). */
export const LiveHubContext = createContext<LiveHub>(liveHub);

/** Calls `onEvent` with each new event of the account that matches `filter`, while the component is mounted
 * and someone is signed in. `onEvent` may change on every render: the latest one is called. */
export function useLiveEvents(filter: LiveFilter, onEvent: LiveHandler): void {
  const hub = useContext(LiveHubContext);
  const signedIn = useSessionOptional() !== null;
  const handler = useRef(onEvent);
  useInsertionEffect(() => {
    handler.current = onEvent;
  });
  const { entity, entityId } = filter;
  useEffect(() => {
    if (!signedIn) return undefined;
    return hub.subscribe({ entity, entityId }, (event) => handler.current(event));
  }, [hub, signedIn, entity, entityId]);
}
