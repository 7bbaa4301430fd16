// Shopify's calculated query cost and leaky bucket, simplified but with the same shape:
// objects cost 1, scalars 0, connections 2 + page size × per-node cost, mutations 10.
import {
  getNamedType, isLeafType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLOutputType,
  type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from "graphql";

export const MAX_AVAILABLE = 2000;
export const RESTORE_RATE = 100;
export const SINGLE_QUERY_MAX = 1000;

function argValue(node: FieldNode, name: string, vars: Record<string, unknown>): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const read = (v: ValueNode): unknown => {
    switch (v.kind) {
      case Kind.VARIABLE: return vars[v.name.value];
      case Kind.INT: return Number(v.value);
      case Kind.LIST: return v.values.map(read);
      case Kind.STRING: return v.value;
      default: return undefined;
    }
  };
  return read(arg.value);
}

export function requestedCost(schema: GraphQLSchema, doc: DocumentNode, op: OperationDefinitionNode, vars: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const fieldsOf = (t: GraphQLNamedType) => (isObjectType(t) || isInterfaceType(t) ? t.getFields() : {});

  const selection = (set: SelectionSetNode | undefined, parent: GraphQLNamedType, seen: Set<string>): number => {
    if (!set) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) total += field(sel, parent, seen);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) ?? parent : parent;
        total += selection(sel.selectionSet, t, seen);
      } else if (!seen.has(sel.name.value)) {
        const f = fragments.get(sel.name.value);
        if (f) total += selection(f.selectionSet, schema.getType(f.typeCondition.name.value) ?? parent, new Set([...seen, sel.name.value]));
      }
    }
    return total;
  };

  const field = (node: FieldNode, parent: GraphQLNamedType, seen: Set<string>): number => {
    const def = fieldsOf(parent)[node.name.value];
    if (!def) return 0;
    const named = getNamedType(def.type);
    if (isLeafType(named)) return 0;
    const fields = fieldsOf(named);
    if (named.name.endsWith("Connection") && (fields.edges || fields.nodes)) {
      const size = Number(argValue(node, "first", vars) ?? argValue(node, "last", vars) ?? 0);
      let perNode = 0;
      let fixed = 2;
      for (const sel of node.selectionSet?.selections ?? []) {
        if (sel.kind !== Kind.FIELD) continue;
        if (sel.name.value === "edges") {
          const edgeType = getNamedType(fields.edges.type);
          for (const e of sel.selectionSet?.selections ?? []) {
            if (e.kind === Kind.FIELD && e.name.value === "node") perNode += field(e, edgeType, seen);
          }
        } else if (sel.name.value === "nodes") {
          perNode += 1 + selection(sel.selectionSet, getNamedType(fields.nodes.type), seen);
        } else fixed += field(sel, named, seen);
      }
      return fixed + Math.min(size, 250) * perNode;
    }
    const inner = 1 + selection(node.selectionSet, named, seen);
    if (isListOutput(def.type)) {
      const size = Number(argValue(node, "first", vars) ?? (argValue(node, "ids", vars) as unknown[] | undefined)?.length ?? 1);
      return Math.max(1, size) * inner;
    }
    return inner;
  };

  if (op.operation === "mutation") {
    return op.selectionSet.selections.length * 10;
  }
  const root = op.operation === "query" ? schema.getQueryType()! : schema.getSubscriptionType() ?? schema.getQueryType()!;
  return selection(op.selectionSet, root, new Set());
}

function isListOutput(t: GraphQLOutputType): boolean {
  return isListType(isNonNullType(t) ? t.ofType : t);
}

/** What the answer actually contained: objects 1, edge wrappers and pageInfo free, connections +2. */
export function actualCost(data: unknown, isMutation: boolean, requested: number): number {
  if (isMutation) return requested;
  let cost = 0;
  const walk = (v: unknown, isRoot: boolean) => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, false);
      return;
    }
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    const isEdge = "node" in o && "cursor" in o;
    const isConnection = Array.isArray(o.edges) || Array.isArray(o.nodes);
    if (!isRoot && !isEdge) cost += isConnection ? 2 : 1;
    for (const [k, x] of Object.entries(o)) if (k !== "pageInfo") walk(x, false);
  };
  walk(data, true);
  return Math.min(cost, requested);
}

/** `restoreRate`: points per second when not the default (Shopify's rate depends on the shop's plan: 50 to 1000). */
export interface Bucket { available: number; at: number; restoreRate?: number }

export function refill(b: Bucket, now = Date.now()): Bucket {
  b.available = Math.min(MAX_AVAILABLE, b.available + ((now - b.at) / 1000) * (b.restoreRate ?? RESTORE_RATE));
  b.at = now;
  return b;
}

export function costExtension(requested: number, actual: number | null, b: Bucket) {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: MAX_AVAILABLE, currentlyAvailable: Math.floor(b.available), restoreRate: b.restoreRate ?? RESTORE_RATE },
  };
}
