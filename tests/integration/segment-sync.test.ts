// Segment sync against the Shopify stand-in over real HTTP (its Admin GraphQL runs on the real schema and
// keeps customer tags): GIVEN a history with customers in different lifecycle segments, WHEN Treue syncs,
// THEN each Shopify customer carries exactly its segment's tag; changes move tags, an unchanged shop
// costs no mutation, and a throttled request is retried.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../support/postgres";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { bumpHistoryVersion, upsertHistoryOrders, upsertHistoryRefunds, type HistoryOrderRow } from "~/history/history-store.server";
import { lastSegmentSync, segmentSyncJobWith, syncSegments } from "~/analytics/segment-sync.server";
import { startShopifyStandin, type ShopifyStandin } from "../shopify-standin/index";
import { adminGraphql, startReceiver } from "../shopify-standin/testing";
import { standinAdminGraphql } from "../support/standin-admin";

const SHOP = "segments.myshopify.com";
const NOW = new Date("2026-06-30T12:00:00Z");
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let db: Database;
let testDb: OpenTestDatabase;
const ids: Record<"fresh" | "lapsed" | "loyal" | "quiet", string> = { fresh: "", lapsed: "", loyal: "", quiet: "" };

/** The app's Admin API client shape, posting to the stand-in with the shop's token. */
const graphql = ((query: string, options?: { variables?: Record<string, unknown> }) =>
  standinAdminGraphql(standin, SHOP)(query, options)) as AdminGraphql;

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
let nextOrder = 1;
const order = (customerId: string, at: Date, amountMinor = 2500): HistoryOrderRow => ({
  id: String(nextOrder++), customerId, createdAt: at, updatedAt: at, amountMinor, currency: "EUR", cancelledAt: null,
});

async function tagsOf(customerId: string): Promise<string[]> {
  const r = await adminGraphql(standin, `query($id: ID!) { customer(id: $id) { tags } }`, { id: `gid://shopify/Customer/${customerId}` }, { shop: SHOP });
  return r.body.data.customer.tags;
}

const mutationsSent = () => standin.requests.filter((r) => r.shop === SHOP && /^SegmentTags/.test(r.operationName ?? "")).length;

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-test-key", apiSecret: "treue-test-secret", appUrl: receiver.url });
  for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
    const c = await standin.createCustomer({ email: `${key}@example.com`, tags: key === "loyal" ? ["newsletter"] : [] }, { shop: SHOP, webhooks: "none" });
    ids[key] = String(c.id);
  }
  testDb = await openTestDatabase();
  db = testDb.db;
  await db.prisma.shop.create({ data: { domain: SHOP, name: "Segments", currency: "EUR" } });
  await upsertHistoryOrders(db.prisma, SHOP, "import", [
    order(ids.fresh, daysAgo(10)), // new
    order(ids.lapsed, daysAgo(400)), order(ids.lapsed, daysAgo(200)), // lost
    ...[300, 250, 120, 60, 30, 5].map((d) => order(ids.loyal, daysAgo(d))), // vip
    order(ids.quiet, daysAgo(300)), order(ids.quiet, daysAgo(100)), // at risk
    order("-12345", daysAgo(3)), // a CSV-only customer: not a Shopify customer, never tagged
    { ...order(ids.fresh, daysAgo(9)), customerId: null }, // a guest
  ]);
  await bumpHistoryVersion(db.prisma, SHOP);
});

afterAll(async () => {
  await testDb?.close();
  await standin?.close();
  await receiver?.close();
});

describe("segment sync to Shopify customer tags", () => {
  it("tags every customer with its segment, keeping the merchant's own tags, in one batched request", async () => {
    const before = mutationsSent();
    const result = await syncSegments(db.prisma, graphql, SHOP, { trigger: "admin", now: NOW });
    expect(result).toEqual({ changed: 4, requests: 1, failed: 0, bulkOperations: 0 });
    expect(mutationsSent() - before).toBe(1);
    expect(await tagsOf(ids.fresh)).toEqual(["treue:new"]);
    expect(await tagsOf(ids.lapsed)).toEqual(["treue:lost"]);
    expect(await tagsOf(ids.loyal)).toEqual(["newsletter", "treue:vip"]);
    expect(await tagsOf(ids.quiet)).toEqual(["treue:at-risk"]);
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "completed", trigger: "admin", changed: 4, pending: 0, error: null });
  });

  it("sends no mutation when no segment changed", async () => {
    const before = mutationsSent();
    expect(await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: NOW })).toEqual({ changed: 0, requests: 0, failed: 0, bulkOperations: 0 });
    expect(mutationsSent()).toBe(before);
  });

  it("moves a customer whose segment changed and strips one who left every segment, retrying a throttled request", async () => {
    // The lapsed customer orders again today (→ active); the new customer's only order is refunded in full.
    await upsertHistoryOrders(db.prisma, SHOP, "webhook", [order(ids.lapsed, daysAgo(0))]);
    await upsertHistoryRefunds(db.prisma, SHOP, "webhook", [{ id: "900", orderId: "1", createdAt: daysAgo(1), amountMinor: 2500 }]);
    await bumpHistoryVersion(db.prisma, SHOP);
    standin.injectFault({ operation: "tagsAdd", kind: "THROTTLED" });
    const waits: number[] = [];
    const result = await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: NOW, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([1000]);
    expect(result.changed).toBe(2);
    expect(await tagsOf(ids.lapsed)).toEqual(["treue:active"]);
    expect(await tagsOf(ids.fresh)).toEqual([]);
    expect(await tagsOf(ids.loyal)).toEqual(["newsletter", "treue:vip"]);
    expect(await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: NOW })).toEqual({ changed: 0, requests: 0, failed: 0, bulkOperations: 0 });
  });

  it("records a failure and resumes on the next run", async () => {
    // Time moves on: at-risk becomes lost after 180 days without an order.
    const later = new Date(NOW.getTime() + 90 * 86_400_000);
    standin.injectFault({ operation: "tagsAdd", kind: "THROTTLED", times: 3 });
    await expect(syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: later, sleep: async () => {}, maxAttempts: 2 })).rejects.toThrow(/Throttled/);
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "failed", error: expect.stringMatching(/Throttled/) });
    standin.clearFaults();
    const job = segmentSyncJobWith(async () => graphql);
    expect(job).toMatchObject({ name: "segment-sync", everyMs: 3_600_000 });
    await job.run(db.prisma, later);
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "completed", trigger: "schedule" });
    expect(await tagsOf(ids.quiet)).toEqual(["treue:lost"]);
  });
});
