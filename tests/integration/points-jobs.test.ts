// The points engine's periodic jobs against a real PostgreSQL database: expiry, reminders, birthday
// bonuses, tier review and the ledger check, each run twice (and concurrently) to show a re-run or a
// second app instance changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { databaseTarget, openDatabase, type Database } from "../../app/db/connection.server";
import type { LedgerEntry } from "../../app/points/domain/ledger";
import { addDays } from "../../app/points/domain/time";
import { saveLoyaltyProgram } from "../../app/points/loyalty-program.server";
import { runJobOnce, type PeriodicJob } from "../../app/jobs/periodic-jobs.server";
import { appendLedgerEntry, lockMember } from "../../app/points/points-ledger.server";
import { checkLedger, expirePoints, grantBirthdayBonuses, reviewTiers, upgradeTierAfterOrder, windowSpendOf } from "../../app/points/points-jobs.server";
import { spendInWindow, spendOfOrder } from "../../app/points/domain/tiers";
import { seededRandom } from "../../app/points/domain/simulation";
import { loadLoyaltyProgram } from "../../app/points/loyalty-program.server";
import { runScript } from "../../scripts/lib/run-cli";
import { createTestDatabase, ensureTemplateDatabase, type TestDatabase } from "../support/postgres";

const SHOP = "jobs-test.myshopify.com";
let database: TestDatabase;
let db: Database;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase(await ensureTemplateDatabase());
  db = await openDatabase(databaseTarget(database.url));
  prisma = db.prisma;
  await prisma.shop.create({ data: { domain: SHOP, currency: "EUR" } });
  const saved = await saveLoyaltyProgram(prisma, SHOP, {
    birthdayBonus: 50,
    vip: {
      windowDays: 365,
      tiers: [
        { id: "silver", name: "Silber", thresholdMinor: 50_000, multiplierPercent: 125 },
        { id: "gold", name: "Gold", thresholdMinor: 200_000, multiplierPercent: 150 },
      ],
    },
    expiry: { mode: "lots", months: 12, reminderDays: 14 },
  });
  expect(saved.ok).toBe(true);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

async function credit(customerId: string, key: string, points: number, at: Date, birthday?: string) {
  return prisma.$transaction(async (tx) => {
    const memberId = await lockMember(tx, SHOP, customerId, { seenAt: at });
    if (birthday) await tx.member.update({ where: { id: memberId }, data: { birthday } });
    const entry: LedgerEntry = { key, kind: "signup-bonus", customerId, points, at, availableAt: at };
    if (points > 0) await appendLedgerEntry(tx, SHOP, memberId, entry);
    return memberId;
  });
}
const member = (customerId: string) => prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId } } });
const entriesOf = (customerId: string) =>
  prisma.ledgerEntry.findMany({ where: { shop: SHOP, customerId }, orderBy: { id: "asc" }, select: { idempotencyKey: true, kind: true, points: true, at: true } });

describe("points expiry job", () => {
  it("GIVEN a lot expiring in 12 months WHEN the job runs before, at and after expiry, twice and at once THEN one reminder and one expiry entry", async () => {
    const earned = new Date("2025-01-10T09:00:00Z");
    await credit("100", "signup:100", 100, earned);

    // 20 days before expiry: nothing yet.
    expect(await expirePoints(prisma, new Date("2024-12-21T09:00:00Z"))).toMatchObject({ entriesPosted: 0, remindersRecorded: 0 });
    // Within the 14 reminder days: one reminder, whatever the number of runs.
    const remindAt = new Date("2025-12-30T09:00:00Z");
    await Promise.all([expirePoints(prisma, remindAt), expirePoints(prisma, remindAt)]);
    await expirePoints(prisma, addDays(remindAt, 1));
    const reminders = await prisma.pointsReminder.findMany({ where: { shop: SHOP, customerId: "100" } });
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ points: 100, expiresAt: new Date("2026-01-10T09:00:00Z"), covers: ["signup:100@2026-01-10T09:00:00.000Z"] });

    // After expiry, two instances at once and a third run later: one entry, dated at expiry.
    const after = new Date("2026-01-11T03:00:00Z");
    await Promise.all([expirePoints(prisma, after), expirePoints(prisma, after)]);
    await expirePoints(prisma, addDays(after, 2));
    expect((await entriesOf("100")).map((e) => [e.idempotencyKey, e.kind, e.points, e.at.toISOString()])).toEqual([
      ["signup:100", "signup-bonus", 100, "2025-01-10T09:00:00.000Z"],
      ["expire:signup:100:1", "expire", -100, "2026-01-10T09:00:00.000Z"],
    ]);
    expect(await member("100")).toMatchObject({ points: 0, expired: 100, entryCount: 2 });
  });

  it("uses the oldest lot first: only what is left of it expires", async () => {
    await credit("101", "signup:101", 80, new Date("2025-02-01T00:00:00Z"));
    await prisma.$transaction(async (tx) => {
      const id = await lockMember(tx, SHOP, "101", { seenAt: new Date("2025-02-01T00:00:00Z") });
      await appendLedgerEntry(tx, SHOP, id, { key: "referral:9", kind: "referral-bonus", customerId: "101", points: 40, at: new Date("2025-06-01T00:00:00Z"), availableAt: new Date("2025-06-01T00:00:00Z") });
      await appendLedgerEntry(tx, SHOP, id, { key: "redeem:r1", kind: "redeem", customerId: "101", points: -50, at: new Date("2025-07-01T00:00:00Z"), availableAt: new Date("2025-07-01T00:00:00Z") });
    });
    await expirePoints(prisma, new Date("2026-02-02T00:00:00Z"));
    await expirePoints(prisma, new Date("2026-02-02T00:00:00Z"));
    const expiries = (await entriesOf("101")).filter((e) => e.kind === "expire");
    expect(expiries.map((e) => [e.idempotencyKey, e.points])).toEqual([["expire:signup:101:1", -30]]);
    expect(await member("101")).toMatchObject({ points: 40, expired: 30 });
  });

  it("counts the months on the shop's calendar: points from 29 February in Auckland expire on its 28 February a year on", async () => {
    await prisma.shop.update({ where: { domain: SHOP }, data: { timezone: "Pacific/Auckland" } });
    try {
      // 11:30 UTC on 28 February 2024 is 00:30 on 29 February in Auckland (UTC+13); 12 months on there is
      // 00:30 on 28 February 2025 (the month has no 29th) = 11:30 UTC on 27 February. UTC months would say 28 February.
      await credit("102", "signup:102", 60, new Date("2024-02-28T11:30:00Z"));
      await expirePoints(prisma, new Date("2025-02-27T11:00:00Z"));
      expect((await entriesOf("102")).filter((e) => e.kind === "expire")).toEqual([]);
      await expirePoints(prisma, new Date("2025-02-27T12:00:00Z"));
      const expiries = (await entriesOf("102")).filter((e) => e.kind === "expire");
      expect(expiries.map((e) => [e.points, e.at.toISOString()])).toEqual([[-60, "2025-02-27T11:30:00.000Z"]]);
    } finally {
      await prisma.shop.update({ where: { domain: SHOP }, data: { timezone: null } });
    }
  });
});

describe("birthday bonus job", () => {
  it("posts the bonus once per member per year, 29 February on 28 February in other years", async () => {
    await credit("200", "unused", 0, new Date("2024-01-01T00:00:00Z"), "02-29");
    await credit("201", "unused", 0, new Date("2024-01-01T00:00:00Z"), "07-04");
    const feb28 = new Date("2025-02-28T06:00:00Z");
    const [a, b] = await Promise.all([grantBirthdayBonuses(prisma, feb28), grantBirthdayBonuses(prisma, feb28)]);
    expect(a.granted + b.granted).toBe(1);
    await grantBirthdayBonuses(prisma, new Date("2025-03-03T06:00:00Z"));
    expect((await entriesOf("200")).map((e) => [e.idempotencyKey, e.points, e.at.toISOString()])).toEqual([["birthday:200:2025", 50, "2025-02-28T00:00:00.000Z"]]);
    expect(await entriesOf("201")).toEqual([]);
    // Changing the birthday later in the year does not give a second bonus that year.
    await prisma.member.update({ where: { shop_customerId: { shop: SHOP, customerId: "200" } }, data: { birthday: "03-10" } });
    expect(await grantBirthdayBonuses(prisma, new Date("2025-03-12T06:00:00Z"))).toMatchObject({ granted: 0, alreadyGranted: 1 });
    // Next year it comes again.
    await grantBirthdayBonuses(prisma, new Date("2026-03-10T00:00:00Z"));
    expect((await entriesOf("200")).map((e) => e.idempotencyKey)).toEqual(["birthday:200:2025", "birthday:200:2026"]);
    expect(await member("200")).toMatchObject({ points: 100, lifetimeEarned: 100 });
  });

  it("follows the shop's calendar: a shop in Auckland grants a birthday when it begins there", async () => {
    await prisma.shop.update({ where: { domain: SHOP }, data: { timezone: "Pacific/Auckland" } });
    try {
      await credit("202", "unused", 0, new Date("2024-01-01T00:00:00Z"), "09-15");
      // 12:30 UTC on 14 September is 00:30 on 15 September in Auckland (UTC+12).
      expect(await grantBirthdayBonuses(prisma, new Date("2025-09-14T11:30:00Z"))).toMatchObject({ granted: 0 });
      expect(await grantBirthdayBonuses(prisma, new Date("2025-09-14T12:30:00Z"))).toMatchObject({ granted: 1 });
      expect((await entriesOf("202")).map((e) => [e.idempotencyKey, e.at.toISOString()])).toEqual([["birthday:202:2025", "2025-09-14T12:00:00.000Z"]]);
    } finally {
      await prisma.shop.update({ where: { domain: SHOP }, data: { timezone: null } });
    }
  });
});

describe("VIP tiers", () => {
  const order = async (orderId: string, customerId: string, createdAt: Date, subtotalMinor: number) => {
    const newest = { orderId, customerId, createdAt: createdAt.toISOString(), updatedAt: createdAt.toISOString(), cancelled: false, test: false, currentSubtotalMinor: subtotalMinor };
    await prisma.$executeRaw`
      INSERT INTO "OrderPoints" ("shop", "orderId", "customerId", "newest") VALUES (${SHOP}, ${orderId}, ${customerId}, ${JSON.stringify(newest)}::jsonb)
      ON CONFLICT ("shop", "orderId") DO UPDATE SET "newest" = EXCLUDED."newest"`;
  };

  it("upgrades at once on a qualifying order and downgrades only at the period end", async () => {
    const t0 = new Date("2025-05-01T12:00:00Z");
    await credit("300", "unused", 0, t0);
    await order("o-300-1", "300", t0, 60_000);
    const program = await loadLoyaltyProgram(prisma, SHOP);
    // The order step: joins silver at once, for a fresh period.
    await prisma.$transaction((tx) => upgradeTierAfterOrder(tx, SHOP, "300", program, t0));
    expect(await member("300")).toMatchObject({ tierId: "silver", tierPeriodEnd: addDays(t0, 365) });

    // A second order reaches gold: at once, with a new period.
    const t1 = addDays(t0, 30);
    await order("o-300-2", "300", t1, 150_000);
    await prisma.$transaction((tx) => upgradeTierAfterOrder(tx, SHOP, "300", program, t1));
    expect(await member("300")).toMatchObject({ tierId: "gold", tierPeriodEnd: addDays(t1, 365) });

    // Both orders refunded down to 100.00: the member stays gold until the period ends, however often the job runs.
    await order("o-300-1", "300", t0, 5_000);
    await order("o-300-2", "300", t1, 5_000);
    await reviewTiers(prisma, addDays(t1, 100));
    await reviewTiers(prisma, addDays(t1, 364));
    expect(await prisma.$transaction((tx) => upgradeTierAfterOrder(tx, SHOP, "300", program, addDays(t1, 200)))).toBeNull();
    expect(await member("300")).toMatchObject({ tierId: "gold" });

    // At the period end: no tier reached any more.
    await reviewTiers(prisma, addDays(t1, 365));
    await reviewTiers(prisma, addDays(t1, 366));
    expect(await member("300")).toMatchObject({ tierId: null, tierPeriodEnd: null });
  });

  it("at the period end keeps the tier the spend still reaches and renews it from the old end", async () => {
    const t0 = new Date("2025-01-01T00:00:00Z");
    await credit("301", "unused", 0, t0);
    await order("o-301-1", "301", t0, 250_000);
    await reviewTiers(prisma, t0);
    expect(await member("301")).toMatchObject({ tierId: "gold", tierPeriodEnd: addDays(t0, 365) });
    await order("o-301-2", "301", addDays(t0, 300), 60_000);
    await reviewTiers(prisma, addDays(t0, 370)); // a late run
    expect(await member("301")).toMatchObject({ tierId: "silver", tierPeriodEnd: addDays(addDays(t0, 370), 365) });
  });
});

describe("spend in the window, added up by the database", () => {
  it("equals spendOfOrder and spendInWindow over the same snapshots (cancelled, test, negative and missing subtotals, both window edges)", async () => {
    const random = seededRandom(15);
    const now = new Date("2026-03-01T10:00:00.000Z");
    const windowDays = 90;
    const edge = now.getTime() - windowDays * 86_400_000;
    const customers = Array.from({ length: 30 }, (_, i) => `spend-${i}`);
    const expected = new Map<string, Parameters<typeof spendInWindow>[0][number][]>();
    let n = 0;
    for (const customerId of customers) {
      const events = [];
      for (let k = Math.floor(random() * 6); k > 0; k--) {
        // Instants spread over twice the window, some exactly on its two edges and some a millisecond beside them.
        const pick = random();
        const at = new Date(pick < 0.1 ? edge : pick < 0.15 ? edge + 1 : pick < 0.2 ? now.getTime() : pick < 0.25 ? now.getTime() + 1 : edge - windowDays * 86_400_000 * 0.5 + random() * windowDays * 86_400_000 * 2);
        const snapshot = {
          orderId: `o-${n++}`,
          customerId,
          createdAt: at.toISOString(),
          cancelled: random() < 0.15,
          test: random() < 0.1,
          ...(random() < 0.1 ? {} : { currentSubtotalMinor: Math.round(random() * 20_000) - 2_000 }),
        };
        await prisma.$executeRaw`INSERT INTO "OrderPoints" ("shop", "orderId", "customerId", "newest") VALUES (${SHOP}, ${snapshot.orderId}, ${customerId}, ${JSON.stringify(snapshot)}::jsonb)`;
        events.push(spendOfOrder({ createdAt: at, cancelled: snapshot.cancelled, test: snapshot.test, currentSubtotalMinor: snapshot.currentSubtotalMinor ?? 0 }));
      }
      expected.set(customerId, events);
    }
    const summed = await windowSpendOf(prisma, SHOP, customers, now, windowDays);
    let nonZero = 0;
    for (const customerId of customers) {
      const want = spendInWindow(expected.get(customerId)!, now, windowDays);
      if (want > 0) nonZero++;
      expect(summed.get(customerId) ?? 0, customerId).toBe(want);
    }
    expect(nonZero).toBeGreaterThan(10);
  });
});

describe("ledger check", () => {
  it("finds a tampered cached balance, fixes it, and the CLI agrees", async () => {
    expect((await checkLedger(prisma)).drifted).toEqual([]);
    await prisma.member.update({ where: { shop_customerId: { shop: SHOP, customerId: "101" } }, data: { points: 9_999, entryCount: 1 } });

    const cli = (args: string[]) => runScript("scripts/ledger-check.ts", args);
    const env = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database.url;
    try {
      const found = cli([]);
      expect(found.status).toBe(1);
      expect(found.stdout).toMatch(/customer 101 .*points 9999 → 40, entryCount 1 → 4/);

      const report = await checkLedger(prisma, { pageSize: 2 });
      expect(report.drifted.map((d) => [d.customerId, d.stored.points, d.rebuilt.points])).toEqual([["101", 9_999, 40]]);

      const fixed = cli(["--fix"]);
      expect(fixed.status).toBe(0);
      expect(fixed.stdout).toMatch(/1 drifted, 1 fixed/);
      expect(await member("101")).toMatchObject({ points: 40, lifetimeEarned: 120, lifetimeRedeemed: 50, expired: 30, entryCount: 4 });
      expect(cli([]).status).toBe(0);
      expect(cli(["--frobnicate"]).status).toBe(2);
    } finally {
      if (env === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = env;
    }
  });
});

describe("job runner on PostgreSQL", () => {
  it("lets only one of two instances run a job at a time", async () => {
    let running = 0;
    let most = 0;
    const job: PeriodicJob = {
      name: "test.slow",
      everyMs: 1000,
      async run() {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 300));
        running--;
      },
    };
    const outcomes = await Promise.all([runJobOnce(prisma, job, new Date()), runJobOnce(prisma, job, new Date())]);
    expect(outcomes.sort()).toEqual(["ran", "skipped-locked"]);
    expect(most).toBe(1);
    // Released when the run ends.
    expect(await runJobOnce(prisma, job, new Date())).toBe("ran");
  });

  it("renews the lease of a job that runs longer than the lease, and holds no transaction meanwhile", async () => {
    let release: () => void = () => {};
    const long: PeriodicJob = { name: "test.long", everyMs: 1000, run: () => new Promise<void>((r) => (release = r)) };
    const fast = { leaseMs: 300, renewMs: 50 };
    const first = runJobOnce(prisma, long, new Date(), fast);
    await new Promise((r) => setTimeout(r, 900)); // three lease lengths
    expect(await runJobOnce(prisma, long, new Date(), fast)).toBe("skipped-locked");
    const [{ n }] = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(n).toBe(0);
    release();
    expect(await first).toBe("ran");
    expect(await prisma.jobLease.count({ where: { name: "test.long" } })).toBe(0);
  });

  it("takes over the job of an instance that died holding its lease, once the lease lapsed", async () => {
    const job: PeriodicJob = { name: "test.orphan", everyMs: 1000, run: async () => {} };
    await prisma.jobLease.create({ data: { name: "test.orphan", holder: "a-dead-instance", expiresAt: new Date(Date.now() + 60_000) } });
    expect(await runJobOnce(prisma, job, new Date())).toBe("skipped-locked");
    await prisma.jobLease.update({ where: { name: "test.orphan" }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await runJobOnce(prisma, job, new Date())).toBe("ran");
  });
});
