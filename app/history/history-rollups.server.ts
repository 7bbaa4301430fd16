// The dashboard's rollups: one HistoryCustomerRollup row per customer with that customer's orders at
// day resolution ("placedDay:amount[:eventDay:eventAmount]*"), kept current incrementally. Statement
// triggers on HistoryOrder/HistoryRefund mark the customers a write touched (HistoryRollupDirty), so
// no writer has to know about rollups; `refreshRollups` rebuilds just those customers' rows.
//
// Why day resolution is exact: every dashboard figure compares event times with day (or month)
// boundaries only — periods, "as of" ends, recency and tenure in whole days, cohort and trend months —
// so replacing each time by the start of its day changes no comparison. (The CLV fit uses exact times
// and keeps reading the full history; it runs in the background once a day.)
//
// The days are the shop's: day n is the n-th calendar day after 1970-01-01 in the shop's IANA time zone
// (an order at 00:30 in Berlin belongs to that Berlin day, though it is the day before in UTC). The
// analytics domain then reads day numbers as plain calendar dates. A shop that changes its time zone has
// every rollup rebuilt (markAllRollupsDirty, from shop/update).
//
// Why one text per customer: a cold dashboard then costs PostgreSQL a string_agg over ~250 k stored
// texts (~0.1 s at 1 M orders) instead of formatting a million orders and eighty thousand refunds.
import type { PrismaClient } from "@prisma/client";
import { rollupTextHistory } from "./rollup-text.server";
import { dropSummaries, forgetDashboardSummaries, moveSummaries, SUMMARY_DELTA_LIMIT } from "~/analytics/dashboard-summary.server";
import { bumpHistoryVersion, historyVersion, type SqlClient } from "./history-store.server";
import { shopTimeZone } from "~/shops/time-zone.server";
import type { ShopHistory } from "./analytics-history.server";

export { scanRollupText, type RollupColumns } from "./rollup-text.server";

/** The shop-local day number of a UTC `timestamp` column; `$4` is the shop's time zone. */
const day = (column: string) => `((${column} AT TIME ZONE 'UTC') AT TIME ZONE $4::text)::date - DATE '1970-01-01'`;

/**
 * Rebuilds the rollup rows of the shop's dirty customers (all of them after an import, a few after
 * webhooks) and moves the shop's dashboard summaries to the new rollups (dashboard-summary.server.ts).
 * Returns how many customers were refreshed. Refreshes of one shop run one at a time (advisory lock),
 * so each sees the rows the previous one wrote; a customer marked dirty by a write that commits after
 * the refresh started stays dirty for the next one.
 */
export async function refreshRollups(db: SqlClient, shop: string): Promise<number> {
  return (await refreshRollupsAt(db, shop)).refreshed;
}

/** refreshRollups, also returning the rollups' generation after it. */
export async function refreshRollupsAt(db: SqlClient, shop: string): Promise<{ refreshed: number; generation: number }> {
  const client = db as SqlClient & Partial<Pick<PrismaClient, "$transaction">>;
  const locked = async (tx: SqlClient) => {
    await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`, `treue.rollups:${shop}`);
    return refreshLocked(tx, shop);
  };
  if (typeof client.$transaction !== "function") {
    // Already inside the caller's transaction: memory is only updated by refreshes we commit ourselves.
    const result = await locked(db);
    forgetDashboardSummaries(shop);
    return result;
  }
  const { commit, ...result } = await client.$transaction((tx) => locked(tx), { maxWait: 60_000, timeout: 10 * 60_000 });
  commit();
  // After a bulk rebuild (the import's, a time zone change's) the planner's statistics and the visibility map
  // are renewed at once rather than at autovacuum's next round: the segment lists' index-only range scans and
  // row estimates depend on them, and a merchant opens the customers page right after the import.
  if (result.refreshed >= VACUUM_AFTER_REFRESHED) await db.$executeRawUnsafe(`VACUUM (ANALYZE) "HistoryCustomerRollup"`);
  return result;
}

/** Customers refreshed at once from which the rollup table is vacuumed and analysed right after. */
const VACUUM_AFTER_REFRESHED = 10_000;

async function refreshLocked(tx: SqlClient, shop: string): Promise<{ refreshed: number; generation: number; commit: () => void }> {
  // The dirty set is taken first and passed as an array: the planner then knows it holds a few
  // customers (index lookups), where a DELETE … RETURNING inside the statement is estimated from the
  // table's statistics — after an import, hundreds of thousands — and scanned a million orders for one.
  // The marks are a log (a customer written by several statements has several): only marks this statement
  // can see go, i.e. those of committed writers; an uncommitted writer's mark stays for the next refresh.
  const dirty = (
    await tx.$queryRawUnsafe<{ id: string }[]>(
      `WITH gone AS (DELETE FROM "HistoryRollupDirty" WHERE "shop" = $1 RETURNING "customerId") SELECT DISTINCT "customerId"::text AS id FROM gone`,
      shop,
    )
  ).map((r) => r.id);
  const [seen] = await tx.$queryRawUnsafe<{ summaries: number; generation: string | null }[]>(
    `SELECT (SELECT count(*) FROM "DashboardSummary" WHERE "shop" = $1)::int AS summaries,
            (SELECT "generation"::text FROM "HistoryRollupState" WHERE "shop" = $1) AS generation`,
    shop,
  );
  if (dirty.length === 0) return { refreshed: 0, generation: Number(seen.generation ?? 0), commit: () => {} };
  const zone = await shopTimeZone(tx, shop);
  // Summaries are moved customer by customer after webhooks; after an import they are rebuilt.
  const withChanges = seen.summaries > 0 && dirty.length <= SUMMARY_DELTA_LIMIT;
  const rows = await tx.$queryRawUnsafe<{ customerId: string | null; before: string | null; after: string | null; generation: string | null }[]>(
    `WITH old AS (
       SELECT r."customerId", r."facts" FROM "HistoryCustomerRollup" r
        WHERE $3 AND r."shop" = $1 AND r."customerId" = ANY($2::bigint[])
     ), orders AS (
       SELECT o."id", o."customerId", ${day('o."createdAt"')} AS day, o."amountMinor", o."cancelledAt", ${day('o."cancelledAt"')} AS cancel_day
         FROM "HistoryOrder" o WHERE o."shop" = $1 AND o."customerId" = ANY($2::bigint[])
     ), refunds AS (
       SELECT r."orderId",
              string_agg(':' || ${day('r."createdAt"')} || ':' || (-r."amountMinor"), '' ORDER BY r."createdAt", r."id") AS events,
              sum(r."amountMinor") AS total, count(*) AS n, max(${day('r."createdAt"')}) AS last_day
         FROM "HistoryRefund" r WHERE r."shop" = $1 AND r."orderId" IN (SELECT "id" FROM orders)
        GROUP BY r."orderId"
     ), nets AS (
       -- Each order with its refunds, and what it still holds: a cancellation adds an event taking back what
       -- the refunds left (when positive), so the order holds 0. Then the customer's first day with an order
       -- that holds something.
       SELECT n.*, min(n.day) FILTER (WHERE n.net > 0) OVER (PARTITION BY n."customerId") AS first_counting_day
         FROM (SELECT o.*, f.events, f.total, f.n, f.last_day AS refund_day,
                      o."cancelledAt" IS NOT NULL AND o."amountMinor" - COALESCE(f.total, 0) > 0 AS cancel_event,
                      CASE WHEN o."cancelledAt" IS NOT NULL AND o."amountMinor" - COALESCE(f.total, 0) > 0 THEN 0
                           ELSE o."amountMinor" - COALESCE(f.total, 0) END AS net
                 FROM orders o LEFT JOIN refunds f ON f."orderId" = o."id") n
     ), facts AS (
       SELECT o."customerId",
              string_agg(o.day || ':' || o."amountMinor" || COALESCE(o.events, '') ||
                         CASE WHEN o.cancel_event THEN ':' || o.cancel_day || ':' || (COALESCE(o.total, 0) - o."amountMinor") ELSE '' END,
                         ' ' ORDER BY o."id") AS facts,
              count(*) AS orders, COALESCE(sum(o.n), 0) AS refunds,
              -- The lifecycle facts (segment-lists.server.ts, analytics-clv.server.ts): orders whose events still
              -- hold a positive amount, the days they were placed on, what they hold, and the latest event's day.
              count(*) FILTER (WHERE o.net > 0) AS counting, min(o.day) FILTER (WHERE o.net > 0) AS first_day,
              max(o.day) FILTER (WHERE o.net > 0) AS last_day, COALESCE(sum(o.net) FILTER (WHERE o.net > 0), 0) AS monetary,
              count(DISTINCT o.day) FILTER (WHERE o.net > 0) AS purchase_days,
              COALESCE(sum(o.net) FILTER (WHERE o.net > 0 AND o.day = o.first_counting_day), 0) AS first_day_spend,
              max(GREATEST(o.day, o.refund_day, CASE WHEN o.cancel_event THEN o.cancel_day END)) AS last_event_day
         FROM nets o
        GROUP BY o."customerId"
     ), written AS (
       INSERT INTO "HistoryCustomerRollup" AS r ("shop", "customerId", "facts", "orders", "refunds", "refreshedAt",
                                                 "countingOrders", "firstDay", "lastDay", "monetaryMinor", "lastEventDay", "purchaseDays", "firstDaySpendMinor")
       SELECT $1, "customerId", facts, orders, refunds, now() AT TIME ZONE 'UTC', counting, first_day, last_day, monetary, last_event_day,
              purchase_days, first_day_spend FROM facts
       ON CONFLICT ("shop", "customerId") DO UPDATE SET
         "facts" = EXCLUDED."facts", "orders" = EXCLUDED."orders", "refunds" = EXCLUDED."refunds", "refreshedAt" = EXCLUDED."refreshedAt",
         "countingOrders" = EXCLUDED."countingOrders", "firstDay" = EXCLUDED."firstDay", "lastDay" = EXCLUDED."lastDay",
         "monetaryMinor" = EXCLUDED."monetaryMinor", "lastEventDay" = EXCLUDED."lastEventDay",
         "purchaseDays" = EXCLUDED."purchaseDays", "firstDaySpendMinor" = EXCLUDED."firstDaySpendMinor"
       RETURNING 1
     ), emptied AS (
       DELETE FROM "HistoryCustomerRollup" r
        WHERE r."shop" = $1 AND r."customerId" = ANY($2::bigint[])
          AND r."customerId" NOT IN (SELECT "customerId" FROM facts)
       RETURNING 1
     ), generation AS (
       -- The new rows and the new generation commit together: one statement.
       INSERT INTO "HistoryRollupState" AS s ("shop", "generation") VALUES ($1, 1)
       ON CONFLICT ("shop") DO UPDATE SET "generation" = s."generation" + 1
       RETURNING "generation"
     )
     SELECT NULL::text AS "customerId", NULL AS before, NULL AS after, (SELECT "generation"::text FROM generation) AS generation
     UNION ALL
     SELECT d.id::text, o."facts", f.facts, NULL
       FROM unnest($2::bigint[]) AS d(id) LEFT JOIN old o ON o."customerId" = d.id LEFT JOIN facts f ON f."customerId" = d.id
      WHERE $3`,
    shop,
    dirty,
    withChanges,
    zone,
  );
  // Fold the count deltas the triggers appended into one row (each delta is deleted exactly once, so
  // concurrent folds keep the sum).
  await tx.$executeRawUnsafe(
    `WITH folded AS (DELETE FROM "HistoryRollupCount" WHERE "shop" = $1 RETURNING "orders", "refunds")
     INSERT INTO "HistoryRollupCount" ("shop", "orders", "refunds")
     SELECT $1, sum("orders"), sum("refunds") FROM folded HAVING count(*) > 0`,
    shop,
  );
  const head = rows.find((r) => r.customerId === null)!;
  const refreshed = dirty.length;
  const generation = Number(head.generation);
  const changes = rows.filter((r) => r.customerId !== null).map((r) => ({ customerId: r.customerId!, before: r.before, after: r.after }));
  const commit = withChanges ? await moveSummaries(tx, shop, changes, generation) : await dropSummaries(tx, shop);
  return { refreshed, generation, commit };
}

/**
 * Refreshes the shop's rollups and says whether their per-customer lifecycle facts describe the shop as of the
 * end of `day` (a shop day number): false when a row has no facts yet or some customer has an event dated
 * later (the facts count every event). Readers of the facts (segment lists, the CLV job) fall back to the
 * full history then.
 */
export async function rollupFactsCover(db: SqlClient, shop: string, day: number): Promise<boolean> {
  await refreshRollups(db, shop);
  const [row] = await db.$queryRawUnsafe<{ unusable: boolean }[]>(
    // Two look-ups in the (shop, lastEventDay) index, each stopping at its first row: with the two conditions
    // OR-ed in one, PostgreSQL walked every row of the shop (150 ms at 250 k customers).
    `SELECT EXISTS (SELECT 1 FROM "HistoryCustomerRollup" WHERE "shop" = $1 AND "lastEventDay" IS NULL)
         OR EXISTS (SELECT 1 FROM "HistoryCustomerRollup" WHERE "shop" = $1 AND "lastEventDay" > $2::int) AS unusable`,
    shop,
    day,
  );
  return !row.unusable;
}

/**
 * Marks every customer of the shop for a refresh and moves the history version on, so the next view
 * rebuilds the rollups and drops what it held: after the shop's time zone changed, every day number moves.
 */
export async function markAllRollupsDirty(db: SqlClient, shop: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "HistoryRollupDirty" ("shop", "customerId") SELECT "shop", "customerId" FROM "HistoryCustomerRollup" WHERE "shop" = $1`,
    shop,
  );
  await bumpHistoryVersion(db, shop);
}

/** How many customers are marked for a refresh. */
export async function dirtyRollupCount(db: SqlClient, shop: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: string }[]>(`SELECT count(DISTINCT "customerId")::text AS n FROM "HistoryRollupDirty" WHERE "shop" = $1`, shop);
  return Number(rows[0].n);
}

/** The currency of the shop's latest order ($1 is the shop), the currency the history's figures are in. */
export const LATEST_CURRENCY = `(SELECT "currency" FROM "HistoryOrder" WHERE "shop" = $1 ORDER BY "createdAt" DESC LIMIT 1)`;

/** The shop's history for the dashboard, from its rollups (after refreshing the dirty ones). */
export async function loadRollupHistory(db: SqlClient, shop: string, version?: number): Promise<ShopHistory> {
  const started = performance.now();
  const v = version ?? (await historyVersion(db, shop));
  await refreshRollups(db, shop);
  const [row] = await db.$queryRawUnsafe<{ generation: string | null; customers: string; orders: string | null; text: string | null; currency: string | null; allOrders: string | null; allRefunds: string | null }[]>(
    `SELECT (SELECT "generation"::text FROM "HistoryRollupState" WHERE "shop" = $1) AS generation,
            count(*)::text AS customers, sum("orders")::text AS orders,
            string_agg("customerId" || '=' || "facts", '|') AS text,
            ${LATEST_CURRENCY} AS currency,
            (SELECT sum("orders")::text FROM "HistoryRollupCount" WHERE "shop" = $1) AS "allOrders",
            (SELECT sum("refunds")::text FROM "HistoryRollupCount" WHERE "shop" = $1) AS "allRefunds"
       FROM "HistoryCustomerRollup" WHERE "shop" = $1`,
    shop,
  );
  const customers = Number(row.customers);
  const { history, customerNumbers } = rollupTextHistory(row.text ?? "", customers, Number(row.orders ?? 0));
  return {
    shop,
    version: v,
    loadedAt: Date.now(),
    loadMs: performance.now() - started,
    history,
    customerNumbers,
    rollupGeneration: Number(row.generation ?? 0),
    currency: row.currency,
    orders: Number(row.allOrders ?? 0),
    refunds: Number(row.allRefunds ?? 0),
  };
}
