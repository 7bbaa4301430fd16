// Demo and test mode only: sends the Shopify library's requests for https://<shop>.myshopify.com
// to another origin (the local Shopify stand-in), keeping path and query and naming the shop in
// X-Forwarded-Host as a reverse proxy would. Production never sets SHOPIFY_SHOP_ORIGIN.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

export function shopOriginFetch(origin: string, baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  const target = new URL(origin);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".myshopify.com")) return baseFetch(request);
    const mapped = new URL(url.pathname + url.search, target);
    const headers = new Headers(request.headers);
    headers.set("X-Forwarded-Host", url.host);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return baseFetch(mapped, { method: request.method, headers, body, signal: request.signal, redirect: "manual" });
  }) as typeof fetch;
}

export function sendShopRequestsTo(origin: string | undefined) {
  if (!origin) return;
  setAbstractFetchFunc(shopOriginFetch(origin));
}
