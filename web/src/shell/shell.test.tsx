import { QueryClient } from "@tanstack/react-query";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { App, buildRoutes, preloadScreen, type Screen } from "../App";
import { leave } from "../api/navigate";
import type { SessionInfo } from "../api/session";
import { visibleNav } from "./nav";

function session(isAdmin: boolean, lang = "en"): SessionInfo {
  return {
    user_id: 1,
    account_id: 2,
    user: { id: 1, name: "Ana Admin", email: "ana@acme.test", lang, is_admin: isAdmin },
    account: { id: 2, name: "Acme", subdomain: "acme", language: "es", currency: "USD", timezone: "UTC" },
    csrf_token: "csrf-abc",
  };
}

let requests: Request[] = [];

function serve(info: SessionInfo | null) {
  requests = [];
  vi.stubGlobal("fetch", async (request: Request) => {
    requests.push(request);
    if (request.method === "DELETE") return new Response(null, { status: 204 });
    if (!info) {
      const problem = { title: "Unauthorized", type: "x", status: 401, detail: "Sign in first" };
      return new Response(JSON.stringify(problem), { status: 401, headers: { "Content-Type": "application/problem+json" } });
    }
    return new Response(JSON.stringify(info), { status: 200, headers: { "Content-Type": "application/json" } });
  });
}

function open(path: string) {
  window.history.pushState({}, "", path);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<App queryClient={client} />);
}

beforeEach(() => {
  leave.to = vi.fn();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the app shell", () => {
  it("sends / to the board and shows the header to a signed-in admin", async () => {
    serve(session(true));
    open("/");
    expect(await screen.findByText("Ana Admin")).toBeTruthy();
    expect(window.location.pathname).toBe("/board");
    const nav = screen.getByRole("navigation", { name: "Main" });
    const links = Array.from(nav.querySelectorAll("a")).map((link) => link.textContent);
    expect(links).toEqual(["Board", "Leads", "Contacts", "Companies", "Tasks", "Incoming leads", "Settings"]);
    expect(screen.getByRole("link", { name: "Skip to content" }).getAttribute("href")).toBe("#main");
  });

  it("hides Settings from members and shows page not found for unknown routes", async () => {
    serve(session(false));
    open("/no/such/page");
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeTruthy();
    expect(screen.getByText("There is no page at /no/such/page.")).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Settings" })).toBeNull();
  });

  it("speaks the user's language and switches it on demand, kept on the user by the server", async () => {
    serve(session(true, "es"));
    open("/board");
    expect(await screen.findByRole("link", { name: "Tablero" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("es");
    fireEvent.change(screen.getByLabelText("Idioma"), { target: { value: "en" } });
    expect(await screen.findByRole("link", { name: "Board" })).toBeTruthy();
    await waitFor(() => expect(requests.some((request) => request.method === "PATCH")).toBe(true));
    const saved = requests.find((request) => request.method === "PATCH")!;
    expect(new URL(saved.url).pathname).toBe("/api/session");
    expect(await saved.json()).toEqual({ lang: "en" });
    expect(saved.headers.get("X-CSRF-Token")).toBe("csrf-abc");
  });

  it("sends signed-out visitors to sign in, coming back afterwards", async () => {
    serve(null);
    open("/leads/5");
    await waitFor(() => expect(leave.to).toHaveBeenCalledWith("/login?next=%2Fleads%2F5"));
  });

  it("signs out with the session's CSRF token, then goes to sign in", async () => {
    serve(session(true));
    open("/board");
    fireEvent.click(await screen.findByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(leave.to).toHaveBeenCalledWith("/login"));
    const ended = requests.find((request) => request.method === "DELETE")!;
    expect(new URL(ended.url).pathname).toBe("/api/session");
    expect(ended.headers.get("X-CSRF-Token")).toBe("csrf-abc");
  });
});

describe("routes", () => {
  it("load each registered screen lazily and keep the not-found screen last", async () => {
    const load = vi.fn(async () => ({ default: () => <h1>Leads screen</h1> }));
    const screens: Screen[] = [{ path: "leads/*", load }];
    const [layout] = buildRoutes(screens);
    const children = layout!.children!;
    expect(children.map((route) => route.index ?? route.path)).toEqual([true, "leads/*", "*"]);
    expect(load).not.toHaveBeenCalled();
    await act(async () => {
      render(<>{children[1]!.element}</>);
    });
    expect(load).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole("heading", { name: "Leads screen" })).toBeTruthy();
  });

  it("preload the chunk of the screen the page opens on", () => {
    const make = (path: string) => ({ path, load: vi.fn(async () => ({ default: () => null })) });
    const screens = [make("board"), make("leads"), make("leads/:id"), make("settings/*")];
    expect(preloadScreen("/", screens)?.path).toBe("board");
    expect(preloadScreen("/leads", screens)?.path).toBe("leads");
    expect(preloadScreen("/leads/12", screens)?.path).toBe("leads/:id");
    expect(preloadScreen("/settings/pipelines/3", screens)?.path).toBe("settings/*");
    expect(preloadScreen("/settings", screens)?.path).toBe("settings/*");
    expect(preloadScreen("/nowhere", screens)).toBeUndefined();
    expect(screens.map((item) => item.load.mock.calls.length)).toEqual([1, 1, 1, 2]);
  });

  it("show Settings to admins only", () => {
    expect(visibleNav(true).map((item) => item.to)).toContain("/settings");
    expect(visibleNav(false).map((item) => item.to)).not.toContain("/settings");
  });
});
