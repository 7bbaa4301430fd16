// customers/update, orders/delete and shop/update as Shopify sends them: the member's contact details and marketing
// consent follow the customer, the newest description winning whichever webhook arrives first; a deleted order
// keeps no points; the shop's name, currency and time zone follow shop/update, a late or replayed delivery
// changing nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

const memberOf = (customerId: number) => t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } });
const settled = () => expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "received" } }), { timeout: 10_000 }).toBe(0);

describe("customers/update", () => {
  it("gives the member the customer's new e-mail, name and consent, and an older order webhook arriving late does not undo it", async () => {
    const customer = await t.standin.createCustomer({ email: "ada@example.com", firstName: "Ada", lastName: "Byron" });
    // An order placed now, its webhook held back (its payload describes the customer as they are now).
    await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 1_200 }] }, { webhooks: "hold" });
    const lateOrder = t.standin.takeHeldWebhooks();
    await settled();
    expect(await memberOf(customer.id)).toMatchObject({ email: "ada@example.com", lastName: "Byron", emailMarketing: "not_subscribed" });

    await t.standin.updateCustomer(customer.id, { email: "ada.lovelace@example.com", lastName: "Lovelace", emailMarketing: "subscribed" });
    await expect.poll(async () => (await memberOf(customer.id))?.email, { timeout: 10_000 }).toBe("ada.lovelace@example.com");
    expect(await memberOf(customer.id)).toMatchObject({ firstName: "Ada", lastName: "Lovelace", emailMarketing: "subscribed" });

    // The order webhook arrives after the update: its points count, its old description of the customer does not.
    expect((await t.standin.deliverWebhooks(lateOrder)).every((d) => d.status === 200)).toBe(true);
    await expect.poll(async () => (await memberOf(customer.id))?.points, { timeout: 10_000 }).toBe(12);
    expect(await memberOf(customer.id)).toMatchObject({ email: "ada.lovelace@example.com", lastName: "Lovelace", emailMarketing: "subscribed" });
    // The order history's customer follows too.
    const history = await t.db.prisma.historyCustomer.findUnique({ where: { shop_id: { shop: TEST_SHOP, id: BigInt(customer.id) } } });
    expect(history?.email).toBe("ada.lovelace@example.com");
  });

  it("makes a customer who existed before the install a member, without a sign-up bonus", async () => {
    await t.db.prisma.loyaltyProgram.upsert({ where: { shop: TEST_SHOP }, create: { shop: TEST_SHOP, settings: { signupBonus: 50 } }, update: { settings: { signupBonus: 50 } } });
    const customer = await t.standin.createCustomer({ email: "before@example.com" }, { webhooks: "none" });
    await t.standin.updateCustomer(customer.id, { firstName: "Bea" });
    await expect.poll(async () => (await memberOf(customer.id))?.firstName, { timeout: 10_000 }).toBe("Bea");
    expect(await memberOf(customer.id)).toMatchObject({ email: "before@example.com", points: 0, entryCount: 0 });
  });

  it("parks a payload that is not a customer, with the reason, and answers it", async () => {
    const [delivery] = await t.standin.deliverWebhook("customers/update", { id: "abc" });
    expect(delivery.status).toBe(200);
    await expect
      .poll(async () => (await t.db.prisma.webhookEvent.findFirst({ where: { shop: TEST_SHOP, topic: "CUSTOMERS_UPDATE", status: "parked" } }))?.lastError, { timeout: 10_000 })
      .toMatch(/the payload is not a customer: id missing or not a safe whole number/);
  });
});

describe("orders/delete", () => {
  it("takes back what a deleted order earned, once, and a late update of the order does not earn it again", async () => {
    await t.db.prisma.loyaltyProgram.upsert({ where: { shop: TEST_SHOP }, create: { shop: TEST_SHOP, settings: {} }, update: { settings: {} } });
    const customer = await t.standin.createCustomer({ email: "deleted-order@example.com" });
    const kept = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 2_000 }] });
    const gone = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "POT", quantity: 2, unitPriceMinor: 1_500 }] });
    await expect.poll(async () => (await memberOf(customer.id))?.points, { timeout: 10_000 }).toBe(50);
    // An update of the order from before the deletion, held back and delivered after it.
    const [stale] = t.standin.prepareWebhook("orders/updated", t.standin.orderPayload(gone.id));

    await t.standin.deleteOrder(gone.id);
    await expect.poll(async () => (await memberOf(customer.id))?.points, { timeout: 10_000 }).toBe(20);
    expect((await t.standin.deliverWebhooks([stale])).map((d) => d.status)).toEqual([200]);
    const [replay] = await t.standin.deliverWebhook("orders/delete", { id: gone.id });
    expect(replay.status).toBe(200);
    await settled();
    expect(await memberOf(customer.id)).toMatchObject({ points: 20, lifetimeEarned: 20 }); // a reversal takes back earned points
    expect((await t.db.prisma.ledgerEntry.findMany({ where: { shop: TEST_SHOP, customerId: String(customer.id) }, orderBy: { id: "asc" } })).map((e) => [e.kind, e.points])).toEqual([
      ["earn", 20],
      ["earn", 30],
      ["adjust-order", -30],
    ]);
    // The order history keeps it as cancelled at the deletion; the other order is untouched.
    const history = await t.db.prisma.historyOrder.findMany({ where: { shop: TEST_SHOP, id: { in: [BigInt(kept.id), BigInt(gone.id)] } }, orderBy: { id: "asc" } });
    expect(history.map((o) => o.cancelledAt === null)).toEqual([true, false]);
  });

  it("remembers the deletion of an order it never saw: its orders/create, arriving later, earns nothing", async () => {
    const customer = await t.standin.createCustomer({ email: "deleted-unseen@example.com" });
    const order = await t.standin.createOrder({ customerId: customer.id, lines: [{ sku: "TEA", quantity: 1, unitPriceMinor: 4_000 }] }, { webhooks: "hold" });
    const created = t.standin.takeHeldWebhooks();
    await t.standin.deleteOrder(order.id);
    await settled();
    expect((await t.standin.deliverWebhooks(created)).map((d) => d.status)).toEqual(created.map(() => 200));
    await settled();
    expect((await memberOf(customer.id))?.points ?? 0).toBe(0);
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, customerId: String(customer.id) } })).toBe(0);
    expect(await t.db.prisma.orderPoints.findUnique({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(order.id) } } })).toMatchObject({
      deletedAt: expect.any(Date),
      awarded: 0,
    });
  });
});

describe("shop/update", () => {
  it("keeps the shop's name, currency and time zone, newest first", async () => {
    await t.standin.updateShop({ name: "Treue Teeladen", currency: "CHF", timezone: "Europe/Zurich" }, { webhooks: "hold" });
    const older = t.standin.takeHeldWebhooks();
    await new Promise((r) => setTimeout(r, 1100)); // the payload's updated_at has whole seconds
    await t.standin.updateShop({ timezone: "America/New_York" });
    await expect.poll(async () => (await t.db.prisma.shop.findUnique({ where: { domain: TEST_SHOP } }))?.timezone, { timeout: 10_000 }).toBe("America/New_York");
    expect(await t.db.prisma.shop.findUnique({ where: { domain: TEST_SHOP } })).toMatchObject({ name: "Treue Teeladen", currency: "CHF" });

    // The first change, delivered late, is older than what the shop already says.
    expect((await t.standin.deliverWebhooks(older)).every((d) => d.status === 200)).toBe(true);
    await settled();
    expect(await t.db.prisma.shop.findUnique({ where: { domain: TEST_SHOP } })).toMatchObject({ name: "Treue Teeladen", currency: "CHF", timezone: "America/New_York" });
  });
});
