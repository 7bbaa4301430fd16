// Every Admin API operation the app sends is valid against Shopify's real schema for the app's
// API version, and each file holds exactly one operation.
import fs from "node:fs";
import path from "node:path";
import { buildClientSchema, NoDeprecatedCustomRule, parse, specifiedRules, validate, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchemaIntrospection, ADMIN_API_VERSION } from "../../scripts/admin-schema";

const schema = buildClientSchema(adminSchemaIntrospection(ADMIN_API_VERSION) as IntrospectionQuery);
// Operations live in the `graphql/` folder of the capability that sends them (docs/decisions/021).
const app = path.resolve(import.meta.dirname, "..");
const files = (fs.readdirSync(app, { recursive: true }) as string[])
  .filter((f) => path.basename(path.dirname(f)) === "graphql" && f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .sort();

function documentsIn(source: string): string[] {
  return [...source.matchAll(/`#graphql([\s\S]*?)`/g)].map((m) => m[1]);
}

describe(`Admin API operations (${ADMIN_API_VERSION})`, () => {
  it("finds the operations", () => {
    expect(files.length).toBeGreaterThanOrEqual(27);
  });

  it.each(files)("%s holds one operation that Shopify's schema accepts, using no deprecated field", (file) => {
    const docs = documentsIn(fs.readFileSync(path.join(app, file), "utf8"));
    expect(docs).toHaveLength(1);
    const ast = parse(docs[0]);
    expect(ast.definitions.filter((d) => d.kind === "OperationDefinition")).toHaveLength(1);
    expect(validate(schema, ast, [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message)).toEqual([]);
  });

  it("would catch a misspelled field and a deprecated one", () => {
    expect(validate(schema, parse("query { shop { nme } }")).length).toBe(1);
    expect(validate(schema, parse("query { currentBulkOperation { id } }"), [NoDeprecatedCustomRule]).map((e) => e.message)).toEqual([
      expect.stringMatching(/currentBulkOperation is deprecated/),
    ]);
  });
});
