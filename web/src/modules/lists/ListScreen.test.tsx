import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryRouter, useLocation } from "react-router-dom";

import { ToastProvider } from "../../ui";
import { ListScreen } from "./ListScreen";

const links = { self: { href: "x" } };
const contact = (id: number, name: string) => ({
  id, name, first_name: name, last_name: "", responsible_user_id: 1, group_id: 0, created_by: 1, updated_by: 1,
  created_at: 1772668800, updated_at: 1772668800, closest_task_at: null, is_deleted: false, is_unsorted: false,
  custom_fields_values: [{ field_id: 7, field_name: "Phone", field_code: "PHONE", field_type: "multitext", values: [{ value: `+1 555 000 00${id}` }] }],
  account_id: 1, _links: links, _embedded: { tags: [], companies: [] },
});
const contacts = [contact(11, "Ana"), contact(12, "Bea"), contact(13, "Carla"), contact(14, "Dora")];
const users = [{ id: 1, name: "Admin" }, { id: 2, name: "Bruno" }];
const fields = [{ id: 7, name: "Phone", type: "multitext", code: "PHONE", sort: 1, enums: [] }];

let requests: { method: string; url: URL; body: unknown }[] = [];

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

beforeEach(() => {
  requests = [];
  vi.stubGlobal("fetch", async (request: Request) => {
    const url = new URL(request.url);
    const body = request.method === "GET" ? null : await request.json();
    requests.push({ method: request.method, url, body });
    if (request.method === "PATCH") return json({ _links: links, _embedded: { contacts: [] } });
    switch (url.pathname) {
      case "/api/v4/contacts":
        return json({ _page: 1, _links: links, _embedded: { contacts } });
      case "/api/v4/users":
        return json({ _links: links, _embedded: { users } });
      case "/api/v4/contacts/custom_fields":
        return json({ _links: links, _embedded: { custom_fields: fields } });
      default:
        return new Response(null, { status: 204 });
    }
  });
});

afterEach(() => vi.unstubAllGlobals());

function Where() {
  const location = useLocation();
  return <p data-testid="where">{`${location.pathname}${location.search}`}</p>;
}

function open(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <ListScreen kind="contacts" />
          <Where />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

const listCalls = () => requests.filter((call) => call.method === "GET" && call.url.pathname === "/api/v4/contacts");

describe("the list screen", () => {
  it("reads its search and sort from the URL, asks the API for them and writes a new sort back", async () => {
    open("/contacts?q=555&sort=name");
    const table = await screen.findByRole("table", { name: "Contacts" });
    expect(listCalls()[0]!.url.searchParams.get("query")).toBe("555");
    expect(listCalls()[0]!.url.searchParams.get("order[name]")).toBe("asc");
    expect(within(table).getByRole("columnheader", { name: /Name/ }).getAttribute("aria-sort")).toBe("ascending");
    expect(within(table).getByRole("link", { name: "Ana" }).getAttribute("href")).toBe("/contacts/11");
    expect(within(table).getByText("+1 555 000 0011")).toBeTruthy(); // the phone column by default

    fireEvent.click(within(table).getByRole("button", { name: /Name/ }));
    expect(screen.getByTestId("where").textContent).toBe("/contacts?q=555&sort=-name");
    await waitFor(() => expect(listCalls().at(-1)!.url.searchParams.get("order[name]")).toBe("desc"));
    fireEvent.click(within(table).getByRole("button", { name: /Created/ }));
    expect(screen.getByTestId("where").textContent).toBe("/contacts?q=555"); // newest first: the default
    await waitFor(() => expect(listCalls().at(-1)!.url.searchParams.get("order[created_at]")).toBe("desc"));
  });

  it("selects a range with shift and changes the responsible of the selection in one batch", async () => {
    open("/contacts");
    const table = await screen.findByRole("table", { name: "Contacts" });
    fireEvent.click(within(table).getByRole("checkbox", { name: "Select Bea" }));
    fireEvent.click(within(table).getByRole("checkbox", { name: "Select Dora" }), { shiftKey: true });
    const bar = screen.getByRole("region", { name: "Actions on the selected rows" });
    expect(bar.textContent).toContain("3 selected");
    expect(within(bar).queryByRole("button", { name: "Change stage" })).toBeNull(); // leads only
    expect((within(table).getByRole("checkbox", { name: "Select all shown" }) as HTMLInputElement).indeterminate).toBe(true);

    fireEvent.click(within(bar).getByRole("button", { name: "Change responsible" }));
    const dialog = screen.getByRole("dialog", { name: "Change responsible" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Apply" }));
    expect(within(dialog).getByText("Choose a value first.")).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText("Responsible"), { target: { value: "2" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Apply" }));
    expect(await screen.findByText("3 rows changed.")).toBeTruthy();
    const patch = requests.find((call) => call.method === "PATCH")!;
    expect(patch.url.pathname).toBe("/api/v4/contacts");
    expect(patch.body).toEqual([
      { id: 12, responsible_user_id: 2 },
      { id: 13, responsible_user_id: 2 },
      { id: 14, responsible_user_id: 2 },
    ]);
    expect(screen.queryByRole("region", { name: "Actions on the selected rows" })).toBeNull();
  });

  it("shows the empty state of a search, with a way back to everything", async () => {
    vi.stubGlobal("fetch", async () => new Response(null, { status: 204 }));
    open("/contacts?q=nobody");
    expect(await screen.findByRole("heading", { name: "Nothing matches" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Show everything" }));
    expect(screen.getByTestId("where").textContent).toBe("/contacts");
  });
});
