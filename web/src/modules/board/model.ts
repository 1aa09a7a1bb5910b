// The board's pure logic: which columns a pipeline has and in what order, the API query of a column and of the
// totals, the board's filters in the page URL, and the optimistic edits of the cached columns when a lead moves.
// model.test.ts covers it.
import type { InfiniteData } from "@tanstack/react-query";

import type { components } from "../../api/client";
import { apiQuery, emptyState, readState, writeState, type ListState } from "../lists/listState";

type Schemas = components["schemas"];
export type Lead = Schemas["LeadOut"];
export type Pipeline = Schemas["PipelineOut"];
export type Stage = Schemas["StatusOut"];
export type Summary = Schemas["PipelineSummaryOut"];
export type Task = Schemas["TaskOut"];

export const WON = 142;
export const LOST = 143;
/** A stage's `type` for the Incoming leads stage (spec §7.3). */
export const INCOMING = 1;
export const COLUMN_PAGE = 50;

export interface ColumnPage {
  leads: Lead[];
  hasNext: boolean;
}
export type ColumnData = InfiniteData<ColumnPage>;

/** The board's filters: responsible users, tags, created range, search text (and the pipeline shown). */
export type BoardFilters = Pick<ListState, "query" | "users" | "tags" | "created" | "pipeline">;

export function readFilters(params: URLSearchParams): BoardFilters {
  const { query, users, tags, created, pipeline } = readState(params);
  return { query, users, tags, created, pipeline };
}

export function writeFilters(filters: BoardFilters): URLSearchParams {
  return writeState({ ...emptyState(), ...filters });
}

export function filterCount(filters: BoardFilters): number {
  return (filters.users.length ? 1 : 0) + (filters.tags.length ? 1 : 0) + (filters.created.from || filters.created.to ? 1 : 0);
}

/** The pipeline to show: the one asked for if it exists, else the main one, else the first. */
export function pickPipeline(pipelines: readonly Pipeline[], wanted: number | null): Pipeline | undefined {
  return pipelines.find((item) => item.id === wanted) ?? pipelines.find((item) => item.is_main) ?? pipelines[0];
}

function rank(stage: Stage): number {
  if (stage.type === INCOMING) return 0;
  if (stage.id === WON) return 2;
  if (stage.id === LOST) return 3;
  return 1;
}

/** The columns in board order: Incoming, the ordinary stages by `sort`, Won, Lost. */
export function boardStages(pipeline: Pipeline | undefined): Stage[] {
  return [...(pipeline?._embedded.statuses ?? [])].sort((a, b) => rank(a) - rank(b) || a.sort - b.sort || a.id - b.id);
}

/** Where a lead may be dropped: any stage but Incoming (incoming leads are accepted, not moved). */
export function isDropTarget(stage: Stage): boolean {
  return stage.type !== INCOMING;
}

function asList(filters: BoardFilters, pipelineId: number, statuses: number[]): ListState {
  return { ...emptyState(), ...filters, pipeline: pipelineId, statuses, sort: { key: "created_at", dir: "desc" } };
}

/** GET /api/v4/leads query of one column's page: the filters, the stage, newest first, with contacts. */
export function columnQuery(filters: BoardFilters, pipelineId: number, stageId: number, page: number): string {
  return `${apiQuery("leads", asList(filters, pipelineId, [stageId]), page, COLUMN_PAGE)}&with=contacts`;
}

/** GET /api/v4/leads/pipelines/{id}/summary query: the same filters, every stage. */
export function summaryQuery(filters: BoardFilters, pipelineId: number): string {
  return apiQuery("leads", asList(filters, pipelineId, []), 1, 1)
    .split("&")
    .filter((pair) => pair.startsWith("query=") || pair.startsWith("filter"))
    .join("&");
}

/** The count and price sum of a stage in the summary (zero when absent). */
export function stageTotals(summary: Summary | undefined, stageId: number): { count: number; sum: number } {
  const found = summary?._embedded.statuses.find((item) => item.status_id === stageId);
  return { count: found?.count ?? 0, sum: found?.price_sum ?? 0 };
}

/** The summary after a lead of `price` moved from one stage to another (optimistic). */
export function moveInSummary(summary: Summary | undefined, from: number, to: number, price: number): Summary | undefined {
  if (!summary || from === to) return summary;
  const statuses = summary._embedded.statuses.map((item) => {
    if (item.status_id === from) return { ...item, count: Math.max(0, item.count - 1), price_sum: item.price_sum - price };
    if (item.status_id === to) return { ...item, count: item.count + 1, price_sum: item.price_sum + price };
    return item;
  });
  return { ...summary, _embedded: { ...summary._embedded, statuses } };
}

/** Every lead of a column's loaded pages, in order, each once (a lead that moved up between two page loads
 * would otherwise show twice). */
export function columnLeads(data: ColumnData | undefined): Lead[] {
  const seen = new Set<number>();
  const out: Lead[] = [];
  for (const page of data?.pages ?? []) {
    for (const lead of page.leads) {
      if (seen.has(lead.id)) continue;
      seen.add(lead.id);
      out.push(lead);
    }
  }
  return out;
}

/** The column without the lead. */
export function withoutLead(data: ColumnData | undefined, leadId: number): ColumnData | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, leads: page.leads.filter((lead) => lead.id !== leadId) })) };
}

/** The column with the lead on top (where the newest-first order puts a lead that just arrived). */
export function withLeadOnTop(data: ColumnData | undefined, lead: Lead): ColumnData | undefined {
  if (!data || !data.pages.length) return data;
  const [first, ...rest] = withoutLead(data, lead.id)!.pages as [ColumnPage, ...ColumnPage[]];
  return { ...data, pages: [{ ...first, leads: [lead, ...first.leads] }, ...rest] };
}

/** The earliest open task of each lead. */
export function closestTasks(tasks: readonly Task[]): Map<number, Task> {
  const found = new Map<number, Task>();
  for (const task of tasks) {
    if (task.is_completed || task.entity_type !== "leads" || task.entity_id === null) continue;
    const current = found.get(task.entity_id);
    if (!current || task.complete_till < current.complete_till) found.set(task.entity_id, task);
  }
  return found;
}

/** The ids of the contacts and companies the leads name (main contact first). */
export function partyIds(leads: readonly Lead[]): { contacts: number[]; companies: number[] } {
  const contacts = new Set<number>();
  const companies = new Set<number>();
  for (const lead of leads) {
    const main = mainContact(lead);
    if (main !== null) contacts.add(main);
    const company = lead._embedded.companies[0]?.id;
    if (company !== undefined) companies.add(company);
  }
  return { contacts: [...contacts].sort((a, b) => a - b), companies: [...companies].sort((a, b) => a - b) };
}

/** The lead's main contact (or its first one). */
export function mainContact(lead: Lead): number | null {
  const contacts = lead._embedded.contacts ?? [];
  return (contacts.find((item) => item.is_main) ?? contacts[0])?.id ?? null;
}
