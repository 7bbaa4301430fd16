// The real Admin API schema shipped with @shopify/dev-mcp, built once per version per process.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type IntrospectionQuery, type ValueNode } from "graphql";

const schemas = new Map<string, GraphQLSchema | null>();

function dataDir(): string | null {
  const candidates: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, "node_modules/@shopify/dev-mcp/dist/data"));
    dir = dirname(dir);
  }
  candidates.push(join(process.cwd(), "node_modules/@shopify/dev-mcp/dist/data"));
  return candidates.find((c) => existsSync(c)) ?? null;
}

export function adminSchema(version: string): GraphQLSchema | null {
  if (schemas.has(version)) return schemas.get(version)!;
  const dir = dataDir();
  const file = dir && join(dir, `admin_${version}.json.gz`);
  if (!file || !/^[\w-]+$/.test(version) || !existsSync(file)) {
    schemas.set(version, null);
    return null;
  }
  const raw = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
  const schema = buildClientSchema((raw.data ?? raw) as IntrospectionQuery, { assumeValid: true });
  tightenScalars(schema);
  schemas.set(version, schema);
  return schema;
}

const coerceFail = (value: unknown, type: string) =>
  new GraphQLError(`Could not coerce value ${JSON.stringify(value)} to ${type}`);

/**
 * Introspection gives custom scalars no parsing rules, so anything would pass. Shopify
 * rejects malformed DateTime/Decimal/UnsignedInt64 input, and so must we.
 */
function tightenScalars(schema: GraphQLSchema): void {
  const rules: Record<string, (v: unknown) => unknown> = {
    DateTime: (v) => {
      if (typeof v !== "string" || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw coerceFail(v, "DateTime");
      return v;
    },
    Date: (v) => {
      if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw coerceFail(v, "Date");
      return v;
    },
    Decimal: (v) => {
      const s = typeof v === "number" ? String(v) : v;
      if (typeof s !== "string" || !/^-?\d+(\.\d+)?$/.test(s.trim())) throw coerceFail(v, "Decimal");
      return s.trim();
    },
    UnsignedInt64: (v) => {
      const s = typeof v === "number" ? String(v) : v;
      if (typeof s !== "string" || !/^\d+$/.test(s)) throw coerceFail(v, "UnsignedInt64");
      return s;
    },
    URL: (v) => {
      if (typeof v !== "string") throw coerceFail(v, "URL");
      return v;
    },
  };
  for (const [name, parse] of Object.entries(rules)) {
    const t = schema.getType(name);
    if (!(t instanceof GraphQLScalarType)) continue;
    const mutable = t as unknown as { parseValue: (v: unknown) => unknown; parseLiteral: (n: ValueNode) => unknown };
    mutable.parseValue = parse;
    mutable.parseLiteral = (node: ValueNode) => {
      if (node.kind === Kind.STRING || node.kind === Kind.INT || node.kind === Kind.FLOAT) return parse(node.kind === Kind.STRING ? node.value : Number(node.value));
      throw coerceFail(node.kind, name);
    };
  }
}
