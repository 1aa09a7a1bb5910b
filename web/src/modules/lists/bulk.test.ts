import { describe, expect, it, vi } from "vitest";

import { ApiError, type Problem } from "../../api/problem";
import { bulkRequests, itemErrors, runBulk, type BulkRequest } from "./bulk";

function refused(items: Record<string, string>): ApiError {
  const problem = {
    title: "Bad Request",
    type: "https://httpstatus.es/400",
    status: 400,
    detail: "Request validation failed",
    "validation-errors": Object.entries(items).map(([requestId, detail]) => ({
      request_id: requestId,
      errors: [{ code: "NotSupportedChoice", path: "status_id", detail }],
    })),
  } as Problem;
  return new ApiError(400, problem);
}

describe("bulk payloads", () => {
  it("builds one PATCH item per id for each action", () => {
    expect(bulkRequests({ type: "stage", pipelineId: 3, statusId: 142 }, [1, 2])).toEqual([
      { method: "PATCH", ids: [1, 2], body: [{ id: 1, pipeline_id: 3, status_id: 142 }, { id: 2, pipeline_id: 3, status_id: 142 }] },
    ]);
    expect(bulkRequests({ type: "responsible", userId: 9 }, [5])[0]!.body).toEqual([{ id: 5, responsible_user_id: 9 }]);
    expect(bulkRequests({ type: "tags", names: ["vip", "new"] }, [5])[0]!.body).toEqual([
      { id: 5, tags_to_add: [{ name: "vip" }, { name: "new" }] },
    ]);
  });

  it("deletes with a DELETE of ids, in batches of at most 250", () => {
    const ids = Array.from({ length: 600 }, (_, index) => index + 1);
    const requests = bulkRequests({ type: "delete" }, ids);
    expect(requests.map((request) => request.method)).toEqual(["DELETE", "DELETE", "DELETE"]);
    expect(requests.map((request) => request.ids.length)).toEqual([250, 250, 100]);
    expect(requests[2]!.body[0]).toEqual({ id: 501 });
  });
});

describe("bulk errors", () => {
  it("names the refused items by their index in the batch", () => {
    expect(itemErrors(refused({ "1": "Stage 7 is not in pipeline 3." }), [40, 41, 42])).toEqual([
      { id: 41, message: "Stage 7 is not in pipeline 3." },
    ]);
    expect(itemErrors(new ApiError(403, null), [40])).toEqual([]);
  });

  it("sends the rest of a refused batch again, and reports the refused items", async () => {
    const sent: BulkRequest[] = [];
    const send = vi.fn(async (request: BulkRequest) => {
      sent.push(request);
      if (request.ids.includes(41)) throw refused({ "1": "Fill the field Budget first." });
    });
    const outcome = await runBulk({ type: "stage", pipelineId: 3, statusId: 142 }, [40, 41, 42], send, "failed");
    expect(sent.map((request) => request.ids)).toEqual([[40, 41, 42], [40, 42]]);
    expect(sent[1]!.body).toEqual([{ id: 40, pipeline_id: 3, status_id: 142 }, { id: 42, pipeline_id: 3, status_id: 142 }]);
    expect(outcome).toEqual({
      done: [40, 42],
      errors: [{ id: 41, message: "Fill the field Budget first." }],
      failure: null,
      skipped: [],
    });
  });

  it("stops at a failure that names no item and reports what it left untouched", async () => {
    const ids = Array.from({ length: 300 }, (_, index) => index + 1);
    const problem = { title: "Forbidden", type: "x", status: 403, detail: "You may not delete lead 260" } as Problem;
    const send = vi.fn(async (request: BulkRequest) => {
      if (request.ids.includes(260)) throw new ApiError(403, problem);
    });
    const outcome = await runBulk({ type: "delete" }, ids, send, "failed");
    expect(outcome.done).toHaveLength(250);
    expect(outcome.failure).toBe("You may not delete lead 260");
    expect(outcome.skipped).toEqual(ids.slice(250));
    expect(outcome.errors).toEqual([]);
  });
});
