// The feed's three lists, read page by page (TanStack Query), merged by merge.ts. Keys: ["feed", kind, id, …];
// invalidate ["feed", kind, id] after a change to the card.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { api, unwrap } from "../../api/client";
import { phpQuery } from "../../api/phpQuery";
import { kindPath } from "../cards/data";
import { SINGULAR, type Kind } from "../cards/kinds";
import { eventItem, isOwnLine, mergeFeed, noteItem, sourcesToLoad, taskItem } from "./merge";
import type { FeedItem, Sources, Task } from "./merge";

export const PAGE_SIZE = 50;
const MAX_TASK_PAGES = 4;

export const feedKeys = {
  card: (kind: Kind, id: number) => ["feed", kind, id] as const,
  notes: (kind: Kind, id: number) => ["feed", kind, id, "notes"] as const,
  events: (kind: Kind, id: number) => ["feed", kind, id, "events"] as const,
  tasks: (kind: Kind, id: number) => ["feed", kind, id, "tasks"] as const,
};

interface Page {
  items: FeedItem[];
  hasMore: boolean;
}

function nextPage(last: Page, pages: Page[]): number | undefined {
  return last.hasMore ? pages.length + 1 : undefined;
}

async function notesPage(kind: Kind, id: number, page: number): Promise<Page> {
  const answer = await unwrap(
    api.GET(kindPath(kind, "/api/v4/leads/{entity_id}/notes"), {
      params: { path: { entity_id: id }, query: { page, limit: PAGE_SIZE, order: { id: "desc" } } },
      querySerializer: phpQuery,
    }),
  );
  return { items: (answer?._embedded.notes ?? []).map(noteItem), hasMore: !!answer?._links.next };
}

/** The account's event types (key → name in `lang`), GET /api/v4/events/types. */
export function useEventTypes(lang: string) {
  return useQuery({
    queryKey: ["feed", "event-types", lang],
    staleTime: Infinity,
    queryFn: async () => {
      const answer = await unwrap(api.GET("/api/v4/events/types", { params: { query: { language_code: lang } } }));
      return new Map((answer?._embedded.events_types ?? []).map((type) => [type.key, type.lang]));
    },
  });
}

/** Events with a line of their own only (`types`): note, call and task events would fill pages with rows the feed
 * shows otherwise. Without the list (it failed to load) every event comes and merge.ts leaves those out. */
async function eventsPage(kind: Kind, id: number, page: number, types: readonly string[] | null): Promise<Page> {
  const filter = { entity: [SINGULAR[kind]], entity_id: [id], ...(types ? { type: [...types] } : {}) };
  const answer = await unwrap(
    api.GET("/api/v4/events", {
      params: { query: { page, limit: PAGE_SIZE, filter, order: { created_at: "desc" } } },
      querySerializer: phpQuery,
    }),
  );
  return { items: (answer?._embedded.events ?? []).map(eventItem), hasMore: !!answer?._links.next };
}

/** Every task of the card (a card has few; at most MAX_TASK_PAGES pages of 250). */
async function allTasks(kind: Kind, id: number): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let page = 1; page <= MAX_TASK_PAGES; page++) {
    const answer = await unwrap(
      api.GET("/api/v4/tasks", {
        params: {
          query: {
            page,
            limit: 250,
            filter: { entity_type: [kind], entity_id: [id] },
            order: { complete_till: "asc" },
          },
        },
        querySerializer: phpQuery,
      }),
    );
    tasks.push(...(answer?._embedded.tasks ?? []));
    if (!answer?._links.next) break;
  }
  return tasks;
}

export function useFeed(kind: Kind, id: number, lang: string) {
  const eventTypes = useEventTypes(lang);
  const ownLines = eventTypes.data ? [...eventTypes.data.keys()].filter(isOwnLine).sort() : null;
  const notes = useInfiniteQuery({
    queryKey: feedKeys.notes(kind, id),
    queryFn: ({ pageParam }) => notesPage(kind, id, pageParam),
    initialPageParam: 1,
    getNextPageParam: nextPage,
  });
  const events = useInfiniteQuery({
    queryKey: [...feedKeys.events(kind, id), ownLines],
    queryFn: ({ pageParam }) => eventsPage(kind, id, pageParam, ownLines),
    initialPageParam: 1,
    getNextPageParam: nextPage,
    enabled: !eventTypes.isPending,
  });
  const tasks = useQuery({ queryKey: feedKeys.tasks(kind, id), queryFn: () => allTasks(kind, id) });

  const sources = useMemo<Sources>(() => {
    const paged = (data: { pages: Page[] } | undefined, hasNext: boolean) =>
      data ? { items: data.pages.flatMap((page) => page.items), hasMore: hasNext } : undefined;
    return {
      notes: paged(notes.data, notes.hasNextPage),
      events: paged(events.data, events.hasNextPage),
      tasks: tasks.data ? { items: tasks.data.map(taskItem), hasMore: false } : undefined,
    };
  }, [notes.data, notes.hasNextPage, events.data, events.hasNextPage, tasks.data]);

  const merged = useMemo(() => mergeFeed(sources), [sources]);
  const queries = [notes, events, tasks];
  const loadingEarlier = notes.isFetchingNextPage || events.isFetchingNextPage;

  function loadEarlier() {
    for (const name of sourcesToLoad(sources)) {
      if (name === "notes") void notes.fetchNextPage();
      if (name === "events") void events.fetchNextPage();
    }
  }

  return {
    ...merged,
    isLoading: queries.some((query) => query.isPending),
    error: queries.find((query) => query.isError)?.error ?? null,
    retry: () => queries.forEach((query) => query.isError && void query.refetch()),
    loadEarlier,
    loadingEarlier,
  };
}
