// The loyalty figures page's numbers (domain: points-figures.ts): the ledger summed per kind and month of the
// shop's calendar, the members' balances, the rewards' use and the referrals' conversions in the period. A few
// grouped scans of the shop's rows; nothing held between views.
import type { Locale } from "~/i18n/messages";
import { rewardTitle } from "~/rewards/domain/reward-title";
import type { PrismaClient } from "@prisma/client";
import { bestPointValue, flowsOf, liabilityMinor, monthlyFlows, monthsEnding, redemptionRate, type Flows, type MoneyReward } from "~/points/domain/points-figures";
import { enabledRewards } from "~/rewards/rewards-catalog.server";
import { sqlOf } from "~/db/connection.server";

/** The chart's span: the twelve months ending with the current one. */
export const FIGURE_MONTHS = 12;

export interface RewardUse {
  rewardId: string;
  title: string;
  redemptions: number;
  /** Codes used on an order (store credit: credited). */
  used: number;
  /** Points given back: a code that could not be issued or expired unused. */
  returned: number;
  points: number;
}

export interface PointsFigures {
  period: { from: string; to: string };
  currency: string;
  members: { total: number; withPoints: number };
  outstanding: { points: number; liabilityMinor: number | null; pointValue: MoneyReward | null };
  inPeriod: Flows & { redemptionRate: number | null };
  lifetime: Flows;
  months: ({ month: string } & Flows)[];
  rewards: RewardUse[];
  referrals: { orders: number; credited: number; revenueMinor: number };
}

/** `from`..`to` are the shop's calendar days (inclusive), `zone` its IANA time zone. */
export async function pointsFigures(
  prisma: PrismaClient,
  shop: string,
  opts: { today: string; from: string; to: string; zone: string; currency: string; locale?: Locale },
): Promise<PointsFigures> {
  const sql = sqlOf(prisma);
  const local = (column: string) => `(("${column}" AT TIME ZONE 'UTC') AT TIME ZONE $2)`;
  const [ledgerRows, [members], rewardRows, [referrals], rewards] = await Promise.all([
    sql.query<{ month: string; kind: string; points: string; inPeriod: string }>(
      `SELECT to_char(${local("at")}, 'YYYY-MM') AS month, "kind", sum("points")::text AS points,
              (sum("points") FILTER (WHERE ${local("at")}::date BETWEEN $3::date AND $4::date))::text AS "inPeriod"
         FROM "LedgerEntry" WHERE "shop" = $1 GROUP BY 1, 2`,
      [shop, opts.zone, opts.from, opts.to],
    ),
    sql.query<{ total: string; withPoints: string; outstanding: string | null }>(
      `SELECT count(*)::text AS total, (count(*) FILTER (WHERE "points" > 0))::text AS "withPoints", sum(GREATEST("points", 0))::text AS outstanding
         FROM "Member" WHERE "shop" = $1 AND "redactedAt" IS NULL`,
      [shop],
    ),
    sql.query<{ rewardId: string; title: string | null; redemptions: string; used: string; returned: string; points: string | null }>(
      `SELECT "rewardId", max("reward"->>'title') AS title, count(*)::text AS redemptions,
              (count(*) FILTER (WHERE "status" = 'redeemed' OR "creditTransactionId" IS NOT NULL))::text AS used,
              (count(*) FILTER (WHERE "status" = 'returned'))::text AS returned,
              (sum("pointsCost") FILTER (WHERE "status" <> 'returned'))::text AS points
         FROM "Redemption" WHERE "shop" = $1 AND ${local("createdAt")}::date BETWEEN $3::date AND $4::date
        GROUP BY "rewardId" ORDER BY count(*) DESC, "rewardId"`,
      [shop, opts.zone, opts.from, opts.to],
    ),
    sql.query<{ orders: string; credited: string; revenue: string | null }>(
      `SELECT count(*)::text AS orders, (count(*) FILTER (WHERE r."status" = 'credited'))::text AS credited,
              sum(o."amountMinor") FILTER (WHERE o."cancelledAt" IS NULL)::text AS revenue
         FROM "Referral" r
         LEFT JOIN "HistoryOrder" o ON o."shop" = r."shop" AND r."orderId" ~ '^[0-9]+$' AND o."id" = r."orderId"::bigint
        WHERE r."shop" = $1 AND r."status" <> 'blocked' AND ${local("orderPlacedAt")}::date BETWEEN $3::date AND $4::date`,
      [shop, opts.zone, opts.from, opts.to],
    ),
    enabledRewards(prisma, shop, opts.currency),
  ]);
  // A reward still in the catalog is named as the catalog names it now, in the merchant's language.
  const catalogTitles = new Map(rewards.map((r) => [r.id, rewardTitle(r, opts.locale ?? "en")]));
  const moneyRewards: MoneyReward[] = [];
  for (const r of rewards) {
    const money = r.kind === "fixed-amount-off" ? r.amountOff : r.kind === "store-credit" ? r.credit : null;
    if (money && money.currency === opts.currency) moneyRewards.push({ pointsCost: r.pointsCost, amountMinor: money.amountMinor, currency: money.currency });
  }
  const pointValue = bestPointValue(moneyRewards);
  const outstanding = Number(members?.outstanding ?? 0);
  const rows = ledgerRows.map((r) => ({ month: r.month, kind: r.kind, points: Number(r.points) }));
  const inPeriod = flowsOf(ledgerRows.map((r) => ({ kind: r.kind, points: Number(r.inPeriod ?? 0) })));
  return {
    period: { from: opts.from, to: opts.to },
    currency: opts.currency,
    members: { total: Number(members?.total ?? 0), withPoints: Number(members?.withPoints ?? 0) },
    outstanding: { points: outstanding, liabilityMinor: liabilityMinor(outstanding, pointValue), pointValue },
    inPeriod: { ...inPeriod, redemptionRate: redemptionRate(inPeriod) },
    lifetime: flowsOf(rows),
    months: monthlyFlows(rows, monthsEnding(opts.today, FIGURE_MONTHS)),
    rewards: rewardRows.map((r) => ({
      rewardId: r.rewardId,
      title: catalogTitles.get(r.rewardId) ?? r.title ?? r.rewardId,
      redemptions: Number(r.redemptions),
      used: Number(r.used),
      returned: Number(r.returned),
      points: Number(r.points ?? 0),
    })),
    referrals: { orders: Number(referrals?.orders ?? 0), credited: Number(referrals?.credited ?? 0), revenueMinor: Number(referrals?.revenue ?? 0) },
  };
}
