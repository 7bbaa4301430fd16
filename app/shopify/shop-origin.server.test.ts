import { describe, expect, it } from "vitest";
import { shopOriginFetch } from "./shop-origin.server";

function recordingFetch() {
  const calls: { url: string; method: string; headers: Headers; body: string | null }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body ? await request.text() : null,
    });
    return new Response("{}", { status: 200 });
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe("shopOriginFetch", () => {
  it("sends a shop's Admin API request to the configured origin, keeping path, query, body and headers", async () => {
    const { calls, fetchFn } = recordingFetch();
    const mapped = shopOriginFetch("http://127.0.0.1:4100", fetchFn);
    await mapped("https://treue-demo.myshopify.com/admin/api/2026-10/graphql.json?x=1", {
      method: "POST",
      headers: { "X-Shopify-Access-Token": "tok" },
      body: '{"query":"{shop{name}}"}',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe("http://127.0.0.1:4100/admin/api/2026-10/graphql.json?x=1");
    expect(calls[0].method).toBe("POST");
    expect(calls[0].headers.get("x-forwarded-host")).toBe("treue-demo.myshopify.com");
    expect(calls[0].headers.get("x-shopify-access-token")).toBe("tok");
    expect(calls[0].body).toBe('{"query":"{shop{name}}"}');
  });

  it("leaves every other host alone", async () => {
    const { calls, fetchFn } = recordingFetch();
    await shopOriginFetch("http://127.0.0.1:4100", fetchFn)("https://example.com/a");
    expect(calls[0].url).toBe("https://example.com/a");
  });
});
