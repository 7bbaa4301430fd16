// "Give points to this segment": a merchant rewards every customer of a lifecycle segment (the at-risk ones, to
// bring them back; the VIPs, to thank them) with the same number of points and a reason. The request is recorded
// first (`SegmentBonus`, one per form submission: a double submit is one bonus) and worked by the job engine:
// the segment's customers are fixed when the run starts (`SegmentBonusRecipient`), then awarded in batches, each
// batch one transaction that posts the ledger entries (key `segment-bonus:<bonus>:<customer>`, so a batch run
// again changes nothing) and marks its recipients done. Customers who are not members yet become members.
// While an A/B test of segment bonuses runs (experiments page), each recipient's arm is fixed with them: the
// holdout's customers are done at once, with neither points nor e-mail, and the report compares what both groups
// bought after the bonus. Customers a test of the whole program holds out are no recipients: they see no program.
import type { PrismaClient } from "@prisma/client";
import type { LifecycleSegment } from "~/analytics/domain/lifecycle-segments";
import { segmentCustomers } from "~/analytics/analytics-dashboard.server";
import { sqlOf, transactionOn, utcTextColumn } from "~/db/connection.server";
import { SHOP_JOBS, sendShopJob } from "~/jobs/shop-jobs";
import { lockMembersAndAppend, type MemberTouch } from "./points-ledger.server";
import { ledgerKeys, type LedgerEntry } from "./domain/ledger";
import { segmentBonusProblems, type SegmentBonusProblem } from "./domain/segment-bonus";
import { queueWinBackMails } from "~/engagement/member-mails.server";
import { mailTransport } from "~/engagement/mail-transport.server";
import { HOLDOUT_ARM, runningExperiment, SEGMENT_BONUS_SUBJECT, armFor } from "~/engagement/experiments.server";
import { heldOutAmong, runningProgramTest } from "~/engagement/program-test.server";

/** Customers awarded per transaction. */
const BATCH = 500;
/** Customers read per page of the segment when the run starts. */
const SNAPSHOT_PAGE = 5_000;

export interface SegmentBonusRequest {
  segment: LifecycleSegment;
  points: number;
  reason: string;
  /** The form's id for this submission: the same id again is the same bonus. */
  requestId: string;
  staffId: string | null;
  /** Also a win-back e-mail to each customer who agreed to marketing e-mails. */
  mail?: boolean;
}

export interface SegmentBonusRun {
  id: string;
  segment: LifecycleSegment;
  points: number;
  reason: string;
  mail: boolean;
  status: "queued" | "running" | "done";
  recipients: number;
  awarded: number;
  /** Recipients an A/B test of segment bonuses held out. */
  heldOut: number;
  createdAt: string;
  finishedAt: string | null;
}

export type StartSegmentBonusResult = { ok: true; id: string } | { ok: false; problems: SegmentBonusProblem[] };

/** Records the bonus (once per request id) and queues its run. */
export async function startSegmentBonus(prisma: PrismaClient, shop: string, request: SegmentBonusRequest): Promise<StartSegmentBonusResult> {
  const problems = segmentBonusProblems(request);
  if (problems.length) return { ok: false, problems };
  // ON CONFLICT DO NOTHING: two submissions of one form at once are one bonus (an upsert would race to a 500).
  await prisma.segmentBonus.createMany({
    data: [{ shop, requestId: request.requestId, segment: request.segment, points: request.points, reason: request.reason.trim(), staffId: request.staffId, mail: request.mail ?? false }],
    skipDuplicates: true,
  });
  const row = await prisma.segmentBonus.findUniqueOrThrow({ where: { shop_requestId: { shop, requestId: request.requestId } } });
  await sendShopJob(SHOP_JOBS.segmentBonus, shop, {});
  return { ok: true, id: row.id };
}

/** The shop's latest bonuses, newest first. */
export async function recentSegmentBonuses(prisma: PrismaClient, shop: string, take = 5): Promise<SegmentBonusRun[]> {
  const rows = await prisma.segmentBonus.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take });
  return rows.map((r) => ({
    id: r.id,
    segment: r.segment as LifecycleSegment,
    points: r.points,
    reason: r.reason,
    mail: r.mail,
    status: r.status as SegmentBonusRun["status"],
    recipients: r.recipients,
    awarded: r.awarded,
    heldOut: r.heldOut,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

/** The running A/B test of segment bonuses, for the form to say what share it holds out; null without one. */
export async function runningSegmentBonusTest(prisma: PrismaClient, shop: string): Promise<{ name: string; holdoutPercent: number } | null> {
  return prisma.experiment.findFirst({ where: { shop, subject: SEGMENT_BONUS_SUBJECT, status: "running" }, select: { name: true, holdoutPercent: true } });
}

/** The job: every bonus of the shop not done yet, oldest first. Safe to run again at any point. */
export async function runSegmentBonuses(prisma: PrismaClient, shop: string, now = new Date()): Promise<number> {
  const open = await prisma.segmentBonus.findMany({ where: { shop, status: { not: "done" } }, orderBy: { createdAt: "asc" } });
  let awarded = 0;
  for (const bonus of open) awarded += await runBonus(prisma, shop, bonus, now);
  return awarded;
}

async function runBonus(
  prisma: PrismaClient,
  shop: string,
  bonus: { id: string; segment: string; points: number; reason: string; staffId: string | null; status: string; mail: boolean },
  now: Date,
): Promise<number> {
  if (bonus.status === "queued") await fixRecipients(prisma, shop, bonus.id, bonus.segment as LifecycleSegment, now);
  let awarded = 0;
  for (;;) {
    const n = await transactionOn(prisma, async (tx) => {
      const sql = sqlOf(tx);
      const batch = await sql.query<{ customerId: string; email: string | null }>(
        `SELECT r."customerId", c."email" FROM "SegmentBonusRecipient" r
           LEFT JOIN "HistoryCustomer" c ON c."shop" = $2 AND r."customerId" ~ '^[0-9]+$' AND c."id" = r."customerId"::bigint
          WHERE r."bonusId" = $1 AND NOT r."done"
          ORDER BY r."customerId" LIMIT $3
          FOR UPDATE OF r SKIP LOCKED`,
        [bonus.id, shop, BATCH],
      );
      if (batch.length === 0) return 0;
      // A customer the history names but who is not a member yet joins now, with the e-mail the history has.
      const touches: MemberTouch[] = batch.map((r) => ({ shop, customerId: r.customerId, facts: { seenAt: now, email: r.email } }));
      const entries = batch.map((r) => ({
        shop,
        customerId: r.customerId,
        actor: bonus.staffId,
        entry: {
          key: ledgerKeys.segmentBonus(bonus.id, r.customerId),
          kind: "manual",
          customerId: r.customerId,
          points: bonus.points,
          at: now,
          availableAt: now,
          reason: bonus.reason,
          ...(bonus.staffId ? { staffId: bonus.staffId } : {}),
        } satisfies LedgerEntry,
      }));
      await lockMembersAndAppend(tx, touches, entries);
      // Without SMTP_URL no mail goes out, so none is queued (it would go out whenever SMTP is set, long after).
      if (bonus.mail && mailTransport()) await queueWinBackMails(tx, shop, bonus.id, bonus.points, batch.map((r) => r.customerId));
      await sql.execute(`UPDATE "SegmentBonusRecipient" SET "done" = true WHERE "bonusId" = $1 AND "customerId" = ANY($2::text[])`, [bonus.id, batch.map((r) => r.customerId)]);
      await sql.execute(`UPDATE "SegmentBonus" SET "awarded" = "awarded" + $2 WHERE "id" = $1`, [bonus.id, batch.length]);
      return batch.length;
    });
    if (n === 0) break;
    awarded += n;
  }
  await prisma.segmentBonus.update({ where: { id: bonus.id }, data: { status: "done", finishedAt: new Date() } });
  if (bonus.mail) await sendShopJob(SHOP_JOBS.memberMails, shop, {});
  return awarded;
}

/**
 * The segment's customers when the run starts become the bonus's recipients (again after a crash: no one twice),
 * less those a test of the whole program holds out; with a test of segment bonuses running, each with their arm,
 * the holdout done at once.
 */
async function fixRecipients(prisma: PrismaClient, shop: string, bonusId: string, segment: LifecycleSegment, now: Date): Promise<void> {
  const found: string[] = [];
  for (let offset = 0; ; offset += SNAPSHOT_PAGE) {
    const page = await segmentCustomers(prisma, shop, segment, SNAPSHOT_PAGE, now, offset);
    found.push(...page.customers.map((c) => c.customerId));
    if (page.customers.length < SNAPSHOT_PAGE || found.length >= page.total) break;
  }
  const programTest = await runningProgramTest(prisma, shop);
  const outOfProgram = programTest ? await heldOutAmong(prisma, shop, programTest, await firstSeen(prisma, shop, found, now)) : new Set<string>();
  const ids = found.filter((id) => !outOfProgram.has(id));
  const test = await runningExperiment(prisma, shop, SEGMENT_BONUS_SUBJECT);
  const arms = test ? ids.map((id) => armFor(test, id)) : null;
  await transactionOn(prisma, async (tx) => {
    const sql = sqlOf(tx);
    await sql.execute(
      `INSERT INTO "SegmentBonusRecipient" ("bonusId", "customerId", "experimentId", "arm", "done")
       SELECT $1, c, $3, a, COALESCE(a = $4, false) FROM unnest($2::text[], $5::text[]) AS r(c, a)
       ON CONFLICT DO NOTHING`,
      [bonusId, ids, test?.id ?? null, HOLDOUT_ARM, arms ?? ids.map(() => null)],
    );
    await sql.execute(
      `UPDATE "SegmentBonus" SET "status" = 'running',
              "recipients" = (SELECT count(*) FROM "SegmentBonusRecipient" WHERE "bonusId" = $1),
              "heldOut" = (SELECT count(*) FROM "SegmentBonusRecipient" WHERE "bonusId" = $1 AND "arm" = $2)
        WHERE "id" = $1`,
      [bonusId, HOLDOUT_ARM],
    );
  });
}

/** When the shop first saw each customer who has no member row yet: their first order in the history, else now. */
async function firstSeen(prisma: PrismaClient, shop: string, ids: readonly string[], now: Date): Promise<{ customerId: string; seenAt: Date }[]> {
  const rows = await sqlOf(prisma).query<{ customerId: string; first: string }>(
    `SELECT "customerId"::text AS "customerId", ${utcTextColumn("first")} FROM (
       SELECT "customerId", min("createdAt") AS "first" FROM "HistoryOrder"
        WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[]) GROUP BY 1) f`,
    [shop, ids.filter((id) => /^[0-9]+$/.test(id))],
  );
  const first = new Map(rows.map((r) => [r.customerId, new Date(r.first)]));
  return ids.map((customerId) => ({ customerId, seenAt: first.get(customerId) ?? now }));
}
