import { describe, expect, it } from "vitest";

import { ApiError } from "../../api/problem";
import { formErrors, isUnder, normalPath, saveError } from "./saveErrors";

function validation(paths: [string, string][]) {
  return new ApiError(400, {
    title: "Bad Request",
    type: "https://httpstatus.es/400",
    status: 400,
    detail: "Request validation failed",
    "validation-errors": [
      { request_id: "0", errors: paths.map(([path, detail]) => ({ code: "InvalidType", path, detail })) },
    ],
  });
}

describe("saveError", () => {
  it("picks the message of the saved field, batch-style paths included", () => {
    const error = validation([
      ["name", "Too long"],
      ["0.custom_fields_values.0.values.0.value", "This value should be a number."],
    ]);
    expect(saveError(error, ["custom_fields_values.0"], "failed")).toBe("This value should be a number.");
    expect(saveError(error, ["price"], "failed")).toBe("Too long"); // not the field's own: the answer's first one
  });

  it("falls back to the problem's detail, then to the given text", () => {
    const forbidden = new ApiError(403, {
      title: "Forbidden",
      type: "x",
      status: 403,
      detail: "You may not edit lead 1",
    });
    expect(saveError(forbidden, ["price"], "failed")).toBe("You may not edit lead 1");
    expect(saveError(new ApiError(500, null), ["price"], "failed")).toBe("HTTP 500");
    expect(saveError("weird", ["price"], "failed")).toBe("failed");
  });

  it("matches paths at or below a prefix only", () => {
    expect(isUnder("custom_fields_values.0.values", "custom_fields_values.0")).toBe(true);
    expect(isUnder("custom_fields_values.01", "custom_fields_values.0")).toBe(false);
    expect(normalPath("12.text")).toBe("text");
    expect(
      formErrors(
        validation([
          ["0.text", "Required"],
          ["complete_till", "Bad"],
        ]),
      ),
    ).toEqual({ text: "Required", complete_till: "Bad" });
  });
});
