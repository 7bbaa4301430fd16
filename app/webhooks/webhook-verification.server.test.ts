// The quick acceptance against authenticate.webhook itself (the library, configured as the app configures
// it): whatever the quick path accepts, the library accepts with the same fields; and every genuine
// delivery is accepted quickly, so the library's slower check is left only for the doubtful ones.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, shopifyApp } from "@shopify/shopify-app-remix/server";
import type { Session } from "@shopify/shopify-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptDelivery, webhookSignature, type AcceptedDelivery } from "./webhook-verification.server";

const SECRET = "conformance-secret";
const SHOP = "treue-demo.myshopify.com";

// No offline session for the shop: authenticate.webhook then answers without an Admin client.
const sessionStorage = {
  storeSession: async () => true,
  loadSession: async (): Promise<Session | undefined> => undefined,
  deleteSession: async () => true,
  deleteSessions: async () => true,
  findSessionsByShop: async (): Promise<Session[]> => [],
};
const shopify = shopifyApp({
  apiKey: "conformance-key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.October26,
  appUrl: "https://treue.example",
  sessionStorage,
  future: { unstable_newEmbeddedAuthStrategy: true },
});

type LibraryOutcome = { accepted: { shop: string; topic: string; webhookId: string; apiVersion: string; payload: unknown } } | { status: number } | { error: string };

async function library(request: Request): Promise<LibraryOutcome> {
  try {
    const { shop, topic, webhookId, apiVersion, payload } = await shopify.authenticate.webhook(request);
    return { accepted: { shop, topic: String(topic), webhookId, apiVersion, payload } };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status };
    return { error: String(thrown) };
  }
}

function quick(request: Request, body: Uint8Array): AcceptedDelivery | null {
  return acceptDelivery(SECRET, { header: (name) => request.headers.get(name) ?? undefined, body });
}

const genuineHeaders = (body: Uint8Array | string, extra: Record<string, string> = {}): Record<string, string> => ({
  "Content-Type": "application/json",
  "X-Shopify-Hmac-Sha256": webhookSignature(SECRET, body),
  "X-Shopify-Topic": "orders/create",
  "X-Shopify-Shop-Domain": SHOP,
  "X-Shopify-API-Version": "2026-10",
  "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
  "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
  "X-Shopify-Triggered-At": "2026-11-23T10:00:00.123Z",
  ...extra,
});

const post = (body: Uint8Array, headers: Record<string, string>) =>
  new Request("https://treue.example/webhooks/orders/create", { method: "POST", headers, body: body.slice() });

const bytes = (text: string) => new TextEncoder().encode(text);

describe("acceptDelivery", () => {
  it("accepts a genuine delivery with the fields authenticate.webhook reports", async () => {
    const body = bytes(JSON.stringify({ id: 1, note: "Grüße 🎁" }));
    const headers = genuineHeaders(body);
    const accepted = quick(post(body, headers), body);
    expect(accepted).toEqual({
      shop: SHOP,
      topic: "ORDERS_CREATE",
      webhookId: headers["X-Shopify-Webhook-Id"],
      apiVersion: "2026-10",
      eventId: headers["X-Shopify-Event-Id"],
      triggeredAt: headers["X-Shopify-Triggered-At"],
      text: JSON.stringify({ id: 1, note: "Grüße 🎁" }),
    });
    const lib = await library(post(body, headers));
    expect(lib).toEqual({ accepted: { shop: SHOP, topic: "ORDERS_CREATE", webhookId: headers["X-Shopify-Webhook-Id"], apiVersion: "2026-10", payload: { id: 1, note: "Grüße 🎁" } } });
  });

  it.each([
    ["a signature of another body", (h: Record<string, string>) => ({ ...h, "X-Shopify-Hmac-Sha256": webhookSignature(SECRET, "{}") })],
    ["a signature under another secret", (h: Record<string, string>) => ({ ...h, "X-Shopify-Hmac-Sha256": webhookSignature("other", "{}") })],
    ["the signature without its base64 padding", (h: Record<string, string>) => ({ ...h, "X-Shopify-Hmac-Sha256": h["X-Shopify-Hmac-Sha256"].replace(/=+$/, "") })],
    ["the signature in hex", (h: Record<string, string>) => ({ ...h, "X-Shopify-Hmac-Sha256": Buffer.from(h["X-Shopify-Hmac-Sha256"], "base64").toString("hex") })],
    ["no signature", ({ "X-Shopify-Hmac-Sha256": _, ...h }: Record<string, string>) => h],
    ["no topic", ({ "X-Shopify-Topic": _, ...h }: Record<string, string>) => h],
    ["no shop", ({ "X-Shopify-Shop-Domain": _, ...h }: Record<string, string>) => h],
    ["no API version", ({ "X-Shopify-API-Version": _, ...h }: Record<string, string>) => h],
    ["no webhook id", ({ "X-Shopify-Webhook-Id": _, ...h }: Record<string, string>) => h],
  ])("leaves %s to the library, which rejects it", async (_name, change) => {
    const body = bytes(JSON.stringify({ id: 2 }));
    const headers = change(genuineHeaders(body));
    expect(quick(post(body, headers), body)).toBeNull();
    const lib = await library(post(body, headers));
    expect("status" in lib && [400, 401].includes(lib.status)).toBe(true);
  });

  it("leaves bodies the library would read differently to the library", async () => {
    // A byte-order mark (dropped when the library reads the body as text) and invalid UTF-8 (replaced):
    // signed over the bytes as sent, the library's check differs, so the quick path must not decide.
    for (const body of [new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"id":3}')]), new Uint8Array([...bytes('{"note":"'), 0xff, ...bytes('"}')])]) {
      expect(quick(post(body, genuineHeaders(body)), body)).toBeNull();
    }
    // So is an events-style delivery (Shopify-Hmac-Sha256), which the library reads with other headers.
    const body = bytes("{}");
    expect(quick(post(body, genuineHeaders(body, { "Shopify-Hmac-Sha256": webhookSignature(SECRET, body) })), body)).toBeNull();
  });

  it("never accepts what authenticate.webhook does not, and accepts every genuine delivery (random deliveries)", async () => {
    const headerNames = ["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"];
    const body = fc.oneof(
      fc.json().map(bytes),
      fc.string({ unit: "grapheme", maxLength: 40 }).map(bytes),
      fc.uint8Array({ maxLength: 40 }),
    );
    const signature = fc.oneof(
      fc.constant("genuine"),
      fc.constant("other-secret"),
      fc.base64String({ minLength: 4, maxLength: 48 }),
      fc.constant("flip-a-bit"),
    );
    await fc.assert(
      fc.asyncProperty(body, signature, fc.subarray(headerNames), fc.boolean(), async (sent, how, dropped, upperTopic) => {
        const genuine = genuineHeaders(sent);
        const signed = {
          genuine: genuine["X-Shopify-Hmac-Sha256"],
          "other-secret": webhookSignature("other", sent),
          "flip-a-bit": (() => {
            const raw = Buffer.from(genuine["X-Shopify-Hmac-Sha256"], "base64");
            raw[0] ^= 1;
            return raw.toString("base64");
          })(),
        }[how] ?? how;
        const headers: Record<string, string> = { ...genuine, "X-Shopify-Hmac-Sha256": signed, "X-Shopify-Topic": upperTopic ? "ORDERS/UPDATED" : "orders/updated" };
        for (const name of dropped) delete headers[name];
        const accepted = quick(post(sent, headers), sent);
        const lib = await library(post(sent, headers));
        if (accepted) {
          // Accepted quickly ⇒ the library accepts too (or, for a body that is not JSON, gets past the
          // signature and headers and fails parsing — the route answers that with 400 itself).
          if ("accepted" in lib) {
            expect({ ...lib.accepted, payload: undefined }).toEqual({ shop: accepted.shop, topic: accepted.topic, webhookId: accepted.webhookId, apiVersion: accepted.apiVersion, payload: undefined });
            expect(lib.accepted.payload).toEqual(JSON.parse(accepted.text));
          } else {
            expect(lib).toMatchObject({ error: expect.stringContaining("SyntaxError") });
          }
        }
        const wellFormed = how === "genuine" && dropped.length === 0 && sent.length > 0 && !(sent[0] === 0xef && sent[1] === 0xbb && sent[2] === 0xbf) && isUtf8(sent);
        expect(accepted !== null).toBe(wellFormed);
      }),
      { numRuns: 400 },
    );
  });
});

function isUtf8(body: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}
