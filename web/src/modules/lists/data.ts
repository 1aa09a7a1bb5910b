// What the list screens load from the public API: the pages of a list, and the catalogs the columns and
// filters need (users, pipelines, custom fields, tags). Query keys start with "lists".
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";

import { api, unwrap, type components } from "../../api/client";
import { apiQuery, type EntityKind, type ListState } from "./listState";
import type { BulkRequest } from "./bulk";

type Schemas = components["schemas"];
export type LeadRow = Schemas["LeadOut"];
export type ContactRow = Schemas["ContactOut"];
export type CompanyRow = Schemas["CompanyOut"];
export type Row = LeadRow | ContactRow | CompanyRow;
export type Field = Schemas["FieldOut"];
export type Pipeline = Schemas["PipelineOut"];
export type Stage = Schemas["StatusOut"];
export type User = Schemas["UserOut"];

export const PAGE_SIZE = 50;
/** Stage type of the Incoming stage (incoming leads only; not a target of a bulk move). */
export const INCOMING_STAGE = 1;

export interface Page {
  rows: Row[];
  hasNext: boolean;
}

type Listed = Row | Schemas["EntityTrashedOut"];

function live(rows: readonly Listed[] | undefined): Row[] {
  return (rows ?? []).filter((row): row is Row => "name" in row);
}

/** One page of a list (204, an empty page, is `undefined` from unwrap). */
export async function fetchPage(kind: EntityKind, query: string, signal?: AbortSignal): Promise<Page> {
  const options = { querySerializer: () => query, signal };
  if (kind === "leads") {
    const page = await unwrap(api.GET("/api/v4/leads", options));
    return { rows: live(page?._embedded.leads), hasNext: Boolean(page?._links.next) };
  }
  if (kind === "contacts") {
    const page = await unwrap(api.GET("/api/v4/contacts", options));
    return { rows: live(page?._embedded.contacts), hasNext: Boolean(page?._links.next) };
  }
  const page = await unwrap(api.GET("/api/v4/companies", options));
  return { rows: live(page?._embedded.companies), hasNext: Boolean(page?._links.next) };
}

/** The rows of the list, page after page ("Load more"). */
export function useEntityPages(kind: EntityKind, state: ListState) {
  return useInfiniteQuery({
    queryKey: ["lists", kind, "rows", apiQuery(kind, state, 1, PAGE_SIZE)],
    queryFn: ({ pageParam, signal }) => fetchPage(kind, apiQuery(kind, state, pageParam, PAGE_SIZE), signal),
    initialPageParam: 1,
    getNextPageParam: (last, _pages, page) => (last.hasNext ? page + 1 : undefined),
    // A new sort or filter keeps the rows shown until its own arrive (no flash of a spinner).
    placeholderData: keepPreviousData,
  });
}

export function useUsers() {
  return useQuery({
    queryKey: ["lists", "users"],
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v4/users", { params: { query: { limit: 250 } } }));
      return page?._embedded.users ?? [];
    },
    staleTime: 5 * 60_000,
  });
}

export function usePipelines(enabled: boolean) {
  return useQuery({
    queryKey: ["lists", "pipelines"],
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v4/leads/pipelines"));
      return [...(page?._embedded.pipelines ?? [])].sort((a, b) => a.sort - b.sort || a.id - b.id);
    },
    enabled,
    staleTime: 5 * 60_000,
  });
}

async function fieldsPage(kind: EntityKind, page: number) {
  const params = { query: { page, limit: 250 } };
  if (kind === "leads") return unwrap(api.GET("/api/v4/leads/custom_fields", { params }));
  if (kind === "contacts") return unwrap(api.GET("/api/v4/contacts/custom_fields", { params }));
  return unwrap(api.GET("/api/v4/companies/custom_fields", { params }));
}

export function useFields(kind: EntityKind) {
  return useQuery({
    queryKey: ["lists", kind, "fields"],
    queryFn: async () => {
      const fields: Field[] = [];
      for (let page = 1; page <= 20; page++) {
        const answer = await fieldsPage(kind, page);
        fields.push(...(answer?._embedded.custom_fields ?? []));
        if (!answer?._links.next) break;
      }
      return fields.sort((a, b) => a.sort - b.sort || a.id - b.id);
    },
    staleTime: 5 * 60_000,
  });
}

export function useTagNames(kind: EntityKind) {
  return useQuery({
    queryKey: ["lists", kind, "tags"],
    queryFn: async () => {
      const params = { query: { limit: 250 } };
      const page =
        kind === "leads"
          ? await unwrap(api.GET("/api/v4/leads/tags", { params }))
          : kind === "contacts"
            ? await unwrap(api.GET("/api/v4/contacts/tags", { params }))
            : await unwrap(api.GET("/api/v4/companies/tags", { params }));
      return (page?._embedded.tags ?? []).map((tag) => tag.name);
    },
    staleTime: 60_000,
  });
}

/** Sends one batch of a bulk action (bulk.ts builds them). */
export async function sendBulk(kind: EntityKind, request: BulkRequest): Promise<void> {
  const body = request.body as never;
  if (request.method === "DELETE") {
    if (kind === "leads") await unwrap(api.DELETE("/api/v4/leads", { body }));
    else if (kind === "contacts") await unwrap(api.DELETE("/api/v4/contacts", { body }));
    else await unwrap(api.DELETE("/api/v4/companies", { body }));
    return;
  }
  if (kind === "leads") await unwrap(api.PATCH("/api/v4/leads", { body }));
  else if (kind === "contacts") await unwrap(api.PATCH("/api/v4/contacts", { body }));
  else await unwrap(api.PATCH("/api/v4/companies", { body }));
}
