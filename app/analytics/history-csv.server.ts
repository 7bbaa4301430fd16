// CSV in and out of the order history. Import: `order_id,customer_id,date,amount` (refunds as negative
// rows with the same order_id), parsed by the domain's csv.ts, written all-or-nothing in one
// transaction. Export: customers with their figures, and the period figures.
//
// Ids: a CSV's orders come from wherever the merchant sold before, so their ids are namespaced — a
// hash of "order:<id>" stored as a negative number, which can never collide with Shopify's positive
// ids and makes a re-upload of the same file update rather than duplicate. A customer_id made of
// digits is taken as a Shopify customer id (so old purchases attach to today's customer); any other
// customer_id is namespaced the same way.
import crypto from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { CsvError, parseOrderEventsCsv } from "~/analytics/domain/csv";
import { currencyMinorDigits } from "~/points/domain/money";
import { toEpochMs } from "~/analytics/domain/time";
import type { LifecycleSegment } from "~/analytics/domain/lifecycle-segments";
import {
  bumpHistoryVersion,
  ensureHistoryCustomers,
  upsertHistoryOrders,
  upsertHistoryRefunds,
  type HistoryCustomerRow,
  type HistoryOrderRow,
  type HistoryRefundRow,
} from "~/history/history-store.server";
import { customerEmails, loadMemberIds, segmentReport, type Dashboard } from "./analytics-dashboard.server";
import { shopToday } from "~/shops/time-zone.server";

export class CsvImportError extends Error {
  constructor(
    readonly status: 400 | 422,
    message: string,
  ) {
    super(message);
    this.name = "CsvImportError";
  }
}

/** A stable negative id for an id from outside Shopify (48 bits of SHA-256: safe as a JS number). */
export function namespacedId(kind: "order" | "customer" | "refund", id: string): string {
  const hash = crypto.createHash("sha256").update(`${kind}:${id}`).digest();
  return String(-(hash.readUIntBE(0, 6) + 1));
}

export function csvCustomerId(id: string): string {
  return /^\d{1,15}$/.test(id) ? id.replace(/^0+(?=\d)/, "") : namespacedId("customer", id);
}

export interface CsvHistory {
  customers: HistoryCustomerRow[];
  orders: HistoryOrderRow[];
  refunds: HistoryRefundRow[];
}

/** Pure: the history rows a CSV describes. Throws CsvError (with the line) for anything inconsistent. */
export function historyFromCsv(text: string, currency: string, importedAt: Date): CsvHistory {
  const { rows, lines } = parseOrderEventsCsv(text, { currencyDecimals: currencyMinorDigits(currency) });
  if (rows.length === 0) throw new CsvError(2, "the file has a header but no rows");
  const orders = new Map<string, HistoryOrderRow & { line: number }>();
  const refunds: HistoryRefundRow[] = [];
  const customers = new Map<string, HistoryCustomerRow>();
  const customerOf = new Map<string, { id: string | null; line: number }>();
  const refundCount = new Map<string, number>();
  rows.forEach((row, i) => {
    const line = lines[i];
    const at = new Date(toEpochMs(row.at));
    const orderId = namespacedId("order", row.orderId);
    const customerId = row.customerId === null ? null : csvCustomerId(row.customerId);
    const seen = customerOf.get(row.orderId);
    if (seen && customerId !== null && seen.id !== null && seen.id !== customerId) {
      throw new CsvError(line, `order ${row.orderId} has another customer_id than on line ${seen.line}`);
    }
    if (!seen || seen.id === null) customerOf.set(row.orderId, { id: customerId ?? seen?.id ?? null, line });
    if (customerId !== null) {
      const c = customers.get(customerId);
      if (!c || at < c.createdAt) customers.set(customerId, { id: customerId, createdAt: at, updatedAt: at, email: null });
    }
    if (row.amountMinor < 0) {
      const k = (refundCount.get(row.orderId) ?? 0) + 1;
      refundCount.set(row.orderId, k);
      refunds.push({ id: namespacedId("refund", `${row.orderId}#${k}`), orderId, createdAt: at, amountMinor: -row.amountMinor });
      return;
    }
    // Several positive rows of one order are its line items: one order, placed at the earliest.
    const order = orders.get(row.orderId);
    if (order) {
      order.amountMinor += row.amountMinor;
      if (at < order.createdAt) order.createdAt = at;
    } else {
      orders.set(row.orderId, { id: orderId, customerId: null, createdAt: at, updatedAt: importedAt, amountMinor: row.amountMinor, currency, cancelledAt: null, line });
    }
  });
  for (const [key, order] of orders) order.customerId = customerOf.get(key)?.id ?? null;
  return {
    customers: [...customers.values()],
    orders: [...orders.values()].map(({ line: _line, ...o }) => o),
    refunds,
  };
}

export async function importHistoryCsv(prisma: PrismaClient, shop: string, text: string, now = new Date()) {
  if (!text.trim()) throw new CsvImportError(400, "The file is empty.");
  const known = await prisma.shop.findUnique({ where: { domain: shop }, select: { currency: true } });
  const currency = known?.currency;
  if (!currency) throw new CsvImportError(422, "The shop's currency is not known yet; open the app once so Treue can read it.");
  let parsed: CsvHistory;
  try {
    parsed = historyFromCsv(text, currency, now);
  } catch (error) {
    if (error instanceof CsvError) throw new CsvImportError(422, error.message);
    throw error;
  }
  const BATCH = 1000;
  await prisma.$transaction(
    async (tx) => {
      for (let i = 0; i < parsed.customers.length; i += BATCH) await ensureHistoryCustomers(tx, shop, "csv", parsed.customers.slice(i, i + BATCH));
      for (let i = 0; i < parsed.orders.length; i += BATCH) await upsertHistoryOrders(tx, shop, "csv", parsed.orders.slice(i, i + BATCH));
      for (let i = 0; i < parsed.refunds.length; i += BATCH) await upsertHistoryRefunds(tx, shop, "csv", parsed.refunds.slice(i, i + BATCH));
      await bumpHistoryVersion(tx, shop);
    },
    { timeout: 120_000 },
  );
  return { orders: parsed.orders.length, refunds: parsed.refunds.length, customers: parsed.customers.length };
}

// ---- export ----

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. Text a spreadsheet would run as a formula
 * (starting with =, +, -, @, a tab or a carriage return: an e-mail or a note a shopper typed) gets a leading
 * apostrophe (OWASP's advice); numbers, negative ones included, stay numbers.
 */
export function csvField(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: (string | number | null)[]): string {
  return fields.map(csvField).join(",") + "\r\n";
}

/** Minor units as a plain decimal ("1234" with 2 digits → "12.34"), exact. */
export function minorToDecimal(minor: number, digits: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(Math.round(minor))).padStart(digits + 1, "0");
  return digits === 0 ? sign + abs : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** Every customer with orders, or only those of one segment (the segment page's export). */
export async function customersCsv(prisma: PrismaClient, shop: string, now = new Date(), segment?: LifecycleSegment): Promise<string> {
  const today = await shopToday(prisma, shop, now);
  const { cached, report } = await segmentReport(prisma, shop, today);
  const currency = cached.value.currency ?? "";
  const digits = currencyMinorDigits(currency || "USD");
  const members = await loadMemberIds(prisma, shop);
  const customers = segment ? report.customers.filter((c) => c.segment === segment) : report.customers;
  const emails = await customerEmails(prisma, shop, customers.map((c) => c.customerId));
  let out = csvLine(["customer_id", "email", "segment", "orders", "spend", "currency", "days_since_last_order", "days_since_first_order", "member"]);
  for (const c of customers) {
    out += csvLine([
      Number(c.customerId) < 0 ? "" : c.customerId,
      emails.get(c.customerId) ?? "",
      c.segment satisfies LifecycleSegment,
      c.frequency,
      minorToDecimal(c.monetaryMinor, digits),
      currency,
      c.recencyDays,
      c.tenureDays,
      members.has(c.customerId) ? "yes" : "no",
    ]);
  }
  return out;
}

export function metricsCsv(dashboard: Dashboard): string {
  const digits = currencyMinorDigits(dashboard.currency || "USD");
  const value = (kind: string, v: number | null) => (v === null ? "" : kind === "money" ? minorToDecimal(v, digits) : String(v));
  // Money figures are written in major units ("12.34"), so their names drop the code's "Minor" suffix.
  const name = (f: { key: string; kind: string }) => (f.kind === "money" ? f.key.replace(/Minor$/, "") : f.key);
  let out = csvLine(["figure", "group", "period_from", "period_to", "value", "previous_value", "currency", "note"]);
  for (const f of dashboard.figures) {
    out += csvLine([
      name(f),
      "all",
      dashboard.period.from,
      dashboard.period.to,
      value(f.kind, f.current.value),
      value(f.kind, f.previous.value),
      f.kind === "money" ? dashboard.currency : "",
      f.current.reason,
    ]);
  }
  for (const [group, figures] of dashboard.members ? ([["members", dashboard.members.members], ["non-members", dashboard.members.nonMembers]] as const) : []) {
    for (const f of figures) {
      out += csvLine([name(f), group, dashboard.period.from, dashboard.period.to, value(f.kind, f.current.value), "", f.kind === "money" ? dashboard.currency : "", f.current.reason]);
    }
  }
  return out;
}
