// Webhooks reach the app exactly as Shopify sends them (signed by the stand-in over real HTTP),
// are verified by the library, recorded once, and acknowledged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { startTreue, TEST_API_SECRET, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

const orderPayload = (id: number) => ({
  id,
  admin_graphql_api_id: `gid://shopify/Order/${id}`,
  name: `#${id}`,
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
  currency: "GBP",
  current_subtotal_price: "57.90",
  line_items: [],
});

async function eventsFor(eventId: string) {
  return t.db.prisma.webhookEvent.findMany({ where: { shop: TEST_SHOP, eventId } });
}

describe("webhook routes", () => {
  it("answers 200 to a correctly signed webhook and records it durably", async () => {
    const triggeredAt = "2026-11-20T08:15:30.250Z";
    // Text beyond ASCII and nesting: the inbox stores the delivered body as it came.
    const sent = { ...orderPayload(1001), note: "Grüße aus Köln 🎁 \"gift\"", note_attributes: [{ name: "wrap", value: "ja" }] };
    const [delivery] = await t.standin.deliverWebhook("orders/create", sent, { eventId: "evt-1001", triggeredAt });
    expect(delivery.status).toBe(200);
    const events = await eventsFor("evt-1001");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ topic: "ORDERS_CREATE", apiVersion: "2026-10", webhookId: delivery.webhookId });
    expect(events[0].payload).toEqual(sent);
    // The trigger time comes from Shopify's header (the order of events of one order depends on it).
    expect(events[0].triggeredAt?.toISOString()).toBe(triggeredAt);
  });

  it("answers 401 to a bad HMAC and writes nothing", async () => {
    const [delivery] = await t.standin.deliverWebhook("orders/create", orderPayload(1002), {
      eventId: "evt-1002",
      badHmac: true,
    });
    expect(delivery.status).toBe(401);
    expect(await eventsFor("evt-1002")).toHaveLength(0);
  });

  it("records a duplicated delivery once and still acknowledges every copy", async () => {
    const deliveries = await t.standin.deliverWebhook("orders/updated", orderPayload(1003), {
      eventId: "evt-1003",
      duplicates: 3,
    });
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    expect(await eventsFor("evt-1003")).toHaveLength(1);
  });

  it("answers 400 when Shopify's headers are missing", async () => {
    const res = await fetch(`${t.app.url}/webhooks/orders/create`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(orderPayload(1004)),
    });
    expect(res.status).toBe(400);
  });

  const sign = (body: string | Buffer) => crypto.createHmac("sha256", TEST_API_SECRET).update(body).digest("base64");
  // Signed as Shopify signs, by hand, to send what the stand-in never would.
  const signedPost = (body: string | Buffer<ArrayBuffer>, headers: Record<string, string> = {}) =>
    fetch(`${t.app.url}/webhooks/orders/create`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": sign(body),
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": TEST_SHOP,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": crypto.randomUUID(),
        ...headers,
      },
      body,
    });

  it("answers 400 to a correctly signed body that is not JSON and writes nothing", async () => {
    const res = await signedPost('{"id": 1005, "line_items": [', { "X-Shopify-Event-Id": "evt-1005" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not JSON/);
    expect(await eventsFor("evt-1005")).toHaveLength(0);
  });

  it("answers 400 to a signed delivery without the API version header and writes nothing", async () => {
    const res = await signedPost(JSON.stringify(orderPayload(1006)), { "X-Shopify-Event-Id": "evt-1006", "X-Shopify-API-Version": "" });
    expect(res.status).toBe(400);
    expect(await eventsFor("evt-1006")).toHaveLength(0);
  });

  it("answers 401 to a body changed after signing and writes nothing", async () => {
    const body = JSON.stringify(orderPayload(1007));
    const res = await signedPost(body.replace("57.90", "579.00"), { "X-Shopify-Event-Id": "evt-1007", "X-Shopify-Hmac-Sha256": sign(body) });
    expect(res.status).toBe(401);
    expect(await eventsFor("evt-1007")).toHaveLength(0);
  });

  it("leaves a body with a byte-order mark to authenticate.webhook, which reads it without the mark", async () => {
    // Signed over the text as the library reads it (the mark dropped); the quick path checks the raw bytes.
    const post = (text: string, eventId: string) =>
      signedPost(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), { "X-Shopify-Event-Id": eventId, "X-Shopify-Hmac-Sha256": sign(text) });
    const accepted = await post(JSON.stringify(orderPayload(1008)), "evt-1008");
    expect(accepted.status).toBe(200);
    expect((await eventsFor("evt-1008"))[0].payload).toEqual(orderPayload(1008));
    const unparsable = await post("{ not json", "evt-1009");
    expect(unparsable.status).toBe(400);
    expect(await eventsFor("evt-1009")).toHaveLength(0);
  });

  it("removes the shop's sessions after app/uninstalled and keeps its data", async () => {
    expect(await t.db.prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(1);
    const [delivery] = await t.standin.deliverWebhook("app/uninstalled", { id: 1, domain: TEST_SHOP });
    expect(delivery.status).toBe(200);
    await expect
      .poll(async () => t.db.prisma.session.count({ where: { shop: TEST_SHOP } }), { timeout: 10_000 })
      .toBe(0);
    const shop = await t.db.prisma.shop.findUnique({ where: { domain: TEST_SHOP } });
    expect(shop?.uninstalledAt).toBeInstanceOf(Date);
    expect(await eventsFor("evt-1001")).toHaveLength(1);
  });
});

describe("what the inbox refuses", () => {
  const sign = (body: string | Buffer) => crypto.createHmac("sha256", TEST_API_SECRET).update(body).digest("base64");
  const post = (route: string, topic: string, shop: string, payload: unknown, eventId: string) => {
    const body = JSON.stringify(payload);
    return fetch(`${t.app.url}/webhooks/${route}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": sign(body),
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": crypto.randomUUID(),
        "X-Shopify-Event-Id": eventId,
      },
      body,
    });
  };

  it("answers and drops an order delivered to the customers/redact route: the route decides the topic", async () => {
    const res = await post("customers/redact", "orders/create", TEST_SHOP, orderPayload(2001), "evt-2001");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-treue-dropped")).toBe("topic-not-this-route");
    expect(await eventsFor("evt-2001")).toHaveLength(0);
  });

  it("answers and drops deliveries for a shop that never installed the app", async () => {
    const res = await post("orders/create", "orders/create", "stranger.myshopify.com", orderPayload(2002), "evt-2002");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-treue-dropped")).toBe("shop-unknown");
    expect(await t.db.prisma.webhookEvent.count({ where: { shop: "stranger.myshopify.com" } })).toBe(0);
    expect(await t.db.prisma.member.count({ where: { shop: "stranger.myshopify.com" } })).toBe(0);
  });

  it("keeps one event per topic when Shopify gives two topics the same event id", async () => {
    expect((await post("orders/create", "orders/create", TEST_SHOP, orderPayload(2003), "evt-2003")).status).toBe(200);
    expect((await post("orders/updated", "orders/updated", TEST_SHOP, orderPayload(2003), "evt-2003")).status).toBe(200);
    expect((await post("orders/updated", "orders/updated", TEST_SHOP, orderPayload(2003), "evt-2003")).status).toBe(200);
    expect((await eventsFor("evt-2003")).map((e) => e.topic).sort()).toEqual(["ORDERS_CREATE", "ORDERS_UPDATED"]);
  });

  /** A body sent chunked, with no Content-Length: `halfMegabytes` pieces of 512 KiB. */
  const chunkedBody = (halfMegabytes: number) =>
    new ReadableStream({
      start(controller) {
        for (let i = 0; i < halfMegabytes; i++) controller.enqueue(new Uint8Array(512 * 1024));
        controller.close();
      },
    });

  it("answers 413 to a body over 5 MB, declared or streamed, and keeps serving", async () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
    const declared = await fetch(`${t.app.url}/webhooks/orders/create`, { method: "POST", headers: { "Content-Type": "application/json" }, body: big });
    // Chunked, no Content-Length: counted as it arrives.
    const streamed = await fetch(`${t.app.url}/webhooks/orders/create`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: chunkedBody(12),
      duplex: "half",
    } as RequestInit);
    // The app's other routes take 1 MB at most.
    const api = await fetch(`${t.app.url}/api/loyalty/redemptions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
    expect([declared.status, streamed.status, api.status]).toEqual([413, 413, 413]);
    expect(await declared.text()).toBe("Request body larger than 5242880 bytes.\n");
    // Elsewhere a body without a length (chunked) is refused before Remix would hold it whole.
    const chunked = await fetch(`${t.app.url}/api/loyalty/redemptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: chunkedBody(8),
      duplex: "half",
    } as RequestInit);
    expect([chunked.status, await chunked.text()]).toEqual([411, "A request body needs a Content-Length here.\n"]);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });
});
