// Reading and writing tasks through /api/v4/tasks (spec §9): pages in deadline order, the names of the
// leads, contacts and companies they belong to, and the writes (add, complete, reschedule, reassign).
import { useInfiniteQuery, useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";

import { api, unwrap, type components } from "../../api/client";
import { phpQuery } from "./query";

export type Task = components["schemas"]["TaskOut"];
export type TaskEntityType = "leads" | "contacts" | "companies";
export type NewTask = components["schemas"]["TaskIn"];
export type TaskChange = Omit<components["schemas"]["TaskUpdate"], "id">;

export const PAGE_SIZE = 50;
export const TASKS_KEY = ["tasks", "list"] as const;

export interface TaskFilter {
  /** Responsible users; empty for every task the user may see. */
  responsible: number[];
  /** Task type ids; empty for all. */
  types: number[];
  completed: boolean;
}

/** The tasks matching `filter`, a page at a time: open ones earliest deadline first, completed ones latest
 * deadline first. */
export function useTaskPages(filter: TaskFilter, enabled = true) {
  return useInfiniteQuery({
    queryKey: [...TASKS_KEY, filter],
    enabled,
    initialPageParam: 1,
    queryFn: async ({ pageParam }) => {
      const page = await unwrap(
        api.GET("/api/v4/tasks", {
          params: {
            query: {
              page: pageParam,
              limit: PAGE_SIZE,
              filter: {
                is_completed: filter.completed,
                ...(filter.responsible.length ? { responsible_user_id: filter.responsible } : {}),
                ...(filter.types.length ? { task_type: filter.types } : {}),
              },
              order: { complete_till: filter.completed ? "desc" : "asc" },
            },
          },
          querySerializer: phpQuery,
        }),
      );
      return { tasks: page?._embedded.tasks ?? [], more: Boolean(page?._links.next) };
    },
    getNextPageParam: (last, pages) => (last.more ? pages.length + 1 : undefined),
  });
}

function entityKey(type: string, id: number): string {
  return `${type}:${id}`;
}

const NAME_CHUNK = 50;

/** The names of the entities the tasks belong to ("leads:12" → "Big deal"), one request per type and 50
 * ids. Contacts and companies of incoming leads not yet accepted are not listed and stay unnamed. */
export function useEntityNames(tasks: readonly Task[]): Map<string, string> {
  const requests = useMemo(() => {
    const ids: Record<TaskEntityType, Set<number>> = { leads: new Set(), contacts: new Set(), companies: new Set() };
    for (const task of tasks) if (task.entity_type && task.entity_id) ids[task.entity_type].add(task.entity_id);
    const chunks: { type: TaskEntityType; ids: number[] }[] = [];
    for (const type of Object.keys(ids) as TaskEntityType[]) {
      const sorted = [...ids[type]].sort((a, b) => a - b);
      for (let start = 0; start < sorted.length; start += NAME_CHUNK) {
        chunks.push({ type, ids: sorted.slice(start, start + NAME_CHUNK) });
      }
    }
    return chunks;
  }, [tasks]);
  return useQueries({
    queries: requests.map(({ type, ids }) => ({
      queryKey: ["tasks", "entity-names", type, ids],
      queryFn: () => entityNames(type, ids),
      staleTime: 60_000,
    })),
    combine: mergeNames,
  });
}

function mergeNames(results: { data?: [string, string][] }[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const result of results) for (const [key, name] of result.data ?? []) names.set(key, name);
  return names;
}

async function entityNames(type: TaskEntityType, ids: number[]): Promise<[string, string][]> {
  const query = { params: { query: { limit: ids.length, filter: { id: ids } } }, querySerializer: phpQuery };
  const rows =
    type === "leads"
      ? (await unwrap(api.GET("/api/v4/leads", query)))?._embedded.leads
      : type === "contacts"
        ? (await unwrap(api.GET("/api/v4/contacts", query)))?._embedded.contacts
        : (await unwrap(api.GET("/api/v4/companies", query)))?._embedded.companies;
  return (rows ?? []).map((row) => [entityKey(type, row.id), "name" in row ? (row.name ?? "") : ""]);
}

/** The entity's name from useEntityNames, or null when unknown. */
export function entityName(names: Map<string, string>, task: Pick<Task, "entity_type" | "entity_id">) {
  if (!task.entity_type || !task.entity_id) return null;
  return names.get(entityKey(task.entity_type, task.entity_id)) ?? null;
}

/** Writes: each refreshes the task lists once it is done. */
export function useTaskWrites() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: TASKS_KEY });
  const change = useMutation({
    mutationFn: ({ id, ...fields }: TaskChange & { id: number }) =>
      unwrap(api.PATCH("/api/v4/tasks", { body: [{ id, ...fields }] })),
    onSuccess: refresh,
  });
  const add = useMutation({
    mutationFn: (task: NewTask) => unwrap(api.POST("/api/v4/tasks", { body: [{ ...task, request_id: "0" }] })),
    onSuccess: refresh,
  });
  return {
    change,
    add,
    /** Completing is `is_completed: true` with the result's text (spec §9.2). */
    complete: (id: number, result: string) =>
      change.mutateAsync({ id, is_completed: true, result: result.trim() ? { text: result.trim() } : null }),
  };
}
