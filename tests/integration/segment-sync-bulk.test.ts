// Segment sync by bulk mutation against the Shopify stand-in over real HTTP (staged upload as a signed
// multipart POST, bulkOperationRunMutation run line by line on the real schema, result JSONL, finish
// webhook): GIVEN 1,000 customers in five lifecycle segments, WHEN Treue syncs more changes than the
// bulk threshold, THEN the tags end up right via two bulk operations and no per-customer request; a
// second run changes nothing; a customer Shopify refuses is retried by the next run; a run that dies
// while Shopify works continues the same operation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../support/postgres";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { bumpHistoryVersion, upsertHistoryOrders, upsertHistoryRefunds, type HistoryOrderRow } from "~/history/history-store.server";
import { historySteps } from "~/history/history-webhooks.server";
import { whenHistoryImportNudged } from "~/history/history-import.server";
import { lastSegmentSync, segmentSyncStepsWith, syncSegments } from "~/analytics/segment-sync.server";
import { startShopifyStandin, type ShopifyStandin } from "../shopify-standin/index";
import { adminGraphql, startReceiver, waitFor } from "../shopify-standin/testing";
import { standinAdminGraphql } from "../support/standin-admin";

const SHOP = "segments-bulk.myshopify.com";
const NOW = new Date("2026-06-30T12:00:00Z");
const DAY = 86_400_000;
const CUSTOMERS = 1000;
let standin: ShopifyStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let db: Database;
let testDb: OpenTestDatabase;
const ids: string[] = [];

const graphql = ((query: string, options?: { variables?: Record<string, unknown> }) =>
  standinAdminGraphql(standin, SHOP)(query, options)) as AdminGraphql;

const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
let nextOrder = 1;
const order = (customerId: string, at: Date, amountMinor = 2500): HistoryOrderRow => ({
  id: String(nextOrder++), customerId, createdAt: at, updatedAt: at, amountMinor, currency: "EUR", cancelledAt: null,
});

// Customer i's history by i % 5, and the tag each should carry at NOW, NOW + 100 days and NOW + 200 days
// (new after 30 days of tenure is no longer new; 90 days without an order is at risk, 180 lost).
const KINDS = ["new", "lost", "atRisk", "vip", "active"] as const;
const kindOf = (i: number) => KINDS[i % 5];
const ORDERS_DAYS_AGO: Record<(typeof KINDS)[number], number[]> = {
  new: [10], lost: [400, 200], atRisk: [300, 100], vip: [300, 250, 120, 60, 5], active: [200, 20],
};
const TAG = { new: "treue:new", lost: "treue:lost", atRisk: "treue:at-risk", vip: "treue:vip", active: "treue:active" } as const;

function tagsInShopify(): Map<string, string[]> {
  return new Map(standin.state.shops[SHOP].customers.map((c) => [String(c.id), c.tags]));
}
const treueTags = (tags: string[]) => tags.filter((t) => t.startsWith("treue:"));
const requestsNamed = (name: string) => standin.requests.filter((r) => r.shop === SHOP && r.operationName === name).length;
const bulkMutations = () => standin.state.shops[SHOP].bulkOperations.filter((b) => b.type === "MUTATION");

beforeAll(async () => {
  receiver = await startReceiver();
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-test-key", apiSecret: "treue-test-secret", appUrl: receiver.url });
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = await standin.createCustomer({ email: `c${i}@example.com`, tags: i % 10 === 0 ? ["newsletter"] : [] }, { shop: SHOP, webhooks: "none" });
    ids.push(String(c.id));
  }
  testDb = await openTestDatabase();
  db = testDb.db;
  await db.prisma.shop.create({ data: { domain: SHOP, name: "Segments", currency: "EUR" } });
  await upsertHistoryOrders(db.prisma, SHOP, "import", ids.flatMap((id, i) => ORDERS_DAYS_AGO[kindOf(i)].map((d) => order(id, daysAgo(d)))));
  await bumpHistoryVersion(db.prisma, SHOP);
}, 60_000);

afterAll(async () => {
  await testDb?.close();
  await standin?.close();
  await receiver?.close();
});

describe("segment sync by bulk mutation", () => {
  it("tags 1,000 changed customers with two bulk operations and no per-customer request", async () => {
    const result = await syncSegments(db.prisma, graphql, SHOP, { trigger: "import", now: NOW, pollMs: 20 });
    expect(result).toEqual({ changed: CUSTOMERS, requests: 0, failed: 0, bulkOperations: 2 });
    expect(requestsNamed("SegmentTagsSet") + requestsNamed("SegmentTagsRemove")).toBe(0);
    expect(requestsNamed("SegmentStagedUpload")).toBe(2);
    expect(requestsNamed("SegmentBulkRun")).toBe(2);
    expect(bulkMutations().map((b) => [b.status, b.objectCount])).toEqual([["COMPLETED", CUSTOMERS], ["COMPLETED", CUSTOMERS]]);
    const tags = tagsInShopify();
    ids.forEach((id, i) => {
      expect(treueTags(tags.get(id)!)).toEqual([TAG[kindOf(i)]]);
      if (i % 10 === 0) expect(tags.get(id)).toContain("newsletter");
    });
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "completed", changed: CUSTOMERS, pending: 0, error: null });
    expect(await db.prisma.segmentSyncBulk.count()).toBe(0);
    expect(await db.prisma.segmentSyncBulkCustomer.count()).toBe(0);
    // Shopify said when each finished; the stand-in signs and sends it like any webhook.
    await waitFor(() => receiver.received.filter((w) => w.path.endsWith("/bulk_operations/finish") && JSON.parse(w.rawBody).type === "mutation").length === 2);
  });

  it("changes nothing on a second run", async () => {
    const before = bulkMutations().length;
    expect(await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: NOW, pollMs: 20 })).toEqual({ changed: 0, requests: 0, failed: 0, bulkOperations: 0 });
    expect(bulkMutations().length).toBe(before);
  });

  it("keeps a refused customer's old tag and retries them on the next run; strips customers who left every segment", async () => {
    // 100 days on: new, vip and active customers become at risk, at-risk ones lost. The new customers'
    // only orders are refunded in full, so they leave every segment instead.
    const later = new Date(NOW.getTime() + 100 * DAY);
    const refunds = ids.flatMap((id, i) => (kindOf(i) === "new" ? [{ id: String(900_000 + i), orderId: String(orderIdOf(i)), createdAt: daysAgo(1), amountMinor: 2500 }] : []));
    await upsertHistoryRefunds(db.prisma, SHOP, "webhook", refunds);
    await bumpHistoryVersion(db.prisma, SHOP);
    standin.injectFault({ operation: "tagsAdd", kind: "USER_ERROR", times: 3, message: "Tags could not be saved right now" });

    const result = await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: later, pollMs: 20 });
    expect(result).toMatchObject({ changed: 797, failed: 3, bulkOperations: 2 });
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "failed", pending: 3, error: expect.stringMatching(/refused the segment tags of 3 customer.*Tags could not be saved right now/) });
    const expectedLater = (i: number) => (kindOf(i) === "new" ? [] : kindOf(i) === "atRisk" || kindOf(i) === "lost" ? [TAG.lost] : [TAG.atRisk]);
    let tags = tagsInShopify();
    const refused = ids.filter((id, i) => JSON.stringify(treueTags(tags.get(id)!)) !== JSON.stringify(expectedLater(i)));
    expect(refused).toHaveLength(3);
    // A refused customer keeps the tag they had (not none): the remove phase left them out.
    for (const id of refused) expect(treueTags(tags.get(id)!)).toEqual([TAG[kindOf(ids.indexOf(id))]]);

    // The next run sends just those three, one request (below the bulk threshold).
    const retry = await syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: later, pollMs: 20 });
    expect(retry).toEqual({ changed: 3, requests: 1, failed: 0, bulkOperations: 0 });
    tags = tagsInShopify();
    ids.forEach((id, i) => expect(treueTags(tags.get(id)!)).toEqual(expectedLater(i)));
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "completed", error: null });
  });

  it("continues the running Shopify operation after the app died while waiting for it", async () => {
    // 200 days on, everyone with a segment is lost: the 400 who were at risk change.
    const later = new Date(NOW.getTime() + 200 * DAY);
    const before = bulkMutations().length;
    const crash = () => Promise.reject(new Error("process killed"));
    await expect(syncSegments(db.prisma, graphql, SHOP, { trigger: "schedule", now: later, pollMs: 20, waitForShopify: crash })).rejects.toThrow(/process killed/);
    const round = await db.prisma.segmentSyncBulk.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(round).toMatchObject({ phase: "add", customers: 400, operationId: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/) });
    expect(await lastSegmentSync(db.prisma, SHOP)).toMatchObject({ status: "failed", error: "process killed" });
    await waitFor(() => bulkMutations().at(-1)?.status === "COMPLETED");

    // The finish webhook of our operation is what restarts the round when no run waits for it.
    const resumed: string[] = [];
    const step = segmentSyncStepsWith((shop) => resumed.push(shop)).BULK_OPERATIONS_FINISH[0] as (tx: unknown, e: unknown) => Promise<void>;
    const event = (id: string, type: string) => ({ shop: SHOP, payload: { admin_graphql_api_id: id, type } });
    await step(db.prisma, event("gid://shopify/BulkOperation/1", "mutation")); // not ours
    await step(db.prisma, event(round.operationId!, "query")); // a bulk query: the history import's
    await new Promise((r) => setImmediate(r));
    expect(resumed).toEqual([]);
    await step(db.prisma, event(round.operationId!, "mutation"));
    await new Promise((r) => setImmediate(r));
    expect(resumed).toEqual([SHOP]);

    const result = await syncSegments(db.prisma, graphql, SHOP, { trigger: "resume", now: later, pollMs: 20 });
    // The add operation was not started again: one resumed, one new (remove).
    expect(result).toEqual({ changed: 400, requests: 0, failed: 0, bulkOperations: 2 });
    expect(bulkMutations().length - before).toBe(2);
    const tags = tagsInShopify();
    ids.forEach((id, i) => expect(treueTags(tags.get(id)!)).toEqual(kindOf(i) === "new" ? [] : [TAG.lost]));
    expect(await db.prisma.segmentSyncBulk.count()).toBe(0);
  });

  it("leaves the history import's wait alone when a bulk mutation finishes", async () => {
    const wakes: string[] = [];
    const forget = whenHistoryImportNudged(SHOP, () => wakes.push("woken"));
    try {
      const step = historySteps.BULK_OPERATIONS_FINISH[0] as (tx: unknown, e: unknown) => Promise<void>;
      await step(db.prisma, { shop: SHOP, payload: { admin_graphql_api_id: "gid://shopify/BulkOperation/5", type: "mutation" } });
      await new Promise((r) => setImmediate(r));
      expect(wakes).toEqual([]);
      await step(db.prisma, { shop: SHOP, payload: { admin_graphql_api_id: "gid://shopify/BulkOperation/6", type: "query" } });
      await new Promise((r) => setImmediate(r));
      expect(wakes).toEqual(["woken"]);
    } finally {
      forget();
    }
  });
});

/** The id of customer i's first order (orders were numbered in customer order). */
function orderIdOf(i: number): number {
  let n = 1;
  for (let k = 0; k < i; k++) n += ORDERS_DAYS_AGO[kindOf(k)].length;
  return n;
}

describe("segment sync by bulk mutation while Shopify is busy", () => {
  it("leaves the round for the next run when Shopify runs another bulk mutation, then finishes it", async () => {
    // An API version that allows one bulk mutation per shop, and a stand-in whose operations take ~2 s.
    const shop = "segments-busy.myshopify.com";
    const slow = await startShopifyStandin({ shop, apiKey: "treue-test-key", apiSecret: "treue-test-secret", bulkDelayMs: 1000 });
    try {
      const oldApi = standinAdminGraphql(slow, shop, "2025-10");
      const mine: string[] = [];
      for (let i = 0; i < 20; i++) mine.push(String((await slow.createCustomer({ email: `busy${i}@example.com` }, { shop, webhooks: "none" })).id));
      await db.prisma.shop.create({ data: { domain: shop, name: "Busy", currency: "EUR" } });
      await upsertHistoryOrders(db.prisma, shop, "import", mine.map((id) => order(id, daysAgo(400))));
      await bumpHistoryVersion(db.prisma, shop);

      // Another bulk mutation of the app (say, another feature's) is running.
      const stage = await adminGraphql(slow, `mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "x.jsonl", mimeType: "text/jsonl", httpMethod: POST }]) { stagedTargets { url parameters { name value } } } }`, {}, { shop });
      const target = stage.body.data.stagedUploadsCreate.stagedTargets[0] as { url: string; parameters: { name: string; value: string }[] };
      const form = new FormData();
      for (const p of target.parameters) form.append(p.name, p.value);
      form.append("file", new Blob([JSON.stringify({ id: `gid://shopify/Customer/${mine[0]}`, tags: ["other"] }) + "\n"]), "x.jsonl");
      expect((await fetch(target.url, { method: "POST", body: form })).status).toBe(201);
      const other = await adminGraphql(slow, `mutation($p: String!) { bulkOperationRunMutation(mutation: "mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }", stagedUploadPath: $p) { userErrors { message } } }`, { p: target.parameters.find((x) => x.name === "key")!.value }, { shop, version: "2025-10" });
      expect(other.body.data.bulkOperationRunMutation.userErrors).toEqual([]);

      await expect(syncSegments(db.prisma, oldApi, shop, { trigger: "schedule", now: NOW, pollMs: 50, bulkThreshold: 5 })).rejects.toThrow(/running other bulk mutations/);
      expect(await lastSegmentSync(db.prisma, shop)).toMatchObject({ status: "failed", error: expect.stringMatching(/already in progress/) });
      expect(await db.prisma.segmentSyncBulk.findUnique({ where: { shop } })).toMatchObject({ phase: "add", operationId: null, customers: 20 });

      await waitFor(() => slow.state.shops[shop].bulkOperations.every((b) => b.status === "COMPLETED"), 10_000);
      const result = await syncSegments(db.prisma, oldApi, shop, { trigger: "schedule", now: NOW, pollMs: 50, bulkThreshold: 5 });
      expect(result).toEqual({ changed: 20, requests: 0, failed: 0, bulkOperations: 2 });
      const tags = new Map(slow.state.shops[shop].customers.map((c) => [String(c.id), c.tags]));
      expect(mine.map((id) => treueTags(tags.get(id)!))).toEqual(mine.map(() => ["treue:lost"]));
    } finally {
      await slow.close();
    }
  });
});
