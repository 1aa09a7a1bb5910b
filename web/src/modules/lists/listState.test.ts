import { describe, expect, it } from "vitest";

import {
  apiQuery,
  clearFilters,
  daySeconds,
  DEFAULT_SORT,
  emptyState,
  filterCount,
  nextSort,
  readState,
  writeState,
  type ListState,
} from "./listState";

function decoded(query: string): string[] {
  return query.split("&").map((pair) => decodeURIComponent(pair));
}

const full: ListState = {
  query: "ana",
  sort: { key: "123", dir: "asc" },
  users: [4, 7],
  tags: ["vip", "hot lead"],
  created: { from: "2026-01-01", to: "2026-01-31" },
  updated: { to: "2026-02-10" },
  pipeline: 10,
  statuses: [11, 12],
  fields: { "55": { value: "301" }, "56": { from: "10", to: "20" } },
};

describe("the list state in the page URL", () => {
  it("leaves an untouched list with a bare URL and reads it back as the defaults", () => {
    expect(writeState(emptyState()).toString()).toBe("");
    expect(readState(new URLSearchParams(""))).toEqual(emptyState());
    expect(emptyState().sort).toEqual(DEFAULT_SORT);
  });

  it("round-trips every part of the state", () => {
    const params = writeState(full);
    expect(params.get("q")).toBe("ana");
    expect(params.get("sort")).toBe("123");
    expect(params.get("user")).toBe("4,7");
    expect(params.getAll("tag")).toEqual(["vip", "hot lead"]);
    expect(params.get("created_from")).toBe("2026-01-01");
    expect(params.get("status")).toBe("11,12");
    expect(params.get("f.55")).toBe("301");
    expect(params.get("f.56.from")).toBe("10");
    expect(readState(new URLSearchParams(params.toString()))).toEqual(full);
  });

  it("writes a descending sort with a minus and ignores what it cannot read", () => {
    expect(writeState({ ...emptyState(), sort: { key: "name", dir: "desc" } }).get("sort")).toBe("-name");
    const state = readState(
      new URLSearchParams("sort=drop table&user=x,3,-1&created_from=yesterday&status=5&f.abc=1&f.9=&pipeline=0"),
    );
    expect(state.sort).toEqual(DEFAULT_SORT);
    expect(state.users).toEqual([3]);
    expect(state.created).toEqual({});
    expect(state.pipeline).toBeNull();
    expect(state.statuses).toEqual([]); // stages only count within a pipeline
    expect(state.fields).toEqual({});
  });
});

describe("the list state as the API's query", () => {
  it("spells search, order and every filter as GET /api/v4/leads reads them", () => {
    const pairs = decoded(apiQuery("leads", full, 2, 50));
    expect(pairs).toEqual([
      "page=2",
      "limit=50",
      "query=ana",
      "order[123]=asc",
      "filter[responsible_user_id][]=4",
      "filter[responsible_user_id][]=7",
      "filter[tags][]=vip",
      "filter[tags][]=hot lead",
      `filter[created_at][from]=${daySeconds("2026-01-01", false)}`,
      `filter[created_at][to]=${daySeconds("2026-01-31", true)}`,
      `filter[updated_at][to]=${daySeconds("2026-02-10", true)}`,
      "filter[statuses][0][pipeline_id]=10",
      "filter[statuses][0][status_id]=11",
      "filter[statuses][1][pipeline_id]=10",
      "filter[statuses][1][status_id]=12",
      "filter[custom_fields_values][55][]=301",
      "filter[custom_fields_values][56][from]=10",
      "filter[custom_fields_values][56][to]=20",
    ]);
  });

  it("filters a whole pipeline without stages, and never pipelines for contacts", () => {
    const state = { ...emptyState(), pipeline: 10 };
    expect(decoded(apiQuery("leads", state, 1, 50))).toContain("filter[pipeline_id][]=10");
    expect(apiQuery("contacts", state, 1, 50)).not.toContain("pipeline");
    expect(decoded(apiQuery("contacts", emptyState(), 1, 50))).toEqual([
      "page=1",
      "limit=50",
      "order[created_at]=desc",
    ]);
  });

  it("covers whole local days", () => {
    const start = daySeconds("2026-03-05", false);
    expect(new Date(start * 1000).getDate()).toBe(5);
    expect(new Date(start * 1000).getHours()).toBe(0);
    expect(daySeconds("2026-03-05", true) - start).toBe(86399);
  });
});

describe("sorting and filters", () => {
  it("starts a column ascending (dates descending) and flips the same column", () => {
    expect(nextSort(DEFAULT_SORT, "name")).toEqual({ key: "name", dir: "asc" });
    expect(nextSort(DEFAULT_SORT, "updated_at", true)).toEqual({ key: "updated_at", dir: "desc" });
    expect(nextSort({ key: "name", dir: "asc" }, "name")).toEqual({ key: "name", dir: "desc" });
    expect(nextSort({ key: "name", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc" });
  });

  it("counts and clears the filters, keeping the search and the sort", () => {
    expect(filterCount(emptyState())).toBe(0);
    expect(filterCount(full)).toBe(7);
    const cleared = clearFilters(full);
    expect(filterCount(cleared)).toBe(0);
    expect(cleared.query).toBe("ana");
    expect(cleared.sort).toEqual(full.sort);
  });
});
