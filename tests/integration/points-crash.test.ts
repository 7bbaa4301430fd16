// Crash safety: the app is SIGKILLed in the middle of a burst of signed webhooks and started again.
// Every event that got a 200 must be applied exactly once; whatever did not get one is retried (as
// Shopify retries), and the balances end where the orders say they should.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { expectedPointsOfEveryOrder, heldOrderBurst } from "../support/held-orders";

let t: TreueHarness;

beforeAll(async () => {
  // During the burst the worker applies one event at a time (the slow path), so that acknowledged events
  // are certainly still waiting in the inbox when the process dies; ingest is far faster than that.
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1", WEBHOOK_APPLY: "each" } });
});
afterAll(async () => {
  await t?.close();
});

describe("a crash during a webhook burst", () => {
  it("applies every acknowledged event exactly once after a restart", { timeout: 120_000 }, async () => {
    // GIVEN customers and 400 orders whose webhooks are held back
    const held = await heldOrderBurst(t, { customers: 20, orders: 400, emailPrefix: "crash", priceBaseMinor: 1000 });

    // WHEN the app is killed while they arrive on six connections at once, then started again
    const streams = Array.from({ length: 6 }, (_, k) => held.filter((_, i) => i % 6 === k));
    const burst = Promise.all(streams.map((list) => t.standin.deliverWebhooks(list)));
    // Killed once a tenth of the burst is in the inbox (a fixed delay let a fast ingest finish it first).
    const recorded = () => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP } });
    while ((await recorded()) < held.length / 10) await new Promise((r) => setTimeout(r, 2));
    await t.app.kill();
    const deliveries = (await burst).flat();
    const acked = new Set(deliveries.filter((d) => d.status === 200).map((d) => d.eventId));
    expect(acked.size).toBeGreaterThan(0);
    expect(acked.size).toBeLessThan(held.length); // the kill did interrupt the burst
    const unappliedAtCrash = await t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "received" } });
    // The burst outpaces the worker, so acknowledged events were waiting in the inbox when the process died.
    expect(unappliedAtCrash).toBeGreaterThan(0);
    // Restarted with the usual set-based apply.
    await t.restartApp({ env: { WEBHOOK_APPLY: "set" } });

    // THEN every acknowledged event is applied by the restarted app's worker without any new delivery
    await expect
      .poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, eventId: { in: [...acked] }, status: "processed" } }), { timeout: 30_000, interval: 250 })
      .toBe(acked.size);

    // AND once Shopify's retries of the rest (and repeats of some acknowledged ones) arrive, each order counted once
    const retry = held.filter((w) => !acked.has(w.eventId) || Number(w.eventId.replace(/\D/g, "").slice(-1)) % 3 === 0);
    const again = await t.standin.deliverWebhooks(retry);
    expect(again.filter((d) => d.status !== 200)).toEqual([]);
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: { not: "processed" } } }), { timeout: 30_000, interval: 250 }).toBe(0);

    const orders = t.standin.state.shops[TEST_SHOP].orders;
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, kind: "earn" } })).toBe(orders.length);
    const members = await t.db.prisma.member.findMany({ where: { shop: TEST_SHOP } });
    expect(Object.fromEntries(members.map((m) => [m.customerId, m.points]))).toEqual(expectedPointsOfEveryOrder(t));
    console.log(`[points-crash] ${held.length} webhooks, ${acked.size} acknowledged before the kill, ${unappliedAtCrash} of them not yet applied`);
  });
});
