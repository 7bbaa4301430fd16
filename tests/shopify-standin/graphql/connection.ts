// Relay connections with Shopify's keyset cursors: base64 of {"last_id":…,"last_value":…},
// so a page boundary survives inserts and deletes.
import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export type SortValue = string | number;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const MAX_PAGE_SIZE = 250;

export function encodeCursor(id: number, value: SortValue): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value })).toString("base64");
}

function decodeCursor(cursor: string): { id: number; value: SortValue } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"));
    if (typeof parsed.last_id === "number") return { id: parsed.last_id, value: parsed.last_value };
  } catch {
    /* fall through */
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

function cmp(a: SortValue, aId: number, b: SortValue, bId: number): number {
  if (a !== b) return a < b ? -1 : 1;
  return aId - bId;
}

/** Shopify refuses unbounded connections outside bulk operations. */
export function requirePageSize(args: ConnectionArgs): void {
  if (args.first == null && args.last == null) throw new GraphQLError("you must provide one of first or last");
}

/**
 * `items` need not be sorted; `key` gives the sort value and `id` the tiebreaker.
 * `unbounded` is for bulk operations, which read whole connections.
 */
export function paginate<S, T>(items: S[], args: ConnectionArgs, key: (s: S) => SortValue, id: (s: S) => number, wrap: (s: S) => T, unbounded = false, presorted = false): Connection<T> {
  if (!unbounded) requirePageSize(args);
  const dir = args.reverse ? -1 : 1;
  const keyed = items.map((s) => ({ s, k: key(s), i: id(s) }));
  if (!presorted) keyed.sort((a, b) => dir * cmp(a.k, a.i, b.k, b.i));
  else if (dir < 0) keyed.reverse();
  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const c = decodeCursor(args.after);
    while (start < end && dir * cmp(keyed[start].k, keyed[start].i, c.value, c.id) <= 0) start++;
  }
  if (args.before) {
    const c = decodeCursor(args.before);
    let e = start;
    while (e < end && dir * cmp(keyed[e].k, keyed[e].i, c.value, c.id) < 0) e++;
    end = e;
  }
  if (!unbounded) {
    const first = args.first != null ? Math.max(0, Math.min(args.first, MAX_PAGE_SIZE)) : null;
    const last = args.last != null ? Math.max(0, Math.min(args.last, MAX_PAGE_SIZE)) : null;
    if (first !== null) end = Math.min(end, start + first);
    if (last !== null) start = Math.max(start, end - last);
  }
  const page = keyed.slice(start, end);
  const edges = page.map((x) => ({ cursor: encodeCursor(x.i, x.k), node: wrap(x.s) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Connections over child lists (line items, codes) where order is the stored order. */
export function paginateInOrder<S, T>(items: S[], args: ConnectionArgs, id: (s: S, index: number) => number, wrap: (s: S) => T, unbounded = false): Connection<T> {
  const indexed = items.map((s, i) => ({ s, i }));
  return paginate(indexed, args, (x) => x.i, (x) => id(x.s, x.i), (x) => wrap(x.s), unbounded, true);
}
