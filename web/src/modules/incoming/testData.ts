// Incoming leads and pipelines as the API answers them, for the module's tests.
import type { IncomingLead, Pipeline, Stage } from "./api";

const links = { self: { href: "http://kanbo.test/x" } };

export function incoming(overrides: Partial<IncomingLead> & Pick<IncomingLead, "category" | "metadata">): IncomingLead {
  return {
    uid: "u1",
    source_uid: "s1",
    source_name: "Website",
    pipeline_id: 1,
    created_at: 1_790_000_000,
    account_id: 1,
    duplicate_of: [],
    _links: links,
    _embedded: { leads: [{ id: 10, _links: links }], contacts: [], companies: [] },
    ...overrides,
  };
}

export function stage(id: number, sort: number, type = 0): Stage {
  return { id, name: `Stage ${id}`, sort, type, is_editable: type === 0, pipeline_id: 1, color: "#fffeb2",
    account_id: 1, _links: links };
}

export function pipeline(statuses: Stage[]): Pipeline {
  return { id: 1, name: "Sales", sort: 1, is_main: true, is_unsorted_on: true, is_archive: false, account_id: 1,
    _links: links, _embedded: { statuses } };
}
