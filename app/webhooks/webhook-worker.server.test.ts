// The inbox and worker on embedded PostgreSQL: duplicates are one event, failures retry with
// backoff and are parked, never lost; a handler's writes and the status change commit together.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { recordWebhook } from "./webhook-inbox.server";
import { MAX_ATTEMPTS, UnusablePayloadError, WebhookWorker, retryDelayMs, topicHandler, type BatchWebhookStep } from "./webhook-worker.server";

let db: Database;
let testDb: OpenTestDatabase;
beforeAll(async () => {
  testDb = await openTestDatabase();
  db = testDb.db;
});
afterAll(async () => testDb?.close());
beforeEach(async () => {
  await db.prisma.webhookEvent.deleteMany();
  await db.prisma.shop.deleteMany();
});

const webhook = (eventId: string, topic = "SHOP_TOUCH", extra: Record<string, unknown> = {}) => ({
  shop: "a.myshopify.com",
  topic,
  webhookId: `wh-${eventId}`,
  eventId,
  apiVersion: "2026-10",
  triggeredAt: "2026-11-20T10:00:00.000Z",
  payload: { name: `Shop ${eventId}`, ...extra },
});

describe("recordWebhook", () => {
  it("records a redelivered event once", async () => {
    expect(await recordWebhook(db.sql, webhook("e1"))).toEqual({ duplicate: false });
    expect(await recordWebhook(db.sql, webhook("e1"))).toEqual({ duplicate: true });
    expect(await db.prisma.webhookEvent.count()).toBe(1);
  });

  it("falls back to the webhook id when Shopify sends no event id", async () => {
    await recordWebhook(db.sql, { ...webhook("x"), eventId: undefined, webhookId: "wh-9" });
    await recordWebhook(db.sql, { ...webhook("x"), eventId: undefined, webhookId: "wh-9" });
    const events = await db.prisma.webhookEvent.findMany();
    expect(events.map((e) => e.eventId)).toEqual(["webhook:wh-9"]);
  });
});

describe("WebhookWorker", () => {
  it("applies each event exactly once, even when drained twice", async () => {
    let calls = 0;
    const worker = new WebhookWorker(db.prisma, {
      SHOP_TOUCH: async (tx, event) => {
        calls++;
        await tx.shop.create({ data: { domain: `${event.eventId}.myshopify.com` } });
      },
    });
    await recordWebhook(db.sql, webhook("e1"));
    await recordWebhook(db.sql, webhook("e2"));
    expect(await worker.drain()).toBe(2);
    expect(await worker.drain()).toBe(0);
    expect(calls).toBe(2);
    expect(await db.prisma.webhookEvent.count({ where: { status: "processed" } })).toBe(2);
  });

  it("leaves topics without a handler waiting, not dropped", async () => {
    const worker = new WebhookWorker(db.prisma, {});
    await recordWebhook(db.sql, webhook("e1", "ORDERS_CREATE"));
    expect(await worker.drain()).toBe(0);
    expect((await db.prisma.webhookEvent.findFirstOrThrow()).status).toBe("received");
  });

  it("rolls back a failing handler's writes, retries with backoff and parks after the last attempt", async () => {
    const worker = new WebhookWorker(db.prisma, {
      SHOP_TOUCH: async (tx) => {
        await tx.shop.create({ data: { domain: "half-written.myshopify.com" } });
        throw new Error("poison");
      },
    });
    await recordWebhook(db.sql, webhook("bad"));
    let clock = Date.now() + 1000; // after the event was received
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await worker.drain(() => new Date(clock));
      const event = await db.prisma.webhookEvent.findFirstOrThrow();
      expect(event.attempts).toBe(attempt);
      expect(event.lastError).toContain("poison");
      expect(event.status).toBe(attempt < MAX_ATTEMPTS ? "received" : "parked");
      // Not retried before its backoff has passed.
      expect(await worker.drain(() => new Date(clock + retryDelayMs(attempt) - 1))).toBe(0);
      clock += retryDelayMs(attempt);
    }
    expect(await db.prisma.shop.count()).toBe(0);
  });

  it("backs off exponentially up to ten minutes", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30)).toBe(600_000);
  });
});

describe("WebhookInbox group commit", () => {
  it("writes a burst of concurrent deliveries, each once, and tells duplicates apart", async () => {
    const { WebhookInbox } = await import("./webhook-inbox.server");
    const inbox = new WebhookInbox(db.sql, 7);
    const deliveries = Array.from({ length: 40 }, (_, i) => webhook(`burst-${i % 25}`));
    const results = await Promise.all(deliveries.map((d) => inbox.record(d)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(25);
    expect(await db.prisma.webhookEvent.count({ where: { eventId: { startsWith: "burst-" } } })).toBe(25);
    const again = await inbox.record(webhook("burst-3"));
    expect(again.duplicate).toBe(true);
    const stored = await db.prisma.webhookEvent.findFirstOrThrow({ where: { eventId: "burst-3" } });
    expect(stored.payload).toEqual({ name: "Shop burst-3" });
    expect(stored.triggeredAt?.toISOString()).toBe("2026-11-20T10:00:00.000Z");
  });

  it("fails every delivery of a batch that could not be written, so none is acknowledged", async () => {
    const { WebhookInbox } = await import("./webhook-inbox.server");
    const inbox = new WebhookInbox(db.sql);
    const bad = { ...webhook("bad-shop"), shop: null as unknown as string };
    await expect(inbox.record(bad)).rejects.toThrow();
    expect(await db.prisma.webhookEvent.count({ where: { eventId: "bad-shop" } })).toBe(0);
  });
});

describe("WebhookWorker batches", () => {
  it("rolls back only the failing event of a batch: the others commit, it is retried or parked", async () => {
    const worker = new WebhookWorker(db.prisma, {
      SHOP_TOUCH: async (tx, event) => {
        await tx.shop.create({ data: { domain: `${event.eventId}.myshopify.com` } });
        if (event.eventId === "b2") await tx.$executeRawUnsafe("SELECT 1/0"); // a database error after a write
        if (event.eventId === "b3") throw new UnusablePayloadError("not a shop");
      },
    });
    for (const id of ["b1", "b2", "b3", "b4"]) await recordWebhook(db.sql, webhook(id));
    expect(await worker.drain()).toBe(2);
    expect((await db.prisma.shop.findMany({ orderBy: { domain: "asc" } })).map((s) => s.domain)).toEqual(["b1.myshopify.com", "b4.myshopify.com"]);
    const byId = Object.fromEntries((await db.prisma.webhookEvent.findMany()).map((e) => [e.eventId, e]));
    expect(byId.b2).toMatchObject({ status: "received", attempts: 1 });
    expect(byId.b2.lastError).toMatch(/PrismaClientKnownRequestError/);
    expect(byId.b3).toMatchObject({ status: "parked", attempts: 1, lastError: "SHOP_TOUCH: not a shop" });
    expect(byId.b4).toMatchObject({ status: "processed", attempts: 1 });
  });
});

describe("WebhookWorker set-based runs", () => {
  const at = (i: number) => ({ triggeredAt: `2026-11-20T10:00:0${i}.000Z` });

  it("runs each step over a run of consecutive events with the same steps, keeping triggered order", async () => {
    const log: string[] = [];
    const batched: BatchWebhookStep = {
      one: async (_tx, e) => void log.push(`one ${e.eventId}`),
      many: async (_tx, events) => void log.push(`many ${events.map((e) => e.eventId).join(",")}`),
    };
    const plain = async (_tx: unknown, e: { eventId: string }) => void log.push(`plain ${e.eventId}`);
    const orderSteps = [batched, plain];
    const worker = new WebhookWorker(db.prisma, {
      A: topicHandler(orderSteps),
      B: topicHandler(orderSteps), // the same steps: A and B events form one run
      C: topicHandler([plain]),
    });
    const topics = ["A", "B", "A", "C", "A"];
    for (const [i, topic] of topics.entries()) await recordWebhook(db.sql, { ...webhook(`r${i}`, topic), ...at(i) });
    expect(await worker.drain()).toBe(5);
    expect(log).toEqual(["many r0,r1,r2", "plain r0", "plain r1", "plain r2", "plain r3", "many r4", "plain r4"]);
  });

  it("splits a failing batch until the failing event is applied alone, then records only its failure", async () => {
    let manyCalls = 0;
    const step: BatchWebhookStep = {
      one: async (tx, e) => {
        if (e.eventId === "s13") throw new Error("poison");
        await tx.shop.create({ data: { domain: `${e.eventId}.myshopify.com` } });
      },
      many: async (tx, events) => {
        manyCalls++;
        for (const e of events) await step.one(tx, e);
      },
    };
    const worker = new WebhookWorker(db.prisma, { A: topicHandler([step]) }, 40);
    for (let i = 0; i < 40; i++) await recordWebhook(db.sql, { ...webhook(`s${i}`, "A"), triggeredAt: new Date(Date.parse("2026-11-20T10:00:00Z") + i * 1000).toISOString() });
    expect(await worker.drain()).toBe(39);
    expect(await db.prisma.shop.count()).toBe(39);
    const events = await db.prisma.webhookEvent.findMany({ where: { eventId: { startsWith: "s" } } });
    expect(events.filter((e) => e.status === "processed" && e.attempts === 1)).toHaveLength(39);
    expect(events.find((e) => e.eventId === "s13")).toMatchObject({ status: "received", attempts: 1 });
    // 40 → 20 + 20 → 10 + 10 → 5 + 5: four set-based levels, not forty single events.
    expect(manyCalls).toBeLessThanOrEqual(7);
  });
});
