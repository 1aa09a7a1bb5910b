import { afterEach, describe, expect, it, vi } from "vitest";

import { loginUrl, makeClient, setCsrfToken, unwrap } from "./client";
import { ApiError, errorMessage, fieldErrors, problemOf } from "./problem";

const VALIDATION = {
  title: "Bad Request",
  type: "https://httpstatus.es/400",
  status: 400,
  detail: "Request validation failed",
  "validation-errors": [
    {
      request_id: "0",
      errors: [
        { code: "InvalidType", path: "price", detail: "Input should be a valid integer" },
        { code: "NotSupportedChoice", path: "price", detail: "a second message for price" },
        { code: "Required", path: "custom_fields_values.0.values", detail: "Field required" },
      ],
    },
    { request_id: "1", errors: [{ code: "OutOfRange", path: "price", detail: "Input should be >= 0" }] },
  ],
};

function answer(status: number, body?: unknown, type = "application/problem+json"): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
}

function recordingClient(response: () => Response, onUnauthorized = vi.fn()) {
  const calls: Request[] = [];
  const client = makeClient({
    baseUrl: "http://kanbo.test",
    fetch: async (request) => {
      calls.push(request);
      return response();
    },
    onUnauthorized,
  });
  return { client, calls, onUnauthorized };
}

afterEach(() => setCsrfToken(null));

describe("fieldErrors", () => {
  it("maps validation errors to the first message of each field path", () => {
    expect(fieldErrors(VALIDATION)).toEqual({
      price: "Input should be a valid integer",
      "custom_fields_values.0.values": "Field required",
    });
  });

  it("keeps one batch item's errors when asked", () => {
    expect(fieldErrors(VALIDATION, "1")).toEqual({ price: "Input should be >= 0" });
    expect(fieldErrors(new ApiError(400, VALIDATION), "0").price).toBe("Input should be a valid integer");
  });

  it("is empty for other errors", () => {
    expect(fieldErrors(new Error("offline"))).toEqual({});
    expect(fieldErrors({ title: "Not Found", status: 404, type: "x", detail: "gone" })).toEqual({});
    expect(fieldErrors(undefined)).toEqual({});
  });
});

describe("errorMessage", () => {
  it("uses the problem's detail, an error's message or the fallback", () => {
    expect(errorMessage(new ApiError(404, { ...VALIDATION, status: 404, detail: "No such lead" }), "x")).toBe(
      "No such lead",
    );
    expect(errorMessage(new TypeError("Failed to fetch"), "x")).toBe("Failed to fetch");
    expect(errorMessage("what", "fallback")).toBe("fallback");
    expect(problemOf(new ApiError(502, null))).toBeNull();
  });
});

describe("the client", () => {
  it("sends the CSRF token on unsafe calls only, with same-origin credentials", async () => {
    const { client, calls } = recordingClient(() => answer(204));
    setCsrfToken("token-123");
    await client.DELETE("/api/session");
    await client.GET("/api/v4/leads/pipelines");
    expect(calls[0]!.method).toBe("DELETE");
    expect(calls[0]!.headers.get("X-CSRF-Token")).toBe("token-123");
    expect(calls[0]!.credentials).toBe("same-origin");
    expect(calls[1]!.headers.get("X-CSRF-Token")).toBeNull();
  });

  it("sends no CSRF header before the session is known", async () => {
    const { client, calls } = recordingClient(() => answer(204));
    await client.DELETE("/api/session");
    expect(calls[0]!.headers.get("X-CSRF-Token")).toBeNull();
  });

  it("goes to sign in on a 401", async () => {
    const problem = { title: "Unauthorized", type: "x", status: 401, detail: "Sign in first" };
    const { client, onUnauthorized } = recordingClient(() => answer(401, problem));
    await expect(unwrap(client.GET("/api/session"))).rejects.toMatchObject({ status: 401, problem });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("unwraps data, an empty answer, and problems as ApiError", async () => {
    const { client } = recordingClient(() => answer(200, { id: 7, name: "Sales" }, "application/hal+json"));
    const pipeline = await unwrap(client.GET("/api/v4/leads/pipelines/{pipeline_id}", {
      params: { path: { pipeline_id: 7 } },
    }));
    expect(pipeline).toEqual({ id: 7, name: "Sales" });

    const empty = recordingClient(() => answer(204));
    expect(await unwrap(empty.client.GET("/api/v4/leads"))).toBeUndefined();

    const failing = recordingClient(() => answer(400, VALIDATION));
    const error = await unwrap(failing.client.POST("/api/v4/leads", { body: [{ name: "x" }] })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(fieldErrors(error)).toHaveProperty("price");
    expect(failing.onUnauthorized).not.toHaveBeenCalled();
  });
});

describe("loginUrl", () => {
  it("comes back to the current page", () => {
    expect(loginUrl({ pathname: "/leads/5", search: "?tab=notes", hash: "#n1" })).toBe(
      "/login?next=%2Fleads%2F5%3Ftab%3Dnotes%23n1",
    );
    expect(loginUrl({ pathname: "/", search: "", hash: "" })).toBe("/login");
  });
});
