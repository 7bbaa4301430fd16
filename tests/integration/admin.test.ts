// The embedded admin home page, requested as Shopify's admin would open it, renders figures the
// app read through its own Admin API calls to the stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTreue, browserFetch, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue();
  // GIVEN a shop with some customers and orders
  for (let i = 0; i < 3; i++) {
    await t.standin.createOrder(
      {
        customer: { email: `buyer${i}@example.com`, firstName: "Anna", lastName: `Beispiel${i}` },
        lines: [{ sku: `SKU-${i}`, title: "Teekanne", quantity: 1 + i, unitPriceMinor: 1250 }],
      },
      { webhooks: "none" },
    );
  }
});
afterAll(async () => {
  await t?.close();
});

function figure(html: string, id: string) {
  return new RegExp(`id="figure-${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

describe("admin home page", () => {
  it("shows the shop's name and the counts Shopify reports", async () => {
    const res = await browserFetch(t.adminUrl());
    expect(res.status).toBe(200);
    const html = await res.text();
    const shop = t.standin.state.shops[TEST_SHOP];
    expect(html).toContain(`Loyalty and retention for ${shop.info.name}`);
    expect(figure(html, "customers")).toBe(String(shop.customers.length));
    expect(figure(html, "orders")).toBe(String(shop.orders.length));
    expect(html).toContain("Polaris-Page");
    expect(t.standin.requests.some((r) => r.operationName === "ShopOverview" && r.status === 200)).toBe(true);
  });

  it("speaks German when the admin user's locale is German", async () => {
    const res = await browserFetch(t.adminUrl("/app", { locale: "de-DE" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Kundenbindung für");
  });

  it("does not render for a forged session token", async () => {
    const url = new URL(t.adminUrl());
    const token = url.searchParams.get("id_token")!;
    url.searchParams.set("id_token", token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA"));
    const res = await browserFetch(url.toString());
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain("figure-customers");
  });

  it("exchanges the session token for an access token when the shop has no session yet", async () => {
    // GIVEN a freshly started app and no stored session (the app keeps loaded sessions briefly)
    await t.db.prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await t.restartApp();
    const res = await browserFetch(t.adminUrl());
    expect(res.status).toBe(200);
    const session = await t.db.prisma.session.findUnique({ where: { id: `offline_${TEST_SHOP}` } });
    expect(session?.accessToken).toBe(t.standin.accessTokenFor(TEST_SHOP));
  });
});
