// Writes to the order history tables (HistoryCustomer/Order/Refund), shared by the bulk import, the
// webhook steps and the CSV import. Every write is an upsert keyed by (shop, id) so a row can arrive
// any number of times, from any source, in any order: the newer `updatedAt` wins, a cancellation
// is never undone (Shopify cannot un-cancel an order), refunds are immutable facts.
import type { PrismaClient } from "@prisma/client";
import { sqlOf } from "~/db/connection.server";

/** Anything that can run raw SQL: the client or a transaction. */
export type SqlClient = Pick<PrismaClient, "$executeRawUnsafe" | "$queryRawUnsafe">;

export type HistorySource = "import" | "webhook" | "csv";

export interface HistoryCustomerRow {
  /** Numeric id as a decimal string (Shopify ids are 64-bit). */
  id: string;
  createdAt: Date;
  updatedAt: Date;
  email: string | null;
}

export interface HistoryOrderRow {
  id: string;
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Merchandise after discounts, before returns, without shipping and tax; minor units. */
  amountMinor: number;
  currency: string;
  cancelledAt: Date | null;
}

export interface HistoryRefundRow {
  id: string;
  orderId: string;
  createdAt: Date;
  /** Merchandise refunded, positive minor units. */
  amountMinor: number;
}

// TIMESTAMP(3) columns hold UTC wall time (what Prisma writes); binding zone-less text keeps the
// database session's TimeZone setting out of it.
function utc(date: Date): string {
  return date.toISOString().slice(0, 23);
}

function utcOrNull(date: Date | null): string | null {
  return date ? utc(date) : null;
}

/** One row per id, the newest by updatedAt (a batch may hold several versions of one record). */
function newestById<T extends { id: string; updatedAt?: Date }>(rows: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const row of rows) {
    const seen = byId.get(row.id);
    if (!seen || (row.updatedAt && seen.updatedAt && row.updatedAt.getTime() >= seen.updatedAt.getTime())) byId.set(row.id, row);
  }
  return [...byId.values()];
}

/** Numeric ids (decimal strings without leading zeros) in their numeric order. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** One INSERT for a batch of customers; `onConflict` says what an existing row keeps. */
async function writeHistoryCustomers(
  db: SqlClient,
  shop: string,
  source: HistorySource,
  rows: readonly HistoryCustomerRow[],
  onConflict: string,
) {
  // In id order: two writers of overlapping customers (an import's batches in flight, a webhook) then wait for
  // each other's rows in the same order, never in a cycle.
  const list = newestById(rows).sort((a, b) => compareIds(a.id, b.id));
  if (list.length === 0) return 0;
  return sqlOf(db).execute(
    `INSERT INTO "HistoryCustomer" AS h ("shop", "id", "createdAt", "updatedAt", "email", "source")
     SELECT $1, u.id, u.created, u.updated, u.email, $2
       FROM unnest($3::bigint[], $4::timestamp[], $5::timestamp[], $6::text[]) AS u(id, created, updated, email)
     ${onConflict}`,
    [shop, source, list.map((r) => r.id), list.map((r) => utc(r.createdAt)), list.map((r) => utc(r.updatedAt)), list.map((r) => r.email)],
  );
}

export function upsertHistoryCustomers(db: SqlClient, shop: string, source: HistorySource, rows: readonly HistoryCustomerRow[]) {
  return writeHistoryCustomers(
    db,
    shop,
    source,
    rows,
    `ON CONFLICT ("shop", "id") DO UPDATE SET
       "createdAt" = LEAST(h."createdAt", EXCLUDED."createdAt"),
       "updatedAt" = EXCLUDED."updatedAt",
       "email" = COALESCE(EXCLUDED."email", h."email"),
       "source" = EXCLUDED."source"
     WHERE h."updatedAt" <= EXCLUDED."updatedAt"`,
  );
}

/**
 * Customers seen only as an order's buyer: inserted when unknown, never overwriting what a customer
 * record said (an order's customer snapshot carries no newer customer facts).
 */
export function ensureHistoryCustomers(db: SqlClient, shop: string, source: HistorySource, rows: readonly HistoryCustomerRow[]) {
  return writeHistoryCustomers(db, shop, source, rows, `ON CONFLICT ("shop", "id") DO NOTHING`);
}

export async function upsertHistoryOrders(db: SqlClient, shop: string, source: HistorySource, rows: readonly HistoryOrderRow[]) {
  const list = newestById(rows);
  if (list.length === 0) return 0;
  return sqlOf(db).execute(
    `INSERT INTO "HistoryOrder" AS h ("shop", "id", "customerId", "createdAt", "updatedAt", "amountMinor", "currency", "cancelledAt", "source")
     SELECT $1, u.id, u.customer, u.created, u.updated, u.amount, u.currency, u.cancelled, $2
       FROM unnest($3::bigint[], $4::bigint[], $5::timestamp[], $6::timestamp[], $7::bigint[], $8::text[], $9::timestamp[])
         AS u(id, customer, created, updated, amount, currency, cancelled)
     ON CONFLICT ("shop", "id") DO UPDATE SET
       "customerId" = EXCLUDED."customerId",
       "createdAt" = EXCLUDED."createdAt",
       "updatedAt" = EXCLUDED."updatedAt",
       "amountMinor" = EXCLUDED."amountMinor",
       "currency" = EXCLUDED."currency",
       "cancelledAt" = COALESCE(h."cancelledAt", EXCLUDED."cancelledAt"),
       "source" = EXCLUDED."source"
     WHERE h."updatedAt" < EXCLUDED."updatedAt"
        OR (h."updatedAt" = EXCLUDED."updatedAt" AND h."cancelledAt" IS NULL)`,
    [
      shop,
      source,
      list.map((r) => r.id),
      list.map((r) => r.customerId),
      list.map((r) => utc(r.createdAt)),
      list.map((r) => utc(r.updatedAt)),
      list.map((r) => String(r.amountMinor)),
      list.map((r) => r.currency),
      list.map((r) => utcOrNull(r.cancelledAt)),
    ],
  );
}

export async function upsertHistoryRefunds(db: SqlClient, shop: string, source: HistorySource, rows: readonly HistoryRefundRow[]) {
  const list = newestById(rows);
  if (list.length === 0) return 0;
  return sqlOf(db).execute(
    `INSERT INTO "HistoryRefund" ("shop", "id", "orderId", "createdAt", "amountMinor", "source")
     SELECT $1, u.id, u.order_id, u.created, u.amount, $2
       FROM unnest($3::bigint[], $4::bigint[], $5::timestamp[], $6::bigint[]) AS u(id, order_id, created, amount)
     ON CONFLICT ("shop", "id") DO UPDATE SET
       "orderId" = EXCLUDED."orderId", "createdAt" = EXCLUDED."createdAt", "amountMinor" = EXCLUDED."amountMinor"`,
    [shop, source, list.map((r) => r.id), list.map((r) => r.orderId), list.map((r) => utc(r.createdAt)), list.map((r) => String(r.amountMinor))],
  );
}

/** Marks the shop's history as changed; cached figures compare this number. */
export async function bumpHistoryVersion(db: SqlClient, shop: string) {
  await sqlOf(db).execute(
    `INSERT INTO "HistoryState" ("shop", "version", "updatedAt") VALUES ($1, 1, now() AT TIME ZONE 'UTC')
     ON CONFLICT ("shop") DO UPDATE SET "version" = "HistoryState"."version" + 1, "updatedAt" = now() AT TIME ZONE 'UTC'`,
    [shop],
  );
}

export async function historyVersion(db: SqlClient, shop: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ version: string }[]>(`SELECT "version"::text AS version FROM "HistoryState" WHERE "shop" = $1`, shop);
  return rows.length === 0 ? 0 : Number(rows[0].version);
}

/** Compliance: a redacted customer keeps their anonymous order history but loses the email. */
export async function redactHistoryCustomer(db: SqlClient, shop: string, customerId: string) {
  await db.$executeRawUnsafe(`UPDATE "HistoryCustomer" SET "email" = NULL WHERE "shop" = $1 AND "id" = $2::bigint`, shop, customerId);
}

/** Compliance (shop/redact): everything the history holds about the shop goes. */
export async function eraseShopHistory(db: SqlClient, shop: string) {
  for (const table of ["HistoryRefund", "HistoryOrder", "HistoryCustomer", "HistoryImport", "HistoryState", "HistoryClvForecast"]) {
    await db.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "shop" = $1`, shop);
  }
}

export interface HistoryTotals {
  customers: number;
  orders: number;
  refunds: number;
  orderAmountMinor: number;
  refundAmountMinor: number;
  cancelledOrders: number;
}

export async function historyTotals(db: SqlClient, shop: string): Promise<HistoryTotals> {
  const [row] = await db.$queryRawUnsafe<Record<keyof HistoryTotals, string>[]>(
    `SELECT (SELECT count(*) FROM "HistoryCustomer" WHERE "shop" = $1)::text AS customers,
            (SELECT count(*) FROM "HistoryOrder" WHERE "shop" = $1)::text AS orders,
            (SELECT count(*) FROM "HistoryRefund" WHERE "shop" = $1)::text AS refunds,
            (SELECT COALESCE(sum("amountMinor"), 0) FROM "HistoryOrder" WHERE "shop" = $1)::text AS "orderAmountMinor",
            (SELECT COALESCE(sum("amountMinor"), 0) FROM "HistoryRefund" WHERE "shop" = $1)::text AS "refundAmountMinor",
            (SELECT count(*) FROM "HistoryOrder" WHERE "shop" = $1 AND "cancelledAt" IS NOT NULL)::text AS "cancelledOrders"`,
    shop,
  );
  return {
    customers: Number(row.customers),
    orders: Number(row.orders),
    refunds: Number(row.refunds),
    orderAmountMinor: Number(row.orderAmountMinor),
    refundAmountMinor: Number(row.refundAmountMinor),
    cancelledOrders: Number(row.cancelledOrders),
  };
}
