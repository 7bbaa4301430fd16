// A lifecycle segment's customers read from the rollups' per-customer facts in SQL (issue 15): the customers page
// no longer loads every customer's history into the web process (1.3 s and ~130 MB at 1 M orders) to show two
// hundred of them. The rules are lifecycleSegments' (domain/lifecycle-segments.ts), applied to columns that
// refreshRollups keeps beside each customer's rollup text: orders that still count (what they hold is positive),
// the first and last of their days, what they hold together, and the day of the customer's latest event.
//
// Those columns describe every event a customer has. lifecycleSegments counts only events up to the day asked
// about, so when some customer has an event dated later (a clock running ahead) or a row has no facts yet (an
// upgrade's first refresh pending), this answers null and the caller computes the segments in full.
import type { CustomerRfm, LifecycleSegment, SegmentThresholds } from "~/analytics/domain/lifecycle-segments";
import { DEFAULT_SEGMENT_THRESHOLDS } from "~/analytics/domain/lifecycle-segments";
import { calendarDateToEpochMs, MS_PER_DAY } from "~/analytics/domain/time";
import type { SqlClient } from "~/history/history-store.server";
import { rollupFactsCover } from "~/history/history-rollups.server";

export interface SegmentList {
  /** Customers in the segment. */
  total: number;
  /** The biggest spenders among them, at most `limit`, biggest first (ties by customer id). */
  customers: CustomerRfm[];
}

export async function segmentListFromRollups(
  db: SqlClient,
  shop: string,
  segment: LifecycleSegment,
  today: string,
  thresholds: Partial<SegmentThresholds>,
  limit: number,
  /** Customers to skip, biggest spenders first (a page of the list). */
  offset = 0,
): Promise<SegmentList | null> {
  const t: SegmentThresholds = { ...DEFAULT_SEGMENT_THRESHOLDS, ...thresholds };
  const todayDay = Math.round(calendarDateToEpochMs(today) / MS_PER_DAY);
  if (!(await rollupFactsCover(db, shop, todayDay))) return null;
  // lifecycleSegments' rules as conditions on a customer's row, the first that holds naming the segment ($2 is
  // today's day number; lost implies at risk, as lostAfterDays ≥ atRiskAfterDays). Each segment is a range of
  // the last order day ("today − lastDay > n" as "lastDay < today − n"), which the segment index serves. The VIP
  // spend is the spend of the customer ranked ceil(share × customers) from the top, unless an absolute spend is
  // set; without customers there is none, and no one is VIP by spend.
  const lostBefore = `$2::int - $5::int`;
  const atRiskBefore = `$2::int - $4::int`;
  const vip = `("countingOrders" >= $6 OR COALESCE("monetaryMinor" >= (SELECT spend FROM vip), false))`;
  const isNew = `"firstDay" >= $2::int - $3::int`;
  const condition: Record<LifecycleSegment, string> = {
    lost: `"lastDay" < ${lostBefore}`,
    atRisk: `"lastDay" >= ${lostBefore} AND "lastDay" < ${atRiskBefore}`,
    vip: `"lastDay" >= ${atRiskBefore} AND ${vip}`,
    new: `"lastDay" >= ${atRiskBefore} AND NOT ${vip} AND ${isNew}`,
    active: `"lastDay" >= ${atRiskBefore} AND NOT ${vip} AND NOT (${isNew})`,
  };
  // The segment's size (a range of the last-day index, read from the index alone), and its page of customers:
  // the spend index walked from the top until the page is full, or the segment's range sorted, whichever the
  // planner finds cheaper for the segment's share. The VIP spend only where the segment depends on it.
  const [row] = await db.$queryRawUnsafe<{ total: string; customers: CustomerRfm[] | null }[]>(
    // (The "rules" CTE types the parameters a segment's condition may leave unused.)
    `WITH rules AS (SELECT $3::int AS new_days, $4::int AS at_risk_days, $5::int AS lost_days, $6::int AS vip_orders, $10::text AS segment
     ), vip AS (
       SELECT COALESCE($7::bigint, (SELECT "monetaryMinor" FROM "HistoryCustomerRollup" WHERE "shop" = $1 AND "countingOrders" > 0
                                     ORDER BY "monetaryMinor" DESC
                                     OFFSET GREATEST(0, (SELECT ceil($8::float8 * count(*))::bigint FROM "HistoryCustomerRollup"
                                                          WHERE "shop" = $1 AND "countingOrders" > 0) - 1)
                                     LIMIT 1)) AS spend
     ), shown AS (
       SELECT "customerId", "countingOrders", "monetaryMinor", $2::int - "lastDay" AS recency, $2::int - "firstDay" AS tenure
         FROM "HistoryCustomerRollup"
        WHERE "shop" = $1 AND "countingOrders" > 0 AND ${condition[segment]}
        ORDER BY "monetaryMinor" DESC, "customerId" LIMIT $9 OFFSET $11::int
     )
     SELECT (SELECT count(*) FROM "HistoryCustomerRollup" WHERE "shop" = $1 AND "countingOrders" > 0 AND ${condition[segment]})::text AS total,
            (SELECT json_agg(json_build_object('customerId', "customerId"::text, 'recencyDays', recency, 'frequency', "countingOrders",
                                               'monetaryMinor', "monetaryMinor", 'tenureDays', tenure, 'segment', $10::text)
                             ORDER BY "monetaryMinor" DESC, "customerId") FROM shown) AS customers`,
    shop,
    todayDay,
    t.newWithinDays,
    t.atRiskAfterDays,
    t.lostAfterDays,
    t.vipMinOrders,
    t.vipMinSpendMinor ?? null,
    t.vipTopShare,
    limit,
    segment,
    offset,
  );
  return { total: Number(row.total), customers: (row.customers ?? []).map((c) => ({ ...c, monetaryMinor: Number(c.monetaryMinor) })) };
}
