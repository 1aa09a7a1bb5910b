import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "./problem";

/** Retries network failures and 5xx twice; never a 4xx (the answer will not change). */
export function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status < 500) return false;
  return failures < 2;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}
