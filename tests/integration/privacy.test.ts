// Shopify's protected customer data rules, checked the hard way: after customers/redact, a search of every text
// and JSON column of every table finds neither the customer's e-mail nor their name, whatever paths their data
// took in (customers/create, orders, the raw webhook inbox, the referral program, the birthday form).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

/** Every table and column a value could hide in (text, varchar, json, jsonb) and where `needle` occurs. */
async function whereIs(needles: string[]): Promise<string[]> {
  const columns = await t.db.sql.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
  );
  const hits: string[] = [];
  for (const { table_name, column_name } of columns) {
    for (const needle of needles) {
      const [{ n }] = await t.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text ILIKE $1`,
        [`%${needle}%`],
      );
      if (n > 0) hits.push(`${table_name}.${column_name} (${n} × "${needle}")`);
    }
  }
  return hits;
}

const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;

describe("customers/redact", () => {
  it("leaves the customer's e-mail and name in no column of any table", async () => {
    const email = "zelda.quixote@example.com";
    const customer = await t.standin.createCustomer({ email, firstName: "Zelda", lastName: "Quixote", phone: "+4915112345678" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 2_500 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(25);
    // The member asks the extension for their state (referral code made with their contact details) and gives a birthday.
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    expect((await browserFetch(`${t.app.url}/api/loyalty`, { headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com" } })).status).toBe(200);
    const birthday = await browserFetch(`${t.app.url}/api/loyalty/birthday`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json" },
      body: JSON.stringify({ birthday: "07-14" }),
    });
    expect(birthday.status).toBe(200);
    // Another customer, whose data must stay.
    const other = await t.standin.createCustomer({ email: "olga.other@example.com", firstName: "Olga" });
    await t.standin.createOrder({ customerId: other.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 1_000 }] });
    await expect.poll(() => pointsOf(other.id), { timeout: 10_000 }).toBe(10);
    // Before: the data is there (the search finds what it looks for).
    expect((await whereIs([email, "Quixote"])).length).toBeGreaterThan(0);

    await t.standin.requestCustomerRedact(customer.id);
    await expect.poll(async () => (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } }))?.redactedAt, { timeout: 10_000 }).toBeInstanceOf(Date);
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: { not: "processed" } } }), { timeout: 10_000 }).toBe(0);

    expect(await whereIs([email, "Quixote", "Zelda", "15112345678"])).toEqual([]);
    expect(await whereIs(["olga.other@example.com"])).toEqual(expect.arrayContaining(["Member.email (1 × \"olga.other@example.com\")", "WebhookEvent.payload (2 × \"olga.other@example.com\")"]));
    // The points stay (the ledger holds no personal data): totals and figures are unchanged.
    expect(await pointsOf(customer.id)).toBe(25);
  });
});

describe("customers/delete", () => {
  it("erases a customer the merchant deleted as a redacted one, from every table, and keeps the ledger's totals", async () => {
    const email = "yorick.deleted@example.com";
    const customer = await t.standin.createCustomer({ email, firstName: "Yorick", lastName: "Vanished" });
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "LAMP", quantity: 1, unitPriceMinor: 3_000 }] });
    await expect.poll(() => pointsOf(customer.id), { timeout: 10_000 }).toBe(30);
    expect((await whereIs([email, "Vanished"])).length).toBeGreaterThan(0);

    // Shopify's customers/delete payload is the id only.
    await t.standin.deleteCustomer(customer.id);
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, topic: "CUSTOMERS_DELETE", status: "processed" } }), { timeout: 10_000 }).toBe(1);

    expect(await whereIs([email, "Vanished", "Yorick"])).toEqual([]);
    expect(await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customer.id) } } })).toMatchObject({
      email: null,
      firstName: null,
      redactedAt: expect.any(Date),
      points: 30,
    });
    // A replay of the delivery changes nothing and is answered.
    const [replay] = await t.standin.deliverWebhook("customers/delete", { id: customer.id });
    expect(replay.status).toBe(200);
  });
});

describe("shop/redact", () => {
  it("leaves nothing of the shop in any table but the record of the request", async () => {
    // GIVEN a shop with members, a ledger, orders, a referral code, a birthday, redemptions and the inbox's rows
    const customer = await t.memberWithPoints(700, "shop-redact@example.com");
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${customer.id}` });
    const redeemed = await browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json" },
      body: JSON.stringify({ rewardId: "default-5-off", idempotencyKey: "shop-redact-1" }),
    });
    expect(redeemed.status).toBe(201);
    const tables = await t.db.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'shop' ORDER BY table_name`,
    );
    const rowsOfShop = async () => {
      const counts: Record<string, number> = {};
      for (const { table_name } of tables) {
        const [{ n }] = await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}" WHERE "shop" = $1`, [TEST_SHOP]);
        if (n > 0) counts[table_name] = n;
      }
      const [{ n }] = await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Shop" WHERE "domain" = $1`, [TEST_SHOP]);
      if (n > 0) counts.Shop = n;
      return counts;
    };
    expect(Object.keys(await rowsOfShop()).length).toBeGreaterThan(8);

    // WHEN the merchant uninstalls and Shopify sends shop/redact 48 hours later
    await t.standin.uninstallApp();
    await t.standin.requestShopRedact();
    // THEN only the shop/redact event remains, applied
    await expect.poll(rowsOfShop, { timeout: 15_000 }).toEqual({ WebhookEvent: 1 });
    const [event] = await t.db.prisma.webhookEvent.findMany({ where: { shop: TEST_SHOP } });
    expect(event).toMatchObject({ topic: "SHOP_REDACT" });
    await expect.poll(async () => (await t.db.prisma.webhookEvent.findUnique({ where: { id: event.id } }))?.status, { timeout: 10_000 }).toBe("processed");
  });
});
