// Predictive CLV for the dashboard: BG/NBD + Gamma-Gamma (app/analytics/domain) fitted on the shop's
// history once per UTC day, stored in HistoryClvForecast, and computed in the background so no page
// view waits for a fit.
//
// The models need four numbers per customer (x, t_x, T and the mean repeat spend), which the rollups keep
// beside each customer (history-rollups.server.ts): the job reads those, not a million orders, so it costs
// seconds and tens of megabytes on the biggest shops. Only when the rollups can't say (an event dated after
// the day, a row not yet refreshed) is the whole history loaded.
import type { PrismaClient, Prisma } from "@prisma/client";
import { buildRfmSummary, type Purchase, type RfmCustomer } from "~/analytics/domain/rfm";
import { calendarDateToEpochMs, MS_PER_DAY } from "~/analytics/domain/time";
import { databaseOf, sqlOf } from "~/db/connection.server";
import { LATEST_CURRENCY, rollupFactsCover } from "~/history/history-rollups.server";
import type { SqlClient } from "~/history/history-store.server";
import { expectedPurchasesScorer, fitBgNbd, probabilityAlive } from "~/analytics/domain/bgnbd";
import { conditionalExpectedAverageSpend, fitGammaGamma } from "~/analytics/domain/gamma-gamma";
import { endOfDayExclusive } from "~/analytics/domain/retention-metrics";
import { cachedShopHistory, type ShopHistory } from "~/history/analytics-history.server";
import { historyVersion } from "~/history/history-store.server";
import { customerEmails } from "./analytics-dashboard.server";
import { SHOP_JOBS, sendShopJob } from "~/jobs/shop-jobs";

export const HORIZON_WEEKS = 52;
/** Below these the fitted parameters say more about noise than about the shop. */
export const MIN_CUSTOMERS = 50;
export const MIN_REPEAT_CUSTOMERS = 20;
// The fit's cost grows with distinct (x, t_x, T) histories; a fixed-size sample keeps it around a
// second on the biggest shops (the parameters are population-level, so a sample estimates them well).
const FIT_SAMPLE = 20_000;

export type ClvForecast =
  | {
      status: "ok";
      day: string;
      horizonWeeks: number;
      customers: number;
      repeatCustomers: number;
      params: { r: number; alpha: number; a: number; b: number; p: number; q: number; gamma: number };
      top: { customerId: string; email: string | null; clvMinor: number; expectedPurchases: number; probabilityAlive: number; orders: number }[];
    }
  | { status: "insufficient"; day: string; reason: string; version?: number };

/** Counting orders (net of refunds as of `day` > 0) as purchases, the same order rules as the figures. */
export function purchasesOf(h: ShopHistory, day: string): Purchase[] {
  const endMs = endOfDayExclusive(day);
  const { history } = h;
  const out: Purchase[] = [];
  for (let o = 0; o < history.orderCount; o++) {
    const c = history.orderCustomer[o];
    const placed = history.orderPlacedAt[o];
    if (c < 0 || !(placed < endMs)) continue;
    let net = 0;
    for (let e = history.orderEventStart[o]; e < history.orderEventStart[o + 1]; e++) if (history.eventAt[e] < endMs) net += history.eventAmount[e];
    if (net > 0) out.push({ customerId: history.customerIds[c], at: placed, amountMinor: net });
  }
  return out;
}

type RawForecast = Omit<Extract<ClvForecast, { status: "ok" }>, "top"> & { top: { customerId: string; clvMinor: number; expectedPurchases: number; probabilityAlive: number; orders: number }[] } | Extract<ClvForecast, { status: "insufficient" }>;

/** Each customer's RFM summary in weeks as of the end of `day`, from every order of the history. */
export function rfmOfHistory(h: ShopHistory, day: string): RfmCustomer[] {
  return buildRfmSummary(purchasesOf(h, day), { calibrationEnd: day, timeUnit: "weeks" }).customers;
}

export function forecastClv(h: ShopHistory, day: string, top = 20): RawForecast {
  return forecastFromRfm(rfmOfHistory(h, day), day, top);
}

/**
 * Customers' RFM summaries in weeks as columns, by position (customerIds[i] has frequency[i], …): what the
 * job holds for a quarter of a million customers, a few megabytes instead of an object each.
 */
export interface RfmColumns {
  customerIds: string[];
  frequency: Float64Array;
  recency: Float64Array;
  age: Float64Array;
  /** Mean value of the repeat purchases; NaN without one. */
  monetary: Float64Array;
}

function emptyRfmColumns(n: number): RfmColumns {
  return { customerIds: new Array<string>(n), frequency: new Float64Array(n), recency: new Float64Array(n), age: new Float64Array(n), monetary: new Float64Array(n) };
}

export function rfmColumns(customers: readonly RfmCustomer[]): RfmColumns {
  const cols = emptyRfmColumns(customers.length);
  customers.forEach((c, i) => {
    cols.customerIds[i] = c.customerId;
    cols.frequency[i] = c.frequency;
    cols.recency[i] = c.recency;
    cols.age[i] = c.age;
    cols.monetary[i] = c.monetaryValue ?? NaN;
  });
  return cols;
}

/**
 * Each customer's RFM summary in weeks as of the end of `day`, as buildRfmSummary makes it from the purchases
 * (orders that still hold a positive amount, same-day orders merged), read from the rollups' facts; by customer
 * id. null when the rollups can't say: a row without facts yet, or an event dated after `day`.
 */
export async function rfmColumnsFromRollups(db: SqlClient, shop: string, day: string): Promise<RfmColumns | null> {
  const end = Math.round(calendarDateToEpochMs(day) / MS_PER_DAY);
  if (!(await rollupFactsCover(db, shop, end))) return null;
  // One text of "id,days,first,last,repeat" per customer: a quarter of a million rows parse several times
  // faster from one string than as rows. Plain SQL on the pool (sqlOf), not through Prisma, which would hold
  // further copies of the text.
  const [row] = await sqlOf(db).query<{ n: number; text: string | null }>(
    `SELECT count(*)::int AS n, string_agg(concat_ws(',', "customerId", "purchaseDays", "firstDay", "lastDay", "monetaryMinor" - "firstDaySpendMinor"), ';' ORDER BY "customerId") AS text
       FROM "HistoryCustomerRollup" WHERE "shop" = $1 AND "countingOrders" > 0`,
    [shop],
  );
  const n = row.n;
  const cols = emptyRfmColumns(n);
  const text = row.text ?? "";
  let at = 0;
  for (let i = 0; i < n; i++) {
    const stop = i === n - 1 ? text.length : text.indexOf(";", at);
    const [id, days, first, last, repeat] = text.slice(at, stop).split(",");
    const frequency = Number(days) - 1;
    cols.customerIds[i] = id;
    cols.frequency[i] = frequency;
    cols.recency[i] = (Number(last) - Number(first)) / 7;
    cols.age[i] = (end - Number(first)) / 7;
    cols.monetary[i] = frequency > 0 ? Number(repeat) / frequency : NaN;
    at = stop + 1;
  }
  return cols;
}

/** rfmColumnsFromRollups as one RfmCustomer per customer (firstPurchaseDay in days since the epoch). */
export async function rfmFromRollups(db: SqlClient, shop: string, day: string): Promise<RfmCustomer[] | null> {
  const cols = await rfmColumnsFromRollups(db, shop, day);
  if (!cols) return null;
  const end = Math.round(calendarDateToEpochMs(day) / MS_PER_DAY);
  return cols.customerIds.map((customerId, i) => ({
    customerId,
    frequency: cols.frequency[i],
    recency: cols.recency[i],
    age: cols.age[i],
    monetaryValue: Number.isNaN(cols.monetary[i]) ? null : cols.monetary[i],
    holdoutPurchases: 0,
    firstPurchaseDay: Math.round(end - cols.age[i] * 7),
  }));
}

/** Every customer's forecast, by position in the customers it was computed for (columns, not objects). */
export interface CustomerScores {
  clvMinor: Float64Array;
  expectedPurchases: Float64Array;
  probabilityAlive: Float64Array;
}

/**
 * The forecast from the customers' RFM summaries (weeks, calibration ending with `day`): the fitted parameters,
 * the `top` customers by CLV, and (`scores`) every customer's CLV, expected purchases and chance of being active.
 */
export function forecastFromRfm(customers: readonly RfmCustomer[], day: string, top = 20): RawForecast & { scores?: CustomerScores } {
  return forecastFromColumns(rfmColumns(customers), day, top);
}

/** Evenly spaced positions, `size` of `n` (all when n ≤ size). */
function samplePositions(n: number, size: number): number[] {
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  const step = n / size;
  return Array.from({ length: size }, (_, i) => Math.floor(i * step));
}

export function forecastFromColumns(cols: RfmColumns, day: string, top = 20): RawForecast & { scores?: CustomerScores } {
  const n = cols.customerIds.length;
  const repeat: number[] = [];
  for (let i = 0; i < n; i++) if (cols.frequency[i] > 0 && cols.monetary[i] > 0) repeat.push(i);
  if (n < MIN_CUSTOMERS || repeat.length < MIN_REPEAT_CUSTOMERS) {
    return {
      status: "insufficient",
      day,
      reason: `needs at least ${MIN_CUSTOMERS} customers and ${MIN_REPEAT_CUSTOMERS} repeat customers; the shop has ${n} and ${repeat.length}`,
    };
  }
  let bg, gg;
  try {
    bg = fitBgNbd(samplePositions(n, FIT_SAMPLE).map((i) => ({ frequency: cols.frequency[i], recency: cols.recency[i], age: cols.age[i] }))).params;
    gg = fitGammaGamma(samplePositions(repeat.length, FIT_SAMPLE).map((k) => ({ frequency: cols.frequency[repeat[k]], monetaryValue: cols.monetary[repeat[k]] }))).params;
  } catch (error) {
    return { status: "insufficient", day, reason: `the models could not be fitted: ${(error as Error).message}` };
  }
  // E[Y]'s costly part depends only on (x, T), which many customers share.
  const expectedPurchases = expectedPurchasesScorer(bg, HORIZON_WEEKS);
  const scores: CustomerScores = { clvMinor: new Float64Array(n), expectedPurchases: new Float64Array(n), probabilityAlive: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const x = cols.frequency[i];
    const y = expectedPurchases(x, cols.recency[i], cols.age[i]);
    const spend = conditionalExpectedAverageSpend(gg, x, Number.isNaN(cols.monetary[i]) ? null : cols.monetary[i]);
    if (spend.value === null) {
      return { status: "insufficient", day, reason: spend.reason };
    }
    scores.clvMinor[i] = y * spend.value;
    scores.expectedPurchases[i] = y;
    scores.probabilityAlive[i] = probabilityAlive(bg, x, cols.recency[i], cols.age[i]);
  }
  // Highest CLV first; equal ones in the customers' order.
  const ranked = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => scores.clvMinor[j] - scores.clvMinor[i] || i - j);
  return {
    status: "ok",
    day,
    horizonWeeks: HORIZON_WEEKS,
    customers: n,
    repeatCustomers: repeat.length,
    params: { ...bg, ...gg },
    top: Array.from(ranked.subarray(0, top), (i) => ({
      customerId: cols.customerIds[i],
      clvMinor: Math.round(scores.clvMinor[i]),
      expectedPurchases: scores.expectedPurchases[i],
      probabilityAlive: scores.probabilityAlive[i],
      orders: cols.frequency[i] + 1,
    })),
    scores,
  };
}

/**
 * Replaces the shop's stored per-customer forecast with `scores` (one row per customer with a counting order),
 * in one transaction: a reader sees the old day's rows or the new day's, never a mix.
 */
export async function storeCustomerScores(prisma: PrismaClient, shop: string, day: string, customerIds: readonly string[], scores: CustomerScores): Promise<void> {
  const CHUNK = 20_000;
  await databaseOf(prisma).transaction(
    async (_tx, sql) => {
      await sql.execute(`DELETE FROM "HistoryCustomerClv" WHERE "shop" = $1`, [shop]);
      for (let from = 0; from < customerIds.length; from += CHUNK) {
        const to = Math.min(customerIds.length, from + CHUNK);
        const ids = customerIds.slice(from, to);
        await sql.execute(
          `INSERT INTO "HistoryCustomerClv" ("shop", "customerId", "day", "clvMinor", "expectedPurchases", "probabilityAlive")
           SELECT $1, id, $2, clv, y, alive FROM unnest($3::bigint[], $4::bigint[], $5::float8[], $6::float8[]) AS u(id, clv, y, alive)`,
          // Rounded here as the top 20 are (PostgreSQL's round of a float8 rounds halves to even).
          [shop, day, ids, Array.from(scores.clvMinor.subarray(from, to), (v) => String(Math.round(v))), Array.from(scores.expectedPurchases.subarray(from, to)), Array.from(scores.probabilityAlive.subarray(from, to))],
        );
      }
    },
    { timeout: 120_000 },
  );
}

/** A customer's stored forecast, or null when the last forecast did not score them (or none ran yet). */
export async function customerClv(db: SqlClient, shop: string, customerId: string) {
  const [row] = await db.$queryRawUnsafe<{ day: string; clvMinor: string; expectedPurchases: number; probabilityAlive: number; currency: string | null }[]>(
    `SELECT "day", "clvMinor"::text AS "clvMinor", "expectedPurchases", "probabilityAlive", ${LATEST_CURRENCY} AS "currency"
       FROM "HistoryCustomerClv" WHERE "shop" = $1 AND "customerId" = $2::bigint`,
    shop,
    customerId,
  );
  if (!row) return null;
  return { day: row.day, horizonWeeks: HORIZON_WEEKS, clvMinor: Number(row.clvMinor), expectedPurchases: row.expectedPurchases, probabilityAlive: row.probabilityAlive, currency: row.currency };
}

/** The shop's customers' predicted value as one number: the mean of every scored customer's 52-week CLV. */
export async function averageClv(prisma: PrismaClient, shop: string): Promise<{ clvMinor: number; customers: number } | null> {
  const [row] = await prisma.$queryRawUnsafe<{ avg: number | null; n: number }[]>(
    `SELECT avg("clvMinor")::float8 AS avg, count(*)::int AS n FROM "HistoryCustomerClv" WHERE "shop" = $1`,
    shop,
  );
  return row && row.n > 0 && row.avg !== null ? { clvMinor: Math.round(row.avg), customers: row.n } : null;
}

/**
 * The newest stored forecast (today's, or an older one while today's is computed by the shop's CLV job in the
 * job engine, never in the request). null when none exists yet.
 */
export async function clvForecast(prisma: PrismaClient, shop: string, day: string): Promise<{ forecast: ClvForecast | null; computing: boolean }> {
  const latest = await prisma.historyClvForecast.findFirst({ where: { shop }, orderBy: { day: "desc" } });
  const stored = latest?.result as ClvForecast | undefined;
  // "Too little data" is re-checked as soon as the history grew (e.g. the first import finished).
  const outgrown = stored?.status === "insufficient" && stored.version !== (await historyVersion(prisma, shop));
  if (!latest || latest.day !== day || outgrown) {
    // One job per shop waits at most: asking on every dashboard view costs an insert that does nothing.
    await sendShopJob(SHOP_JOBS.clvForecast, shop, { day });
    return { forecast: stored ?? null, computing: true };
  }
  return { forecast: latest.result as ClvForecast, computing: false };
}

export async function computeAndStoreClv(prisma: PrismaClient, shop: string, day: string): Promise<ClvForecast> {
  const version = await historyVersion(prisma, shop);
  const customers = (await rfmColumnsFromRollups(prisma, shop, day)) ?? rfmColumns(rfmOfHistory((await cachedShopHistory(prisma, shop)).value, day));
  const raw = forecastFromColumns(customers, day);
  if (raw.status === "insufficient") raw.version = version;
  let result: ClvForecast;
  if (raw.status === "ok") {
    const { scores, ...forecast } = raw;
    if (scores) await storeCustomerScores(prisma, shop, day, customers.customerIds, scores);
    const emails = await customerEmails(prisma, shop, forecast.top.map((t) => t.customerId));
    result = { ...forecast, top: forecast.top.map((t) => ({ ...t, email: emails.get(t.customerId) ?? null })) };
  } else result = raw;
  const json = result as unknown as Prisma.InputJsonValue;
  await prisma.historyClvForecast.upsert({
    where: { shop_day: { shop, day } },
    create: { shop, day, result: json },
    update: { result: json, computedAt: new Date() },
  });
  return result;
}
