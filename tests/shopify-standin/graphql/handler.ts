// POST /admin/api/{version}/graphql.json, end to end: parse, validate, coerce variables,
// faults, cost limits, execute, cost extension.
import { randomUUID } from "node:crypto";
import { GraphQLError, Kind, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import type { ShopState } from "../state";
import type { GqlContext, StandinCore } from "./context";
import { actualCost, costExtension, refill, requestedCost, SINGLE_QUERY_MAX, type Bucket } from "./cost";
import { checkVariables, syntaxError, validateDocument, type ShopifyError } from "./errors";
import { run } from "./exec";
import { mutationRoot } from "./mutations";
import { queryRoot } from "./resolvers";
import { adminSchema } from "./schema";

// USER_ERROR is not a request fault: the named mutation field answers `userErrors: [{message}]` without
// changing anything, in a request or in a bulk mutation's line (so partial failures can be tested).
export type FaultKind = "THROTTLED" | "INTERNAL_SERVER_ERROR" | "HTTP_500" | "HTTP_503" | "HTTP_429" | "TIMEOUT" | "USER_ERROR";

export interface Fault { operation?: string; kind: FaultKind; times?: number; delayMs?: number; message?: string }

export interface GraphqlReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  operationName?: string;
  rootFields: string[];
  fault?: FaultKind;
}

export interface GraphqlRequest {
  core: StandinCore;
  shop: ShopState;
  version: string;
  body: string;
  contentType: string;
  bucket: Bucket;
  takeFault(rootFields: string[]): Fault | undefined;
}

const DOCS = "https://shopify.dev/api/usage/rate-limits";

function rootFieldsOf(doc: DocumentNode, op: OperationDefinitionNode): string[] {
  const fragments = new Map(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [(d as { name: { value: string } }).name.value, d]));
  const out: string[] = [];
  const walk = (sels: readonly import("graphql").SelectionNode[]) => {
    for (const s of sels) {
      if (s.kind === Kind.FIELD) {
        if (!s.name.value.startsWith("__")) out.push(s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet.selections);
      else {
        const f = fragments.get(s.name.value);
        if (f && f.kind === Kind.FRAGMENT_DEFINITION) walk(f.selectionSet.selections);
      }
    }
  };
  walk(op.selectionSet.selections);
  return out;
}

function errorsReply(errors: ShopifyError[], extra: Partial<GraphqlReply> = {}): GraphqlReply {
  return { status: 200, body: { errors }, rootFields: [], ...extra };
}

/**
 * Parsing and validating a document against the Admin schema costs milliseconds; an app sends the same few
 * documents over and over, so each is checked once per API version (as a server keeps a parsed-query cache).
 * Documents are only read afterwards. Bounded: emptied when full.
 */
const checkedDocuments = new Map<string, { doc: DocumentNode | null; errors: ShopifyError[] }>();
const CHECKED_DOCUMENTS_MAX = 1000;

function checkedDocument(version: string, schema: GraphQLSchema, query: string): { doc: DocumentNode | null; errors: ShopifyError[] } {
  const key = `${version}\u0000${query}`;
  let checked = checkedDocuments.get(key);
  if (!checked) {
    try {
      const doc = parse(query);
      checked = { doc, errors: validateDocument(schema, doc) };
    } catch (e) {
      checked = { doc: null, errors: [syntaxError(e as GraphQLError)] };
    }
    if (checkedDocuments.size >= CHECKED_DOCUMENTS_MAX) checkedDocuments.clear();
    checkedDocuments.set(key, checked);
  }
  return checked;
}

export async function handleGraphql(req: GraphqlRequest): Promise<GraphqlReply> {
  const schema = adminSchema(req.version);
  if (!schema) return { status: 404, body: { errors: "Not Found" }, rootFields: [] };

  let query: unknown;
  let variables: Record<string, unknown> = {};
  let operationName: string | undefined;
  if (req.contentType.includes("application/graphql")) query = req.body;
  else {
    try {
      const parsed = JSON.parse(req.body || "{}");
      query = parsed.query;
      variables = parsed.variables && typeof parsed.variables === "object" ? parsed.variables : {};
      operationName = typeof parsed.operationName === "string" && parsed.operationName ? parsed.operationName : undefined;
    } catch {
      return { status: 400, body: { errors: "Invalid JSON in request body" }, rootFields: [] };
    }
  }
  if (typeof query !== "string" || !query.trim()) {
    return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } }, rootFields: [] };
  }

  const checked = checkedDocument(req.version, schema, query);
  if (checked.errors.length) return errorsReply(checked.errors);
  const doc = checked.doc!;

  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) {
    return errorsReply([{ message: operationName ? `No operation named "${operationName}"` : "An operation name is required" }]);
  }
  const name = op.name?.value ?? operationName;
  const rootFields = rootFieldsOf(doc, op);
  const meta = { operationName: name, rootFields };
  if (op.operation === "subscription") return errorsReply([{ message: "Subscriptions are not supported" }], meta);

  const badVariables = checkVariables(schema, op, variables);
  if (badVariables.length) return errorsReply(badVariables, meta);

  const requested = requestedCost(schema, doc, op, variables);
  const bucket = refill(req.bucket);

  const fault = req.takeFault(rootFields);
  if (fault) {
    const requestId = randomUUID();
    switch (fault.kind) {
      case "THROTTLED": {
        // Report a nearly empty bucket, but leave the real one alone so the fault stays a one-off.
        const reported = { available: Math.min(bucket.available, Math.max(0, requested - 1)), at: bucket.at, restoreRate: bucket.restoreRate };
        return {
          status: 200, fault: fault.kind, ...meta,
          body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: DOCS } }], extensions: { cost: costExtension(requested, null, reported) } },
        };
      }
      case "INTERNAL_SERVER_ERROR":
        return {
          status: 200, fault: fault.kind, ...meta,
          body: { errors: [{ message: `Internal error. Looks like something went wrong on our end.\nRequest ID: ${requestId} (include this in support requests).`, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }] },
        };
      case "HTTP_500":
        return { status: 500, fault: fault.kind, ...meta, body: { errors: "Internal Server Error" } };
      case "HTTP_503":
        return { status: 503, fault: fault.kind, ...meta, body: { errors: "Service Unavailable" } };
      case "HTTP_429":
        return { status: 429, fault: fault.kind, ...meta, headers: { "Retry-After": "2.0" }, body: { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." } };
      case "TIMEOUT":
        // The work is done and committed; only the answer is late (the "did my mutation
        // land?" case apps must handle without creating duplicates).
        await req.core.sleep(fault.delayMs ?? 30_000);
        break;
    }
  }

  if (requested > SINGLE_QUERY_MAX) {
    return errorsReply([{
      message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX}).\n\nSee ${DOCS} for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/docs/api/usage/bulk-operations/queries for usage details.\n`,
      extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: SINGLE_QUERY_MAX, documentation: DOCS },
    }], meta);
  }
  if (requested > bucket.available) {
    return {
      status: 200, ...meta,
      body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: DOCS } }], extensions: { cost: costExtension(requested, null, bucket) } },
    };
  }

  const ctx: GqlContext = { core: req.core, schema, shop: req.shop, version: req.version, searchWarnings: [] };
  const result = await run(ctx, doc, op.operation === "mutation" ? mutationRoot : queryRoot, variables, name);
  const actual = actualCost(result.data, op.operation === "mutation", requested);
  bucket.available = Math.max(0, bucket.available - actual);
  const body: Record<string, unknown> = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
  body.data = result.data ?? null;
  const extensions: Record<string, unknown> = { cost: costExtension(requested, actual, bucket) };
  if (ctx.searchWarnings.length) extensions.search = ctx.searchWarnings.map((w) => ({ path: w.path, query: w.query, parsed: {}, warnings: w.warnings }));
  body.extensions = extensions;
  return { status: 200, body, ...meta };
}
