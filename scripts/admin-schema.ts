// Writes Shopify's Admin GraphQL schema (introspection JSON, shipped in @shopify/dev-mcp) where
// the codegen preset looks for it, so types are generated offline from the real schema.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export const ADMIN_API_VERSION = "2026-10";

export function adminSchemaIntrospection(version = ADMIN_API_VERSION): unknown {
  // The package exports nothing importable; its data ships in node_modules/@shopify/dev-mcp/dist/data.
  const file = path.resolve(import.meta.dirname, "../node_modules/@shopify/dev-mcp/dist/data", `admin_${version}.json.gz`);
  const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8"));
  return json.data ?? json;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = path.resolve("app/types", `admin-${ADMIN_API_VERSION}.schema.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ data: adminSchemaIntrospection() }));
  console.log(`Wrote ${path.relative(process.cwd(), out)}`);
}
