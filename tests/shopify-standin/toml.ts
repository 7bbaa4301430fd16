// Just enough TOML for shopify.app.toml: tables, arrays of tables, strings, numbers,
// booleans and (multi-line) arrays of scalars. Not a general TOML parser.
import { readFileSync } from "node:fs";

type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable { [key: string]: TomlValue }

function parseScalar(raw: string): TomlValue {
  const s = raw.trim();
  if (s.startsWith('"')) return JSON.parse(s);
  if (s.startsWith("'")) return s.slice(1, -1);
  if (s === "true" || s === "false") return s === "true";
  if (s.startsWith("[")) {
    const inner = s.slice(1, -1);
    const items: TomlValue[] = [];
    let cur = "";
    let quote: string | null = null;
    for (const ch of inner) {
      if (quote) {
        cur += ch;
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
        cur += ch;
      } else if (ch === ",") {
        if (cur.trim()) items.push(parseScalar(cur));
        cur = "";
      } else cur += ch;
    }
    if (cur.trim()) items.push(parseScalar(cur));
    return items;
  }
  const n = Number(s);
  return Number.isNaN(n) ? s : n;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") return line.slice(0, i);
  }
  return line;
}

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let current: TomlTable = root;
  const lines = text.split(/\r?\n/);
  const descend = (path: string[], arrayTable: boolean): TomlTable => {
    let t: TomlTable = root;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      if (last && arrayTable) {
        const arr = (t[key] ??= []) as TomlValue[];
        const fresh: TomlTable = {};
        arr.push(fresh);
        t = fresh;
        return;
      }
      let next = t[key];
      if (Array.isArray(next)) next = next[next.length - 1];
      if (next === undefined) next = t[key] = {};
      t = next as TomlTable;
    });
    return t;
  };
  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]).trim();
    if (!line) continue;
    const header = /^\[\[\s*([^\]]+?)\s*\]\]$/.exec(line) ?? /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = descend(header[1].split(".").map((k) => k.trim().replace(/^"|"$/g, "")), line.startsWith("[["));
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().replace(/^"|"$/g, "");
    let value = line.slice(eq + 1).trim();
    // Multi-line arrays: keep reading until the brackets balance.
    while (value.startsWith("[") && (value.match(/\[/g)?.length ?? 0) > (value.match(/\]/g)?.length ?? 0) && i + 1 < lines.length) {
      value += " " + stripComment(lines[++i]).trim();
    }
    current[key] = parseScalar(value);
  }
  return root;
}

export interface WebhookSubscription { topic: string; uri: string; compliance: boolean }

/** [app_proxy]: the app's proxy URL path and the storefront path prefix it serves (/<prefix>/<subpath>). */
export interface AppProxyConfig { path: string; pathPrefix: string }

export function readWebhookSubscriptions(tomlPath: string): { apiVersion?: string; subscriptions: WebhookSubscription[]; clientId?: string; scopes?: string[]; appProxy?: AppProxyConfig } {
  const doc = parseToml(readFileSync(tomlPath, "utf8"));
  const webhooks = (doc.webhooks ?? {}) as TomlTable;
  const subs = (webhooks.subscriptions ?? []) as TomlTable[];
  const out: WebhookSubscription[] = [];
  for (const s of subs) {
    const uri = String(s.uri ?? "");
    for (const t of (s.topics ?? []) as string[]) out.push({ topic: t, uri, compliance: false });
    for (const t of (s.compliance_topics ?? []) as string[]) out.push({ topic: t, uri, compliance: true });
  }
  const scopes = ((doc.access_scopes as TomlTable | undefined)?.scopes as string | undefined)?.split(",").map((x) => x.trim()).filter(Boolean);
  const proxy = doc.app_proxy as TomlTable | undefined;
  const appProxy = proxy && typeof proxy.url === "string" && typeof proxy.subpath === "string" && typeof proxy.prefix === "string"
    ? { path: new URL(proxy.url).pathname.replace(/\/$/, ""), pathPrefix: `/${proxy.prefix}/${proxy.subpath}` }
    : undefined;
  return { apiVersion: webhooks.api_version as string | undefined, subscriptions: out, clientId: doc.client_id as string | undefined, scopes, appProxy };
}
