// The state of a list screen (search, sort, filters) and its two spellings: the page's URL (shareable,
// kept on reload and back/forward) and the query string of GET /api/v4/{leads,contacts,companies}.
// Pure functions: listState.test.ts covers both directions.

export type EntityKind = "leads" | "contacts" | "companies";
export type SortDir = "asc" | "desc";

export interface Sort {
  /** An `order[...]` key of the API: name, price, created_at, updated_at, closest_task_at, id or a field id. */
  key: string;
  dir: SortDir;
}

/** A date range as the date inputs give it (YYYY-MM-DD, both ends optional and inclusive). */
export interface DateRange {
  from?: string;
  to?: string;
}

/** A custom field filter: one value (an enum id, "1"/"0" for a checkbox, a text) or a numeric range. */
export type FieldFilter = { value: string } | { from?: string; to?: string };

export interface ListState {
  query: string;
  sort: Sort;
  users: number[];
  tags: string[];
  created: DateRange;
  updated: DateRange;
  /** Leads: the pipeline and stages within it. */
  pipeline: number | null;
  statuses: number[];
  /** Keyed by custom field id. */
  fields: Record<string, FieldFilter>;
}

export const DEFAULT_SORT: Sort = { key: "created_at", dir: "desc" };

export function emptyState(): ListState {
  return {
    query: "",
    sort: DEFAULT_SORT,
    users: [],
    tags: [],
    created: {},
    updated: {},
    pipeline: null,
    statuses: [],
    fields: {},
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SORT_KEY = /^(name|price|created_at|updated_at|closest_task_at|id|\d{1,19})$/;

function ids(text: string | null): number[] {
  return (text ?? "")
    .split(",")
    .map((part) => Number(part.trim()))
    .filter((value) => Number.isSafeInteger(value) && value > 0);
}

function date(text: string | null): string | undefined {
  return text && DATE.test(text) ? text : undefined;
}

function range(params: URLSearchParams, name: string): DateRange {
  const out: DateRange = {};
  const from = date(params.get(`${name}_from`));
  const to = date(params.get(`${name}_to`));
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

/** `sort=name` (ascending) or `sort=-created_at` (descending); anything unreadable is the default. */
export function readSort(text: string | null): Sort {
  if (!text) return DEFAULT_SORT;
  const dir: SortDir = text.startsWith("-") ? "desc" : "asc";
  const key = text.replace(/^-/, "");
  return SORT_KEY.test(key) ? { key, dir } : DEFAULT_SORT;
}

export function writeSort(sort: Sort): string {
  return `${sort.dir === "desc" ? "-" : ""}${sort.key}`;
}

/** The state a page URL's search part spells (unknown or malformed parameters are ignored). */
export function readState(params: URLSearchParams): ListState {
  const fields: Record<string, FieldFilter> = {};
  for (const [name, value] of params) {
    const match = /^f\.(\d{1,19})(?:\.(from|to))?$/.exec(name);
    if (!match || value === "") continue;
    const [, id, bound] = match as unknown as [string, string, "from" | "to" | undefined];
    if (bound) {
      const current = fields[id];
      fields[id] = { ...(current && !("value" in current) ? current : {}), [bound]: value };
    } else {
      fields[id] = { value };
    }
  }
  const pipeline = ids(params.get("pipeline"))[0] ?? null;
  return {
    query: params.get("q")?.trim() ?? "",
    sort: readSort(params.get("sort")),
    users: ids(params.get("user")),
    tags: params.getAll("tag").map((tag) => tag.trim()).filter(Boolean),
    created: range(params, "created"),
    updated: range(params, "updated"),
    pipeline,
    statuses: pipeline === null ? [] : ids(params.get("status")),
    fields,
  };
}

/** The URL search part of a state; defaults are left out, so an untouched list has a bare URL. */
export function writeState(state: ListState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.query.trim()) params.set("q", state.query.trim());
  if (state.sort.key !== DEFAULT_SORT.key || state.sort.dir !== DEFAULT_SORT.dir) params.set("sort", writeSort(state.sort));
  if (state.users.length) params.set("user", state.users.join(","));
  for (const tag of state.tags) params.append("tag", tag);
  for (const name of ["created", "updated"] as const) {
    const value = state[name];
    if (value.from) params.set(`${name}_from`, value.from);
    if (value.to) params.set(`${name}_to`, value.to);
  }
  if (state.pipeline !== null) {
    params.set("pipeline", String(state.pipeline));
    if (state.statuses.length) params.set("status", state.statuses.join(","));
  }
  for (const [id, filter] of Object.entries(state.fields)) {
    if ("value" in filter) {
      if (filter.value !== "") params.set(`f.${id}`, filter.value);
    } else {
      if (filter.from) params.set(`f.${id}.from`, filter.from);
      if (filter.to) params.set(`f.${id}.to`, filter.to);
    }
  }
  return params;
}

/** Unix seconds of the start (or the last second) of a local calendar day "YYYY-MM-DD". */
export function daySeconds(day: string, end: boolean): number {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const start = new Date(year, month - 1, date).getTime() / 1000;
  return end ? start + 86399 : start;
}

/** The query string of GET /api/v4/{kind} for `state` (page `page` of `limit` rows). */
export function apiQuery(kind: EntityKind, state: ListState, page: number, limit: number): string {
  const pairs: [string, string][] = [
    ["page", String(page)],
    ["limit", String(limit)],
  ];
  if (state.query.trim()) pairs.push(["query", state.query.trim()]);
  pairs.push([`order[${state.sort.key}]`, state.sort.dir]);
  for (const user of state.users) pairs.push(["filter[responsible_user_id][]", String(user)]);
  for (const tag of state.tags) pairs.push(["filter[tags][]", tag]);
  for (const name of ["created", "updated"] as const) {
    const value = state[name];
    if (value.from) pairs.push([`filter[${name}_at][from]`, String(daySeconds(value.from, false))]);
    if (value.to) pairs.push([`filter[${name}_at][to]`, String(daySeconds(value.to, true))]);
  }
  if (kind === "leads" && state.pipeline !== null) {
    if (state.statuses.length === 0) pairs.push(["filter[pipeline_id][]", String(state.pipeline)]);
    state.statuses.forEach((status, index) => {
      pairs.push([`filter[statuses][${index}][pipeline_id]`, String(state.pipeline)]);
      pairs.push([`filter[statuses][${index}][status_id]`, String(status)]);
    });
  }
  for (const [id, filter] of Object.entries(state.fields)) {
    const key = `filter[custom_fields_values][${id}]`;
    if ("value" in filter) {
      if (filter.value !== "") pairs.push([`${key}[]`, filter.value]);
    } else {
      if (filter.from) pairs.push([`${key}[from]`, filter.from]);
      if (filter.to) pairs.push([`${key}[to]`, filter.to]);
    }
  }
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
}

/** How many filters are set (the search text and the sort are not filters). */
export function filterCount(state: ListState): number {
  let count = state.users.length ? 1 : 0;
  count += state.tags.length ? 1 : 0;
  count += state.created.from || state.created.to ? 1 : 0;
  count += state.updated.from || state.updated.to ? 1 : 0;
  count += state.pipeline !== null ? 1 : 0;
  count += Object.keys(state.fields).length;
  return count;
}

/** The state without any filter (search and sort kept). */
export function clearFilters(state: ListState): ListState {
  return { ...emptyState(), query: state.query, sort: state.sort };
}

/** The next sort when a column header is clicked: a new column starts ascending (dates descending), the same
 * column flips. */
export function nextSort(current: Sort, key: string, descFirst = false): Sort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: descFirst ? "desc" : "asc" };
}
