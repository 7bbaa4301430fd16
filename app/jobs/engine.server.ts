// Background work runs on pg-boss (docs/decisions/020), in PostgreSQL next to the data it changes: every app
// instance works the queues (SKIP LOCKED claiming), cron schedules fire once per cluster, failed jobs are
// retried with backoff and end in a dead-letter queue.
//
// - Webhooks: a delivery is recorded in the inbox (WebhookEvent, the durable record with Shopify's event key),
//   then an apply job for its shop is sent. The queue is "stately" by shop: at most one job of a shop runs and
//   one waits, so a shop's events are applied in order by one instance at a time while shops spread over all
//   instances. A sweep every minute (and at start) sends a job for every shop with due events: what was
//   acknowledged just before a crash, and retries whose backoff has passed.
// - Periodic jobs (tiers, birthdays, expiry, ledger check, codes, segment sync, dashboard, payload retention):
//   one cron schedule each; their queues are stately too, so a slow run is never doubled.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { PgBoss, type Job, type QueueOptions } from "pg-boss";
import { JOB_ENGINE_SCHEMA } from "./engine-schema.server";
import type { WebhookWorker } from "~/webhooks/webhook-worker.server";
import { runJobOnce, type PeriodicJob } from "~/jobs/periodic-jobs.server";
import { connectShopJobs, SHOP_JOBS, type ShopJob, type ShopJobData, type ShopJobHandler } from "./shop-jobs";
import { failedShopJobQueue } from "./failed-jobs.server";
import { sqlOf } from "~/db/connection.server";

export const QUEUES = {
  applyWebhooks: "webhooks.apply",
  sweepWebhooks: "webhooks.sweep",
  /** Jobs whose retries are used up, kept for people to look at and redrive. */
  failed: "jobs.failed",
} as const;

export const periodicQueue = (job: Pick<PeriodicJob, "name">) => `periodic.${job.name}`;

export interface JobEngineOptions {
  /** A postgresql:// URL (DATABASE_URL); the engine keeps its own small pool. */
  url: string;
  prisma: PrismaClient;
  /** Applies the inbox; null when this instance does not apply webhooks (WEBHOOK_WORKER=0). */
  webhooks: WebhookWorker | null;
  /** Scheduled and worked here; empty when PERIODIC_JOBS=0. */
  periodicJobs: readonly PeriodicJob[];
  /** The runs of one shop this instance works (history import, segment sync, CLV forecast); it sends all kinds. */
  shopJobs?: Partial<Record<ShopJob, ShopJobHandler>>;
  /** Seconds between supervision passes (expired and silent jobs are retried); pg-boss's minimum is 1. */
  superviseSeconds?: number;
  /** Each periodic job also runs this long after start (one waiting run per job in the cluster); null: never. */
  firstRunDelayMs?: number | null;
  /** Seconds between polls of an idle queue; a job sent by this instance wakes its worker at once. */
  pollSeconds?: number;
  /** Retries of a failed job, over the defaults (JOB_RETRIES sets the limit; tests shorten the delays). */
  retries?: Pick<QueueOptions, "retryLimit" | "retryDelay" | "retryBackoff" | "retryDelayMax">;
  log?: (message: string, error?: unknown) => void;
}

const defaultLog = (message: string, error?: unknown) => (error === undefined ? console.log(message) : console.error(message, error));

/** How long a job may run without its worker's heartbeat before the engine gives it to another instance. */
const HEARTBEAT_SECONDS = 10;

/** 2 s, 4 s, 8 s … up to 10 minutes between tries; then the job is dead-lettered. */
const RETRIES: QueueOptions = { retryLimit: 6, retryDelay: 2, retryBackoff: true, retryDelayMax: 600 };

/** A cron expression for a job's period: every n minutes, hourly at a minute of its own, or daily. */
export function cronFor(job: Pick<PeriodicJob, "name" | "everyMs">): string {
  const minutes = job.everyMs / 60_000;
  // Spread hourly and daily jobs over the hour, the same minute for a job on every instance.
  const minute = createHash("sha256").update(job.name).digest().readUInt16BE(0) % 60;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes < 60 && 60 % minutes === 0) return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
  if (minutes === 60) return `${minute} * * * *`;
  if (minutes === 24 * 60) return `${minute} 3 * * *`;
  throw new Error(`periodic job ${job.name}: every ${job.everyMs} ms has no cron schedule (use n minutes dividing an hour, an hour or a day)`);
}

export class JobEngine {
  private readonly boss: PgBoss;
  private readonly log: (message: string, error?: unknown) => void;
  private applyWorker: string | null = null;
  private started = false;
  private stopping = false;

  constructor(private readonly options: JobEngineOptions) {
    this.log = options.log ?? defaultLog;
    const scheduling = options.webhooks !== null || options.periodicJobs.length > 0;
    this.boss = new PgBoss({
      connectionString: options.url,
      schema: JOB_ENGINE_SCHEMA,
      application_name: "treue-jobs",
      max: 4,
      // Installed and upgraded by npm run db:migrate with the app's tables (engine-schema.server.ts).
      migrate: false,
      createSchema: false,
      schedule: scheduling,
      supervise: true,
      // Supervision (expired jobs, lapsed heartbeats) runs on the monitor's interval: both as often.
      superviseIntervalSeconds: options.superviseSeconds ?? 5,
      monitorIntervalSeconds: options.superviseSeconds ?? 5,
    });
    this.boss.on("error", (error) => this.log("[treue] job engine:", error));
  }

  async start(): Promise<void> {
    const { webhooks, periodicJobs } = this.options;
    const { retryDelayMax, ...retries } = { ...RETRIES, ...this.options.retries };
    // A maximum delay only bounds a backoff (pg-boss refuses it without one).
    if (retries.retryBackoff) Object.assign(retries, { retryDelayMax });
    await this.boss.start();
    this.started = true;
    await this.ensureQueue(QUEUES.failed, { retentionSeconds: 14 * 24 * 3600 });
    // Every instance creates the queues it sends to (idempotent), whether or not it works them.
    // A finished apply job only says "the shop's inbox was drained"; the inbox keeps what happened.
    await this.ensureQueue(QUEUES.applyWebhooks, {
      policy: "stately",
      heartbeatSeconds: HEARTBEAT_SECONDS,
      deadLetter: QUEUES.failed,
      deleteAfterSeconds: 3600,
      ...retries,
    });
    await this.ensureQueue(QUEUES.sweepWebhooks, { policy: "stately", deadLetter: QUEUES.failed, deleteAfterSeconds: 3600 });
    const poll = this.options.pollSeconds ?? 2;
    if (webhooks) {
      this.applyWorker = await this.boss.work<{ shop: string }>(
        QUEUES.applyWebhooks,
        { batchSize: 1, localConcurrency: 2, pollingIntervalSeconds: poll },
        async ([job]) => this.applyShop(job),
      );
      await this.boss.work(QUEUES.sweepWebhooks, { pollingIntervalSeconds: poll }, async () => void (await this.sweep()));
      await this.boss.schedule(QUEUES.sweepWebhooks, "* * * * *");
      // Whatever was acknowledged before this instance (or another) stopped is applied now.
      await this.sweep();
    }
    for (const queue of Object.values(SHOP_JOBS)) {
      await this.ensureQueue(queue, { policy: "stately", heartbeatSeconds: HEARTBEAT_SECONDS, deadLetter: QUEUES.failed, deleteAfterSeconds: 24 * 3600, ...retries });
      const handler = this.options.shopJobs?.[queue];
      if (handler) {
        const worker = await this.boss.work<{ shop: string } & ShopJobData>(queue, { pollingIntervalSeconds: poll, localConcurrency: 2 }, async ([job]) => {
          const { shop, ...data } = job.data;
          await handler(shop, data);
        });
        this.shopWorkers.set(queue, worker);
      }
    }
    connectShopJobs((queue, shop, data) => this.sendShopJob(queue, shop, data));
    for (const job of periodicJobs) {
      const queue = periodicQueue(job);
      await this.ensureQueue(queue, { policy: "stately", heartbeatSeconds: HEARTBEAT_SECONDS, deadLetter: QUEUES.failed, ...retries });
      await this.boss.work(queue, { pollingIntervalSeconds: poll }, async ([run]) => this.runPeriodic(job, run));
      await this.boss.schedule(queue, cronFor(job), null, { tz: "UTC" });
      const first = this.options.firstRunDelayMs;
      if (first !== null && first !== undefined) await this.boss.send(queue, null, { startAfter: new Date(Date.now() + first) });
    }
  }

  /**
   * Creates the queue, or brings an existing one's options to these (a release may change retries or
   * retention; the policy of a queue cannot change).
   */
  private async ensureQueue(name: string, options: QueueOptions & { policy?: "stately" | "standard"; deadLetter?: string }): Promise<void> {
    await this.boss.createQueue(name, options);
    const { policy: _policy, ...mutable } = options;
    await this.boss.updateQueue(name, mutable);
  }

  /**
   * Asks for the shop's inbox to be applied soon: a job is sent unless one of the shop's is already waiting
   * (it will see the new event), and this instance's worker looks at once instead of at its next poll.
   */
  async applySoon(shop: string): Promise<void> {
    if (!this.started || this.stopping) return;
    await this.sendApply(shop);
  }

  /**
   * Sends the shop's apply job, to start `after` a time if given; stately lets one job of the shop wait while
   * another runs, so this works from inside the running job too (and while stopping: the job is for another
   * instance). Only a job due now wakes this instance's worker.
   */
  private async sendApply(shop: string, after?: Date): Promise<void> {
    await this.boss.send(QUEUES.applyWebhooks, { shop }, { singletonKey: shop, ...(after ? { startAfter: after } : {}) });
    if (this.applyWorker && !after && !this.stopping) this.boss.notifyWorker(this.applyWorker);
  }

  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | null = null;

  /**
   * applySoon for a delivery just recorded, without waiting and without one send per delivery: shops asked for
   * while a send is in flight are sent together after it. Sound because every request is followed by a send that
   * starts after the event was committed: either it creates the shop's job or one is still waiting, which has not
   * started yet and so will see the event. If the process dies first, the sweep sends the job within a minute.
   */
  requestApply(shop: string): void {
    if (!this.started || this.stopping) return;
    this.dirty.add(shop);
    this.flushing ??= (async () => {
      try {
        while (this.dirty.size > 0 && !this.stopping) {
          const shops = [...this.dirty];
          this.dirty.clear();
          for (const one of shops) await this.applySoon(one).catch((error: unknown) => this.log("[treue] job engine, webhook apply job not sent:", error));
        }
      } finally {
        this.flushing = null;
      }
    })();
  }

  private readonly shopWorkers = new Map<string, string>();

  /**
   * Tries a shop's dead-lettered run again (the merchant's "Retry"). False when the job is not a failed run of
   * this shop; true also when another run of the shop waits already (it does the same work).
   */
  async retryFailedShopJob(shop: string, id: string): Promise<boolean> {
    const queue = await failedShopJobQueue(sqlOf(this.options.prisma), shop, id);
    if (!queue) return false;
    try {
      await this.boss.retry(queue, id);
    } catch (error) {
      // A waiting run of the shop holds the queue's one place: that run is the retry.
      console.warn(`[treue] job engine: ${queue} ${id} for ${shop} not retried, another run waits:`, (error as Error).message);
    }
    const worker = this.shopWorkers.get(queue);
    if (worker) this.boss.notifyWorker(worker);
    return true;
  }

  /** Queues a run of one shop (stately by shop: a no-op while one of the shop's waits). */
  async sendShopJob(queue: ShopJob, shop: string, data: ShopJobData = {}): Promise<void> {
    if (!this.started || this.stopping) throw new Error(`the job engine is stopping; ${queue} for ${shop} was not queued`);
    await this.boss.send(queue, { ...data, shop }, { singletonKey: shop });
    const worker = this.shopWorkers.get(queue);
    if (worker) this.boss.notifyWorker(worker);
  }

  /** Sends an apply job for every shop with due events; returns those shops. */
  async sweep(): Promise<string[]> {
    const webhooks = this.options.webhooks;
    if (!webhooks) return [];
    const shops = await webhooks.shopsWithDueEvents();
    for (const shop of shops) await this.applySoon(shop);
    return shops;
  }

  private async applyShop(job: Job<{ shop: string }>): Promise<void> {
    const webhooks = this.options.webhooks;
    if (!webhooks) throw new Error("this instance does not apply webhooks");
    const { shop } = job.data;
    await webhooks.drain(undefined, shop);
    // Events that failed wait for their retry time; a stop left the rest for the next job (any instance).
    const next = await webhooks.nextDue(shop);
    if (next) await this.sendApply(shop, next.getTime() > Date.now() ? next : undefined);
  }

  private async runPeriodic(job: PeriodicJob, run: Job<unknown>): Promise<void> {
    const outcome = await runJobOnce(this.options.prisma, job, new Date(), { log: this.log });
    // Thrown, so the engine retries it with backoff (and dead-letters it when the retries are used up).
    if (outcome === "failed") throw new Error(`periodic job ${job.name} failed (job ${run.id}); see the log above`);
  }

  /**
   * Graceful stop: nothing new is fetched; the jobs in hand finish (the webhook worker ends its drain after
   * the batch in hand) within `timeoutMs`, then the engine's pool closes. Jobs not finished in time are
   * given to another instance once their heartbeat lapses.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    connectShopJobs(null);
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
