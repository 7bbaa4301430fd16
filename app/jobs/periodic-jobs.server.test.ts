// The job runner without a database: on-demand runs, failures and a held lease. The lease is tested against
// PostgreSQL in tests/integration/points-jobs.test.ts.
import type { PrismaClient } from "@prisma/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runAllJobsOnce, runJobOnce, type PeriodicJob } from "./periodic-jobs.server";

const db = {} as PrismaClient;
const noLock = { advisoryLock: false, log: () => {} };

afterEach(() => vi.useRealTimers());

describe("periodic jobs", () => {
  it("runs each job once on demand and reports a failure instead of throwing", async () => {
    const log = vi.fn();
    const ran: string[] = [];
    const jobs: PeriodicJob[] = [
      { name: "a", everyMs: 1000, run: async (_db, now) => void ran.push(`a@${now.toISOString()}`) },
      { name: "broken", everyMs: 1000, run: async () => { throw new Error("boom"); } },
      { name: "b", everyMs: 1000, run: async () => void ran.push("b") },
    ];
    const now = new Date("2026-01-01T00:00:00Z");
    expect(await runAllJobsOnce(db, jobs, now, { advisoryLock: false, log })).toEqual({ a: "ran", broken: "failed", b: "ran" });
    expect(ran).toEqual(["a@2026-01-01T00:00:00.000Z", "b"]);
    expect(log).toHaveBeenCalledWith("[treue] periodic job broken failed:", expect.objectContaining({ message: "boom" }));
  });

  it("skips the run when another instance holds the job's lease", async () => {
    const run = vi.fn(async () => {});
    // The claim returns no row: the lease is held and not lapsed.
    const held = { $queryRawUnsafe: async () => [], $executeRawUnsafe: async () => 0 } as unknown as PrismaClient;
    expect(await runJobOnce(held, { name: "j", everyMs: 1, run }, new Date())).toBe("skipped-locked");
    expect(run).not.toHaveBeenCalled();
  });
});
