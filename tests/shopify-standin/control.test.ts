import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { adminGraphql, startReceiver } from "./testing";

const SHOP = "treue-demo.myshopify.com";
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${standin.url}/__standin${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-demo-api-key", apiSecret: "control-secret" });
});

afterAll(async () => {
  await standin?.close();
  await receiver?.close();
});

describe("control API", () => {
  it("lets another process drive the stand-in", async () => {
    expect((await control("POST", "/app-url", { url: receiver.url })).body).toEqual({ appUrl: receiver.url });
    const token = (await control("GET", "/access-token")).body.accessToken;
    expect(token).toBe(standin.accessTokenFor());

    const created = await control("POST", "/orders", { customer: { email: "remote@example.com" }, lines: [{ sku: "X", title: "Thing", quantity: 2, unitPriceMinor: 999 }] });
    expect(created.status).toBe(201);
    expect(created.body.order).toMatchObject({ total_price: "19.98", customer: { email: "remote@example.com" } });
    expect(receiver.received.map((w) => w.headers["x-shopify-topic"])).toEqual(["customers/create", "orders/create"]);

    const refund = await control("POST", `/orders/${created.body.order.id}/refunds`, { lines: [{ sku: "X", quantity: 1 }] });
    expect(refund.body.refund.transactions[0].amount).toBe("9.99");
    expect((await control("POST", "/orders/1/refunds", {})).status).toBe(422);

    const counts = (await control("GET", "/state")).body.counts;
    expect(counts).toMatchObject({ customers: 1, orders: 1, lineItems: 1, refunds: 1 });

    const minted = (await control("POST", "/tokens/checkout", { customerGid: "gid://shopify/Customer/1" })).body.token;
    expect(JSON.parse(Buffer.from(minted.split(".")[1], "base64url").toString())).toMatchObject({ dest: SHOP, sub: "gid://shopify/Customer/1" });

    expect((await control("POST", "/faults", { operation: "shop", kind: "HTTP_503", times: 2 })).status).toBe(200);
    expect((await adminGraphql(standin, "{ shop { name } }")).status).toBe(503);
    await control("DELETE", "/faults");
    expect((await adminGraphql(standin, "{ shop { name } }")).status).toBe(200);

    const delivered = await control("POST", "/webhooks", { topic: "app/uninstalled", payload: { id: 1 }, duplicates: 1 });
    expect(delivered.body.deliveries.map((d: any) => d.status)).toEqual([200, 200]);
    expect((await control("GET", "/nope")).status).toBe(404);
  });
});
