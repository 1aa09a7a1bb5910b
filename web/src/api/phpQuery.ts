// Kommo's query strings are PHP-style: `filter[entity_id][]=1&filter[entity_id][]=2`, `order[id]=desc`,
// `with=contacts,loss_reason`. openapi-fetch's default serializer refuses arrays inside objects, so calls with a
// `filter` pass this one: api.GET(path, { params: { query }, querySerializer: phpQuery }).

type Scalar = string | number | boolean;

function pairs(prefix: string, value: unknown, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) pairs(`${prefix}[]`, item, out);
    return;
  }
  if (typeof value === "object") {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) pairs(`${prefix}[${key}]`, inner, out);
    return;
  }
  out.push(`${encodeKey(prefix)}=${encodeURIComponent(String(value as Scalar))}`);
}

/** Brackets stay readable (`filter[id][]`), everything else is encoded. */
function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/g, "[").replace(/%5D/g, "]");
}

/** The query string (without `?`) of `query`: top-level arrays comma-joined (`with=a,b`), nested ones as `key[]`. */
export function phpQuery(query: Record<string, unknown> | undefined): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) {
      if (value.length)
        out.push(`${encodeKey(key)}=${value.map((item) => encodeURIComponent(String(item))).join(",")}`);
    } else {
      pairs(key, value, out);
    }
  }
  return out.join("&");
}
