import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryRouter } from "react-router-dom";

import { LiveHub, LiveHubContext, type EventSourceLike } from "../../api/live";
import { SessionContext, type Session } from "../../api/session";
import { ToastProvider } from "../../ui";
import BoardScreen from "./BoardScreen";

const links = { self: { href: "x" } };
const NOW = Math.floor(Date.now() / 1000);
const stage = (id: number, name: string, sort: number, type = 0) => ({
  id, name, sort, type, color: "#fffeb2", pipeline_id: 1, account_id: 1, is_editable: true, descriptions: [], _links: links,
});
const pipelines = [{
  id: 1, name: "Sales", sort: 1, is_main: true, is_unsorted_on: true, is_archive: false, account_id: 1, _links: links,
  _embedded: { statuses: [stage(143, "Lost", 10000), stage(11, "Talks", 20), stage(10, "New", 10), stage(9, "Incoming", 0, 1), stage(142, "Won", 10000)] },
}];
const lead = (id: number, name: string, status: number, extra: object = {}) => ({
  id, name, price: 1500, status_id: status, pipeline_id: 1, responsible_user_id: 2, group_id: 0, created_by: 1, updated_by: 1,
  created_at: NOW, updated_at: NOW, closed_at: null, closest_task_at: null, is_deleted: false, loss_reason_id: null, score: null,
  account_id: 1, labor_cost: null, custom_fields_values: null, _links: links,
  _embedded: { tags: [{ id: 1, name: "vip", color: null }], companies: [{ id: 40, _links: links }], contacts: [{ id: 30, is_main: true, _links: links }] },
  ...extra,
});
const summary = {
  pipeline_id: 1, count: 3, price_sum: 4500, unsorted_count: 1, _links: links,
  _embedded: { statuses: [{ status_id: 9, count: 1, price_sum: 1500 }, { status_id: 10, count: 2, price_sum: 3000 }, { status_id: 11, count: 0, price_sum: 0 }, { status_id: 142, count: 0, price_sum: 0 }, { status_id: 143, count: 0, price_sum: 0 }] },
};
const incoming = {
  uid: "u1", source_uid: "s", source_name: "Site", category: "forms", pipeline_id: 1, created_at: NOW, metadata: {}, account_id: 1,
  _links: links, _embedded: { leads: [{ id: 5, _links: links }], contacts: [], companies: [] },
};

let requests: { method: string; url: URL; body: unknown }[] = [];
let patchAnswer: { status: number; body: unknown } = { status: 200, body: { id: 1 } };
let patchGate: Promise<void> = Promise.resolve();

function json(body: unknown, status = 200) {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function columnOf(url: URL): number {
  return Number(url.searchParams.get("filter[statuses][0][status_id]"));
}

beforeEach(() => {
  requests = [];
  patchAnswer = { status: 200, body: { id: 1 } };
  patchGate = Promise.resolve();
  vi.stubGlobal("fetch", async (request: Request) => {
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    requests.push({ method: request.method, url, body: text ? JSON.parse(text) : null });
    if (request.method === "PATCH") {
      await patchGate;
      return json(patchAnswer.body, patchAnswer.status);
    }
    switch (url.pathname) {
      case "/api/v4/leads/pipelines":
        return json({ _links: links, _embedded: { pipelines } });
      case "/api/v4/leads/pipelines/1/summary":
        return json(summary);
      case "/api/v4/users":
        return json({ _links: links, _embedded: { users: [{ id: 2, name: "Bruno" }] } });
      case "/api/v4/contacts":
        return json({ _links: links, _embedded: { contacts: [{ id: 30, name: "Carla Ruiz" }] } });
      case "/api/v4/companies":
        return json({ _links: links, _embedded: { companies: [{ id: 40, name: "Acme SL" }] } });
      case "/api/v4/tasks":
        return json({ _links: links, _embedded: { tasks: [{ id: 70, entity_id: 1, entity_type: "leads", complete_till: NOW - 3600, is_completed: false, text: "Call back" }] } });
      case "/api/v4/leads/unsorted":
        return json({ _links: links, _embedded: { unsorted: [incoming] } });
      case "/api/v4/leads/loss_reasons":
        return json({ _links: links, _embedded: { loss_reasons: [{ id: 3, name: "Too expensive", sort: 1 }] } });
      case "/api/v4/leads": {
        const column = columnOf(url);
        const page = Number(url.searchParams.get("page"));
        if (column === 10 && page === 2) return json({ _links: links, _embedded: { leads: [lead(3, "Later deal", 10)] } });
        const leads = column === 10 ? [lead(1, "Big deal", 10), lead(2, "Small deal", 10)] : column === 9 ? [lead(5, "From the site", 9)] : [];
        const more = column === 10 ? { next: { href: "x?page=2" } } : {};
        return leads.length ? json({ _links: { ...links, ...more }, _embedded: { leads } }) : json(null, 204);
      }
      default:
        return json(null, 204);
    }
  });
});

afterEach(() => vi.unstubAllGlobals());

const session: Session = {
  user: { id: 1, name: "Ana", email: "ana@acme.test", lang: "en", is_admin: true } as Session["user"],
  account: { id: 1, name: "Acme", subdomain: "acme", language: "en", currency: "USD", timezone: "UTC" } as Session["account"],
  isAdmin: true,
  csrfToken: "csrf",
  signOut: async () => undefined,
};

class Source implements EventSourceLike {
  readyState = 1;
  onopen = null;
  onerror = null;
  listeners: ((event: MessageEvent<string>) => void)[] = [];
  addEventListener(_type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.push(listener);
  }
  close() {}
}

function open(path: string) {
  const source = new Source();
  const hub = new LiveHub({ open: () => source, loadTypes: async () => ["lead_status_changed"] });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <SessionContext.Provider value={session}>
        <LiveHubContext.Provider value={hub}>
          <ToastProvider>
            <MemoryRouter initialEntries={[path]}>
              <BoardScreen />
            </MemoryRouter>
          </ToastProvider>
        </LiveHubContext.Provider>
      </SessionContext.Provider>
    </QueryClientProvider>,
  );
  return source;
}

const column = (name: string) => screen.getByRole("region", { name: new RegExp(`^${name}: `) });

describe("the board", () => {
  it("shows a column per stage in board order, with totals and cards that name their contact, company, user and task", async () => {
    open("/board?q=deal&user=2");
    const card = await screen.findByRole("article", { name: "Big deal" });
    expect(screen.getAllByRole("region").map((region) => region.getAttribute("aria-label"))).toEqual([
      "Incoming: 1 lead", "New: 2 leads", "Talks: 0 leads", "Won: 0 leads", "Lost: 0 leads",
    ]);
    expect(within(column("New")).getByText("$3,000")).toBeTruthy();
    await waitFor(() => expect(within(card).getByText("Carla Ruiz · Acme SL")).toBeTruthy());
    expect(within(card).getByText("Bruno")).toBeTruthy();
    expect(within(card).getByText("vip")).toBeTruthy();
    expect(within(card).getByText(/Overdue/).parentElement!.textContent).toMatch(/^Overdue .*: Call back$/);
    const asked = requests.find((call) => call.url.pathname === "/api/v4/leads" && columnOf(call.url) === 10)!.url;
    expect(asked.searchParams.get("query")).toBe("deal");
    expect(asked.searchParams.get("filter[responsible_user_id][]")).toBe("2");
    const summaryCall = requests.find((call) => call.url.pathname.endsWith("/summary"))!.url;
    expect(summaryCall.searchParams.get("query")).toBe("deal");
    // The Incoming column's lead carries its incoming lead's decisions, found by the lead's id.
    const waiting = await screen.findByRole("article", { name: "From the site" });
    await waitFor(() => expect(within(waiting).getByRole("button", { name: "Accept" })).toBeTruthy());
    expect(within(waiting).getByText(/^Form/)).toBeTruthy(); // where it came from
    expect(requests.find((call) => call.url.pathname === "/api/v4/leads/unsorted")!.url.searchParams.get("filter[lead_id][]")).toBe("5");
    expect(within(waiting).queryByRole("button", { name: /Move/ })).toBeNull();
  });

  it("moves a lead at once and puts it back when the API refuses", async () => {
    patchAnswer = { status: 400, body: { title: "Bad Request", status: 400, detail: "Stage refused" } };
    let answer = () => undefined as void;
    patchGate = new Promise((resolve) => (answer = resolve));
    open("/board");
    const card = await screen.findByRole("article", { name: "Big deal" });
    fireEvent.click(within(card).getByRole("button", { name: "Move “Big deal” to another stage" }));
    const dialog = screen.getByRole("dialog", { name: "Move “Big deal”" });
    fireEvent.change(within(dialog).getByLabelText("Stage"), { target: { value: "11" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Move" }));
    expect(await within(column("Talks")).findByRole("article", { name: "Big deal" })).toBeTruthy(); // before the answer
    expect(column("Talks").getAttribute("aria-label")).toBe("Talks: 1 lead");
    expect(within(column("New")).queryByRole("article", { name: "Big deal" })).toBeNull();
    answer();
    await screen.findByText("“Big deal” was not moved: Stage refused");
    await waitFor(() => expect(within(column("New")).getByRole("article", { name: "Big deal" })).toBeTruthy());
    expect(within(column("Talks")).queryByRole("article", { name: "Big deal" })).toBeNull();
    const patch = requests.find((call) => call.method === "PATCH")!;
    expect(patch.url.pathname).toBe("/api/v4/leads/1");
    expect(patch.body).toEqual({ pipeline_id: 1, status_id: 11 });
  });

  it("asks for the loss reason when a lead goes to Lost", async () => {
    open("/board");
    const card = await screen.findByRole("article", { name: "Small deal" });
    fireEvent.click(within(card).getByRole("button", { name: "Move “Small deal” to another stage" }));
    const dialog = screen.getByRole("dialog", { name: "Move “Small deal”" });
    fireEvent.change(within(dialog).getByLabelText("Stage"), { target: { value: "143" } });
    await waitFor(() => expect(within(dialog).getByRole("option", { name: "Too expensive" })).toBeTruthy());
    fireEvent.change(within(dialog).getByLabelText("Loss reason"), { target: { value: "3" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Mark as lost" }));
    await screen.findByText("“Small deal” moved to Lost");
    expect(requests.find((call) => call.method === "PATCH")!.body).toEqual({ pipeline_id: 1, status_id: 143, loss_reason_id: 3 });
  });

  it("loads a column's next page when it is scrolled to its end, not before", async () => {
    open("/board");
    await screen.findByRole("article", { name: "Big deal" });
    const pagesAsked = () =>
      requests.filter((call) => call.url.pathname === "/api/v4/leads" && columnOf(call.url) === 10).map((call) => call.url.searchParams.get("page"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pagesAsked()).toEqual(["1"]);
    fireEvent.scroll(column("New").querySelector(".board-column-body")!);
    expect(await within(column("New")).findByRole("article", { name: "Later deal" })).toBeTruthy();
    expect(pagesAsked()).toEqual(["1", "2"]);
  });

  it("loads the columns again when the live stream reports a lead change", async () => {
    const source = open("/board");
    await screen.findByRole("article", { name: "Big deal" });
    await waitFor(() => expect(source.listeners.length).toBe(1));
    const before = requests.filter((call) => call.url.pathname === "/api/v4/leads").length;
    act(() => {
      for (const listener of source.listeners) {
        listener(new MessageEvent("lead_status_changed", {
          data: JSON.stringify({ id: "e1", type: "lead_status_changed", entity_type: "lead", entity_id: 1 }), lastEventId: "7",
        }));
      }
    });
    await waitFor(() => expect(requests.filter((call) => call.url.pathname === "/api/v4/leads").length).toBeGreaterThan(before));
  });
});
