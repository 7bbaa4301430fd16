// The storefront's data path: a request the shop's theme makes to /apps/treue/loyalty reaches the app through
// Shopify's app proxy with a signed query string naming the logged-in customer. Real HTTP to the built app,
// signed as Shopify signs (the stand-in), and every way of forging it refused before any data is read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;
beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  if (process.env.SHOW_APP_OUTPUT) console.log(t?.app.output());
  await t?.close();
});

const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;

describe("GET /apps/treue/loyalty through the app proxy", () => {
  it("answers a member's balance, pending points and what their points buy, never cached", async () => {
    const customer = await t.standin.createCustomer({ email: "proxy-member@example.com" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 62_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 15_000 }).toBe(620);

    const res = await browserFetch(t.standin.appProxyUrl("/loyalty", { loggedInCustomerId: customer.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = await res.json();
    expect(body).toMatchObject({ customerId: `gid://shopify/Customer/${customer.id}`, balance: 620, pending: 0, tier: null });
    expect(body.rewards.map((r: { id: string; affordable: boolean }) => [r.id, r.affordable])).toEqual([
      ["default-5-off", true],
      ["default-5-credit", true],
    ]);
    expect(body.referral?.url).toMatch(/^https?:\/\//);
  });

  it("shows a guest how the program works: the earn rate and what points buy", async () => {
    const res = await browserFetch(t.standin.appProxyUrl("/loyalty", { loggedInCustomerId: null }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ customerId: null, balance: 0, earnRate: { points: 1, perMinor: 100 }, referral: null });
    expect(body.rewards.map((r: { title: string; pointsCost: number; affordable: boolean }) => [r.title, r.pointsCost, r.affordable])).toEqual([
      ["£5.00 off", 500, false],
      ["£5.00 store credit", 500, false],
    ]);
    // The launcher sends the storefront's language: the default rewards are named in it, with the shop currency.
    const de = await (await browserFetch(t.standin.appProxyUrl("/loyalty", { loggedInCustomerId: null, query: { locale: "de" } }))).json();
    expect(de.rewards.map((r: { title: string }) => r.title.replace(/\s/g, " "))).toEqual(["5,00 £ Rabatt", "5,00 £ Guthaben"]);
  });

  it("refuses a request Shopify did not sign, or whose customer was changed after signing, with 400 and no data", async () => {
    const customer = await t.standin.createCustomer({ email: "proxy-victim@example.com" });
    const genuine = new URL(t.standin.appProxyUrl("/loyalty", { loggedInCustomerId: null }));
    const forged = async (change: (q: URLSearchParams) => void) => {
      const url = new URL(genuine);
      change(url.searchParams);
      const res = await browserFetch(url.toString());
      return { status: res.status, body: await res.text() };
    };
    for (const attempt of [
      await forged((q) => q.set("logged_in_customer_id", String(customer.id))), // a guest's signature, someone's account
      await forged((q) => q.set("signature", "0".repeat(64))),
      await forged((q) => q.delete("signature")),
      await forged((q) => q.set("shop", "other-shop.myshopify.com")),
    ]) {
      expect(attempt.status).toBe(400);
      expect(attempt.body).not.toContain("balance");
    }
  });
});
