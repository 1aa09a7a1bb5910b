// Kanbo's errors are Kommo's problem+json (components["schemas"]["Problem"] in schema.d.ts).
import type { components } from "./schema";

export type Problem = components["schemas"]["Problem"];

/** A failed API call: its HTTP status and, when the server sent one, its problem+json body. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== "object" || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.status === "number" && typeof body.title === "string";
}

/** The problem of anything a call may throw or return as its `error` (null for other errors). */
export function problemOf(error: unknown): Problem | null {
  if (error instanceof ApiError) return error.problem;
  return isProblem(error) ? error : null;
}

/** Field messages of a validation problem, keyed by the field's path (`name`, `price`,
 * `custom_fields_values.0.values`). Only the entries of `requestId` when given (a batch names each item by
 * its `request_id`, "0" for the first or only one); the first message of a path wins. */
export function fieldErrors(error: unknown, requestId?: string): Record<string, string> {
  const problem = problemOf(error);
  const fields: Record<string, string> = {};
  for (const entry of problem?.["validation-errors"] ?? []) {
    if (requestId !== undefined && entry.request_id !== requestId) continue;
    for (const item of entry.errors) {
      const path = item.path || "";
      if (!(path in fields)) fields[path] = item.detail;
    }
  }
  return fields;
}

/** One line for a toast or an error state: the problem's detail, else the error's message. */
export function errorMessage(error: unknown, fallback: string): string {
  const problem = problemOf(error);
  if (problem) return problem.detail || problem.title || fallback;
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}
