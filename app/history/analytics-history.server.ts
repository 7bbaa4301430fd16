// Loads a shop's order history into the analytics domain's columnar form (orderHistoryFromColumns)
// with two SQL queries, and keeps it in memory per shop until the history version moves on.
//
// Why this shape: a million orders fetched as row objects cost seconds in the driver; one text
// aggregate per table is one network value that a hand-written scanner turns into typed arrays in
// tens of milliseconds. Reports over the columns take ~30 ms each (docs/decisions/003-clv-models.md).
//
// Events fed to the domain, per order: the sale at createdAt (+amount), each refund at its time
// (−amount), and — for a cancelled order — whatever was not refunded yet, taken back at cancelledAt,
// so a cancellation counts in the period it happens, like a refund.
import { orderHistoryFromColumns, type OrderHistory } from "~/analytics/domain/order-history";
import { historyVersion, type SqlClient } from "./history-store.server";

export interface ShopHistory {
  shop: string;
  version: number;
  loadedAt: number;
  loadMs: number;
  history: OrderHistory;
  /** Customer index → numeric Shopify id (negative for CSV-only customers). */
  customerNumbers: Float64Array;
  currency: string | null;
  orders: number;
  refunds: number;
  /** For a history read from the rollups: their generation in the same snapshot. */
  rollupGeneration?: number;
}

/**
 * Scans "a,b,c;d,e,f;…" of integers into columns; an empty field is NaN. `width` fields per record.
 * Returns the number of records.
 */
export function scanIntegerRecords(text: string, width: number, columns: Float64Array[]): number {
  let record = 0;
  let field = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const ch = i < n ? text.charCodeAt(i) : 59; /* ";" ends the last record */
    if (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
      digits++;
    } else if (ch === 45 /* - */) {
      negative = true;
    } else if (ch === 44 /* , */ || ch === 59 /* ; */) {
      if (i === n && field === 0 && digits === 0 && !negative) break; // empty text or trailing ";"
      columns[field][record] = digits === 0 ? Number.NaN : negative ? -value : value;
      value = 0;
      digits = 0;
      negative = false;
      if (ch === 44) field++;
      else {
        if (field !== width - 1) throw new Error(`record ${record}: expected ${width} fields, found ${field + 1}`);
        field = 0;
        record++;
      }
    } else {
      throw new Error(`unexpected character ${JSON.stringify(text[i])} in record ${record}`);
    }
  }
  return record;
}

export interface HistoryTables {
  /** Orders sorted by id: id, customer id (NaN = guest), createdAt ms, amount minor, cancelledAt ms (NaN). */
  orderId: Float64Array;
  orderCustomer: Float64Array;
  orderAt: Float64Array;
  orderAmount: Float64Array;
  orderCancelledAt: Float64Array;
  /** Refunds sorted by order id: order id, createdAt ms, amount minor (positive). */
  refundOrder: Float64Array;
  refundAt: Float64Array;
  refundAmount: Float64Array;
}

/** Pure: builds the domain's order history from the two tables (orders and refunds both sorted by order id). */
export function historyFromTables(t: HistoryTables): { history: OrderHistory; customerNumbers: Float64Array } {
  const orders = t.orderId.length;
  const refunds = t.refundOrder.length;
  const customerIndexByNumber = new Map<number, number>();
  const customerNumbersList: number[] = [];
  const capacity = orders * 2 + refunds;
  const orderIndex = new Int32Array(capacity);
  const customerIndex = new Int32Array(capacity);
  const at = new Float64Array(capacity);
  const amountMinor = new Float64Array(capacity);
  let e = 0;
  let r = 0;
  for (let o = 0; o < orders; o++) {
    const id = t.orderId[o];
    const customer = t.orderCustomer[o];
    let c = -1;
    if (!Number.isNaN(customer)) {
      const known = customerIndexByNumber.get(customer);
      if (known === undefined) {
        c = customerNumbersList.length;
        customerNumbersList.push(customer);
        customerIndexByNumber.set(customer, c);
      } else c = known;
    }
    orderIndex[e] = o;
    customerIndex[e] = c;
    at[e] = t.orderAt[o];
    amountMinor[e] = t.orderAmount[o];
    e++;
    // Refunds of orders the history does not hold are skipped: without the order there is no buyer,
    // and buyer-less amounts are left out of every figure anyway.
    while (r < refunds && t.refundOrder[r] < id) r++;
    let refunded = 0;
    while (r < refunds && t.refundOrder[r] === id) {
      orderIndex[e] = o;
      customerIndex[e] = c;
      at[e] = t.refundAt[r];
      amountMinor[e] = -t.refundAmount[r];
      refunded += t.refundAmount[r];
      e++;
      r++;
    }
    const cancelledAt = t.orderCancelledAt[o];
    const rest = t.orderAmount[o] - refunded;
    if (!Number.isNaN(cancelledAt) && rest > 0) {
      orderIndex[e] = o;
      customerIndex[e] = c;
      at[e] = cancelledAt;
      amountMinor[e] = -rest;
      e++;
    }
  }
  const customerNumbers = Float64Array.from(customerNumbersList);
  const history = orderHistoryFromColumns({
    orderIndex: orderIndex.subarray(0, e),
    customerIndex: customerIndex.subarray(0, e),
    at: at.subarray(0, e),
    amountMinor: amountMinor.subarray(0, e),
    orderCount: orders,
    customerIds: customerNumbersList.map(String),
  });
  return { history, customerNumbers };
}

export async function readHistoryTables(db: SqlClient, shop: string): Promise<{ tables: HistoryTables; currency: string | null }> {
  const [orderRow] = await db.$queryRawUnsafe<{ n: string; rows: string | null; currency: string | null }[]>(
    `SELECT count(*)::text AS n, max("currency") AS currency,
            string_agg(concat_ws(',', "id", COALESCE("customerId"::text, ''),
                                 (extract(epoch FROM "createdAt") * 1000)::bigint, "amountMinor",
                                 COALESCE(((extract(epoch FROM "cancelledAt") * 1000)::bigint)::text, '')),
                       ';' ORDER BY "id") AS rows
       FROM "HistoryOrder" WHERE "shop" = $1`,
    shop,
  );
  const [refundRow] = await db.$queryRawUnsafe<{ n: string; rows: string | null }[]>(
    `SELECT count(*)::text AS n,
            string_agg(concat_ws(',', "orderId", (extract(epoch FROM "createdAt") * 1000)::bigint, "amountMinor"),
                       ';' ORDER BY "orderId", "createdAt", "id") AS rows
       FROM "HistoryRefund" WHERE "shop" = $1`,
    shop,
  );
  const orders = Number(orderRow.n);
  const refunds = Number(refundRow.n);
  const oc = Array.from({ length: 5 }, () => new Float64Array(orders));
  const rc = Array.from({ length: 3 }, () => new Float64Array(refunds));
  if (orders > 0 && scanIntegerRecords(orderRow.rows ?? "", 5, oc) !== orders) throw new Error("order history: row count mismatch");
  if (refunds > 0 && scanIntegerRecords(refundRow.rows ?? "", 3, rc) !== refunds) throw new Error("refund history: row count mismatch");
  return {
    tables: {
      orderId: oc[0],
      orderCustomer: oc[1],
      orderAt: oc[2],
      orderAmount: oc[3],
      orderCancelledAt: oc[4],
      refundOrder: rc[0],
      refundAt: rc[1],
      refundAmount: rc[2],
    },
    currency: orderRow.currency,
  };
}

export async function loadShopHistory(db: SqlClient, shop: string, version?: number): Promise<ShopHistory> {
  const started = performance.now();
  const v = version ?? (await historyVersion(db, shop));
  const { tables, currency } = await readHistoryTables(db, shop);
  const { history, customerNumbers } = historyFromTables(tables);
  return {
    shop,
    version: v,
    loadedAt: Date.now(),
    loadMs: performance.now() - started,
    history,
    customerNumbers,
    currency,
    orders: tables.orderId.length,
    refunds: tables.refundOrder.length,
  };
}

// ---- per-shop cache ----

interface CacheEntry {
  value: ShopHistory;
  refreshing: Promise<ShopHistory> | null;
  /** Derived results (dashboards, segment lists) of this history version, keyed by their inputs. */
  derived: Map<string, unknown>;
}


const MAX_SHOPS = 8;
const STALE_SERVING_MIN_ORDERS = 50_000;

const histories = new Map<string, CacheEntry>();

function cache(): Map<string, CacheEntry> {
  return histories;
}

export interface CachedHistory {
  value: ShopHistory;
  /** Memoises a computation on this exact history version. */
  derive<T>(key: string, compute: () => T): T;
  stale: boolean;
}

/**
 * The shop's history, from memory when its version is current. A busy big shop's webhooks move the
 * version constantly, so for histories of 50 k orders or more a changed version is served from
 * memory for up to `maxStaleMs` while one reload runs in the background; figures are then at most
 * that old. Smaller histories reload at once (tens of milliseconds).
 */
export type HistoryLoader = (db: SqlClient, shop: string, version: number) => Promise<ShopHistory>;

/**
 * `loader` picks the form: the exact-time history (default; the CLV fit needs it) or the day-resolution
 * one from rollups (history-rollups.server.ts; the dashboard). Each form is cached separately.
 */
export async function cachedShopHistory(
  db: SqlClient,
  shop: string,
  opts: { maxStaleMs?: number; loader?: HistoryLoader; kind?: string } = {},
): Promise<CachedHistory> {
  const maxStaleMs = opts.maxStaleMs ?? 30_000;
  const loader = opts.loader ?? loadShopHistory;
  const key = opts.kind ? `${opts.kind}:${shop}` : shop;
  const shops = cache();
  const version = await historyVersion(db, shop);
  let entry = shops.get(key);
  const wrap = (e: CacheEntry, stale: boolean): CachedHistory => ({
    value: e.value,
    stale,
    derive<T>(key: string, compute: () => T): T {
      if (!e.derived.has(key)) e.derived.set(key, compute());
      return e.derived.get(key) as T;
    },
  });
  if (entry && entry.value.version === version) return wrap(entry, false);
  // Small histories reload in milliseconds, so only big ones are ever served stale.
  if (entry && entry.value.orders >= STALE_SERVING_MIN_ORDERS && Date.now() - entry.value.loadedAt < maxStaleMs) {
    if (!entry.refreshing) {
      const current = entry;
      current.refreshing = loader(db, shop, version)
        .then((value) => {
          shops.set(key, { value, refreshing: null, derived: new Map() });
          return value;
        })
        .catch((error) => {
          console.error(`[treue] reloading ${shop}'s history:`, error);
          current.refreshing = null;
          return current.value;
        });
    }
    return wrap(entry, true);
  }
  const value = await loader(db, shop, version);
  entry = { value, refreshing: null, derived: new Map() };
  shops.delete(key);
  shops.set(key, entry);
  while (shops.size > MAX_SHOPS) shops.delete(shops.keys().next().value as string);
  return wrap(entry, false);
}

export function forgetShopHistory(shop?: string) {
  if (!shop) return cache().clear();
  for (const key of [...cache().keys()]) if (key === shop || key.endsWith(`:${shop}`)) cache().delete(key);
}
