// Incoming leads through /api/v4/leads/unsorted (spec §8): the waiting ones a page at a time (newest first),
// the pipelines and their stages, the entities an incoming lead brings, and accepting / declining.
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import { api, unwrap, type components } from "../../api/client";
import { phpQuery } from "../tasks/query";

export type IncomingLead = components["schemas"]["UnsortedOut"];
export type IncomingCategory = IncomingLead["category"];
export type Pipeline = components["schemas"]["PipelineOut"];
export type Stage = components["schemas"]["StatusOut"];
export type LeadItem = components["schemas"]["LeadOut"];
export type ContactItem = components["schemas"]["ContactOut"];
export type CompanyItem = components["schemas"]["CompanyOut"];

/** What deciding on an incoming lead needs: its uid and pipeline; the category, metadata and source name
 * (when given) make the dialogs' titles. */
export type IncomingRef = Pick<IncomingLead, "uid" | "pipeline_id"> &
  Partial<Pick<IncomingLead, "category" | "metadata" | "source_name">>;

export const CATEGORIES: readonly IncomingCategory[] = ["sip", "forms", "mail", "chats"];
/** Every query of this module starts with it: invalidate it to refresh the incoming leads everywhere. */
export const INCOMING_KEY = ["incoming"] as const;
export const INCOMING_PAGE_SIZE = 20;

const INCOMING_STAGE = 1; // a stage's `type` for the Incoming leads stage (spec §7.3)

export interface IncomingFilter {
  category?: IncomingCategory | null;
  pipelineId?: number | null;
}

/** The waiting incoming leads, newest first, a page at a time. */
export function useIncomingPages(filter: IncomingFilter = {}) {
  const category = filter.category ?? null;
  const pipelineId = filter.pipelineId ?? null;
  return useInfiniteQuery({
    queryKey: [...INCOMING_KEY, "list", { category, pipelineId }],
    initialPageParam: 1,
    queryFn: async ({ pageParam }) => {
      const page = await unwrap(
        api.GET("/api/v4/leads/unsorted", {
          params: {
            query: {
              page: pageParam,
              limit: INCOMING_PAGE_SIZE,
              filter: {
                ...(category ? { category: [category] } : {}),
                ...(pipelineId ? { pipeline_id: [pipelineId] } : {}),
              },
              order: { created_at: "desc" },
            },
          },
          querySerializer: phpQuery,
        }),
      );
      return { items: page?._embedded.unsorted ?? [], more: Boolean(page?._links.next) };
    },
    getNextPageParam: (last, pages) => (last.more ? pages.length + 1 : undefined),
  });
}

/** The pipelines with their stages (cached; stages change rarely). */
export function usePipelines() {
  return useQuery({
    queryKey: [...INCOMING_KEY, "pipelines"],
    queryFn: async () => (await unwrap(api.GET("/api/v4/leads/pipelines")))?._embedded.pipelines ?? [],
    staleTime: 5 * 60_000,
  });
}

/** The stages an incoming lead may be accepted into, in board order: every stage but Incoming. */
export function targetStages(pipeline: Pipeline | undefined): Stage[] {
  return [...(pipeline?._embedded.statuses ?? [])]
    .filter((stage) => stage.type !== INCOMING_STAGE)
    .sort((a, b) => closedLast(a) - closedLast(b) || a.sort - b.sort || a.id - b.id);
}

function closedLast(stage: Stage): number {
  return stage.id === 142 || stage.id === 143 ? 1 : 0;
}

/** The default target: the first ordinary stage after Incoming (what the server picks without `status_id`). */
export function firstStage(pipeline: Pipeline | undefined): Stage | undefined {
  return targetStages(pipeline).find((stage) => closedLast(stage) === 0);
}

/** The incoming lead's own lead, contact and company ids (`_embedded`), null when it has none. */
export function entityIds(item: IncomingLead): { lead: number | null; contact: number | null; company: number | null } {
  return {
    lead: item._embedded.leads[0]?.id ?? null,
    contact: item._embedded.contacts[0]?.id ?? null,
    company: item._embedded.companies[0]?.id ?? null,
  };
}

/** The incoming leads by the id of their lead (the board's Incoming column shows leads). */
export function incomingByLead(items: readonly IncomingLead[]): Map<number, IncomingLead> {
  const found = new Map<number, IncomingLead>();
  for (const item of items) {
    const lead = entityIds(item).lead;
    if (lead !== null) found.set(lead, item);
  }
  return found;
}

/** The leads of the incoming leads listed (name, price), in one request. */
export function useIncomingLeads(ids: readonly number[]) {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  return useQuery({
    queryKey: [...INCOMING_KEY, "leads", sorted],
    enabled: sorted.length > 0,
    queryFn: async () => {
      const page = await unwrap(
        api.GET("/api/v4/leads", {
          params: { query: { limit: sorted.length, filter: { id: sorted } } },
          querySerializer: phpQuery,
        }),
      );
      const leads = new Map<number, LeadItem>();
      for (const lead of page?._embedded.leads ?? []) if ("name" in lead) leads.set(lead.id, lead);
      return leads;
    },
    staleTime: 30_000,
  });
}

/** The contact and the company an incoming lead brings. Lists leave them out until the lead is accepted,
 * so each is read on its own. */
export function useIncomingParties(item: IncomingLead, enabled = true) {
  const { contact, company } = entityIds(item);
  const contactQuery = useQuery({
    queryKey: [...INCOMING_KEY, "contact", contact],
    enabled: enabled && contact !== null,
    queryFn: () => unwrap(api.GET("/api/v4/contacts/{entity_id}", { params: { path: { entity_id: contact! } } })),
    staleTime: 60_000,
  });
  const companyQuery = useQuery({
    queryKey: [...INCOMING_KEY, "company", company],
    enabled: enabled && company !== null,
    queryFn: () => unwrap(api.GET("/api/v4/companies/{entity_id}", { params: { path: { entity_id: company! } } })),
    staleTime: 60_000,
  });
  const contactRow = contactQuery.data;
  const companyRow = companyQuery.data;
  return {
    contact: contactRow && "name" in contactRow ? contactRow : null,
    company: companyRow && "name" in companyRow ? companyRow : null,
  };
}

export interface Decision {
  uid: string;
  outcome: "accepted" | "declined";
  /** The lead: accepted, it is a lead card in `statusId`; declined, it is in the trash. */
  leadId: number | null;
  statusId: number | null;
}

export interface AcceptOptions {
  /** The stage; null for the pipeline's first ordinary stage. */
  statusId: number | null;
  /** The responsible user; null for the signed-in user. */
  userId: number | null;
}

export async function acceptIncoming(item: IncomingRef, options: AcceptOptions): Promise<Decision> {
  const answer = await unwrap(
    api.POST("/api/v4/leads/unsorted/{uid}/accept", {
      params: { path: { uid: item.uid } },
      body: {
        ...(options.statusId ? { status_id: options.statusId } : {}),
        ...(options.userId ? { user_id: options.userId } : {}),
      },
    }),
  );
  return { uid: item.uid, outcome: "accepted", leadId: answer._embedded.leads[0]?.id ?? null, statusId: options.statusId };
}

export async function declineIncoming(item: IncomingRef): Promise<Decision> {
  const answer = await unwrap(
    api.DELETE("/api/v4/leads/unsorted/{uid}/decline", { params: { path: { uid: item.uid } }, body: {} }),
  );
  return { uid: item.uid, outcome: "declined", leadId: answer._embedded.leads[0]?.id ?? null, statusId: null };
}

export interface Outcome {
  decisions: Decision[];
  /** The items that failed, with the error. */
  failures: { item: IncomingRef; error: unknown }[];
}

/** Runs `decide` on each item in turn (the API takes one incoming lead per call), then refreshes the lists. */
export function useDecide() {
  const client = useQueryClient();
  return useCallback(
    async (items: readonly IncomingRef[], decide: (item: IncomingRef) => Promise<Decision>): Promise<Outcome> => {
      const outcome: Outcome = { decisions: [], failures: [] };
      for (const item of items) {
        try {
          outcome.decisions.push(await decide(item));
        } catch (error) {
          outcome.failures.push({ item, error });
        }
      }
      await client.invalidateQueries({ queryKey: INCOMING_KEY, predicate: (query) => query.queryKey[1] !== "pipelines" });
      return outcome;
    },
    [client],
  );
}
