import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";

import { FindAnything, isPaletteShortcut } from "./FindAnything";

const links = { self: { href: "x" } };
const pipelines = {
  _links: links,
  _embedded: {
    pipelines: [{ id: 1, name: "Sales", sort: 1, _embedded: { statuses: [{ id: 11, name: "Qualified", type: 0 }] } }],
  },
};

function answerFor(query: string) {
  const found = query.startsWith("ana");
  return {
    query,
    _links: links,
    _embedded: {
      leads: found ? [{ id: 5, name: "Ana's deal", price: 1200, pipeline_id: 1, status_id: 11, _links: links }] : [],
      contacts: found
        ? [
            { id: 7, name: "Ana Pérez", phone: "+1 555 000 0012", email: "ana@x.test", _links: links },
            { id: 8, name: "Anabel", phone: null, email: null, _links: links },
          ]
        : [],
      companies: [],
    },
  };
}

let searches: Request[] = [];
let hold = false;

function json(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
}

beforeEach(() => {
  searches = [];
  hold = false;
  vi.stubGlobal("fetch", (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/v4/leads/pipelines") return Promise.resolve(json(pipelines));
    searches.push(request);
    if (hold) {
      return new Promise((_, reject) =>
        request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    }
    return Promise.resolve(json(answerFor(url.searchParams.get("query") ?? "")));
  });
});

afterEach(() => vi.unstubAllGlobals());

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}

function setup() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/board"]}>
        <FindAnything />
        <Routes>
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function openWithKeys() {
  fireEvent.keyDown(window, { key: "k", ctrlKey: true });
  const dialog = await screen.findByRole("dialog", { name: "Find anything" });
  return { dialog, box: within(dialog).getByRole("combobox") };
}

const selected = (dialog: HTMLElement) =>
  within(dialog)
    .getAllByRole("option")
    .filter((option) => option.getAttribute("aria-selected") === "true")
    .map((option) => option.querySelector(".palette-option-title")!.textContent);

describe("the palette", () => {
  it("opens with Ctrl+K or ⌘K only", () => {
    expect(isPaletteShortcut({ key: "k", ctrlKey: true, metaKey: false, altKey: false, shiftKey: false })).toBe(true);
    expect(isPaletteShortcut({ key: "K", ctrlKey: false, metaKey: true, altKey: false, shiftKey: false })).toBe(true);
    expect(isPaletteShortcut({ key: "k", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false })).toBe(false);
    expect(isPaletteShortcut({ key: "k", ctrlKey: true, metaKey: false, altKey: false, shiftKey: true })).toBe(false);
  });

  it("does not open over another dialog", async () => {
    setup();
    const other = document.createElement("div");
    other.setAttribute("role", "dialog");
    other.setAttribute("aria-modal", "true");
    document.body.append(other);
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    await expect(screen.findByRole("dialog", { name: "Find anything" }, { timeout: 300 })).rejects.toThrow();
    other.remove();
    fireEvent.keyDown(window, { key: "k", metaKey: true });
    expect(await screen.findByRole("dialog", { name: "Find anything" })).toBeTruthy();
  });

  it("searches once the typing pauses and groups the results by type", async () => {
    setup();
    const { dialog, box } = await openWithKeys();
    expect(document.activeElement).toBe(box);
    fireEvent.change(box, { target: { value: "a" } });
    fireEvent.change(box, { target: { value: "an" } });
    fireEvent.change(box, { target: { value: "ana" } });
    await within(dialog).findByRole("option", { name: /Ana ?bel/ });
    expect(searches.map((request) => new URL(request.url).search)).toEqual(["?query=ana&limit=5"]);
    const groups = within(dialog).getAllByRole("group");
    expect(groups.map((group) => group.getAttribute("aria-labelledby") && document.getElementById(group.getAttribute("aria-labelledby")!)!.textContent)).toEqual(["Contacts", "Leads"]);
    await waitFor(() => expect(within(groups[1]!).getByRole("option").textContent).toContain("Qualified"));
    expect(within(groups[0]!).getAllByRole("option")[0]!.querySelector("mark")!.textContent).toBe("Ana");
    expect(selected(dialog)).toEqual(["Ana Pérez"]);
    expect(box.getAttribute("aria-activedescendant")).toBe(within(dialog).getAllByRole("option")[0]!.id);
  });

  it("moves with the arrows (wrapping around) and opens the card with Enter", async () => {
    setup();
    const { dialog, box } = await openWithKeys();
    fireEvent.change(box, { target: { value: "ana" } });
    await within(dialog).findByRole("option", { name: /Ana ?bel/ });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(selected(dialog)).toEqual(["Anabel"]);
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(selected(dialog)).toEqual(["Ana Pérez"]);
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(selected(dialog)).toEqual(["Ana's deal"]);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(screen.getByTestId("where").textContent).toBe("/leads/5");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("says when nothing matches and closes on Esc", async () => {
    setup();
    fireEvent.click(screen.getByRole("button", { name: "Find anything" }));
    const dialog = await screen.findByRole("dialog", { name: "Find anything" });
    fireEvent.change(within(dialog).getByRole("combobox"), { target: { value: "zzz" } });
    expect(await within(dialog).findByText("Nothing found for “zzz”.")).toBeTruthy();
    expect(within(dialog).queryAllByRole("option")).toEqual([]);
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByTestId("where").textContent).toBe("/board");
  });

  it("cancels the request of a text replaced by a newer one", async () => {
    setup();
    const { dialog, box } = await openWithKeys();
    hold = true;
    fireEvent.change(box, { target: { value: "an" } });
    await waitFor(() => expect(searches).toHaveLength(1));
    hold = false;
    fireEvent.change(box, { target: { value: "ana" } });
    await within(dialog).findByRole("option", { name: /Ana ?bel/ });
    expect(searches.map((request) => new URL(request.url).searchParams.get("query"))).toEqual(["an", "ana"]);
    await act(async () => undefined);
    expect(searches[0]!.signal.aborted).toBe(true);
    expect(searches[1]!.signal.aborted).toBe(false);
  });
});
