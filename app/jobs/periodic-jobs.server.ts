// How one periodic job (tier review, birthday bonuses, points expiry, …) runs once. The job engine schedules
// them (app/jobs/engine.server.ts: a cron schedule per job, once per cluster); the ledger CLI and tests run them
// on demand. Jobs are idempotent, so a missed or repeated run is harmless; a lease per job (the JobLease table)
// keeps a run on demand and a scheduled one from running the same job at the same time. A failing job is
// logged and reported, never thrown into the server.
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
  log?: (message: string, error?: unknown) => void;
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
