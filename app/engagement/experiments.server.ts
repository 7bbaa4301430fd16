// A/B tests with a holdout for member e-mails (and of the whole program: program-test.server.ts; and of segment
// bonuses: segment-bonus.server.ts): while a test of one kind of e-mail runs, every mail of that kind
// records its member's arm (assignArm: a hash of the test and the customer, stable everywhere); the holdout's mail
// is not sent. What each arm did is read from the shop's orders: a member enters the test with their first mail of
// it, and their orders in the `windowDays` after that are their outcome. Everyone assigned counts, whether their
// mail could be delivered or not (intent to treat), so the arms stay comparable.
import type { PrismaClient } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";
import { subjectMailKind, type ExperimentSubject } from "./domain/member-mail";
import { checkWording, type MailWording } from "./domain/mail-look";
import {
  assignArm,
  BONUS_ARM,
  compareWithHoldout,
  HOLDOUT_ARM,
  holdoutAnd,
  PROGRAM_SUBJECT,
  programTestArms,
  SEGMENT_BONUS_SUBJECT,
  segmentBonusTestArms,
  type ArmDefinition,
  type ArmOutcome,
  type Comparison,
} from "./domain/experiments";

export { EXPERIMENT_SUBJECTS, mailSubject, subjectMailKind, type ExperimentSubject } from "./domain/member-mail";
export { BONUS_ARM, HOLDOUT_ARM, PROGRAM_SUBJECT, SEGMENT_BONUS_SUBJECT } from "./domain/experiments";
export const TREATMENT_ARM = "mail";
/** The arm that gets the test's second version of the e-mail (its own subject and opening note). */
export const VARIANT_ARM = "variant";

export interface RunningExperiment {
  id: string;
  arms: ArmDefinition[];
  /** The second version's wording, for the variant arm; null without one. */
  variant: MailWording | null;
}

/** The holdout and the e-mail as it is; with a variant, the rest shared equally between the two versions. */
export function armsOf(holdoutPercent: number, withVariant = false): ArmDefinition[] {
  if (!withVariant) return holdoutAnd(TREATMENT_ARM, holdoutPercent);
  const rest = 100 - holdoutPercent;
  return [
    { id: HOLDOUT_ARM, weight: holdoutPercent, holdout: true },
    { id: TREATMENT_ARM, weight: rest / 2 },
    { id: VARIANT_ARM, weight: rest / 2 },
  ];
}

const variantOf = (row: { variantSubject: string | null; variantIntro: string | null }): MailWording | null =>
  row.variantSubject || row.variantIntro ? { subject: row.variantSubject, intro: row.variantIntro } : null;

/** The shop's running test of `subject`, or null. */
export async function runningExperiment(prisma: PrismaClient, shop: string, subject: ExperimentSubject | typeof SEGMENT_BONUS_SUBJECT): Promise<RunningExperiment | null> {
  const row = await prisma.experiment.findFirst({ where: { shop, subject, status: "running" } });
  if (!row) return null;
  if (subject === SEGMENT_BONUS_SUBJECT) return { id: row.id, arms: segmentBonusTestArms(row.holdoutPercent), variant: null };
  const variant = variantOf(row);
  return { id: row.id, arms: armsOf(row.holdoutPercent, variant !== null), variant };
}

/** A test's second version (null: none, or no such test), for a mail assigned to its arm on an earlier run. */
export async function experimentVariant(prisma: PrismaClient, id: string): Promise<MailWording | null> {
  const row = await prisma.experiment.findUnique({ where: { id }, select: { variantSubject: true, variantIntro: true } });
  return row ? variantOf(row) : null;
}

export function armFor(experiment: RunningExperiment, customerId: string): string {
  return assignArm(experiment.id, customerId, experiment.arms);
}

export type ExperimentProblem = "subject-invalid" | "name-missing" | "holdout-invalid" | "window-invalid" | "already-running" | "variant-invalid";

export async function startExperiment(
  prisma: PrismaClient,
  shop: string,
  input: { name: string; subject: string; holdoutPercent: number; windowDays: number; variantSubject?: string; variantIntro?: string },
): Promise<{ ok: true; id: string } | { ok: false; problems: ExperimentProblem[] }> {
  const problems: ExperimentProblem[] = [];
  const ofMail = subjectMailKind(input.subject) !== null;
  // A second version of the e-mail (only for a test of an e-mail): checked as the merchant's wording is.
  const subject = checkWording("subject", ofMail ? (input.variantSubject ?? "") : "");
  const intro = checkWording("intro", ofMail ? (input.variantIntro ?? "") : "");
  if (subject.problems.length || intro.problems.length) problems.push("variant-invalid");
  if (!ofMail && input.subject !== PROGRAM_SUBJECT && input.subject !== SEGMENT_BONUS_SUBJECT) problems.push("subject-invalid");
  if (!input.name.trim() || input.name.trim().length > 100) problems.push("name-missing");
  if (!Number.isSafeInteger(input.holdoutPercent) || input.holdoutPercent < 1 || input.holdoutPercent > 50) problems.push("holdout-invalid");
  if (!Number.isSafeInteger(input.windowDays) || input.windowDays < 7 || input.windowDays > 365) problems.push("window-invalid");
  if (problems.length) return { ok: false, problems };
  try {
    const row = await prisma.experiment.create({
      data: { shop, name: input.name.trim(), subject: input.subject, holdoutPercent: input.holdoutPercent, windowDays: input.windowDays, variantSubject: subject.value, variantIntro: intro.value },
    });
    return { ok: true, id: row.id };
  } catch (error) {
    // The partial unique index: one running test per subject.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, problems: ["already-running"] };
    throw error;
  }
}

export async function stopExperiment(prisma: PrismaClient, shop: string, id: string): Promise<boolean> {
  const { count } = await prisma.experiment.updateMany({ where: { shop, id, status: "running" }, data: { status: "stopped", stoppedAt: new Date() } });
  return count === 1;
}

export interface ExperimentReport {
  id: string;
  name: string;
  subject: string;
  holdoutPercent: number;
  windowDays: number;
  status: string;
  startedAt: string;
  stoppedAt: string | null;
  arms: ({ arm: string } & ArmOutcome)[];
  /** The mail arm against the holdout; null until both have members. */
  comparison: Comparison | null;
  /** The second version, if the test has one: its wording, and its arm against the holdout. */
  variant: MailWording | null;
  variantComparison: Comparison | null;
}

/** Every arm's members, repeaters and revenue per member (sums) for a test of an e-mail: members enter with their first mail of it. */
export function armOutcomes(prisma: PrismaClient, shop: string, experimentId: string, windowDays: number): Promise<Map<string, ArmOutcome>> {
  return outcomesOfEntries(
    prisma,
    `SELECT "customerId", "arm", min("createdAt") AS entry FROM "MemberMail"
      WHERE "shop" = $1 AND "experimentId" = $2 AND "arm" IS NOT NULL AND "customerId" ~ '^[0-9]+$'
      GROUP BY 1, 2`,
    [shop, experimentId, windowDays],
  );
}

/** The same for a test of segment bonuses: customers enter with the first bonus of the test they were a recipient of. */
export function segmentBonusOutcomes(prisma: PrismaClient, shop: string, experimentId: string, windowDays: number): Promise<Map<string, ArmOutcome>> {
  return outcomesOfEntries(
    prisma,
    `SELECT r."customerId", r."arm", min(b."createdAt") AS entry FROM "SegmentBonusRecipient" r
       JOIN "SegmentBonus" b ON b."id" = r."bonusId" AND b."shop" = $1
      WHERE r."experimentId" = $2 AND r."arm" IS NOT NULL AND r."customerId" ~ '^[0-9]+$'
      GROUP BY 1, 2`,
    [shop, experimentId, windowDays],
  );
}

/**
 * Per arm, from `entries` (customerId, arm, entry; parameters $1 shop, $2 test, $3 window days): its members, how
 * many ordered within the window after their entry, and revenue per member (sum and sum of squares).
 */
async function outcomesOfEntries(prisma: PrismaClient, entries: string, params: [string, string, number]): Promise<Map<string, ArmOutcome>> {
  const rows = await sqlOf(prisma).query<{ arm: string; members: string; repeaters: string; revenue: string; squares: string }>(
    `WITH entries AS (${entries}),
     per AS (
       SELECT e."arm", e."customerId", count(o."id") AS orders, COALESCE(sum(o."amountMinor"), 0)::numeric AS revenue
         FROM entries e
         LEFT JOIN "HistoryOrder" o ON o."shop" = $1 AND o."customerId" = e."customerId"::bigint AND o."cancelledAt" IS NULL
              AND o."createdAt" > e.entry AND o."createdAt" <= e.entry + make_interval(days => $3::int)
        GROUP BY 1, 2)
     SELECT "arm", count(*)::text AS members, (count(*) FILTER (WHERE orders > 0))::text AS repeaters,
            sum(revenue)::text AS revenue, sum(revenue * revenue)::text AS squares
       FROM per GROUP BY "arm"`,
    params,
  );
  return new Map(
    rows.map((r) => [r.arm, { members: Number(r.members), repeaters: Number(r.repeaters), revenueMinor: Number(r.revenue), revenueSquaresMinor: Number(r.squares) }]),
  );
}

/**
 * A test of the whole program: its customers are those whose first order (no order before the test, no member row
 * from before it) fell while it ran; each one's outcome is their orders in `windowDays` after that first order.
 * Arms by the same assignment that held them out (program-test.server.ts).
 */
export async function programTestOutcomes(
  prisma: PrismaClient,
  shop: string,
  test: { id: string; holdoutPercent: number; windowDays: number; startedAt: Date; stoppedAt: Date | null },
  now = new Date(),
): Promise<Map<string, ArmOutcome>> {
  const rows = await sqlOf(prisma).query<{ customerId: string; orders: number; revenue: string }>(
    `WITH firsts AS (
       SELECT o."customerId", min(o."createdAt") AS first FROM "HistoryOrder" o
        WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND o."cancelledAt" IS NULL
          AND o."createdAt" >= $2::timestamp(3) AND o."createdAt" < $3::timestamp(3)
        GROUP BY 1)
     SELECT f."customerId"::text AS "customerId", count(o."id")::int AS orders, COALESCE(sum(o."amountMinor"), 0)::text AS revenue
       FROM firsts f
       LEFT JOIN "HistoryOrder" o ON o."shop" = $1 AND o."customerId" = f."customerId" AND o."cancelledAt" IS NULL
            AND o."createdAt" > f.first AND o."createdAt" <= f.first + make_interval(days => $4::int)
      WHERE NOT EXISTS (SELECT 1 FROM "HistoryOrder" e WHERE e."shop" = $1 AND e."customerId" = f."customerId" AND e."createdAt" < $2::timestamp(3))
        AND NOT EXISTS (SELECT 1 FROM "Member" m WHERE m."shop" = $1 AND m."customerId" = f."customerId"::text AND m."joinedAt" < $2::timestamp(3))
      GROUP BY 1`,
    [shop, test.startedAt.toISOString().slice(0, 23), (test.stoppedAt ?? now).toISOString().slice(0, 23), test.windowDays],
  );
  const arms = programTestArms(test.holdoutPercent);
  const outcomes = new Map<string, ArmOutcome>();
  for (const r of rows) {
    const arm = assignArm(test.id, r.customerId, arms);
    const o = outcomes.get(arm) ?? { members: 0, repeaters: 0, revenueMinor: 0, revenueSquaresMinor: 0 };
    const revenue = Number(r.revenue);
    outcomes.set(arm, { members: o.members + 1, repeaters: o.repeaters + (r.orders > 0 ? 1 : 0), revenueMinor: o.revenueMinor + revenue, revenueSquaresMinor: o.revenueSquaresMinor + revenue * revenue });
  }
  return outcomes;
}

/** The shop's tests, newest first, each with its arms and the comparison with the holdout. */
export async function experimentReports(prisma: PrismaClient, shop: string, take = 10): Promise<ExperimentReport[]> {
  const rows = await prisma.experiment.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
  const reports: ExperimentReport[] = [];
  for (const row of rows) {
    const program = row.subject === PROGRAM_SUBJECT;
    const bonus = row.subject === SEGMENT_BONUS_SUBJECT;
    const outcomes = program
      ? await programTestOutcomes(prisma, shop, row)
      : bonus
        ? await segmentBonusOutcomes(prisma, shop, row.id, row.windowDays)
        : await armOutcomes(prisma, shop, row.id, row.windowDays);
    const empty: ArmOutcome = { members: 0, repeaters: 0, revenueMinor: 0, revenueSquaresMinor: 0 };
    const treatmentArm = program ? PROGRAM_SUBJECT : bonus ? BONUS_ARM : TREATMENT_ARM;
    const holdout = outcomes.get(HOLDOUT_ARM) ?? empty;
    const treatment = outcomes.get(treatmentArm) ?? empty;
    const variant = program || bonus ? null : variantOf(row);
    const variantOutcome = outcomes.get(VARIANT_ARM) ?? empty;
    reports.push({
      id: row.id,
      name: row.name,
      subject: row.subject,
      holdoutPercent: row.holdoutPercent,
      windowDays: row.windowDays,
      status: row.status,
      startedAt: row.startedAt.toISOString(),
      stoppedAt: row.stoppedAt?.toISOString() ?? null,
      arms: [
        { arm: treatmentArm, ...treatment },
        ...(variant ? [{ arm: VARIANT_ARM, ...variantOutcome }] : []),
        { arm: HOLDOUT_ARM, ...holdout },
      ],
      comparison: holdout.members > 0 && treatment.members > 0 ? compareWithHoldout(treatment, holdout) : null,
      variant,
      variantComparison: variant && holdout.members > 0 && variantOutcome.members > 0 ? compareWithHoldout(variantOutcome, holdout) : null,
    });
  }
  return reports;
}
