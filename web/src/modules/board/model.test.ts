import { describe, expect, it } from "vitest";

import {
  boardStages,
  closestTasks,
  columnLeads,
  columnQuery,
  isDropTarget,
  moveInSummary,
  partyIds,
  pickPipeline,
  readFilters,
  stageTotals,
  summaryQuery,
  withLeadOnTop,
  withoutLead,
  writeFilters,
  type BoardFilters,
  type ColumnData,
  type Lead,
  type Pipeline,
  type Stage,
  type Summary,
  type Task,
} from "./model";

const links = { self: { href: "x" } };

function stage(id: number, sort: number, type = 0): Stage {
  return { id, sort, type, name: `S${id}`, color: "#fffeb2", pipeline_id: 1, account_id: 1, is_editable: true, _links: links } as Stage;
}

function pipeline(id: number, isMain: boolean, stages: Stage[]): Pipeline {
  return { id, name: `P${id}`, sort: id, is_main: isMain, _embedded: { statuses: stages } } as unknown as Pipeline;
}

function lead(id: number, status: number, extra: Partial<Lead> = {}): Lead {
  return {
    id, name: `L${id}`, price: 100 * id, status_id: status, pipeline_id: 1,
    _embedded: { tags: [], companies: [], contacts: [] }, ...extra,
  } as unknown as Lead;
}

function column(...pages: Lead[][]): ColumnData {
  return { pages: pages.map((leads) => ({ leads, hasNext: false })), pageParams: pages.map((_, index) => index + 1) };
}

const decode = (query: string) => query.split("&").map((pair) => decodeURIComponent(pair));
const none: BoardFilters = { query: "", users: [], tags: [], created: {}, pipeline: null };

describe("the board's columns", () => {
  it("orders stages Incoming, ordinary by sort, Won, Lost", () => {
    const stages = [stage(143, 10_000), stage(7, 20), stage(142, 10_000), stage(5, 10), stage(3, 0, 1)];
    expect(boardStages(pipeline(1, true, stages)).map((item) => item.id)).toEqual([3, 5, 7, 142, 143]);
    expect(boardStages(undefined)).toEqual([]);
  });

  it("never takes a drop in the Incoming column", () => {
    expect(isDropTarget(stage(3, 0, 1))).toBe(false);
    expect(isDropTarget(stage(143, 10_000))).toBe(true);
  });

  it("shows the pipeline asked for, else the main one, else the first", () => {
    const pipelines = [pipeline(1, false, []), pipeline(2, true, []), pipeline(3, false, [])];
    expect(pickPipeline(pipelines, 3)?.id).toBe(3);
    expect(pickPipeline(pipelines, 99)?.id).toBe(2);
    expect(pickPipeline(pipelines, null)?.id).toBe(2);
    expect(pickPipeline([pipeline(4, false, [])], null)?.id).toBe(4);
    expect(pickPipeline([], null)).toBeUndefined();
  });
});

describe("queries", () => {
  const filters: BoardFilters = { query: "ana", users: [4], tags: ["vip"], created: { from: "2026-01-02" }, pipeline: 9 };

  it("asks a column for its stage, newest first, with contacts, and the filters", () => {
    const pairs = decode(columnQuery(filters, 2, 11, 3));
    expect(pairs).toEqual(expect.arrayContaining([
      "page=3", "limit=50", "query=ana", "order[created_at]=desc", "filter[responsible_user_id][]=4", "filter[tags][]=vip",
      "filter[statuses][0][pipeline_id]=2", "filter[statuses][0][status_id]=11", "with=contacts",
    ]));
    expect(pairs.some((pair) => pair.startsWith("filter[created_at][from]="))).toBe(true);
    expect(pairs.some((pair) => pair.startsWith("filter[pipeline_id]"))).toBe(false);
  });

  it("asks the summary for the same filters over the whole pipeline, without paging", () => {
    const pairs = decode(summaryQuery(filters, 2));
    expect(pairs).toEqual(expect.arrayContaining(["query=ana", "filter[responsible_user_id][]=4", "filter[pipeline_id][]=2"]));
    expect(pairs.some((pair) => /^(page|limit|order|with)/.test(pair))).toBe(false);
  });

  it("keeps the filters in the page URL and reads them back", () => {
    const params = writeFilters(filters);
    expect(params.get("pipeline")).toBe("9");
    expect(readFilters(params)).toEqual(filters);
    expect(writeFilters(none).toString()).toBe("");
  });
});

describe("optimistic moves", () => {
  const summary = {
    pipeline_id: 1, count: 3, price_sum: 600, unsorted_count: 0, _links: links,
    _embedded: { statuses: [{ status_id: 5, count: 2, price_sum: 300 }, { status_id: 7, count: 1, price_sum: 300 }] },
  } as Summary;

  it("moves a lead's count and price between stages", () => {
    const moved = moveInSummary(summary, 5, 7, 100);
    expect(stageTotals(moved, 5)).toEqual({ count: 1, sum: 200 });
    expect(stageTotals(moved, 7)).toEqual({ count: 2, sum: 400 });
    expect(stageTotals(moved, 99)).toEqual({ count: 0, sum: 0 });
    expect(moveInSummary(summary, 5, 5, 100)).toBe(summary);
  });

  it("takes a lead out of a column and puts it on top of another", () => {
    const from = column([lead(1, 5), lead(2, 5)], [lead(3, 5)]);
    expect(columnLeads(withoutLead(from, 2)).map((item) => item.id)).toEqual([1, 3]);
    const to = column([lead(8, 7)]);
    expect(columnLeads(withLeadOnTop(to, lead(2, 7))).map((item) => item.id)).toEqual([2, 8]);
    expect(withLeadOnTop(undefined, lead(2, 7))).toBeUndefined();
  });

  it("lists a lead once when it shows on two loaded pages", () => {
    expect(columnLeads(column([lead(1, 5), lead(2, 5)], [lead(2, 5), lead(3, 5)])).map((item) => item.id)).toEqual([1, 2, 3]);
  });
});

describe("what a card shows", () => {
  it("finds each lead's earliest open task", () => {
    const task = (id: number, entity: number, till: number, done = false) =>
      ({ id, entity_id: entity, entity_type: "leads", complete_till: till, is_completed: done }) as Task;
    const found = closestTasks([task(1, 10, 500), task(2, 10, 300), task(3, 10, 100, true), task(4, 11, 900)]);
    expect(found.get(10)?.id).toBe(2);
    expect(found.get(11)?.id).toBe(4);
  });

  it("collects the main contacts and companies to name", () => {
    const leads = [
      lead(1, 5, { _embedded: { tags: [], companies: [{ id: 30, _links: links }], contacts: [{ id: 21, is_main: false, _links: links }, { id: 20, is_main: true, _links: links }] } } as Partial<Lead>),
      lead(2, 5, { _embedded: { tags: [], companies: [{ id: 30, _links: links }], contacts: [{ id: 22, is_main: false, _links: links }] } } as Partial<Lead>),
    ];
    expect(partyIds(leads)).toEqual({ contacts: [20, 22], companies: [30] });
  });
});
