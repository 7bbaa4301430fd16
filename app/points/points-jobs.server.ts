// The points engine's scheduled parts: tier review, birthday bonuses, points expiry with reminders, and the
// ledger check that rebuilds members' cached totals from their entries. Each job is idempotent — every
// ledger entry it writes has a key naming its business event, and each member is handled under its row
// lock — so a re-run, or two app instances running at once, changes nothing.
import { Prisma, type PrismaClient } from "@prisma/client";
import { birthdaysPossiblyDue, parseBirthday } from "~/points/domain/birthday";
import { balanceFromKindTotals, expiryEntries, reminderDue, type CachedBalance, type ExpiryReminder, type LedgerEntry } from "~/points/domain/ledger";
import { birthdayBonusEntry } from "~/points/domain/entries";
import type { LoyaltyProgram } from "~/points/domain/program";
import { spendOfOrder, tierFor, tierForSpend, upgradeOnOrder, type HeldTier, type SpendEvent, type TierStanding } from "~/points/domain/tiers";
import { addDays, addMonths, MS_PER_DAY } from "~/points/domain/time";
import { loadLoyaltyProgram } from "./loyalty-program.server";
import { appendLedgerEntry, ledgerEntryFromRow, LedgerKeyConflictError, type Db } from "./points-ledger.server";
import type { PeriodicJob } from "~/jobs/periodic-jobs.server";
import { heldOutAmong, runningProgramTest } from "~/engagement/program-test.server";

const ts = (at: Date) => Prisma.sql`${at.toISOString()}::timestamp(3)`;

/** Installed shops whose program matches `wanted`, with their programs and time zones (UTC until known). */
async function programsOfInstalledShops(db: PrismaClient, wanted: (p: LoyaltyProgram) => boolean): Promise<{ shop: string; program: LoyaltyProgram; timeZone: string }[]> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true, timezone: true }, orderBy: { domain: "asc" } });
  const out: { shop: string; program: LoyaltyProgram; timeZone: string }[] = [];
  for (const { domain, timezone } of shops) {
    const program = await loadLoyaltyProgram(db, domain);
    if (wanted(program)) out.push({ shop: domain, program, timeZone: timezone ?? "UTC" });
  }
  return out;
}

interface LockedMember {
  id: bigint;
  customerId: string;
  tierId: string | null;
  tierPeriodEnd: Date | null;
  birthday: string | null;
  redactedAt: Date | null;
}

/** Locks a member row until the transaction ends; null if it is gone. */
async function lockMemberById(tx: Db, id: bigint): Promise<LockedMember | null> {
  const [row] = await tx.$queryRaw<LockedMember[]>`
    SELECT "id", "customerId", "tierId", "tierPeriodEnd", "birthday", "redactedAt" FROM "Member" WHERE "id" = ${id} FOR UPDATE`;
  return row ?? null;
}

async function ledgerOf(tx: Db, shop: string, memberId: bigint): Promise<LedgerEntry[]> {
  const rows = await tx.ledgerEntry.findMany({ where: { shop, memberId }, orderBy: { id: "asc" } });
  return rows.map(ledgerEntryFromRow);
}

// ---------------------------------------------------------------------------------------------------------
// VIP tiers

interface SpendRow {
  customerId: string;
  createdAt: string;
  subtotal: bigint | number | null;
  cancelled: boolean | null;
  test: boolean | null;
}

/** Spend events from the engine's order states (the newest snapshot of each order), optionally from `since` on. */
async function spendRows(db: Db, shop: string, customerId: string | null, since: Date | null): Promise<Map<string, SpendEvent[]>> {
  const rows = await db.$queryRaw<SpendRow[]>`
    SELECT "customerId", "newest"->>'createdAt' AS "createdAt", ("newest"->>'currentSubtotalMinor')::bigint AS "subtotal",
           ("newest"->>'cancelled')::boolean AS "cancelled", ("newest"->>'test')::boolean AS "test"
    FROM "OrderPoints"
    WHERE "shop" = ${shop} AND "newest" IS NOT NULL AND "customerId" IS NOT NULL
      ${customerId === null ? Prisma.empty : Prisma.sql`AND "customerId" = ${customerId}`}
      ${since === null ? Prisma.empty : Prisma.sql`AND ("newest"->>'createdAt')::timestamptz > ${since.toISOString()}::timestamptz`}`;
  const out = new Map<string, SpendEvent[]>();
  for (const r of rows) {
    const event = spendOfOrder({ createdAt: new Date(r.createdAt), currentSubtotalMinor: Number(r.subtotal ?? 0), cancelled: r.cancelled === true, test: r.test === true });
    const list = out.get(r.customerId) ?? [];
    list.push(event);
    out.set(r.customerId, list);
  }
  return out;
}

/** What an order's newest snapshot counts for towards tiers (spendOfOrder, in SQL). */
const SNAPSHOT_SPEND = Prisma.sql`CASE WHEN ("newest"->>'cancelled')::boolean OR ("newest"->>'test')::boolean THEN 0
  ELSE GREATEST(0, COALESCE(("newest"->>'currentSubtotalMinor')::bigint, 0)) END`;

/**
 * Each customer's spend in the window (now − windowDays, now], added up by the database. Snapshots store
 * instants as toISOString writes them, so their text (in "C" order) sorts as time does: the window is a range
 * of the index on (shop, customer, createdAt text), and a customer's orders outside it are never read.
 */
export async function windowSpendOf(db: Db, shop: string, customerIds: readonly string[], now: Date, windowDays: number): Promise<Map<string, number>> {
  if (customerIds.length === 0) return new Map();
  const since = new Date(now.getTime() - windowDays * MS_PER_DAY).toISOString();
  const rows = await db.$queryRaw<{ customerId: string; spend: bigint }[]>`
    SELECT "customerId", sum(${SNAPSHOT_SPEND})::bigint AS "spend" FROM "OrderPoints"
    WHERE "shop" = ${shop} AND "customerId" = ANY(${[...customerIds]}::text[]) AND "newest" IS NOT NULL
      AND ("newest"->>'createdAt') COLLATE "C" > ${since} AND ("newest"->>'createdAt') COLLATE "C" <= ${now.toISOString()}
    GROUP BY "customerId"`;
  return new Map(rows.map((r) => [r.customerId, Number(r.spend)]));
}

/**
 * The tiers the existing members among `customerIds` hold, their rows locked (in the order every writer of
 * members locks them) so that no other transaction moves their spend or tier until this one ends.
 */
export async function lockHeldTiers(db: Db, shop: string, customerIds: readonly string[]): Promise<Map<string, HeldTier>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ customerId: string; tierId: string | null; tierPeriodEnd: Date | null }[]>`
    SELECT "customerId", "tierId", "tierPeriodEnd" FROM "Member"
    WHERE "shop" = ${shop} AND "customerId" = ANY(${[...customerIds]}::text[])
    ORDER BY "customerId" COLLATE "C" FOR UPDATE`;
  return new Map(rows.map((r) => [r.customerId, { tierId: r.tierId, periodEnd: r.tierPeriodEnd }]));
}

/** Saves the tiers members moved up to during a run of orders (TierRun.upgrades), in one statement. */
export async function saveTierUpgrades(db: Db, shop: string, upgrades: readonly { customerId: string; tierId: string | null; periodEnd: Date | null }[]): Promise<void> {
  if (upgrades.length === 0) return;
  await db.$executeRaw`
    UPDATE "Member" m SET "tierId" = u.tier_id, "tierPeriodEnd" = u.period_end
      FROM json_to_recordset(${JSON.stringify(upgrades.map((u) => ({ customer_id: u.customerId, tier_id: u.tierId, period_end: u.periodEnd?.toISOString() ?? null })))}::json)
        AS u(customer_id text, tier_id text, period_end timestamp(3))
     WHERE m."shop" = ${shop} AND m."customerId" = u.customer_id`;
}

/** One customer's spend events from `since` on (the rewards page's progress to the next tier). */
export async function spendEventsOf(db: Db, shop: string, customerId: string, since: Date): Promise<SpendEvent[]> {
  return (await spendRows(db, shop, customerId, since)).get(customerId) ?? [];
}

function sameStanding(member: Pick<LockedMember, "tierId" | "tierPeriodEnd">, standing: TierStanding): boolean {
  return (member.tierId ?? null) === (standing.tier?.id ?? null) && (member.tierPeriodEnd?.getTime() ?? null) === (standing.periodEnd?.getTime() ?? null);
}

async function saveStanding(tx: Db, memberId: bigint, standing: TierStanding): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Member" SET "tierId" = ${standing.tier?.id ?? null},
      "tierPeriodEnd" = ${standing.periodEnd ? ts(standing.periodEnd) : Prisma.sql`NULL::timestamp(3)`}
    WHERE "id" = ${memberId}`;
}

/**
 * After an order: moves the member up at once if their spend now reaches a higher tier (or any tier).
 * The member row must already be locked by the caller's transaction. Downgrades wait for `reviewTiers`.
 */
export async function upgradeTierAfterOrder(tx: Db, shop: string, customerId: string, program: LoyaltyProgram, now: Date): Promise<TierStanding | null> {
  if (program.vip.tiers.length === 0) return null;
  const member = await tx.member.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { id: true, tierId: true, tierPeriodEnd: true } });
  if (!member) return null;
  const spend = (await windowSpendOf(tx, shop, [customerId], now, program.vip.windowDays)).get(customerId) ?? 0;
  const upgrade = upgradeOnOrder(tierForSpend(spend, now, program.vip, member.tierId, member.tierPeriodEnd));
  if (!upgrade) return null;
  await saveStanding(tx, member.id, upgrade);
  return upgrade;
}

export interface TierReviewReport {
  reviewed: number;
  changed: Record<TierStanding["change"], number>;
}

/**
 * Reviews every member who holds a tier or spent in the window: upgrades missed at order time, renewals and
 * downgrades at period end, and tiers the merchant removed. Each member is re-read under its lock.
 */
export async function reviewTiers(db: PrismaClient, now: Date): Promise<TierReviewReport> {
  const report: TierReviewReport = { reviewed: 0, changed: { joined: 0, upgraded: 0, downgraded: 0, renewed: 0, unchanged: 0 } };
  // Shops without tiers are reviewed too while members still hold a tier: a removed tier counts as none.
  for (const { shop, program } of await programsOfInstalledShops(db, () => true)) {
    const since = addDays(now, -program.vip.windowDays);
    const spenders = program.vip.tiers.length > 0 ? await spendRows(db, shop, null, since) : new Map<string, SpendEvent[]>();
    const members = await db.member.findMany({
      where: { shop, OR: [{ tierId: { not: null } }, { customerId: { in: [...spenders.keys()] } }] },
      select: { id: true, customerId: true, tierId: true, tierPeriodEnd: true },
      orderBy: { id: "asc" },
    });
    for (const m of members) {
      report.reviewed++;
      if (sameStanding(m, tierFor(spenders.get(m.customerId) ?? [], now, program.vip, m.tierId, m.tierPeriodEnd))) continue;
      const change = await db.$transaction(async (tx) => {
        const locked = await lockMemberById(tx, m.id);
        if (!locked) return null;
        const events = (await spendRows(tx, shop, locked.customerId, since)).get(locked.customerId) ?? [];
        const standing = tierFor(events, now, program.vip, locked.tierId, locked.tierPeriodEnd);
        if (sameStanding(locked, standing)) return null;
        await saveStanding(tx, locked.id, standing);
        // tierFor calls a removed tier "unchanged" when no tier is reached; it is a downgrade to none.
        return standing.change === "unchanged" ? "downgraded" : standing.change;
      });
      if (change) report.changed[change]++;
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------------
// Birthday bonus

export interface BirthdayReport {
  granted: number;
  alreadyGranted: number;
  /** Members a running test of the whole program holds out: no program, so no bonus. */
  heldOut: number;
}

/** Posts the birthday bonus to members whose birthday was today or in the grace days; once a year each. */
export async function grantBirthdayBonuses(db: PrismaClient, now: Date): Promise<BirthdayReport> {
  const report: BirthdayReport = { granted: 0, alreadyGranted: 0, heldOut: 0 };
  // Birthdays are the shop's calendar days (shop/update and the install keep its time zone).
  for (const { shop, program, timeZone } of await programsOfInstalledShops(db, (p) => p.birthdayBonus > 0)) {
    const candidates = birthdaysPossiblyDue(now, timeZone);
    const members = await db.member.findMany({
      where: { shop, birthday: { in: candidates }, redactedAt: null },
      select: { id: true, customerId: true, birthday: true },
      orderBy: { id: "asc" },
    });
    const heldOut = await heldOutAmong(db, shop, await runningProgramTest(db, shop), members.map((m) => ({ customerId: m.customerId, seenAt: now })));
    report.heldOut += heldOut.size;
    const due = members.flatMap((m) => {
      if (heldOut.has(m.customerId)) return [];
      const birthday = m.birthday ? parseBirthday(m.birthday) : null;
      const entry = birthday ? birthdayBonusEntry(program, m.customerId, birthday, now, timeZone) : null;
      return entry ? [{ memberId: m.id, entry }] : [];
    });
    if (due.length === 0) continue;
    // A member who changed their birthday after this year's bonus gets no second one: the key is per year.
    const granted = new Set(
      (await db.ledgerEntry.findMany({ where: { shop, idempotencyKey: { in: due.map((d) => d.entry.key) } }, select: { idempotencyKey: true } })).map((r) => r.idempotencyKey),
    );
    for (const { memberId, entry } of due) {
      if (granted.has(entry.key)) {
        report.alreadyGranted++;
        continue;
      }
      try {
        const outcome = await db.$transaction(async (tx) => {
          const locked = await lockMemberById(tx, memberId);
          if (!locked || locked.redactedAt) return null;
          return (await appendLedgerEntry(tx, shop, memberId, entry)).outcome;
        });
        if (outcome === "posted") report.granted++;
        else if (outcome === "duplicate") report.alreadyGranted++;
      } catch (error) {
        // Another instance granted it with the birthday as it was a moment ago.
        if (error instanceof LedgerKeyConflictError) report.alreadyGranted++;
        else throw error;
      }
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------------
// Expiry and reminders

export interface ExpiryReport {
  membersChecked: number;
  entriesPosted: number;
  pointsExpired: number;
  remindersRecorded: number;
}

/**
 * Expires what is due under each shop's expiry policy (entries dated when the points expired), gives back
 * expired points a later refund also took, and records a reminder for points expiring within the policy's
 * reminder days. Members whose oldest entry is too recent for anything to expire are not loaded.
 */
export async function expirePoints(db: PrismaClient, now: Date): Promise<ExpiryReport> {
  const report: ExpiryReport = { membersChecked: 0, entriesPosted: 0, pointsExpired: 0, remindersRecorded: 0 };
  for (const { shop, program, timeZone } of await programsOfInstalledShops(db, (p) => p.expiry.mode !== "off")) {
    const policy = program.expiry;
    if (policy.mode === "off") continue;
    // Nothing can expire (or be reminded of) before an entry's time + months; a few days' margin covers
    // month-end clamping in addMonths.
    const horizon = addDays(addMonths(addDays(now, policy.reminderDays), -policy.months), 4);
    const members = await db.$queryRaw<{ id: bigint }[]>`
      SELECT m."id" FROM "Member" m
      WHERE m."shop" = ${shop} AND (m."points" > 0 OR m."expired" <> 0)
        AND EXISTS (SELECT 1 FROM "LedgerEntry" e WHERE e."shop" = ${shop} AND e."memberId" = m."id"
                    AND LEAST(e."at", e."availableAt", COALESCE(e."orderCreatedAt", e."at")) <= ${ts(horizon)})
      ORDER BY m."id"`;
    for (const { id } of members) {
      report.membersChecked++;
      const done = await db.$transaction(async (tx) => {
        const locked = await lockMemberById(tx, id);
        if (!locked) return { posted: 0, expired: 0, reminded: 0 };
        const entries = await ledgerOf(tx, shop, id);
        let posted = 0;
        let expired = 0;
        for (const entry of expiryEntries(entries, now, policy, timeZone)) {
          if ((await appendLedgerEntry(tx, shop, id, entry)).outcome === "posted") {
            posted++;
            if (entry.kind === "expire") expired -= entry.points;
          }
          entries.push(entry);
        }
        const earlier = await tx.pointsReminder.findMany({ where: { shop, memberId: id }, orderBy: { id: "asc" } });
        const reminder = reminderDue(entries, now, policy, earlier.map(reminderFromRow), timeZone);
        let reminded = 0;
        if (reminder) {
          reminded = await tx.$executeRaw`
            INSERT INTO "PointsReminder" ("shop", "memberId", "customerId", "idempotencyKey", "at", "points", "expiresAt", "covers")
            VALUES (${shop}, ${id}, ${reminder.customerId}, ${reminder.key}, ${ts(reminder.at)}, ${reminder.points}, ${ts(reminder.expiresAt)}, ${JSON.stringify(reminder.covers)}::jsonb)
            ON CONFLICT ("shop", "idempotencyKey") DO NOTHING`;
        }
        return { posted, expired, reminded };
      });
      report.entriesPosted += done.posted;
      report.pointsExpired += done.expired;
      report.remindersRecorded += done.reminded;
    }
  }
  return report;
}

function reminderFromRow(row: { idempotencyKey: string; customerId: string; at: Date; points: number; expiresAt: Date; covers: unknown }): ExpiryReminder {
  return { key: row.idempotencyKey, customerId: row.customerId, at: row.at, points: row.points, expiresAt: row.expiresAt, covers: Array.isArray(row.covers) ? row.covers.map(String) : [] };
}

// ---------------------------------------------------------------------------------------------------------
// Ledger check and repair

export interface LedgerDrift {
  memberId: bigint;
  shop: string;
  customerId: string;
  stored: CachedBalance;
  rebuilt: CachedBalance;
}

export interface LedgerCheckReport {
  membersChecked: number;
  drifted: LedgerDrift[];
  fixed: number;
}

const CACHED_FIELDS = ["points", "lifetimeEarned", "lifetimeRedeemed", "expired", "entryCount"] as const;
const sameBalance = (a: CachedBalance, b: CachedBalance) => CACHED_FIELDS.every((f) => a[f] === b[f]);

async function rebuiltBalances(db: Db, shop: string, memberIds: bigint[]): Promise<Map<bigint, CachedBalance>> {
  const rows = await db.$queryRaw<{ memberId: bigint; kind: string; points: bigint; count: bigint }[]>`
    SELECT "memberId", "kind", SUM("points")::bigint AS "points", COUNT(*)::bigint AS "count"
    FROM "LedgerEntry" WHERE "shop" = ${shop} AND "memberId" = ANY(${memberIds}::bigint[])
    GROUP BY "memberId", "kind"`;
  const totals = new Map<bigint, { kind: string; points: number; count: number }[]>();
  for (const r of rows) {
    const list = totals.get(r.memberId) ?? [];
    list.push({ kind: r.kind, points: Number(r.points), count: Number(r.count) });
    totals.set(r.memberId, list);
  }
  return new Map(memberIds.map((id) => [id, balanceFromKindTotals(totals.get(id) ?? [])]));
}

/**
 * Recomputes every member's cached totals from their ledger entries and reports the members whose stored
 * totals differ. With `fix`, each drifted member is rebuilt again under its row lock and corrected.
 */
export async function checkLedger(db: PrismaClient, opts: { fix?: boolean; shop?: string; pageSize?: number } = {}): Promise<LedgerCheckReport> {
  const report: LedgerCheckReport = { membersChecked: 0, drifted: [], fixed: 0 };
  const pageSize = opts.pageSize ?? 2_000;
  let after = 0n;
  for (;;) {
    const page = await db.member.findMany({
      where: { id: { gt: after }, ...(opts.shop ? { shop: opts.shop } : {}) },
      select: { id: true, shop: true, customerId: true, points: true, lifetimeEarned: true, lifetimeRedeemed: true, expired: true, entryCount: true },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    if (page.length === 0) break;
    after = page[page.length - 1].id;
    report.membersChecked += page.length;
    const byShop = new Map<string, typeof page>();
    for (const m of page) byShop.set(m.shop, [...(byShop.get(m.shop) ?? []), m]);
    for (const [shop, members] of byShop) {
      const rebuilt = await rebuiltBalances(db, shop, members.map((m) => m.id));
      for (const m of members) {
        const { id, shop: _s, customerId, ...stored } = m;
        const fresh = rebuilt.get(id)!;
        if (!sameBalance(stored, fresh)) report.drifted.push({ memberId: id, shop, customerId, stored, rebuilt: fresh });
      }
    }
  }
  if (opts.fix) {
    for (const drift of report.drifted) {
      const fixed = await db.$transaction(async (tx) => {
        if (!(await lockMemberById(tx, drift.memberId))) return false;
        const b = (await rebuiltBalances(tx, drift.shop, [drift.memberId])).get(drift.memberId)!;
        await tx.$executeRaw`
          UPDATE "Member" SET "points" = ${b.points}, "lifetimeEarned" = ${b.lifetimeEarned}, "lifetimeRedeemed" = ${b.lifetimeRedeemed},
            "expired" = ${b.expired}, "entryCount" = ${b.entryCount}
          WHERE "id" = ${drift.memberId}`;
        return true;
      });
      if (fixed) report.fixed++;
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------------
// The jobs, in the runner's shape (registered in periodic-jobs.registry.server.ts)

const HOUR = 60 * 60 * 1000;
const logReport = (name: string, report: object) => console.log(`[treue] ${name}: ${JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);

export const tierReviewJob: PeriodicJob = {
  name: "points.tier-review",
  everyMs: HOUR,
  async run(db, now) {
    const r = await reviewTiers(db, now);
    if (Object.entries(r.changed).some(([change, n]) => change !== "unchanged" && n > 0)) logReport("points.tier-review", r);
  },
};

export const birthdayBonusJob: PeriodicJob = {
  name: "points.birthday-bonus",
  // Daily in effect (once per member per year); hourly so a restart or a missed day is caught up soon.
  everyMs: HOUR,
  async run(db, now) {
    const r = await grantBirthdayBonuses(db, now);
    if (r.granted > 0) logReport("points.birthday-bonus", r);
  },
};

export const pointsExpiryJob: PeriodicJob = {
  name: "points.expiry",
  everyMs: HOUR,
  async run(db, now) {
    const r = await expirePoints(db, now);
    if (r.entriesPosted > 0 || r.remindersRecorded > 0) logReport("points.expiry", r);
  },
};

/** Reports drift in members' cached totals once a day; fixing is a deliberate act (`npm run ledger:check -- --fix`). */
export const ledgerCheckJob: PeriodicJob = {
  name: "points.ledger-check",
  everyMs: 24 * HOUR,
  async run(db) {
    const r = await checkLedger(db);
    if (r.drifted.length > 0) console.error(`[treue] points.ledger-check: ${r.drifted.length} of ${r.membersChecked} members' cached totals differ from their ledger; run npm run ledger:check -- --fix`);
  },
};
