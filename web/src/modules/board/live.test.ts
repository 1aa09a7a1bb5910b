import { describe, expect, it } from "vitest";

import { markStale, nothingStale } from "./live";

const shown = new Map([
  [10, new Set([1, 2])],
  [11, new Set([3])],
  [12, new Set<number>()],
]);
const lead = (type: string, id: number, extra: object = {}) => ({ type, entity_type: "lead", entity_id: id, ...extra });

describe("what an event makes stale on an open board", () => {
  it("a stage change: the columns the lead left and entered, and the totals", () => {
    const stale = markStale(nothingStale(), lead("lead_status_changed", 1, {
      value_before: [{ lead_status: { id: 10, pipeline_id: 1 } }],
      value_after: [{ lead_status: { id: 12, pipeline_id: 1 } }],
    }), shown);
    expect([...stale.columns].sort()).toEqual([10, 12]);
    expect(stale).toMatchObject({ summary: true, allColumns: false, tasks: false, names: false });
  });

  it("another change of a shown lead: its column only; of a lead not shown: the totals only", () => {
    expect([...markStale(nothingStale(), lead("custom_field_value_changed", 3), shown).columns]).toEqual([11]);
    const hidden = markStale(nothingStale(), lead("lead_deleted", 99), shown);
    expect(hidden.columns.size).toBe(0);
    expect(hidden.summary).toBe(true);
  });

  it("a new or restored lead: every column (its stage is not in the event)", () => {
    expect(markStale(nothingStale(), lead("lead_added", 50), shown).allColumns).toBe(true);
    expect(markStale(nothingStale(), lead("lead_restored", 2), shown).allColumns).toBe(true);
  });

  it("tasks, contacts and companies: only what the cards show of them", () => {
    const task = markStale(nothingStale(), { type: "task_completed", entity_type: "task", entity_id: 1 }, shown);
    expect(task).toMatchObject({ tasks: true, summary: false, names: false });
    expect(task.columns.size).toBe(0);
    expect(markStale(nothingStale(), { type: "name_changed", entity_type: "contact", entity_id: 1 }, shown).names).toBe(true);
    expect(markStale(nothingStale(), { type: "note_added", entity_type: "customer", entity_id: 1 }, shown)).toEqual(nothingStale());
  });

  it("gathers a burst: what each event makes stale adds up", () => {
    let stale = markStale(nothingStale(), lead("lead_deleted", 1), shown);
    stale = markStale(stale, lead("lead_deleted", 3), shown);
    stale = markStale(stale, { type: "task_added", entity_type: "task", entity_id: 4 }, shown);
    expect([...stale.columns].sort()).toEqual([10, 11]);
    expect(stale.tasks).toBe(true);
  });
});
