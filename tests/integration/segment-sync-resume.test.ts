// A bulk segment round outlives the run that started it: GIVEN a run that died while Shopify ran its
// first bulk mutation, WHEN Shopify's signed bulk_operations/finish webhook reaches the running app, THEN
// the app (its webhook inbox and worker, its offline session) continues the round and the tags end up
// right — no admin visit, no scheduled job. Real app process, real PostgreSQL, stand-in over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { bumpHistoryVersion, upsertHistoryOrders, type HistoryOrderRow } from "~/history/history-store.server";
import { syncSegments } from "~/analytics/segment-sync.server";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";
import { standinAdminGraphql } from "../support/standin-admin";

let t: TreueHarness;
const CUSTOMERS = 300;
const ids: string[] = [];
// The app judges segments as of its own clock, so the history is dated from today.
const NOW = new Date();
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

const graphql = ((query: string, options?: { variables?: Record<string, unknown> }) =>
  standinAdminGraphql(t.standin, TEST_SHOP)(query, options)) as AdminGraphql;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
  const orders: HistoryOrderRow[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = await t.standin.createCustomer({ email: `r${i}@example.com`, tags: ["own"] }, { webhooks: "none" });
    ids.push(String(c.id));
    // New, or lost; the lost spent more, so the top-5 % spend that makes a VIP is not reached by the new.
    const at = daysAgo(i % 2 === 0 ? 10 : 400);
    orders.push({ id: String(i + 1), customerId: String(c.id), createdAt: at, updatedAt: at, amountMinor: i % 2 === 0 ? 1000 : 5000, currency: "EUR", cancelledAt: null });
  }
  await upsertHistoryOrders(t.db.prisma, TEST_SHOP, "import", orders);
  await bumpHistoryVersion(t.db.prisma, TEST_SHOP);
});

afterAll(async () => {
  await t?.close();
});

describe("segment sync resumed by the finish webhook", () => {
  it("continues a round whose run died, once Shopify says the operation finished", async () => {
    // The run in this process stands for an app instance killed while waiting for Shopify.
    const crash = () => Promise.reject(new Error("process killed"));
    await expect(syncSegments(t.db.prisma, graphql, TEST_SHOP, { trigger: "admin", now: NOW, bulkThreshold: 10, waitForShopify: crash })).rejects.toThrow(/process killed/);
    const round = await t.db.prisma.segmentSyncBulk.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(round).toMatchObject({ phase: "add", customers: CUSTOMERS });

    // Shopify finishes the operation and tells the app, which resumes with the shop's offline session.
    await expect
      .poll(async () => (await t.db.prisma.segmentSyncRun.findUnique({ where: { shop: TEST_SHOP } }))?.status, { timeout: 60_000, interval: 250 })
      .toBe("completed");
    const run = await t.db.prisma.segmentSyncRun.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(run, t.app.output().slice(-3000)).toMatchObject({ trigger: "resume", changed: CUSTOMERS, pending: 0, error: null });
    expect(await t.db.prisma.segmentSyncBulk.count()).toBe(0);
    const finishes = t.standin.webhookLog.filter((d) => d.topic === "bulk_operations/finish");
    expect(finishes.length).toBe(2); // add (the killed run's) and remove (the app's)
    expect(finishes.every((d) => d.status === 200)).toBe(true);
    const tags = new Map(t.standin.state.shops[TEST_SHOP].customers.map((c) => [String(c.id), c.tags]));
    ids.forEach((id, i) => expect(tags.get(id)).toEqual(i % 2 === 0 ? ["own", "treue:new"] : ["own", "treue:lost"]));
    expect(await t.db.prisma.segmentSyncCustomer.count({ where: { shop: TEST_SHOP } })).toBe(CUSTOMERS);
  });
});
