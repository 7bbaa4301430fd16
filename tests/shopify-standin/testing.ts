// Small helpers for tests that talk to a running stand-in over real HTTP.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { ShopifyStandin } from "./index";

export interface GraphqlResponse<T = any> { status: number; body: { data?: T; errors?: any; extensions?: any } }

export async function adminGraphql<T = any>(standin: ShopifyStandin, query: string, variables?: Record<string, unknown>, opts: { token?: string | null; shop?: string; version?: string } = {}): Promise<GraphqlResponse<T>> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const token = opts.token === undefined ? standin.accessTokenFor(opts.shop) : opts.token;
  if (token) headers["X-Shopify-Access-Token"] = token;
  if (opts.shop) headers["X-Forwarded-Host"] = opts.shop;
  const res = await fetch(`${standin.url}/admin/api/${opts.version ?? "2026-10"}/graphql.json`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.json() };
}

/** A fetch that sends https://<shop>.myshopify.com/... to the stand-in, as the app does in demo mode. */
export function standinFetch(standin: ShopifyStandin): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname.endsWith(".myshopify.com")) {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set("X-Forwarded-Host", url.hostname);
      return fetch(`${standin.url}${url.pathname}${url.search}`, { ...init, headers });
    }
    return fetch(input, init);
  }) as typeof fetch;
}

export interface ReceivedWebhook { path: string; headers: IncomingHttpHeaders; rawBody: string }

/** A throwaway app endpoint that records what it is sent. */
export async function startReceiver(status = 200): Promise<{ url: string; received: ReceivedWebhook[]; setStatus(s: number): void; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  let reply = status;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, rawBody: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(reply).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    setStatus: (s) => (reply = s),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
