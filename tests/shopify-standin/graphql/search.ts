// Shopify's search syntax for `query:` arguments: whitespace-separated terms ANDed together,
// OR between groups, `-term`/NOT negation, `field:value`, `field:>value`, `field:>=value`,
// quoted values, trailing `*` prefix match. Unknown fields are ignored with a warning, as Shopify does.
import { startOfDayInZone } from "../time";

export interface SearchTerm { field: string | null; op: "=" | ">" | ">=" | "<" | "<="; value: string; negate: boolean }
export type SearchQuery = SearchTerm[][];

function tokenize(q: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const ch of q) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (/\s/.test(ch) || ch === "(" || ch === ")") {
      if (cur) out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

export function parseSearch(q: string | null | undefined): SearchQuery {
  if (!q || !q.trim()) return [];
  const groups: SearchTerm[][] = [[]];
  let negateNext = false;
  for (const tok of tokenize(q)) {
    if (tok === "OR") {
      groups.push([]);
      continue;
    }
    if (tok === "AND") continue;
    if (tok === "NOT") {
      negateNext = true;
      continue;
    }
    let t = tok;
    let negate = negateNext;
    negateNext = false;
    if (t.startsWith("-") && t.length > 1) {
      negate = !negate;
      t = t.slice(1);
    }
    const m = /^([a-zA-Z_.]+):(>=|<=|>|<)?(.*)$/.exec(t);
    if (m) groups[groups.length - 1].push({ field: m[1].toLowerCase(), op: (m[2] as SearchTerm["op"]) ?? "=", value: m[3], negate });
    else groups[groups.length - 1].push({ field: null, op: "=", value: t, negate });
  }
  return groups.filter((g) => g.length);
}

export type FieldMatcher<T> = (item: T, term: SearchTerm) => boolean;

export interface SearchWarning { field: string; message: string }

export function compileSearch<T>(q: string | null | undefined, fields: Record<string, FieldMatcher<T>>, freeText: (item: T, text: string) => boolean, warnings: SearchWarning[] = []): ((item: T) => boolean) | null {
  const parsed = parseSearch(q);
  if (!parsed.length) return null;
  const groups = parsed.map((g) =>
    g.filter((term) => {
      if (term.field === null || fields[term.field]) return true;
      warnings.push({ field: term.field, message: "Invalid search field for this query." });
      return false;
    }),
  ).filter((g) => g.length);
  if (!groups.length) return null;
  return (item) => groups.some((g) => g.every((term) => {
    const hit = term.field === null ? freeText(item, term.value.toLowerCase()) : fields[term.field](item, term);
    return term.negate ? !hit : hit;
  }));
}

// --- matchers ---------------------------------------------------------------------------

function compare(a: number, op: SearchTerm["op"], b: number): boolean {
  switch (op) {
    case ">": return a > b;
    case ">=": return a >= b;
    case "<": return a < b;
    case "<=": return a <= b;
    default: return a === b;
  }
}

/** Dates without a time are days in the shop's timezone; `field:2024-01-01` means that whole day. */
export function dateMatcher<T>(get: (item: T) => string | null, timeZone: () => string): FieldMatcher<T> {
  return (item, term) => {
    const iso = get(item);
    if (!iso) return false;
    const at = Date.parse(iso);
    const v = term.value;
    const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
    if (dayOnly) {
      const start = startOfDayInZone(v, timeZone());
      const end = startOfDayInZone(new Date(Date.parse(v + "T00:00:00Z") + 86400000).toISOString().slice(0, 10), timeZone());
      switch (term.op) {
        case ">": return at >= end;
        case ">=": return at >= start;
        case "<": return at < start;
        case "<=": return at < end;
        default: return at >= start && at < end;
      }
    }
    const rel = /^now$/i.test(v) ? Date.now() : Date.parse(v);
    if (Number.isNaN(rel)) return false;
    return compare(at, term.op, rel);
  };
}

export function numberMatcher<T>(get: (item: T) => number | null): FieldMatcher<T> {
  return (item, term) => {
    const n = get(item);
    const v = Number(term.value.replace(/^gid:\/\/shopify\/\w+\//, ""));
    return n !== null && !Number.isNaN(v) && compare(n, term.op, v);
  };
}

export function textMatcher<T>(get: (item: T) => string | null | undefined | (string | null | undefined)[]): FieldMatcher<T> {
  return (item, term) => {
    const raw = get(item);
    const values = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === "string").map((x) => x.toLowerCase());
    const want = term.value.toLowerCase();
    if (want.endsWith("*")) return values.some((x) => x.startsWith(want.slice(0, -1)));
    return values.some((x) => x === want);
  };
}
