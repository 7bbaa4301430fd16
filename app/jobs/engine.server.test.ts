// The job engine on a real PostgreSQL (pg-boss installed by the migration runner): webhook apply jobs per shop,
// two engines sharing one database as two app instances do, retries and the dead-letter queue, graceful stop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { recordWebhook } from "~/webhooks/webhook-inbox.server";
import { WebhookWorker, type WebhookHandler } from "~/webhooks/webhook-worker.server";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import { cronFor, JobEngine, periodicQueue, QUEUES } from "./engine.server";
import { JOB_ENGINE_SCHEMA } from "./engine-schema.server";

let testDb: OpenTestDatabase;
beforeAll(async () => {
  testDb = await openTestDatabase();
});
afterAll(async () => testDb?.close());

const quiet = () => {};
const webhook = (shop: string, eventId: string, second: number) => ({
  shop,
  topic: "SHOP_TOUCH",
  webhookId: `wh-${shop}-${eventId}`,
  eventId,
  apiVersion: "2026-10",
  triggeredAt: new Date(Date.UTC(2026, 10, 20, 10, 0, second)).toISOString(),
  payload: { n: eventId },
});

describe("cronFor", () => {
  it("turns a job's period into a cron schedule, hourly and daily jobs at a minute of their own", () => {
    expect(cronFor({ name: "codes", everyMs: 60_000 })).toBe("* * * * *");
    expect(cronFor({ name: "cards", everyMs: 5 * 60_000 })).toBe("*/5 * * * *");
    expect(cronFor({ name: "tiers", everyMs: 3_600_000 })).toMatch(/^([0-9]|[1-5][0-9]) \* \* \* \*$/);
    expect(cronFor({ name: "ledger", everyMs: 86_400_000 })).toMatch(/^([0-9]|[1-5][0-9]) 3 \* \* \*$/);
    // The same minute wherever it is computed; another job usually gets another one.
    expect(cronFor({ name: "tiers", everyMs: 3_600_000 })).toBe(cronFor({ name: "tiers", everyMs: 3_600_000 }));
    expect(() => cronFor({ name: "odd", everyMs: 7 * 60_000 })).toThrow(/odd: every 420000 ms has no cron schedule/);
  });
});

describe("the job engine", () => {
  it("applies each shop's inbox once across two instances, one apply job of a shop at a time, in triggered order", { timeout: 60_000 }, async () => {
    const { db } = testDb;
    const applied: string[] = [];
    const inFlight = new Map<string, number>();
    let mostAtOnce = 0;
    const handler: WebhookHandler = async (_tx, event) => {
      applied.push(`${event.shop}/${event.eventId}`);
    };
    // Two instances: each its own worker and engine on the same database, polling slowly so that only the
    // jobs themselves (and the wake-up of the instance that sent one) move work.
    const instances = [0, 1].map(() => {
      const worker = new WebhookWorker(db.prisma, { SHOP_TOUCH: handler }, 7);
      const drain = worker.drain.bind(worker);
      worker.drain = async (now, shop) => {
        const n = (inFlight.get(shop!) ?? 0) + 1;
        inFlight.set(shop!, n);
        mostAtOnce = Math.max(mostAtOnce, n);
        try {
          await new Promise((r) => setTimeout(r, 100));
          return await drain(now, shop);
        } finally {
          inFlight.set(shop!, inFlight.get(shop!)! - 1);
        }
      };
      return new JobEngine({ url: db.target.url, prisma: db.prisma, webhooks: worker, periodicJobs: [], pollSeconds: 0.5, log: quiet });
    });
    await Promise.all(instances.map((e) => e.start()));
    try {
      const shops = ["a.myshopify.com", "b.myshopify.com", "c.myshopify.com"];
      // Deliveries arrive at either instance, some twice (Shopify retries), each followed by its apply job.
      for (let i = 0; i < 60; i++) {
        const shop = shops[i % 3];
        const instance = instances[i % 2];
        await recordWebhook(db.sql, webhook(shop, `e${String(i).padStart(2, "0")}`, i));
        if (i % 5 === 0) await recordWebhook(db.sql, webhook(shop, `e${String(i).padStart(2, "0")}`, i));
        // As the webhook route asks (coalesced, not awaited), or as the parked-events page does.
        if (i % 2) instance.requestApply(shop);
        else await instance.applySoon(shop);
        await new Promise((r) => setTimeout(r, 15)); // deliveries keep coming while jobs run
      }
      await expect.poll(() => applied.length, { timeout: 30_000, interval: 100 }).toBe(60);
      expect(new Set(applied).size).toBe(60);
      for (const shop of shops) {
        const ofShop = applied.filter((a) => a.startsWith(shop));
        expect(ofShop).toEqual([...ofShop].sort());
      }
      expect(mostAtOnce).toBe(1);
      expect(await db.prisma.webhookEvent.count({ where: { status: { not: "processed" } } })).toBe(0);
    } finally {
      await Promise.all(instances.map((e) => e.stop()));
    }
  });

  it("retries a failing periodic job with backoff, then keeps it in the dead-letter queue", { timeout: 60_000 }, async () => {
    const { db } = testDb;
    let runs = 0;
    const broken: PeriodicJob = {
      name: "always-broken",
      everyMs: 3_600_000,
      run: async () => {
        runs++;
        throw new Error("the shop's API is down");
      },
    };
    const engine = new JobEngine({
      url: db.target.url,
      prisma: db.prisma,
      webhooks: null,
      periodicJobs: [broken],
      firstRunDelayMs: 0,
      pollSeconds: 0.5,
      superviseSeconds: 1,
      retries: { retryLimit: 2, retryDelay: 1, retryBackoff: false },
      log: quiet,
    });
    await engine.start();
    try {
      await expect.poll(() => runs, { timeout: 30_000, interval: 200 }).toBe(3);
      await expect.poll(() => deadLetters(db, periodicQueue(broken)), { timeout: 30_000, interval: 500 }).toEqual({ failed: 1, deadLetters: 1 });
      // No fourth try.
      await new Promise((r) => setTimeout(r, 1500));
      expect(runs).toBe(3);
    } finally {
      await engine.stop();
    }
  });

  it("finishes the job in hand on stop, and sends a job for what the stop left over", { timeout: 60_000 }, async () => {
    const { db } = testDb;
    await db.prisma.webhookEvent.deleteMany();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const worker = new WebhookWorker(
      db.prisma,
      {
        SHOP_TOUCH: async (_tx, event) => {
          seen.push(event.eventId!);
          await gate;
        },
      },
      1,
    );
    const engine = new JobEngine({ url: db.target.url, prisma: db.prisma, webhooks: worker, periodicJobs: [], pollSeconds: 0.5, log: quiet });
    await engine.start();
    await recordWebhook(db.sql, webhook("d.myshopify.com", "s1", 1));
    await recordWebhook(db.sql, webhook("d.myshopify.com", "s2", 2));
    await engine.applySoon("d.myshopify.com");
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    const stopping = Promise.all([worker.stop(), engine.stop()]);
    setTimeout(release, 300);
    await stopping;
    // The batch in hand (one event) was committed; the other waits, with a job for the next instance.
    expect(await db.prisma.webhookEvent.findMany({ where: { shop: "d.myshopify.com" }, select: { eventId: true, status: true }, orderBy: { eventId: "asc" } })).toEqual([
      { eventId: "s1", status: "processed" },
      { eventId: "s2", status: "received" },
    ]);
    const waiting = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${JOB_ENGINE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry')`,
      [QUEUES.applyWebhooks, "d.myshopify.com"],
    );
    expect(waiting[0].n).toBe(1);
  });
});

/** How many jobs of each queue failed for good, and how many jobs the dead-letter queue holds. */
async function deadLetters(db: OpenTestDatabase["db"], queue: string): Promise<{ failed: number; deadLetters: number }> {
  const [row] = await db.sql.query<{ failed: number; dead: number }>(
    `SELECT (SELECT count(*)::int FROM ${JOB_ENGINE_SCHEMA}.job WHERE name = $1 AND state = 'failed') AS failed,
            (SELECT count(*)::int FROM ${JOB_ENGINE_SCHEMA}.job WHERE name = $2) AS dead`,
    [queue, QUEUES.failed],
  );
  return { failed: row.failed, deadLetters: row.dead };
}
