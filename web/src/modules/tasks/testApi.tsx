// A stubbed API for the screens' tests: answers by "METHOD /path", records every request (method, URL, body).
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { vi } from "vitest";

import { App } from "../../App";

export const NOW = Math.floor(Date.now() / 1000);
export const links = { self: { href: "http://kanbo.test/x" } };

const SESSION = {
  user_id: 1, account_id: 2, csrf_token: "csrf",
  user: { id: 1, name: "Ana", email: "ana@acme.test", lang: "en", is_admin: true },
  account: { id: 2, name: "Acme", subdomain: "acme", language: "en", currency: "USD", timezone: "UTC" },
};

export type Answer = { status?: number; body?: unknown };
export interface Sent {
  method: string;
  url: URL;
  body: unknown;
}

/** Stubs fetch; what is not in `routes` answers 204 (an empty list). Returns the requests made, live. */
export function serve(routes: Record<string, Answer>): Sent[] {
  const requests: Sent[] = [];
  vi.stubGlobal("fetch", async (request: Request) => {
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    requests.push({ method: request.method, url, body: text ? JSON.parse(text) : null });
    const answer = routes[`${request.method} ${url.pathname}`] ??
      (url.pathname === "/api/session" ? { body: SESSION } : { status: 204 });
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body), {
      status, headers: { "Content-Type": "application/json" },
    });
  });
  return requests;
}

/** The whole app at `path`, signed in as Ana (an admin, account in UTC). */
export function open(path: string) {
  window.history.pushState({}, "", path);
  render(<App queryClient={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);
}
