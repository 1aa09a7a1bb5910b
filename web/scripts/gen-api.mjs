// `npm run gen:api`: src/api/openapi.json (written by `kanbo openapi`) → src/api/schema.d.ts.
// `npm run check:api` runs the same generation into a temporary file and compares.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const WEB = fileURLToPath(new URL("..", import.meta.url));
export const DOCUMENT = `${WEB}src/api/openapi.json`;
export const SCHEMA = `${WEB}src/api/schema.d.ts`;

// --default-non-nullable false: a field with a default stays optional (Kanbo's bodies are mostly optional fields).
const FLAGS = ["--default-non-nullable", "false"];

export function generate(output) {
  const cli = `${WEB}node_modules/openapi-typescript/bin/cli.js`;
  execFileSync(process.execPath, [cli, DOCUMENT, ...FLAGS, "--output", output], { stdio: ["ignore", "ignore", "inherit"] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  generate(SCHEMA);
  console.log("wrote src/api/schema.d.ts");
}
