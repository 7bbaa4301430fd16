// Bulk query operations: validate like Shopify, then run the query against the state in the
// background and write Shopify's JSONL (one line per node; nested connection nodes on their
// own lines with "__parentId"), served at GET /bulk/<file>.
import { createWriteStream } from "node:fs";
import { mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import {
  getNamedType, isInterfaceType, isObjectType, Kind, parse, GraphQLError,
  type DocumentNode, type FieldNode, type GraphQLNamedType, type SelectionSetNode,
} from "graphql";
import { bulkFinishJson } from "../rest";
import { nextId, type ShopState, type StandinBulkOperation } from "../state";
import { isoUtc } from "../time";
import type { GqlContext, StandinCore } from "./context";
import { validateDocument } from "./errors";
import { run } from "./exec";
import { queryRoot } from "./resolvers";
import { BulkOperationView, requireGid } from "./views";

const ROOT_SLICE = 500;

interface Shape { connections: number; errors: string[] }

function isConnectionType(t: GraphQLNamedType): boolean {
  return (isObjectType(t) || isInterfaceType(t)) && t.name.endsWith("Connection") && "edges" in t.getFields();
}

/** Shopify's static limits on bulk queries. */
function inspectShape(ctx: GqlContext, doc: DocumentNode): Shape {
  const shape: Shape = { connections: 0, errors: [] };
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION || op.operation !== "query") {
    shape.errors.push("Bulk queries must be a query operation.");
    return shape;
  }
  const fragments = new Map(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [(d as { name: { value: string } }).name.value, d as { selectionSet: SelectionSetNode }]));
  const fieldsIn = (set: SelectionSetNode | undefined): FieldNode[] => {
    const out: FieldNode[] = [];
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsIn(s.selectionSet));
      else out.push(...fieldsIn(fragments.get(s.name.value)?.selectionSet));
    }
    return out;
  };
  const walk = (set: SelectionSetNode | undefined, type: GraphQLNamedType, depth: number, path: string) => {
    if (!(isObjectType(type) || isInterfaceType(type))) return;
    const fields = type.getFields();
    for (const f of fieldsIn(set)) {
      const def = fields[f.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      if (isConnectionType(named)) {
        shape.connections++;
        if (depth >= 2) shape.errors.push(`Bulk queries cannot contain connections with a nesting depth greater than 2. Connection at ${path}${f.name.value} is too deep.`);
        const conn = named as { getFields(): Record<string, { type: Parameters<typeof getNamedType>[0] }> };
        const nodeType: GraphQLNamedType = getNamedType(conn.getFields().nodes?.type ?? conn.getFields().edges.type)!;
        for (const inner of fieldsIn(f.selectionSet)) {
          let nodeSet: SelectionSetNode | undefined;
          let resolved: GraphQLNamedType = nodeType;
          if (inner.name.value === "nodes") nodeSet = inner.selectionSet;
          if (inner.name.value === "edges") {
            const node = fieldsIn(inner.selectionSet).find((x) => x.name.value === "node");
            nodeSet = node?.selectionSet;
            const edgeType = getNamedType(conn.getFields().edges.type);
            if (isObjectType(edgeType)) resolved = getNamedType(edgeType.getFields().node.type)!;
          }
          if (!nodeSet) continue;
          const hasNestedConnection = (s: SelectionSetNode | undefined, t: GraphQLNamedType): boolean => {
            if (!(isObjectType(t) || isInterfaceType(t))) return false;
            return fieldsIn(s).some((x) => {
              const d = t.getFields()[x.name.value];
              if (!d) return false;
              const n = getNamedType(d.type);
              return isConnectionType(n) || hasNestedConnection(x.selectionSet, n);
            });
          };
          if (hasNestedConnection(nodeSet, resolved) && !fieldsIn(nodeSet).some((x) => x.name.value === "id" && !x.alias)) {
            shape.errors.push(`The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${f.name.value}.`);
          }
          walk(nodeSet, resolved, depth + 1, `${path}${f.name.value}.`);
        }
      } else {
        walk(f.selectionSet, named, depth, `${path}${f.name.value}.`);
      }
    }
  };
  walk(op.selectionSet, ctx.schema.getQueryType()!, 0, "");
  if (shape.connections === 0) shape.errors.push("Bulk queries must contain at least one connection.");
  if (shape.connections > 5) shape.errors.push("Bulk queries cannot contain more than 5 connections.");
  return shape;
}

export function runBulkQuery(ctx: GqlContext, query: string, _groupObjects: boolean) {
  const busy = ctx.shop.bulkOperations.find((b) => b.type === "QUERY" && (b.status === "CREATED" || b.status === "RUNNING" || b.status === "CANCELING"));
  if (busy) {
    return { bulkOperation: null, userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${busy.id}.`, code: "OPERATION_IN_PROGRESS" }] };
  }
  const invalid = (message: string) => ({ bulkOperation: null, userErrors: [{ field: ["query"], message: `Invalid bulk query: ${message}`, code: "INVALID" }] });
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    return invalid((e as Error).message.replace(/^Syntax Error:\s*/, "syntax error, "));
  }
  const validation = validateDocument(ctx.schema, doc);
  if (validation.length) return invalid(validation[0].message);
  const shape = inspectShape(ctx, doc);
  if (shape.errors.length) return invalid(shape.errors[0]);
  const b: StandinBulkOperation = {
    id: nextId(ctx.shop), type: "QUERY", status: "CREATED", errorCode: null, query, createdAt: isoUtc(), completedAt: null,
    objectCount: 0, rootObjectCount: 0, fileSize: null, file: null,
  };
  ctx.shop.bulkOperations.push(b);
  void ctx.core.track(execute(ctx.core, ctx.schema, ctx.shop, b, doc));
  return { bulkOperation: new BulkOperationView(b), userErrors: [] };
}

export function cancelBulk(ctx: GqlContext, id: unknown) {
  const g = requireGid(id, "BulkOperation");
  const b = g && ctx.shop.bulkOperations.find((x) => x.id === g.id);
  if (!b) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
  if (b.status !== "CREATED" && b.status !== "RUNNING") {
    return { bulkOperation: new BulkOperationView(b), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${b.status.toLowerCase()}` }] };
  }
  b.status = "CANCELING";
  return { bulkOperation: new BulkOperationView(b), userErrors: [] };
}

function isConnectionValue(v: unknown): v is { edges?: { node: unknown }[]; nodes?: unknown[] } {
  return !!v && typeof v === "object" && !Array.isArray(v) && (Array.isArray((v as { edges?: unknown }).edges) || Array.isArray((v as { nodes?: unknown }).nodes));
}

function nodesOf(conn: { edges?: { node: unknown }[]; nodes?: unknown[] }): Record<string, unknown>[] {
  return (conn.nodes ?? conn.edges?.map((e) => e.node) ?? []) as Record<string, unknown>[];
}

/** Splits one result node into its JSONL line and its nested connections' lines. */
function flatten(node: Record<string, unknown>, parentId: string | null, out: string[]): void {
  const children: Record<string, unknown>[] = [];
  const strip = (obj: Record<string, unknown>): Record<string, unknown> => {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (isConnectionValue(v)) children.push(...nodesOf(v));
      else if (v && typeof v === "object" && !Array.isArray(v)) copy[k] = strip(v as Record<string, unknown>);
      else copy[k] = v;
    }
    return copy;
  };
  const line = strip(node);
  if (parentId) line.__parentId = parentId;
  out.push(JSON.stringify(line));
  const id = typeof node.id === "string" ? node.id : parentId;
  for (const child of children) flatten(child, id, out);
}

async function execute(core: StandinCore, schema: GqlContext["schema"], shop: ShopState, b: StandinBulkOperation, doc: DocumentNode): Promise<void> {
  const finish = async () => {
    b.completedAt = isoUtc();
    await core.emitWebhook(shop, "bulk_operations/finish", bulkFinishJson(b, shop)).catch(() => undefined);
  };
  const file = `${b.id}.jsonl`;
  const path = join(core.bulkDir, file);
  try {
    await core.sleep(core.bulkDelayMs);
    if (b.status === "CANCELING") {
      b.status = "CANCELED";
      return finish();
    }
    b.status = "RUNNING";
    await core.sleep(core.bulkDelayMs);
    await mkdir(core.bulkDir, { recursive: true });
    const stream = createWriteStream(path);
    let streamError: Error | null = null;
    stream.on("error", (e) => (streamError = e));
    let bytes = 0;
    const write = (text: string) => new Promise<void>((resolve, reject) => {
      if (streamError) return reject(streamError);
      bytes += Buffer.byteLength(text);
      if (stream.write(text)) resolve();
      else stream.once("drain", resolve);
    });
    const ctx: GqlContext = { core, schema, shop, bulk: { rootSlice: [0, ROOT_SLICE] }, searchWarnings: [] };
    // The top-level connection is computed once, then handed out a slice per execution so
    // exports of hundreds of thousands of lines never sit in memory at once.
    const root: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(queryRoot)) {
      root[name] = (args: Record<string, unknown>, c: GqlContext, info: Parameters<typeof fn>[2]) => {
        if (info.path.prev) return fn(args, c, info);
        const bulk = c.bulk!;
        if (!bulk.rootCache) {
          const full = fn(args, c, info);
          if (!isConnectionValue(full)) return full;
          bulk.rootCache = full as NonNullable<typeof bulk.rootCache>;
        }
        const [from, to] = bulk.rootSlice;
        const cache = bulk.rootCache;
        return { edges: cache.edges.slice(from, to), nodes: cache.nodes.slice(from, to), pageInfo: cache.pageInfo };
      };
    }
    let from = 0;
    for (;;) {
      if ((b.status as StandinBulkOperation["status"]) === "CANCELING") break;
      ctx.bulk!.rootSlice = [from, from + ROOT_SLICE];
      const result = await run(ctx, doc, root, {});
      if (result.errors?.length) throw new GraphQLError(result.errors[0].message);
      const data = result.data ?? {};
      const lines: string[] = [];
      let roots = 0;
      for (const value of Object.values(data)) {
        if (!isConnectionValue(value)) continue;
        for (const node of nodesOf(value)) {
          roots++;
          flatten(node, null, lines);
        }
      }
      b.rootObjectCount += roots;
      b.objectCount += lines.length;
      if (lines.length) await write(lines.join("\n") + "\n");
      const total = ctx.bulk!.rootCache?.nodes.length ?? 0;
      from += ROOT_SLICE;
      if (from >= total) break;
      await new Promise((r) => setImmediate(r));
    }
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if ((b.status as StandinBulkOperation["status"]) === "CANCELING") {
      b.status = "CANCELED";
      await unlink(path).catch(() => undefined);
      return finish();
    }
    if (b.objectCount > 0) {
      b.file = file;
      b.fileSize = bytes;
    } else {
      await unlink(path).catch(() => undefined);
    }
    b.status = "COMPLETED";
    return finish();
  } catch {
    b.status = "FAILED";
    b.errorCode = "INTERNAL_SERVER_ERROR";
    await unlink(path).catch(() => undefined);
    return finish();
  }
}
