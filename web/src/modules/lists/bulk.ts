// Bulk actions on the selected rows, through the public batch endpoints:
//   PATCH /api/v4/{kind}  [{id, …}, …]   (stage, responsible, tags)
//   DELETE /api/v4/{kind} [{id}, …]      (to the trash)
// A batch holds at most 250 items and is all or nothing: a 400 names the failing items by `request_id`
// (their index in the batch). runBulk() then sends the rest of that batch again without them, so every
// item that can change does, and the failures are reported per item. Pure apart from `send` (bulk.test.ts).
import { errorMessage, problemOf } from "../../api/problem";

export type BulkAction =
  | { type: "stage"; pipelineId: number; statusId: number }
  | { type: "responsible"; userId: number }
  | { type: "tags"; names: string[] }
  | { type: "delete" };

export interface BulkRequest {
  method: "PATCH" | "DELETE";
  /** The ids of `body`'s items, in the same order (item i has request_id "i"). */
  ids: number[];
  body: Record<string, unknown>[];
}

export const BATCH_SIZE = 250;

/** One item of the batch for `id`. */
export function bulkItem(action: BulkAction, id: number): Record<string, unknown> {
  switch (action.type) {
    case "stage":
      return { id, pipeline_id: action.pipelineId, status_id: action.statusId };
    case "responsible":
      return { id, responsible_user_id: action.userId };
    case "tags":
      return { id, tags_to_add: action.names.map((name) => ({ name })) };
    case "delete":
      return { id };
  }
}

/** The requests that apply `action` to `ids`: batches of at most `size` items. */
export function bulkRequests(action: BulkAction, ids: readonly number[], size = BATCH_SIZE): BulkRequest[] {
  const method = action.type === "delete" ? "DELETE" : "PATCH";
  const requests: BulkRequest[] = [];
  for (let start = 0; start < ids.length; start += size) {
    const chunk = ids.slice(start, start + size);
    requests.push({ method, ids: chunk, body: chunk.map((id) => bulkItem(action, id)) });
  }
  return requests;
}

export interface ItemError {
  id: number;
  message: string;
}

/** The items a failed batch names (`validation-errors` by request_id = index), with their messages. */
export function itemErrors(error: unknown, ids: readonly number[]): ItemError[] {
  const problem = problemOf(error);
  const found: ItemError[] = [];
  for (const entry of problem?.["validation-errors"] ?? []) {
    const index = Number(entry.request_id);
    const id = Number.isInteger(index) ? ids[index] : undefined;
    if (id === undefined) continue;
    const message = entry.errors.map((item) => item.detail).filter(Boolean).join(" ") || problem?.detail || "";
    found.push({ id, message });
  }
  return found;
}

export interface BulkOutcome {
  /** The ids changed (or deleted). */
  done: number[];
  /** Items refused, each with the server's reason. */
  errors: ItemError[];
  /** A failure that names no item (no right, network…): the ids it left untouched are in `skipped`. */
  failure: string | null;
  skipped: number[];
}

export type Send = (request: BulkRequest) => Promise<unknown>;

/** Apply `action` to `ids` batch by batch; see the module comment for how failures are handled. */
export async function runBulk(action: BulkAction, ids: readonly number[], send: Send, fallback: string): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], errors: [], failure: null, skipped: [] };
  const requests = bulkRequests(action, ids);
  for (let index = 0; index < requests.length; index++) {
    const method = requests[index]!.method;
    let pending = requests[index]!.ids;
    while (pending.length) {
      const request: BulkRequest = { method, ids: pending, body: pending.map((id) => bulkItem(action, id)) };
      try {
        await send(request);
        outcome.done.push(...pending);
        pending = [];
      } catch (error) {
        const refused = itemErrors(error, pending);
        if (refused.length === 0) {
          outcome.failure = errorMessage(error, fallback);
          outcome.skipped = [...pending, ...requests.slice(index + 1).flatMap((later) => later.ids)];
          return outcome;
        }
        outcome.errors.push(...refused);
        const bad = new Set(refused.map((item) => item.id));
        pending = pending.filter((id) => !bad.has(id));
      }
    }
  }
  return outcome;
}
