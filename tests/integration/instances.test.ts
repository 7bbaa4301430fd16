// Three app instances on one database, as behind a load balancer: a burst of signed webhooks is spread over them,
// some deliveries repeated to another instance (Shopify retries land anywhere), and one instance is SIGKILLed in
// the middle of it and started again. Every acknowledged event is applied exactly once, and once Shopify's
// retries of the rest arrive, every order has earned once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppProcess } from "../../scripts/demo/app-process";
import { sendPrepared, type PreparedWebhook } from "../shopify-standin/webhooks";
import { browserFetch, startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { expectedPointsOfEveryOrder, heldOrderBurst } from "../support/held-orders";

let t: TreueHarness;
const others: AppProcess[] = [];

// One event at a time (the slow path) during the burst, so that acknowledged events are still waiting when the
// instance dies; supervision every second, so the killed instance's job is handed on quickly.
const ENV = { WEBHOOK_WORKER: "1", WEBHOOK_APPLY: "each", JOB_SUPERVISE_SECONDS: "1", JOB_POLL_SECONDS: "0.5" };

beforeAll(async () => {
  t = await startTreue({ appEnv: ENV });
  others.push(await t.startInstance(), await t.startInstance());
});
afterAll(async () => {
  await Promise.all(others.map((a) => a.stop().catch(() => {})));
  await t?.close();
});

describe("three instances on one database", () => {
  it("apply every acknowledged webhook exactly once while one of them is killed and restarted", { timeout: 180_000 }, async () => {
    // GIVEN 20 customers and 360 orders whose webhooks are held back
    const held = await heldOrderBurst(t, { customers: 20, orders: 360, emailPrefix: "lb", priceBaseMinor: 900 });
    const instances: AppProcess[] = [t.app, others[0], others[1]];

    // WHEN they arrive on six connections spread over the three instances, every fourth one also at the next
    // instance, and the second instance is SIGKILLed once a fifth of them is in the inbox
    const deliveries: { eventId: string; status: number | null }[] = [];
    const send = async (w: PreparedWebhook, to: number) => deliveries.push(await sendPrepared(instances[to % 3].url, w, 1));
    const streams = Array.from({ length: 6 }, (_, k) => held.map((w, i) => ({ w, i })).filter(({ i }) => i % 6 === k));
    const burst = Promise.all(
      streams.map(async (list) => {
        for (const { w, i } of list) {
          await send(w, i);
          if (i % 4 === 0) await send(w, i + 1);
        }
      }),
    );
    const recorded = () => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP } });
    while ((await recorded()) < held.length / 5) await new Promise((r) => setTimeout(r, 2));
    const killed = others[0];
    await killed.kill();
    await burst;
    const acked = new Set(deliveries.filter((d) => d.status === 200).map((d) => d.eventId));
    expect(deliveries.some((d) => d.status !== 200)).toBe(true); // the kill cost some deliveries
    const waitingAtKill = await t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: "received" } });
    expect(waitingAtKill).toBeGreaterThan(0);
    others[0] = await t.startInstance();

    // THEN every acknowledged event is applied without a new delivery
    await expect
      .poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, eventId: { in: [...acked] }, status: "processed" } }), { timeout: 60_000, interval: 250 })
      .toBe(acked.size);

    // AND once Shopify retries what was not acknowledged (and repeats some that were) at any instance, every order
    // has earned exactly once
    const again = held.filter((w, i) => !acked.has(w.eventId) || i % 7 === 0);
    const retried = await Promise.all(again.map((w, i) => sendPrepared([t.app, others[0], others[1]][i % 3].url, w, 2)));
    expect(retried.filter((d) => d.status !== 200)).toEqual([]);
    await expect.poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: { not: "processed" } } }), { timeout: 60_000, interval: 250 }).toBe(0);
    expect(await t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP } })).toBe(held.length);

    const orders = t.standin.state.shops[TEST_SHOP].orders;
    expect(await t.db.prisma.ledgerEntry.count({ where: { shop: TEST_SHOP, kind: "earn" } })).toBe(orders.length);
    const members = await t.db.prisma.member.findMany({ where: { shop: TEST_SHOP } });
    expect(Object.fromEntries(members.map((m) => [m.customerId, m.points]))).toEqual(expectedPointsOfEveryOrder(t));
    console.log(`[instances] ${held.length} webhooks, ${deliveries.length} deliveries, ${acked.size} events acknowledged, ${waitingAtKill} waiting at the kill`);
  });

  it("import a shop's history once when the merchant opens the admin on all three at the same moment", { timeout: 120_000 }, async () => {
    // The first admin visit starts the import where none ran (this test file's shop has none yet).
    expect(await t.db.prisma.historyImport.count({ where: { shop: TEST_SHOP } })).toBe(0);
    const url = new URL(t.adminUrl());
    const at = (origin: string) => `${origin}${url.pathname}${url.search}`;
    const pages = await Promise.all([t.app.url, others[0].url, others[1].url].map((origin) => browserFetch(at(origin))));
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    await expect
      .poll(async () => (await t.db.prisma.historyImport.findFirst({ where: { shop: TEST_SHOP }, orderBy: { id: "desc" } }))?.status, { timeout: 60_000, interval: 250 })
      .toBe("completed");
    // One import row, one customers export and one orders export in Shopify.
    expect(await t.db.prisma.historyImport.count({ where: { shop: TEST_SHOP } })).toBe(1);
    const exports = t.standin.state.shops[TEST_SHOP].bulkOperations.filter((b) => b.type === "QUERY");
    expect(exports.map((b) => b.status)).toEqual(["COMPLETED", "COMPLETED"]);
    // Asking again while nothing runs starts nothing new.
    await Promise.all([t.app.url, others[0].url].map((origin) => browserFetch(at(origin))));
    expect(await t.db.prisma.historyImport.count({ where: { shop: TEST_SHOP } })).toBe(1);
  });
});
