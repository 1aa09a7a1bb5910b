// The router. Every screen is a lazy route (its own chunk). To add a screen, add ONE line to SCREENS:
//   { path: "leads/*", load: () => import("./modules/lists/LeadsScreen") },
// (the module's default export is the screen component; nested routes go inside it with <Routes>).
// The header's links are in shell/nav.ts; unknown paths show the "page not found" screen.
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { lazy, useState, type ComponentType } from "react";
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from "react-router-dom";

import { makeQueryClient } from "./api/queryClient";
import { SessionProvider } from "./api/session";
import { Layout } from "./shell/Layout";
import { NotFound } from "./shell/NotFound";
import { RouteError } from "./shell/RouteError";
import { ToastProvider } from "./ui/Toast";

export interface Screen {
  /** Path under "/", without the leading slash; end with "/*" when the screen has nested routes. */
  path: string;
  load: () => Promise<{ default: ComponentType }>;
}

export const SCREENS: Screen[] = [
  { path: "board", load: () => import("./modules/board/BoardScreen") },
  { path: "leads", load: () => import("./modules/lists/LeadsScreen") },
  { path: "contacts", load: () => import("./modules/lists/ContactsScreen") },
  { path: "companies", load: () => import("./modules/lists/CompaniesScreen") },
  { path: "tasks", load: () => import("./modules/tasks/TasksScreen") },
  { path: "incoming", load: () => import("./modules/incoming/IncomingScreen") },
  { path: "settings/*", load: () => import("./modules/settings/SettingsScreen") },
  { path: "leads/:id", load: () => import("./modules/cards/CardScreen") },
  { path: "contacts/:id", load: () => import("./modules/cards/CardScreen") },
  { path: "companies/:id", load: () => import("./modules/cards/CardScreen") },
];

/** Starts loading the chunk of the screen at `pathname` (called at start-up, so it loads while the session is
 * asked for instead of after it; "/" is the board). Returns the screen found, if any. */
export function preloadScreen(pathname: string, screens: readonly Screen[] = SCREENS): Screen | undefined {
  const wanted = pathname.split("/").filter(Boolean);
  if (!wanted.length) wanted.push("board");
  const screen = screens.find((item) => {
    const parts = item.path.split("/");
    const rest = parts[parts.length - 1] === "*";
    const fixed = rest ? parts.slice(0, -1) : parts;
    if (rest ? wanted.length < fixed.length : wanted.length !== fixed.length) return false;
    return fixed.every((part, index) => part.startsWith(":") || part === wanted[index]);
  });
  void screen?.load().catch(() => undefined); // a failed chunk shows its error when the route renders it
  return screen;
}

export function buildRoutes(screens: readonly Screen[]): RouteObject[] {
  return [
    {
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Navigate to="/board" replace /> },
        ...screens.map((screen) => {
          const Component = lazy(screen.load);
          return { path: screen.path, element: <Component /> };
        }),
        { path: "*", element: <NotFound /> },
      ],
    },
  ];
}

export function App(props: { queryClient?: QueryClient }) {
  const [queryClient] = useState(() => props.queryClient ?? makeQueryClient());
  const [router] = useState(() => createBrowserRouter(buildRoutes(SCREENS)));
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
