// What the board loads and changes through the public API. Query keys start with "board":
//   ["board", pipelineId, filtersKey, "summary"]            the per-stage count and price sum
//   ["board", pipelineId, filtersKey, "column", stageId]    a column's leads, a page of 50 at a time
//   ["board", "extras", kind, ids]                           names, closest tasks, incoming leads of shown cards
// A column's cards need one request per page; their contacts, companies, closest tasks and (Incoming) incoming
// leads come in one request each per page, after the cards are painted.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { phpQuery } from "../../api/phpQuery";
import { incomingByLead, type IncomingLead } from "../incoming";
import {
  closestTasks,
  columnQuery,
  LOST,
  moveInSummary,
  partyIds,
  summaryQuery,
  withLeadOnTop,
  withoutLead,
  type BoardFilters,
  type ColumnData,
  type ColumnPage,
  type Lead,
  type Summary,
  type Task,
} from "./model";

export function filtersKey(filters: BoardFilters): string {
  return summaryQuery(filters, 0);
}

export interface BoardScope {
  pipelineId: number;
  filters: BoardFilters;
}

export const summaryKey = (scope: BoardScope) => ["board", scope.pipelineId, filtersKey(scope.filters), "summary"] as const;
/** Every column of the board `scope` shows (a prefix of each column's key). */
export const columnsKey = (scope: BoardScope) => ["board", scope.pipelineId, filtersKey(scope.filters), "column"] as const;
const columnKey = (scope: BoardScope, stageId: number) => [...columnsKey(scope), stageId] as const;

/** Reads the totals and these columns (`"all"`: every one) of the board again. */
export function reloadColumns(client: QueryClient, scope: BoardScope, stageIds: Iterable<number> | "all"): Promise<unknown> {
  const columns = stageIds === "all" ? [columnsKey(scope)] : [...stageIds].map((stageId) => columnKey(scope, stageId));
  return Promise.all([summaryKey(scope), ...columns].map((queryKey) => client.invalidateQueries({ queryKey })));
}

export function useSummary(scope: BoardScope) {
  return useQuery({
    queryKey: summaryKey(scope),
    enabled: scope.pipelineId > 0,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v4/leads/pipelines/{pipeline_id}/summary", {
          params: { path: { pipeline_id: scope.pipelineId } },
          querySerializer: () => summaryQuery(scope.filters, scope.pipelineId),
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export async function fetchColumnPage(scope: BoardScope, stageId: number, page: number, signal?: AbortSignal): Promise<ColumnPage> {
  const query = columnQuery(scope.filters, scope.pipelineId, stageId, page);
  const answer = await unwrap(api.GET("/api/v4/leads", { querySerializer: () => query, signal }));
  const leads = (answer?._embedded.leads ?? []).filter((lead): lead is Lead => "name" in lead);
  return { leads, hasNext: Boolean(answer?._links.next) };
}

export function useColumn(scope: BoardScope, stageId: number) {
  return useInfiniteQuery({
    queryKey: columnKey(scope, stageId),
    queryFn: ({ pageParam, signal }) => fetchColumnPage(scope, stageId, pageParam, signal),
    initialPageParam: 1,
    getNextPageParam: (last, _pages, page) => (last.hasNext ? page + 1 : undefined),
    placeholderData: keepPreviousData,
  });
}

async function names(kind: "contacts" | "companies", ids: readonly number[], signal: AbortSignal): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const params = { query: { limit: 250, filter: { id: [...ids] } } };
  const page =
    kind === "contacts"
      ? (await unwrap(api.GET("/api/v4/contacts", { params, querySerializer: phpQuery, signal })))?._embedded.contacts
      : (await unwrap(api.GET("/api/v4/companies", { params, querySerializer: phpQuery, signal })))?._embedded.companies;
  for (const item of page ?? []) if ("name" in item) found.set(item.id, item.name);
  return found;
}

async function tasksOf(leadIds: readonly number[], signal: AbortSignal): Promise<Map<number, Task>> {
  const params = {
    query: {
      limit: 250,
      order: { complete_till: "asc" as const },
      filter: { entity_type: ["leads"], entity_id: [...leadIds], is_completed: false },
    },
  };
  const page = await unwrap(api.GET("/api/v4/tasks", { params, querySerializer: phpQuery, signal }));
  return closestTasks(page?._embedded.tasks ?? []);
}

async function incomingOf(leadIds: readonly number[], signal: AbortSignal) {
  const params = { query: { limit: 250, filter: { lead_id: [...leadIds] } } };
  const page = await unwrap(api.GET("/api/v4/leads/unsorted", { params, querySerializer: phpQuery, signal }));
  return incomingByLead(page?._embedded.unsorted ?? []);
}

function merged<V>(maps: readonly (Map<number, V> | undefined)[]): Map<number, V> {
  const all = new Map<number, V>();
  for (const map of maps) for (const [key, value] of map ?? []) all.set(key, value);
  return all;
}

export interface CardDetails {
  contacts: Map<number, string>;
  companies: Map<number, string>;
  tasks: Map<number, Task>;
  incoming: Map<number, IncomingLead>;
}

/** What the cards of each loaded page show besides the lead: the names of its main contact and company, its
 * closest open task and (Incoming column) its incoming lead — one request of each per page, so a page loaded
 * later never asks again for the earlier ones (query keys start with ["board", "extras", kind]). */
export function useCardDetails(pages: readonly (readonly Lead[])[], incoming: boolean): CardDetails {
  const perPage = pages.map((leads) => ({ ids: leads.map((lead) => lead.id), ...partyIds(leads) }));
  type PageIds = (typeof perPage)[number];
  type Load<V> = (ids: number[], signal: AbortSignal) => Promise<Map<number, V>>;
  // One query per distinct list of ids (two pages may name the same contacts; a page without any asks nothing).
  const each = <V>(kind: string, ids: (page: PageIds) => number[], load: Load<V>, enabled = true) => {
    const lists = new Map(perPage.map(ids).filter((list) => list.length > 0).map((list) => [list.join(","), list]));
    return [...lists.values()].map((list) => ({
      queryKey: ["board", "extras", kind, list],
      queryFn: ({ signal }: { signal: AbortSignal }) => load(list, signal),
      enabled,
      placeholderData: keepPreviousData,
    }));
  };
  const combine = <V>(results: { data?: Map<number, V> }[]) => merged(results.map((result) => result.data));
  const contacts: Load<string> = (ids, signal) => names("contacts", ids, signal);
  const companies: Load<string> = (ids, signal) => names("companies", ids, signal);
  return {
    contacts: useQueries({ queries: each("contacts", (page) => page.contacts, contacts), combine }),
    companies: useQueries({ queries: each("companies", (page) => page.companies, companies), combine }),
    tasks: useQueries({ queries: each("tasks", (page) => page.ids, tasksOf), combine }),
    incoming: useQueries({ queries: each("incoming", (page) => page.ids, incomingOf, incoming), combine }),
  };
}

/** Refetch everything the board shows (after a change of someone else's, or a decision on an incoming lead). */
export function refreshBoard(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ queryKey: ["board"] });
}

export interface Move {
  lead: Lead;
  from: number;
  to: number;
  lossReasonId?: number | null;
}

/** Moves a lead to another stage: the card moves at once and goes back if the API refuses. */
export function useMoveLead(scope: BoardScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (move: Move) =>
      unwrap(
        api.PATCH("/api/v4/leads/{entity_id}", {
          params: { path: { entity_id: move.lead.id } },
          body: {
            pipeline_id: scope.pipelineId,
            status_id: move.to,
            ...(move.to === LOST && move.lossReasonId ? { loss_reason_id: move.lossReasonId } : {}),
          },
        }),
      ),
    onMutate: async (move) => {
      const keys = [columnKey(scope, move.from), columnKey(scope, move.to), summaryKey(scope)];
      await Promise.all(keys.map((queryKey) => client.cancelQueries({ queryKey })));
      const before = keys.map((queryKey) => [queryKey, client.getQueryData(queryKey)] as const);
      const moved: Lead = { ...move.lead, status_id: move.to, loss_reason_id: move.lossReasonId ?? move.lead.loss_reason_id };
      client.setQueryData<ColumnData>(keys[0]!, (data) => withoutLead(data, move.lead.id));
      client.setQueryData<ColumnData>(keys[1]!, (data) => withLeadOnTop(data, moved));
      client.setQueryData<Summary>(keys[2]!, (data) => moveInSummary(data, move.from, move.to, move.lead.price));
      return before;
    },
    onError: (_error, _move, before) => {
      for (const [queryKey, data] of before ?? []) client.setQueryData(queryKey, data);
    },
    onSettled: (_data, _error, move) => reloadColumns(client, scope, [move.from, move.to]),
  });
}

export interface NewLead {
  name: string;
  price: number | null;
  stageId: number;
}

/** Adds a lead in a column (responsible: the user adding it, as the API does by default). */
export function useQuickAdd(scope: BoardScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (lead: NewLead) =>
      unwrap(
        api.POST("/api/v4/leads", {
          body: [
            {
              name: lead.name,
              pipeline_id: scope.pipelineId,
              status_id: lead.stageId,
              ...(lead.price !== null ? { price: lead.price } : {}),
            },
          ],
        }),
      ),
    onSuccess: (_answer, lead) => reloadColumns(client, scope, [lead.stageId]),
  });
}
