// Query strings as Kommo's PHP clients write them: `filter[id][]=1&filter[id][]=2&order[created_at]=desc`.
// openapi-fetch's own serializer refuses a list inside an object (filter[id]), so list calls pass this one:
//   api.GET("/api/v4/tasks", { params: { query }, querySerializer: phpQuery })

type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

function pairs(name: string, value: Value, out: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) pairs(`${name}[]`, item, out);
  } else if (typeof value === "object") {
    for (const [key, item] of Object.entries(value)) pairs(`${name}[${key}]`, item, out);
  } else {
    out.push(`${encodeURIComponent(name).replace(/%5B/g, "[").replace(/%5D/g, "]")}=${encodeURIComponent(String(value))}`);
  }
}

export function phpQuery(params: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [name, value] of Object.entries(params)) pairs(name, value as Value, out);
  return out.join("&");
}
