// Who is signed in: useSession() → { user, account, isAdmin, csrfToken, signOut }.
// SessionProvider loads /api/session once (a 401 sends the browser to /login?next=…), sets the CSRF token the
// client sends, and picks the language: the user's (`lang`, which the header's switch changes for good with
// PATCH /api/session), else the account's language, else the browser's.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

import { I18nProvider, pickLanguage, type Lang } from "../i18n";
import { ErrorState } from "../ui/States";
import { Spinner } from "../ui/Spinner";
import { api, setCsrfToken, unwrap } from "./client";
import { leave } from "./navigate";
import type { components } from "./schema";

export type SessionInfo = components["schemas"]["SessionInfo"];
export type SessionUser = components["schemas"]["SessionUser"];
export type SessionAccount = components["schemas"]["SessionAccount"];

export interface Session {
  user: SessionUser;
  account: SessionAccount;
  isAdmin: boolean;
  csrfToken: string;
  /** Ends the browser session (DELETE /api/session) and goes to the sign-in page. */
  signOut: () => Promise<void>;
}

/** The signed-in session (SessionProvider provides it; tests may provide one directly). */
export const SessionContext = createContext<Session | null>(null);

export const SESSION_QUERY_KEY = ["session"] as const;

export async function signOut(): Promise<void> {
  try {
    await api.DELETE("/api/session");
  } finally {
    setCsrfToken(null);
    leave.to("/login");
  }
}

function browserLanguages(): readonly string[] {
  return typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language];
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const query = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: () => unwrap(api.GET("/api/session")),
    staleTime: Infinity,
    retry: false,
  });
  const info = query.data;
  if (info) setCsrfToken(info.csrf_token); // before any child renders and calls the API
  const client = useQueryClient();
  const [chosen, setChosen] = useState<Lang | null>(null);
  const lang = pickLanguage({
    stored: chosen,
    user: info?.user.lang,
    account: info?.account.language,
    browser: browserLanguages(),
  });
  const setLang = useCallback(
    (next: Lang) => {
      setChosen(next); // at once; kept on the user for every browser once the server has it
      void api.PATCH("/api/session", { body: { lang: next } }).then(({ data }) => {
        if (data) client.setQueryData(SESSION_QUERY_KEY, data);
      });
    },
    [client],
  );
  const session = useMemo<Session | null>(
    () =>
      info
        ? { user: info.user, account: info.account, isAdmin: info.user.is_admin, csrfToken: info.csrf_token, signOut }
        : null,
    [info],
  );

  let content: ReactNode;
  if (session) {
    content = <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
  } else if (query.isError && !isUnauthorized(query.error)) {
    content = (
      <main className="page-center">
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </main>
    );
  } else {
    content = (
      <main className="page-center">
        <Spinner />
      </main>
    ); // loading, or on the way to /login
  }
  return (
    <I18nProvider lang={lang} setLang={setLang}>
      {content}
    </I18nProvider>
  );
}

function isUnauthorized(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: number }).status === 401;
}

/** The signed-in session (inside SessionProvider, where every screen is). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() outside <SessionProvider>");
  return session;
}

/** The session when there is one (for shared components also rendered before it loads). */
export function useSessionOptional(): Session | null {
  return useContext(SessionContext);
}
