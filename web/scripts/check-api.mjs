// `npm run check:api`: fails when src/api/schema.d.ts is not what openapi-typescript makes of src/api/openapi.json
// (run `make api-client` to regenerate both and commit them).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { generate, SCHEMA } from "./gen-api.mjs";

const folder = mkdtempSync(join(tmpdir(), "kanbo-api-"));
try {
  const fresh = join(folder, "schema.d.ts");
  generate(fresh);
  if (readFileSync(fresh, "utf8") !== readFileSync(SCHEMA, "utf8")) {
    console.error("src/api/schema.d.ts is out of date with src/api/openapi.json: run `make api-client` and commit both");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches src/api/openapi.json");
} finally {
  rmSync(folder, { recursive: true, force: true });
}
