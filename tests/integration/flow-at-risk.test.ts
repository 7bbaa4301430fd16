// Flow's "Member at risk" trigger from the segment sync, against the Shopify stand-in (real Admin schema, the
// trigger extension's fields): a customer the sync moves from VIP into at risk fires it once; a shop's first
// sync (every customer's first segment) fires nothing, nor does a customer who was at risk already.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../support/postgres";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { bumpHistoryVersion, upsertHistoryOrders, type HistoryOrderRow } from "~/history/history-store.server";
import { syncSegments } from "~/analytics/segment-sync.server";
import { fireQueuedTriggers, queueMemberAtRiskTriggers } from "~/engagement/flow-triggers.server";
import { startShopifyStandin, type ShopifyStandin } from "../shopify-standin/index";
import { startReceiver } from "../shopify-standin/testing";
import { standinAdminGraphql } from "../support/standin-admin";

const SHOP = "at-risk.myshopify.com";
const NOW = new Date("2026-06-30T12:00:00Z");
const DAY = 86_400_000;
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let db: Database;
let testDb: OpenTestDatabase;
const ids = { regular: "", quiet: "" };

const graphql = ((query: string, options?: { variables?: Record<string, unknown> }) => standinAdminGraphql(standin, SHOP)(query, options)) as AdminGraphql;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
let nextOrder = 1;
const order = (customerId: string, at: Date): HistoryOrderRow => ({ id: String(nextOrder++), customerId, createdAt: at, updatedAt: at, amountMinor: 2500, currency: "EUR", cancelledAt: null });
const triggers = () => (standin.state.shops[SHOP].flowTriggers ?? []).filter((x) => x.handle === "treue-member-at-risk").map((x) => x.payload);

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-test-key", apiSecret: "treue-test-secret", appUrl: receiver.url });
  for (const key of Object.keys(ids) as (keyof typeof ids)[]) ids[key] = String((await standin.createCustomer({ email: `${key}@example.com` }, { shop: SHOP, webhooks: "none" })).id);
  testDb = await openTestDatabase();
  db = testDb.db;
  await db.prisma.shop.create({ data: { domain: SHOP, name: "At Risk", currency: "EUR" } });
  await db.prisma.member.create({ data: { shop: SHOP, customerId: ids.regular, points: 300, lifetimeEarned: 300, entryCount: 0 } });
  await upsertHistoryOrders(db.prisma, SHOP, "import", [
    order(ids.regular, daysAgo(200)), order(ids.regular, daysAgo(60)), // the top spender (VIP) now, at risk in 40 days
    order(ids.quiet, daysAgo(300)), order(ids.quiet, daysAgo(100)), // at risk from the start
  ]);
  await bumpHistoryVersion(db.prisma, SHOP);
});

afterAll(async () => {
  await testDb?.close();
  await standin?.close();
  await receiver?.close();
});

describe("the Member at risk trigger", () => {
  it("fires nothing for a shop's first sync", async () => {
    expect((await syncSegments(db.prisma, graphql, SHOP, { trigger: "admin", now: NOW })).changed).toBe(2);
    expect(await queueMemberAtRiskTriggers(db.prisma, new Date())).toEqual([]);
  });

  it("fires once for a member the sync moves into at risk, with where they came from and their points", async () => {
    expect((await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: new Date(NOW.getTime() + 40 * DAY) })).changed).toBe(1);
    expect(await db.prisma.segmentChange.findMany({ select: { customerId: true, fromSegment: true, toSegment: true } })).toEqual([
      { customerId: BigInt(ids.regular), fromSegment: "vip", toSegment: "atRisk" },
    ]);
    expect(await queueMemberAtRiskTriggers(db.prisma, new Date())).toEqual([SHOP]);
    expect(await queueMemberAtRiskTriggers(db.prisma, new Date())).toEqual([]);
    expect(await fireQueuedTriggers(db.prisma, SHOP, async () => graphql)).toEqual({ sent: 1, failed: 0 });
    expect(triggers()).toEqual([{ customer_id: Number(ids.regular), "Previous segment": "VIP", "Points balance": 300 }]);
    // Moving on to lost is no new at-risk news.
    await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: new Date(NOW.getTime() + 150 * DAY) });
    expect(await queueMemberAtRiskTriggers(db.prisma, new Date())).toEqual([]);
  });
});
