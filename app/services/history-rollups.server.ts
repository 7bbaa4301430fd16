// The dashboard's rollups: one HistoryCustomerRollup row per customer with that customer's orders at
// day resolution ("placedDay:amount[:eventDay:eventAmount]*"), kept current incrementally. Statement
// triggers on HistoryOrder/HistoryRefund mark the customers a write touched (HistoryRollupDirty), so
// no writer has to know about rollups; `refreshRollups` rebuilds just those customers' rows.
//
// Why day resolution is exact: every dashboard figure compares event times with UTC day (or month)
// boundaries only — periods, "as of" ends, recency and tenure in whole days, cohort and trend months —
// so replacing each time by the start of its day changes no comparison. (The CLV fit uses exact times
// and keeps reading the full history; it runs in the background once a day.)
//
// Why one text per customer: a cold dashboard then costs PostgreSQL a string_agg over ~250 k stored
// texts (~0.1 s at 1 M orders) instead of formatting a million orders and eighty thousand refunds.
import { orderHistoryFromGroupedEvents } from "~/domain/analytics/retention-metrics";
import { MS_PER_DAY } from "~/domain/analytics/time";
import { historyVersion, type SqlClient } from "./history-store.server";
import type { ShopHistory } from "./analytics-history.server";

const DAY = `floor(extract(epoch FROM %s) / 86400)::bigint`;
const day = (column: string) => DAY.replace("%s", column);

/**
 * Rebuilds the rollup rows of the shop's dirty customers (all of them after an import, a few after
 * webhooks). Returns how many customers were refreshed. Safe to run concurrently: a customer marked
 * dirty by a write that commits after this statement started stays dirty for the next refresh.
 */
export async function refreshRollups(db: SqlClient, shop: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: string }[]>(
    `WITH dirty AS (
       DELETE FROM "HistoryRollupDirty" WHERE "shop" = $1 RETURNING "customerId"
     ), orders AS (
       SELECT o."id", o."customerId", ${day('o."createdAt"')} AS day, o."amountMinor", o."cancelledAt"
         FROM "HistoryOrder" o WHERE o."shop" = $1 AND o."customerId" IN (SELECT "customerId" FROM dirty)
     ), refunds AS (
       SELECT r."orderId",
              string_agg(':' || ${day('r."createdAt"')} || ':' || (-r."amountMinor"), '' ORDER BY r."createdAt", r."id") AS events,
              sum(r."amountMinor") AS total, count(*) AS n
         FROM "HistoryRefund" r WHERE r."shop" = $1 AND r."orderId" IN (SELECT "id" FROM orders)
        GROUP BY r."orderId"
     ), facts AS (
       SELECT o."customerId",
              string_agg(o.day || ':' || o."amountMinor" || COALESCE(f.events, '') ||
                         CASE WHEN o."cancelledAt" IS NOT NULL AND o."amountMinor" - COALESCE(f.total, 0) > 0
                              THEN ':' || ${day('o."cancelledAt"')} || ':' || (COALESCE(f.total, 0) - o."amountMinor")
                              ELSE '' END,
                         ' ' ORDER BY o."id") AS facts,
              count(*) AS orders, COALESCE(sum(f.n), 0) AS refunds
         FROM orders o LEFT JOIN refunds f ON f."orderId" = o."id"
        GROUP BY o."customerId"
     ), written AS (
       INSERT INTO "HistoryCustomerRollup" AS r ("shop", "customerId", "facts", "orders", "refunds", "refreshedAt")
       SELECT $1, "customerId", facts, orders, refunds, now() AT TIME ZONE 'UTC' FROM facts
       ON CONFLICT ("shop", "customerId") DO UPDATE SET
         "facts" = EXCLUDED."facts", "orders" = EXCLUDED."orders", "refunds" = EXCLUDED."refunds", "refreshedAt" = EXCLUDED."refreshedAt"
       RETURNING 1
     ), emptied AS (
       DELETE FROM "HistoryCustomerRollup" r
        WHERE r."shop" = $1 AND r."customerId" IN (SELECT "customerId" FROM dirty)
          AND r."customerId" NOT IN (SELECT "customerId" FROM facts)
       RETURNING 1
     )
     SELECT ((SELECT count(*) FROM dirty) + 0 * (SELECT count(*) FROM written) + 0 * (SELECT count(*) FROM emptied))::text AS n`,
    shop,
  );
  // Fold the count deltas the triggers appended into one row (each delta is deleted exactly once, so
  // concurrent folds keep the sum).
  await db.$executeRawUnsafe(
    `WITH folded AS (DELETE FROM "HistoryRollupCount" WHERE "shop" = $1 RETURNING "orders", "refunds")
     INSERT INTO "HistoryRollupCount" ("shop", "orders", "refunds")
     SELECT $1, sum("orders"), sum("refunds") FROM folded HAVING count(*) > 0`,
    shop,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function dirtyRollupCount(db: SqlClient, shop: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: string }[]>(`SELECT count(*)::text AS n FROM "HistoryRollupDirty" WHERE "shop" = $1`, shop);
  return Number(rows[0].n);
}

/** Parsed rollup text: customers, their orders, and each order's events (sale first), in days. */
export interface RollupColumns {
  customerNumbers: Float64Array;
  /** Orders of customer c: customerOrderStart[c] .. customerOrderStart[c + 1]. */
  customerOrderStart: Int32Array;
  /** Events of order o: orderEventStart[o] .. orderEventStart[o + 1]. */
  orderEventStart: Int32Array;
  eventDay: Float64Array;
  eventAmount: Float64Array;
}

/**
 * Scans "id=day:amount[:day:amount]* day:amount…|id=…" into columns. Sized from `orders` and
 * `events` upper bounds (the stored counts), grown if the text holds more.
 */
export function scanRollupText(text: string, customers: number, orders: number): RollupColumns {
  const customerNumbers = new Float64Array(customers);
  const customerOrderStart = new Int32Array(customers + 1);
  let orderEventStart = new Int32Array(orders + 1);
  let capacity = Math.max(16, orders * 2);
  let eventDay = new Float64Array(capacity);
  let eventAmount = new Float64Array(capacity);
  let c = 0;
  let o = 0;
  let e = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  let field = 0; // 0: customer id; then alternating day (odd) / amount (even) within an order
  const n = text.length;
  const push = () => {
    const v = negative ? -value : value;
    if (field === 0) {
      if (c >= customers) throw new Error("rollup: more customers than counted");
      customerNumbers[c] = v;
    } else if (field % 2 === 1) {
      if (e >= capacity) {
        capacity *= 2;
        const d = new Float64Array(capacity);
        d.set(eventDay);
        eventDay = d;
        const a = new Float64Array(capacity);
        a.set(eventAmount);
        eventAmount = a;
      }
      eventDay[e] = v * MS_PER_DAY;
    } else {
      eventAmount[e++] = v;
    }
    value = 0;
    negative = false;
    digits = 0;
  };
  const endOrder = () => {
    if (field < 2 || field % 2 !== 0) throw new Error(`rollup: malformed order of customer ${customerNumbers[c]}`);
    o++;
    if (o >= orderEventStart.length) {
      const grown = new Int32Array(orderEventStart.length * 2);
      grown.set(orderEventStart);
      orderEventStart = grown;
    }
    orderEventStart[o] = e;
  };
  for (let i = 0; i <= n; i++) {
    const ch = i < n ? text.charCodeAt(i) : 124; /* "|" ends the last customer */
    if (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
      digits++;
    } else if (ch === 45 /* - */) negative = true;
    else if (ch === 61 /* = */) {
      push();
      field = 1;
    } else if (ch === 58 /* : */) {
      push();
      field++;
    } else if (ch === 32 /* space: next order */) {
      push();
      endOrder();
      field = 1;
    } else if (ch === 124 /* | */) {
      if (i === n && n === 0) break;
      if (digits === 0) throw new Error("rollup: empty field");
      push();
      endOrder();
      c++;
      customerOrderStart[c] = o;
      field = 0;
    } else throw new Error(`rollup: unexpected character ${JSON.stringify(text[i])}`);
  }
  if (c !== customers) throw new Error(`rollup: expected ${customers} customers, read ${c}`);
  return {
    customerNumbers,
    customerOrderStart,
    orderEventStart: orderEventStart.subarray(0, o + 1),
    eventDay: eventDay.subarray(0, e),
    eventAmount: eventAmount.subarray(0, e),
  };
}

/** The shop's history for the dashboard, from its rollups (after refreshing the dirty ones). */
export async function loadRollupHistory(db: SqlClient, shop: string, version?: number): Promise<ShopHistory> {
  const started = performance.now();
  const v = version ?? (await historyVersion(db, shop));
  await refreshRollups(db, shop);
  const [row] = await db.$queryRawUnsafe<{ customers: string; orders: string | null; text: string | null; currency: string | null; allOrders: string | null; allRefunds: string | null }[]>(
    `SELECT count(*)::text AS customers, sum("orders")::text AS orders,
            string_agg("customerId" || '=' || "facts", '|') AS text,
            (SELECT "currency" FROM "HistoryOrder" WHERE "shop" = $1 ORDER BY "createdAt" DESC LIMIT 1) AS currency,
            (SELECT sum("orders")::text FROM "HistoryRollupCount" WHERE "shop" = $1) AS "allOrders",
            (SELECT sum("refunds")::text FROM "HistoryRollupCount" WHERE "shop" = $1) AS "allRefunds"
       FROM "HistoryCustomerRollup" WHERE "shop" = $1`,
    shop,
  );
  const customers = Number(row.customers);
  const cols = scanRollupText(row.text ?? "", customers, Number(row.orders ?? 0));
  const history = orderHistoryFromGroupedEvents({
    customerIds: Array.from(cols.customerNumbers, String),
    customerOrderStart: cols.customerOrderStart,
    orderEventStart: cols.orderEventStart,
    eventAt: cols.eventDay,
    eventAmount: cols.eventAmount,
  });
  return {
    shop,
    version: v,
    loadedAt: Date.now(),
    loadMs: performance.now() - started,
    history,
    customerNumbers: cols.customerNumbers,
    currency: row.currency,
    orders: Number(row.allOrders ?? 0),
    refunds: Number(row.allRefunds ?? 0),
  };
}
