// Turns what Shopify sends — REST webhook payloads and bulk-export JSONL lines — into order history
// rows. Pure (no I/O), so both paths read Shopify's shapes the same way and are unit-tested.
//
// Amount basis (the points engine's): merchandise after discounts, before returns, without shipping
// and tax — `subtotal_price_set.shop_money` (REST) / `subtotalPriceSet.shopMoney` (GraphQL). A refund
// counts its merchandise: Σ `refund_line_items[].subtotal_set.shop_money` / `refundLineItems.subtotalSet`.
// Shop money throughout, so every amount of a shop is in one currency.
import { parseMinor } from "~/points/domain/money";
import type { HistoryCustomerRow, HistoryOrderRow, HistoryRefundRow } from "./history-store.server";

export class HistoryRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryRecordError";
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/** The largest id a history row holds (PostgreSQL's bigint), in decimal digits. */
const MAX_ID = "9223372036854775807";

/** Numeric id from a REST id (number or digit string) or a GraphQL gid. */
export function numericId(value: unknown, what: string): string {
  if (typeof value === "number") {
    // Past 2^53 JSON.parse has already changed the digits; refusing is better than merging two records.
    if (!Number.isSafeInteger(value) || value < 0) throw new HistoryRecordError(`${what}: id ${value} is not a safe integer`);
    return String(value);
  }
  if (typeof value === "string") {
    const m = /^(?:gid:\/\/shopify\/\w+\/)?(\d+)(?:\?.*)?$/.exec(value);
    if (m) {
      const digits = m[1].replace(/^0+(?=\d)/, "");
      // Stored as PostgreSQL bigint: a longer id would fail the whole batch it is written with.
      // (Digits without leading zeros: of equal length, their text order is their numeric order.)
      if (digits.length > MAX_ID.length || (digits.length === MAX_ID.length && digits > MAX_ID)) throw new HistoryRecordError(`${what}: id ${value} is out of range`);
      return digits;
    }
  }
  throw new HistoryRecordError(`${what}: missing or invalid id ${JSON.stringify(value)}`);
}

function optionalId(value: unknown, what: string): string | null {
  return value === null || value === undefined || value === "" ? null : numericId(value, what);
}

export function instant(value: unknown, what: string): Date {
  if (typeof value === "string") {
    const ms = Date.parse(value);
    // A zone-less time would depend on the server's zone; Shopify always sends an offset or Z.
    if (!Number.isNaN(ms) && /(Z|[+-]\d{2}:?\d{2})$/.test(value)) return new Date(ms);
  }
  throw new HistoryRecordError(`${what}: not an ISO-8601 time with an offset: ${JSON.stringify(value)}`);
}

function optionalInstant(value: unknown, what: string): Date | null {
  return value === null || value === undefined || value === "" ? null : instant(value, what);
}

function minor(amount: unknown, currency: string, what: string): number {
  const parsed = typeof amount === "string" || typeof amount === "number" ? parseMinor(amount, currency) : null;
  if (parsed === null) throw new HistoryRecordError(`${what}: not a decimal amount: ${JSON.stringify(amount)}`);
  return parsed;
}

function restMoney(set: unknown, fallback: unknown, currency: string, what: string): { amountMinor: number; currency: string } | null {
  const shopMoney = isObject(set) && isObject(set.shop_money) ? set.shop_money : null;
  if (shopMoney) {
    const code = String(shopMoney.currency_code ?? currency).toUpperCase();
    return { amountMinor: minor(shopMoney.amount, code, what), currency: code };
  }
  if (fallback !== undefined && fallback !== null) return { amountMinor: minor(fallback, currency, what), currency };
  return null;
}

export interface OrderRecords {
  order: HistoryOrderRow;
  customer: HistoryCustomerRow | null;
  refunds: HistoryRefundRow[];
}

/** orders/create, orders/updated, orders/cancelled (REST order JSON). */
export function orderFromRest(payload: unknown): OrderRecords {
  if (!isObject(payload)) throw new HistoryRecordError("order payload is not an object");
  const id = numericId(payload.id, "order");
  const currency = String(payload.currency ?? "").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new HistoryRecordError(`order ${id}: currency missing`);
  const createdAt = instant(payload.created_at, `order ${id} created_at`);
  const updatedAt = payload.updated_at ? instant(payload.updated_at, `order ${id} updated_at`) : createdAt;
  const refunds = Array.isArray(payload.refunds) ? payload.refunds.map((r) => refundFromRest(r, currency, id)) : [];
  let money = restMoney(payload.subtotal_price_set, payload.subtotal_price, currency, `order ${id} subtotal_price`);
  if (!money) {
    // Older or trimmed payloads: the current subtotal is after returns, so add the refunded merchandise back.
    const current = restMoney(payload.current_subtotal_price_set, payload.current_subtotal_price, currency, `order ${id} current_subtotal_price`);
    if (!current) throw new HistoryRecordError(`order ${id}: subtotal_price missing`);
    money = { ...current, amountMinor: current.amountMinor + refunds.reduce((s, r) => s + r.amountMinor, 0) };
  }
  const buyer = isObject(payload.customer) ? payload.customer : null;
  const customerId = buyer ? optionalId(buyer.id, `order ${id} customer`) : null;
  return {
    order: {
      id,
      customerId,
      createdAt,
      updatedAt,
      amountMinor: money.amountMinor,
      currency: money.currency,
      cancelledAt: optionalInstant(payload.cancelled_at, `order ${id} cancelled_at`),
    },
    customer:
      buyer && customerId
        ? {
            id: customerId,
            createdAt: optionalInstant(buyer.created_at, `customer ${customerId} created_at`) ?? createdAt,
            updatedAt: optionalInstant(buyer.updated_at, `customer ${customerId} updated_at`) ?? createdAt,
            email: typeof buyer.email === "string" && buyer.email ? buyer.email : null,
          }
        : null,
    refunds,
  };
}

/** refunds/create payload, or one entry of an order's `refunds`. */
export function refundFromRest(payload: unknown, currency: string | null, orderIdHint?: string): HistoryRefundRow {
  if (!isObject(payload)) throw new HistoryRecordError("refund payload is not an object");
  const id = numericId(payload.id, "refund");
  const orderId = payload.order_id !== undefined ? numericId(payload.order_id, `refund ${id} order_id`) : orderIdHint;
  if (!orderId) throw new HistoryRecordError(`refund ${id}: order_id missing`);
  let amountMinor = 0;
  const lines = Array.isArray(payload.refund_line_items) ? payload.refund_line_items : [];
  for (const [i, line] of lines.entries()) {
    if (!isObject(line)) continue;
    const lineCurrency = currency ?? (isObject(line.subtotal_set) && isObject(line.subtotal_set.shop_money) ? String(line.subtotal_set.shop_money.currency_code) : null);
    if (!lineCurrency) throw new HistoryRecordError(`refund ${id}: currency unknown`);
    const money = restMoney(line.subtotal_set, line.subtotal, lineCurrency, `refund ${id} refund_line_items.${i}.subtotal`);
    if (money) amountMinor += money.amountMinor;
  }
  return {
    id,
    orderId,
    createdAt: instant(payload.created_at ?? payload.processed_at, `refund ${id} created_at`),
    amountMinor,
  };
}

/** customers/create (REST customer JSON). */
export function customerFromRest(payload: unknown): HistoryCustomerRow {
  if (!isObject(payload)) throw new HistoryRecordError("customer payload is not an object");
  const id = numericId(payload.id, "customer");
  const createdAt = instant(payload.created_at, `customer ${id} created_at`);
  return {
    id,
    createdAt,
    updatedAt: optionalInstant(payload.updated_at, `customer ${id} updated_at`) ?? createdAt,
    email: typeof payload.email === "string" && payload.email ? payload.email : null,
  };
}

// ---- Bulk export JSONL (GraphQL shapes) ----

function gqlShopMoney(set: unknown, what: string): { amountMinor: number; currency: string } {
  const money = isObject(set) && isObject(set.shopMoney) ? set.shopMoney : null;
  if (!money) throw new HistoryRecordError(`${what}: shopMoney missing`);
  const currency = String(money.currencyCode ?? "").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new HistoryRecordError(`${what}: currencyCode missing`);
  return { amountMinor: minor(money.amount, currency, what), currency };
}

/** `defaultEmailAddress.emailAddress` (Customer.email is deprecated); `email` from exports made before the change. */
function emailOf(line: Json): string | null {
  const address = isObject(line.defaultEmailAddress) ? line.defaultEmailAddress.emailAddress : line.email;
  return typeof address === "string" && address ? address : null;
}

export function customerFromBulk(line: Json): HistoryCustomerRow {
  const id = numericId(line.id, "customer");
  const createdAt = instant(line.createdAt, `customer ${id} createdAt`);
  return {
    id,
    createdAt,
    updatedAt: optionalInstant(line.updatedAt, `customer ${id} updatedAt`) ?? createdAt,
    email: emailOf(line),
  };
}

function nodesOf(connection: unknown): Json[] {
  if (!isObject(connection)) return [];
  if (Array.isArray(connection.nodes)) return connection.nodes.filter(isObject);
  if (Array.isArray(connection.edges)) return connection.edges.map((e) => (isObject(e) ? e.node : null)).filter(isObject);
  return [];
}

/**
 * Assembles orders from the orders export. Shopify writes each order on one line and may write a
 * nested connection's nodes (refund line items) on their own following lines with `__parentId`;
 * an order is complete when the next top-level line starts, so feed lines in file order and call
 * `finish()` at the end.
 */
export class BulkOrderAssembler {
  private current: { order: HistoryOrderRow; customer: HistoryCustomerRow | null; refunds: Map<string, HistoryRefundRow> } | null = null;

  constructor(private readonly emit: (records: OrderRecords) => void) {}

  push(line: Json): void {
    const parent = line.__parentId;
    if (typeof parent === "string") {
      this.child(parent, line);
      return;
    }
    this.finish();
    const id = numericId(line.id, "order");
    const money = gqlShopMoney(line.subtotalPriceSet, `order ${id} subtotalPriceSet`);
    const createdAt = instant(line.createdAt, `order ${id} createdAt`);
    const buyer = isObject(line.customer) ? line.customer : null;
    const customerId = buyer ? optionalId(buyer.id, `order ${id} customer`) : null;
    const refunds = new Map<string, HistoryRefundRow>();
    for (const r of Array.isArray(line.refunds) ? line.refunds.filter(isObject) : []) {
      const refundId = numericId(r.id, `order ${id} refund`);
      let amountMinor = 0;
      for (const item of nodesOf(r.refundLineItems)) amountMinor += gqlShopMoney(item.subtotalSet, `refund ${refundId} subtotalSet`).amountMinor;
      refunds.set(refundId, { id: refundId, orderId: id, createdAt: instant(r.createdAt, `refund ${refundId} createdAt`), amountMinor });
    }
    this.current = {
      order: {
        id,
        customerId,
        createdAt,
        updatedAt: optionalInstant(line.updatedAt, `order ${id} updatedAt`) ?? createdAt,
        amountMinor: money.amountMinor,
        currency: money.currency,
        cancelledAt: optionalInstant(line.cancelledAt, `order ${id} cancelledAt`),
      },
      customer:
        buyer && customerId
          ? {
              id: customerId,
              createdAt: optionalInstant(buyer.createdAt, `customer ${customerId} createdAt`) ?? createdAt,
              updatedAt: optionalInstant(buyer.updatedAt, `customer ${customerId} updatedAt`) ?? createdAt,
              email: null,
            }
          : null,
      refunds,
    };
  }

  private child(parentGid: string, line: Json): void {
    const current = this.current;
    if (!current) throw new HistoryRecordError(`line with __parentId ${parentGid} before any order`);
    if (!("subtotalSet" in line)) return;
    const amount = gqlShopMoney(line.subtotalSet, `refund line of ${parentGid}`).amountMinor;
    if (/\/Refund\//.test(parentGid)) {
      const refundId = numericId(parentGid, "refund");
      const refund = current.refunds.get(refundId);
      if (!refund) throw new HistoryRecordError(`refund line for ${parentGid}, which order ${current.order.id} does not list`);
      refund.amountMinor += amount;
    }
  }

  finish(): void {
    if (!this.current) return;
    const { order, customer, refunds } = this.current;
    this.current = null;
    this.emit({ order, customer, refunds: [...refunds.values()] });
  }
}
