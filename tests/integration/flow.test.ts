// Shopify Flow end to end: a paid order through signed webhooks earns points and the app fires its "Points
// earned" trigger with flowTriggerReceive (the stand-in checks the operation against the real Admin schema and the
// payload against the trigger extension's fields), once per event; the "Award or deduct points" action, signed as
// Flow signs it, changes the balance once per run however often Flow sends it, and refuses what it must.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireQueuedTriggers, queuePointsEarnedTriggers, queuePointsExpiringTriggers, queueRewardRedeemedTriggers } from "~/engagement/flow-triggers.server";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { saveLoyaltyProgram } from "~/points/loyalty-program.server";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";

let t: TreueHarness;
const adminFor = async (shop: string): Promise<AdminGraphql> => standinAdminGraphql(t.standin, shop);
const pointsOf = async (customerId: number) =>
  (await t.db.prisma.member.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(customerId) } } }))?.points ?? null;
const triggers = () => t.standin.state.shops[TEST_SHOP].flowTriggers ?? [];

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

describe("the Points earned trigger", () => {
  it("is fired once per order that earns points, with the trigger's fields", async () => {
    const c = await t.memberWithPoints(42, "flow-buyer@example.com");
    expect(await queuePointsEarnedTriggers(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queuePointsEarnedTriggers(t.db.prisma, new Date())).toEqual([]);
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 1, failed: 0 });
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 0, failed: 0 });
    const order = t.standin.state.shops[TEST_SHOP].orders.find((o) => o.customerId === c.id)!;
    expect(triggers()).toEqual([
      { handle: "treue-points-earned", payload: { customer_id: c.id, "Points earned": 42, "Points balance": 42, "Order name": order.name }, receivedAt: expect.any(String) },
    ]);
    // The operation went through the stand-in's validation against the real Admin schema.
    expect(t.standin.requests.some((r) => r.operationName === "FlowTriggerReceive")).toBe(true);
  });

  it("records what Flow refuses instead of retrying it forever", async () => {
    await t.memberWithPoints(7, "flow-refused@example.com");
    await queuePointsEarnedTriggers(t.db.prisma, new Date());
    await t.db.prisma.flowTriggerEvent.updateMany({ where: { shop: TEST_SHOP, status: "queued" }, data: { handle: "treue-no-such-trigger" } });
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 0, failed: 1 });
    expect(await t.db.prisma.flowTriggerEvent.findFirst({ where: { shop: TEST_SHOP, status: "failed" } })).toMatchObject({ reason: "Invalid handle 'treue-no-such-trigger'." });
  });
});

describe("the Reward redeemed trigger", () => {
  it("is fired once when a member's points become a reward, naming it, its cost, the code and the balance", async () => {
    const c = await t.memberWithPoints(600, "flow-redeemer@example.com");
    const token = t.standin.mintCheckoutToken({ customerGid: `gid://shopify/Customer/${c.id}` });
    const res = await browserFetch(`${t.app.url}/api/loyalty/redemptions`, {
      method: "POST",
      headers: { Origin: "https://extensions.shopifycdn.com", "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ rewardId: "default-5-off", idempotencyKey: "flow-redeem-1" }),
    });
    expect(res.status).toBe(201);
    const { code } = (await res.json()) as { code: string };
    expect(await queueRewardRedeemedTriggers(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queueRewardRedeemedTriggers(t.db.prisma, new Date())).toEqual([]);
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 1, failed: 0 });
    expect(triggers().filter((x) => x.handle === "treue-reward-redeemed").map((x) => x.payload)).toEqual([
      { customer_id: c.id, Reward: "£5.00 off", "Points spent": 500, "Points balance": 100, "Discount code": code },
    ]);
  });
});

describe("the Points expiring trigger", () => {
  it("is fired once per reminder the points engine recorded, with the day on the shop's calendar", async () => {
    const c = await t.memberWithPoints(80, "flow-expiring@example.com");
    const member = await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } } });
    // What expirePoints records before a lot expires (points-jobs.server.ts): 23:30 UTC on 20 March is 20 March in London.
    const expiresAt = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, 20, 23, 30));
    await t.db.prisma.pointsReminder.create({ data: { shop: TEST_SHOP, memberId: member.id, customerId: String(c.id), idempotencyKey: "reminder:flow:1", at: new Date(), points: 60, expiresAt, covers: [] } });
    expect(await queuePointsExpiringTriggers(t.db.prisma, new Date())).toEqual([TEST_SHOP]);
    expect(await queuePointsExpiringTriggers(t.db.prisma, new Date())).toEqual([]);
    expect(await fireQueuedTriggers(t.db.prisma, TEST_SHOP, adminFor)).toEqual({ sent: 1, failed: 0 });
    expect(triggers().filter((x) => x.handle === "treue-points-expiring").map((x) => x.payload)).toEqual([
      { customer_id: c.id, "Points expiring": 60, "Expires on": `${expiresAt.getUTCFullYear()}-03-20`, "Points balance": 80 },
    ]);
  });
});

describe("the Award or deduct points action", () => {
  const award = (customerId: number, points: unknown, actionRunId: string, secret?: string) =>
    t.standin.sendFlowAction({ handle: "treue-award-points", properties: { customer_id: customerId, points, reason: "Wrote a review" }, actionRunId, secret });

  it("changes the balance once per run, however often and concurrently Flow sends it", async () => {
    const c = await t.memberWithPoints(30, "flow-action@example.com");
    const runs = await Promise.all([award(c.id, 100, "run-1"), award(c.id, 100, "run-1"), award(c.id, 100, "run-1")]);
    expect(runs.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(runs.filter((r) => JSON.parse(r.body).duplicate === false)).toHaveLength(1);
    expect(await pointsOf(c.id)).toBe(130);
    const entry = await t.db.prisma.ledgerEntry.findFirstOrThrow({ where: { shop: TEST_SHOP, customerId: String(c.id), kind: "manual" } });
    expect(entry.reason).toBe("Shopify Flow: Wrote a review");

    expect((await award(c.id, -50, "run-2")).status).toBe(200);
    expect(await pointsOf(c.id)).toBe(80);
    const overdraw = await award(c.id, -500, "run-3");
    expect(overdraw.status).toBe(422);
    expect(JSON.parse(overdraw.body).error.code).toBe("INSUFFICIENT_POINTS");
    expect(await pointsOf(c.id)).toBe(80);
  });

  it("makes a customer who is not a member yet one", async () => {
    const customer = await t.standin.createCustomer({ email: "flow-new@example.com" });
    expect(await pointsOf(customer.id)).toBeNull();
    expect((await award(customer.id, 25, "run-new")).status).toBe(200);
    expect(await pointsOf(customer.id)).toBe(25);
  });

  it("refuses an unsigned or wrongly signed run (401) and a malformed one (400), changing nothing", async () => {
    const c = await t.memberWithPoints(10, "flow-forged@example.com");
    expect((await award(c.id, 1_000, "run-forged", "not-the-app-secret")).status).toBe(401);
    const malformed = await award(c.id, "lots", "run-malformed");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.message).toMatch(/properties\.points/);
    expect((await award(c.id, 0, "run-zero")).status).toBe(422);
    expect(await pointsOf(c.id)).toBe(10);
  });
});

describe("the Set VIP tier action", () => {
  it("puts a customer in the tier named, any number of times with the same outcome, and refuses a tier the program lacks", async () => {
    const saved = await saveLoyaltyProgram(t.db.prisma, TEST_SHOP, { vip: { windowDays: 365, tiers: [{ id: "gold", name: "Gold", thresholdMinor: 100_000, multiplierPercent: 150 }] } });
    expect(saved.ok).toBe(true);
    const c = await t.memberWithPoints(5, "flow-tier@example.com");
    const setTier = (tier: string, secret?: string) => t.standin.sendFlowAction({ handle: "treue-set-tier", properties: { customer_id: c.id, tier }, actionRunId: `tier-${tier}`, secret });
    const tierOf = async () => (await t.db.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId: String(c.id) } } })).tierId;
    const runs = await Promise.all([setTier("gold"), setTier("gold")]);
    expect(runs.map((r) => [r.status, JSON.parse(r.body).tier])).toEqual([
      [200, "Gold"],
      [200, "Gold"],
    ]);
    expect(await tierOf()).toBe("gold");
    const unknown = await setTier("Platinum");
    expect(unknown.status).toBe(422);
    expect(JSON.parse(unknown.body).error.message).toContain("the program has: Gold");
    expect((await setTier("none", "not-the-app-secret")).status).toBe(401);
    expect(await tierOf()).toBe("gold");
    expect((await setTier("none")).status).toBe(200);
    expect(await tierOf()).toBeNull();
  });
});
