import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEmptyState, importSeed, loadStandinState, startShopifyStandin } from "./index";
import { graphqlAmount, parseAmountToMinor, restAmount } from "./money";
import type { ShopSeed } from "./seed/types";
import { orderTotals } from "./state";
import { restTime } from "./time";
import { parseToml, readWebhookSubscriptions } from "./toml";
import { adminGraphql } from "./testing";

const SHOP = "online-retail.myshopify.com";
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function seed(): ShopSeed {
  return {
    shop: { name: "Online Retail", email: "owner@example.com", currency: "GBP", timezone: "Europe/London", countryCode: "GB" },
    customers: [
      { id: 17850, legacyCustomerId: "17850", firstName: "Ada", lastName: "Byron", email: "ada@example.com", countryCode: "GB", createdAt: "2010-12-01T08:26:00Z" },
      { id: 12583, legacyCustomerId: "12583", firstName: "Jules", lastName: "Verne", email: "jules@example.com", countryCode: "FR", createdAt: "2010-12-01T08:45:00Z" },
    ],
    orders: [
      {
        id: 536365, name: "#536365", customerId: 17850, createdAt: "2010-12-01T08:26:00Z", currency: "GBP",
        lines: [{ sku: "85123A", title: "WHITE HANGING HEART T-LIGHT HOLDER", quantity: 6, unitPriceMinor: 255 }, { sku: "71053", title: "WHITE METAL LANTERN", quantity: 6, unitPriceMinor: 339 }],
        // Asks for more than was bought and more money than the order took: both are capped.
        refunds: [{ id: 900001, createdAt: "2010-12-02T10:00:00Z", lines: [{ sku: "85123A", quantity: 10, amountMinor: 2550 }], amountMinor: 999_999 }],
      },
      { id: 536370, name: "#536370", customerId: 12583, createdAt: "2011-06-15T12:00:00Z", currency: "GBP", lines: [{ sku: "22728", title: "ALARM CLOCK BAKELIKE PINK", quantity: 24, unitPriceMinor: 375 }], refunds: [] },
      { id: 536371, name: "#536371", customerId: null, createdAt: "2011-06-16T12:00:00Z", currency: "GBP", lines: [{ sku: "22728", title: "ALARM CLOCK BAKELIKE PINK", quantity: 1, unitPriceMinor: 375 }], refunds: [] },
    ],
  };
}

describe("importSeed", () => {
  it("caps refunds at what the order has and derives current totals", () => {
    const state = createEmptyState();
    const shop = importSeed(state, SHOP, seed());
    expect(shop.info).toMatchObject({ name: "Online Retail", currency: "GBP", timezone: "Europe/London" });
    const order = shop.orders[0];
    expect(order.refunds[0].lines).toEqual([[order.lines[0][0], 6, 1530, expect.any(Number)]]);
    const t = orderTotals(shop, order);
    expect(t.subtotalMinor).toBe(6 * 255 + 6 * 339);
    expect(t.refundedMinor).toBe(t.totalMinor); // capped at the order total
    expect(t.currentSubtotalMinor).toBe(6 * 339);
    expect(t.financialStatus).toBe("REFUNDED");
    expect(shop.orders.map((o) => o.id)).toEqual([536365, 536370, 536371]);
    expect(shop.products["22728"][2]).toBe("ALARM CLOCK BAKELIKE PINK");
    // A customer's updated_at follows their latest order activity.
    expect(shop.customers.find((c) => c.id === 12583)!.updatedAt).toBe("2011-06-15T12:00:00Z");
    expect(shop.nextId).toBeGreaterThan(900001);
  });

  it("is fast enough for the full data set", () => {
    const big: ShopSeed = { ...seed(), customers: [], orders: [] };
    for (let i = 0; i < 4372; i++) big.customers.push({ id: 10000 + i, legacyCustomerId: String(10000 + i), firstName: "F", lastName: "L", email: `c${i}@example.com`, countryCode: "GB", createdAt: "2010-12-01T00:00:00Z" });
    const line = { sku: "85123A", title: "WHITE HANGING HEART T-LIGHT HOLDER", quantity: 2, unitPriceMinor: 255 };
    for (let i = 0; i < 22000; i++) big.orders.push({ id: 500000 + i, name: `#${500000 + i}`, customerId: 10000 + (i % 4372), createdAt: "2011-01-01T00:00:00Z", currency: "GBP", lines: Array.from({ length: 25 }, () => line), refunds: [] });
    const started = performance.now();
    const shop = importSeed(createEmptyState(), SHOP, big);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(shop.orders.reduce((n, o) => n + o.lines.length, 0)).toBe(550_000);
  });
});

describe("snapshots", () => {
  it("saves and loads state, and a new stand-in serves it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "standin-test-"));
    dirs.push(dir);
    const first = await startShopifyStandin({ shop: SHOP, apiKey: "k", apiSecret: "s" });
    first.importSeed(seed());
    await first.createCustomer({ email: "later@example.com" }, { webhooks: "none" });
    const file = join(dir, "snapshot.json");
    await first.saveState(file);
    await first.close();

    const state = await loadStandinState(file);
    expect(state.shops[SHOP].orders).toHaveLength(3);
    const second = await startShopifyStandin({ shop: SHOP, apiKey: "k", apiSecret: "s", state });
    try {
      const r = await adminGraphql(second, `{ customersCount { count } orders(first: 5, sortKey: CREATED_AT, reverse: true) { nodes { name customer { email } totalRefundedSet { shopMoney { amount } } } } }`);
      expect(r.body.data.customersCount.count).toBe(3);
      expect(r.body.data.orders.nodes.map((n: any) => n.name)).toEqual(["#536371", "#536370", "#536365"]);
      expect(r.body.data.orders.nodes[2].totalRefundedSet.shopMoney.amount).toBe("35.64");
      // New ids continue after the snapshot's, never reusing one.
      const highest = Math.max(...state.shops[SHOP].customers.map((x) => x.id));
      const c = await second.createCustomer({ email: "after-restart@example.com" }, { webhooks: "none" });
      expect(c.id).toBeGreaterThan(highest);
    } finally {
      await second.close();
    }
    await expect(loadStandinState(join(dir, "missing.json"))).rejects.toThrow();
  });
});

describe("edge formats", () => {
  it("spells money the way REST and GraphQL each do", () => {
    expect(restAmount(1250, "GBP")).toBe("12.50");
    expect(graphqlAmount(1250, "GBP")).toBe("12.5");
    expect(graphqlAmount(1200, "GBP")).toBe("12.0");
    expect(restAmount(-5, "GBP")).toBe("-0.05");
    expect(restAmount(1000, "JPY")).toBe("1000");
    expect(parseAmountToMinor("5.005", "GBP")).toBe(501);
    expect(parseAmountToMinor("abc", "GBP")).toBeNull();
  });

  it("writes REST times in the shop's zone", () => {
    expect(restTime("2024-07-01T09:30:00Z", "Europe/London")).toBe("2024-07-01T10:30:00+01:00");
    expect(restTime("2024-01-01T09:30:00Z", "Europe/London")).toBe("2024-01-01T09:30:00+00:00");
    expect(restTime("2024-01-01T09:30:00Z", "America/New_York")).toBe("2024-01-01T04:30:00-05:00");
  });

  it("reads webhook subscriptions from shopify.app.toml", () => {
    const toml = parseToml(`# comment\n[webhooks]\napi_version = "2026-10"\n\n  [[webhooks.subscriptions]]\n  topics = [\n "orders/create", # first\n "orders/updated" ]\n  uri = "/webhooks/orders"\n\n  [[webhooks.subscriptions]]\n  compliance_topics = ["shop/redact"]\n  uri = "/webhooks/shop/redact"\n`);
    expect(toml).toEqual({ webhooks: { api_version: "2026-10", subscriptions: [{ topics: ["orders/create", "orders/updated"], uri: "/webhooks/orders" }, { compliance_topics: ["shop/redact"], uri: "/webhooks/shop/redact" }] } });
    const repo = readWebhookSubscriptions(join(__dirname, "../../shopify.app.toml"));
    expect(repo.apiVersion).toBe("2026-10");
    expect(repo.subscriptions).toContainEqual({ topic: "refunds/create", uri: "/webhooks/refunds/create", compliance: false });
    expect(repo.subscriptions).toContainEqual({ topic: "customers/redact", uri: "/webhooks/customers/redact", compliance: true });
  });
});
