// The message to show next to a field after a failed save. No React here: saveErrors.test.ts covers it.
import { errorMessage, problemOf } from "../../api/problem";

/** A batch names its items (`0.custom_fields_values.0.values`); a single PATCH does not. Both read the same. */
export function normalPath(path: string): string {
  return path.replace(/^\d+\./, "");
}

/** Whether `path` is `prefix` or lies below it
 * (`custom_fields_values.0.values.0.value` is below `custom_fields_values.0`). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/** The API's message for a field whose body parts are at `prefixes` (`["price"]`, `["custom_fields_values.0"]`):
 * the first validation error at or below one of them, else the first validation error of the answer (it is about
 * this save), else the problem's detail, else `fallback`. */
export function saveError(error: unknown, prefixes: readonly string[], fallback: string): string {
  const problem = problemOf(error);
  const entries = (problem?.["validation-errors"] ?? []).flatMap((entry) => entry.errors);
  const own = entries.find((item) => prefixes.some((prefix) => isUnder(normalPath(item.path ?? ""), prefix)));
  if (own) return own.detail;
  if (entries[0]) return entries[0].detail;
  return errorMessage(error, fallback);
}

/** The messages of a form's fields by their (normalised) paths: `{ text: "…", complete_till: "…" }`. */
export function formErrors(error: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const entry of problemOf(error)?.["validation-errors"] ?? []) {
    for (const item of entry.errors) {
      const path = normalPath(item.path ?? "");
      if (!(path in fields)) fields[path] = item.detail;
    }
  }
  return fields;
}
