// A small runner for the app's periodic jobs (tier review, birthday bonuses, points expiry, …). Jobs are
// idempotent, so a missed or repeated run is harmless; a lease per job (the JobLease table) keeps two app
// instances from running the same job at the same time. A failing job is logged and tried again at its
// next tick; it never takes the server down.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";

export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(db: PrismaClient, now: Date): Promise<void>;
}

export interface PeriodicJobOptions {
  /**
   * Take the job's lease before running it (default), so that one instance of several runs it. A lease is
   * one statement to claim, one per renewal and one to release: no transaction or connection is held while
   * the job runs (behind a transaction pooler that would pin one of its few server connections for hours).
   */
  advisoryLock?: boolean;
  /** How long a lease lasts unless renewed; an instance that died releases its jobs after this long. */
  leaseMs?: number;
  /** How often a running job's lease is renewed. */
  renewMs?: number;
  /** Delay before each job's first run, so the server answers requests first. */
  firstRunDelayMs?: number;
  log?: (message: string, error?: unknown) => void;
  clock?: () => Date;
}

export type JobRunOutcome = "ran" | "skipped-locked" | "failed";

const defaultLog = (message: string, error?: unknown) => (error === undefined ? console.log(message) : console.error(message, error));

const LEASE_MS = 5 * 60_000;
const RENEW_MS = 60_000;

/** Claims the job's lease if it is free or lapsed; true when this holder has it now. */
async function claimLease(db: PrismaClient, name: string, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await sqlOf(db).query<{ holder: string }>(
    `INSERT INTO "JobLease" ("name", "holder", "expiresAt") VALUES ($1, $2, (now() AT TIME ZONE 'UTC') + $3 * interval '1 millisecond')
     ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt"
       WHERE "JobLease"."expiresAt" < (now() AT TIME ZONE 'UTC')
     RETURNING "holder"`,
    [name, holder, leaseMs],
  );
  return rows.length === 1 && rows[0].holder === holder;
}

/**
 * Runs `job` once at `now`. With `advisoryLock`, an instance that finds the job running elsewhere skips this
 * run. Errors are logged and reported as "failed", never thrown.
 */
export async function runJobOnce(db: PrismaClient, job: PeriodicJob, now: Date, opts: PeriodicJobOptions = {}): Promise<JobRunOutcome> {
  const log = opts.log ?? defaultLog;
  try {
    if (opts.advisoryLock === false) {
      await job.run(db, now);
      return "ran";
    }
    const holder = randomUUID();
    const leaseMs = opts.leaseMs ?? LEASE_MS;
    if (!(await claimLease(db, job.name, holder, leaseMs))) return "skipped-locked";
    // Renewed while the job runs; if this instance dies, the lease lapses and another takes the job.
    const renew = setInterval(() => {
      void sqlOf(db)
        .execute(`UPDATE "JobLease" SET "expiresAt" = (now() AT TIME ZONE 'UTC') + $3 * interval '1 millisecond' WHERE "name" = $1 AND "holder" = $2`, [job.name, holder, leaseMs])
        .catch((error: unknown) => log(`[treue] periodic job ${job.name}: lease not renewed:`, error));
    }, opts.renewMs ?? RENEW_MS);
    renew.unref();
    try {
      await job.run(db, now);
    } finally {
      clearInterval(renew);
      await sqlOf(db).execute(`DELETE FROM "JobLease" WHERE "name" = $1 AND "holder" = $2`, [job.name, holder]).catch(() => 0);
    }
    return "ran";
  } catch (error) {
    log(`[treue] periodic job ${job.name} failed:`, error);
    return "failed";
  }
}

/** Runs every job once, one after another (tests, and the ledger CLI). */
export async function runAllJobsOnce(db: PrismaClient, jobs: readonly PeriodicJob[], now = new Date(), opts: PeriodicJobOptions = {}): Promise<Record<string, JobRunOutcome>> {
  const out: Record<string, JobRunOutcome> = {};
  for (const job of jobs) out[job.name] = await runJobOnce(db, job, now, opts);
  return out;
}

export interface PeriodicJobsHandle {
  stop(): Promise<void>;
}

/**
 * Starts each job on its own timer (unref'd, so the timers never keep a process alive). Runs queue up one
 * after another; a job whose previous run is queued or has not finished skips the tick. `stop` clears the timers and waits for runs in progress.
 */
export function startPeriodicJobs(db: PrismaClient, jobs: readonly PeriodicJob[], opts: PeriodicJobOptions = {}): PeriodicJobsHandle {
  const names = new Set<string>();
  for (const job of jobs) {
    if (names.has(job.name)) throw new Error(`two periodic jobs are named ${job.name}`);
    if (!(job.everyMs > 0)) throw new Error(`periodic job ${job.name} needs everyMs > 0`);
    names.add(job.name);
  }
  const clock = opts.clock ?? (() => new Date());
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();
  // One job at a time in this process: each run holds a connection for its lock and uses others for its
  // work, and the webhook worker must keep most of the pool.
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = (job: PeriodicJob) => {
    if (stopped || running.has(job.name)) return;
    const run = queue.then(() => (stopped ? undefined : runJobOnce(db, job, clock(), opts))).finally(() => running.delete(job.name));
    queue = run;
    running.set(job.name, run);
  };
  for (const job of jobs) {
    const first = setTimeout(() => {
      tick(job);
      const every = setInterval(() => tick(job), job.everyMs);
      every.unref();
      timers.push(every);
    }, opts.firstRunDelayMs ?? 15_000);
    first.unref();
    timers.push(first);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...running.values()]);
    },
  };
}
