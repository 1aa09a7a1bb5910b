// The typed client of Kanbo's API, generated from the OpenAPI document (schema.d.ts: `make api-client`).
//
//   const { data, error } = await api.GET("/api/v4/leads/{id}", { params: { path: { id } } });
//   const lead = await unwrap(api.GET("/api/v4/leads/{id}", { params: { path: { id } } }));  // throws ApiError
//
// Same-origin cookies carry the browser session; unsafe calls carry the session's CSRF token; a 401 sends
// the browser to the sign-in page, which comes back here afterwards.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { leave } from "./navigate";
import { ApiError, isProblem } from "./problem";
import type { paths } from "./schema";

export type { paths, components, operations } from "./schema";

const UNSAFE = new Set(["POST", "PATCH", "PUT", "DELETE"]);

let csrfToken: string | null = null;

/** Set from /api/session (session.tsx); sent as X-CSRF-Token on POST, PATCH, PUT and DELETE. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Where the browser goes to sign in: /login with `next` = the page it is on. */
export function loginUrl(location: Pick<Location, "pathname" | "search" | "hash">): string {
  const here = `${location.pathname}${location.search}${location.hash}`;
  return here === "/" || here === "" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}

export function redirectToLogin(): void {
  leave.to(loginUrl(window.location));
}

export interface ClientOptions {
  baseUrl?: string;
  fetch?: (input: Request) => Promise<Response>;
  /** Called on a 401 answer (default: go to the sign-in page). */
  onUnauthorized?: () => void;
}

export function sessionMiddleware(onUnauthorized: () => void): Middleware {
  return {
    onRequest({ request }) {
      if (UNSAFE.has(request.method.toUpperCase()) && csrfToken) request.headers.set("X-CSRF-Token", csrfToken);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
}

export function makeClient(options: ClientOptions = {}): Client<paths> {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? (typeof window === "undefined" ? "" : window.location.origin),
    credentials: "same-origin",
    headers: { Accept: "application/json" },
    // Looked up on each call (not captured once), so a replaced global fetch is used too.
    fetch: options.fetch ?? ((request: Request) => globalThis.fetch(request)),
  });
  client.use(sessionMiddleware(options.onUnauthorized ?? redirectToLogin));
  return client;
}

/** The app's client. */
export const api = makeClient();

/** The data of a call, or an ApiError thrown with the problem (what TanStack Query's queryFn wants).
 * An empty answer (204: an empty list, a deleted item) is `undefined`. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, isProblem(error) ? error : null);
  return data as T;
}
