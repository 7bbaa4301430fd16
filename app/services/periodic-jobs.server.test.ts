// The job runner without a database: timers, failures and stopping. The lease is tested against
// PostgreSQL in tests/integration/points-jobs.test.ts.
import type { PrismaClient } from "@prisma/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runAllJobsOnce, runJobOnce, startPeriodicJobs, type PeriodicJob } from "./periodic-jobs.server";

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

  it("runs a job on its timer after the first delay, skips a tick while a run is in progress, and stops", async () => {
    vi.useFakeTimers();
    let calls = 0;
    let release: () => void = () => {};
    const job: PeriodicJob = { name: "slow", everyMs: 100, run: () => { calls++; return new Promise<void>((r) => (release = r)); } };
    const handle = startPeriodicJobs(db, [job], { ...noLock, firstRunDelayMs: 50 });
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(300); // still running: ticks are skipped
    expect(calls).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    release();
    await handle.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
  });

  it("refuses two jobs with one name", () => {
    const job: PeriodicJob = { name: "x", everyMs: 10, run: async () => {} };
    expect(() => startPeriodicJobs(db, [job, job], noLock)).toThrow(/two periodic jobs are named x/);
  });

  it("skips the run when another instance holds the job's lease", async () => {
    const run = vi.fn(async () => {});
    // The claim returns no row: the lease is held and not lapsed.
    const held = { $queryRawUnsafe: async () => [], $executeRawUnsafe: async () => 0 } as unknown as PrismaClient;
    expect(await runJobOnce(held, { name: "j", everyMs: 1, run }, new Date())).toBe("skipped-locked");
    expect(run).not.toHaveBeenCalled();
  });
});

describe("periodic jobs in one process", () => {
  it("run one at a time", async () => {
    vi.useFakeTimers();
    let running = 0;
    let most = 0;
    const slow = (name: string): PeriodicJob => ({
      name,
      everyMs: 1000,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 100));
        running--;
      },
    });
    const handle = startPeriodicJobs(db, [slow("a"), slow("b"), slow("c")], { ...noLock, firstRunDelayMs: 10 });
    await vi.advanceTimersByTimeAsync(500);
    expect(most).toBe(1);
    await handle.stop();
  });
});
