// A small runner for the app's periodic jobs (tier review, birthday bonuses, points expiry, …). Jobs are
// idempotent, so a missed or repeated run is harmless; a PostgreSQL advisory lock per job keeps two app
// instances from running the same job at the same time. A failing job is logged and tried again at its
// next tick; it never takes the server down.
import type { PrismaClient } from "@prisma/client";

export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(db: PrismaClient, now: Date): Promise<void>;
}

export interface PeriodicJobOptions {
  /**
   * Take a transaction-scoped advisory lock per job (PostgreSQL servers). Embedded PostgreSQL has one
   * connection and one process, so it neither needs nor can hold one while the job runs.
   */
  advisoryLock?: boolean;
  /** Delay before each job's first run, so the server answers requests first. */
  firstRunDelayMs?: number;
  log?: (message: string, error?: unknown) => void;
  clock?: () => Date;
}

export type JobRunOutcome = "ran" | "skipped-locked" | "failed";

const defaultLog = (message: string, error?: unknown) => (error === undefined ? console.log(message) : console.error(message, error));

/** The advisory lock key of a job, stable across instances and releases. */
function lockName(job: PeriodicJob) {
  return `treue.periodic-job:${job.name}`;
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
    // The lock lives as long as this transaction: if the instance dies, PostgreSQL releases it.
    // The job itself works through `db` on other connections, in its own short transactions.
    let ran = false;
    await db.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${lockName(job)})) AS "locked"`;
        if (!locked) return;
        await job.run(db, now);
        ran = true;
      },
      { maxWait: 30_000, timeout: 6 * 60 * 60 * 1000 },
    );
    return ran ? "ran" : "skipped-locked";
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
