// Store-side actions (a buyer checks out, the merchant refunds or cancels) applied to state.
// The stand-in object wraps these and sends the webhooks Shopify would.
import { allocate } from "./money";
import { buildCustomer } from "./graphql/mutations";
import { discountStatus } from "./graphql/views";
import {
  findCustomer, insertSorted, nextId, normaliseTags, orderTotals, ordersOfCustomer, productFor, touch,
  type ShopState, type StandinCustomer, type StandinDiscountCodeUse, type StandinLine, type StandinOrder, type StandinRefund, type StandinRefundLine,
} from "./state";
import { isoUtc } from "./time";

export interface CreateOrderLine { sku: string; title?: string; quantity: number; unitPriceMinor: number; discountMinor?: number }

export interface CreateOrderInput {
  id?: number;
  name?: string;
  /** numeric id or GID of an existing customer */
  customerId?: number | string | null;
  /** a buyer to find by email or create, as checkout does */
  customer?: { email?: string; firstName?: string; lastName?: string; phone?: string; countryCode?: string };
  email?: string | null;
  lines: CreateOrderLine[];
  currency?: string;
  createdAt?: string;
  processedAt?: string;
  /** codes redeemed at checkout; amount is computed from the stored discount when omitted */
  discountCodes?: Array<string | { code: string; amountMinor?: number; type?: StandinDiscountCodeUse["type"] }>;
  shippingMinor?: number;
  taxMinor?: number;
  taxesIncluded?: boolean;
  financialStatus?: "PAID" | "PENDING" | "AUTHORIZED";
  test?: boolean;
  sourceName?: string;
  tags?: string[];
  note?: string | null;
  /** The buyer's language at checkout (customer_locale), "en" unless given. */
  customerLocale?: string;
}

export interface CreatedOrder { order: StandinOrder; newCustomer: StandinCustomer | null }

export class StandinInputError extends Error {}

function customerIdOf(value: number | string): number {
  if (typeof value === "number") return value;
  const m = /(\d+)$/.exec(value);
  if (!m) throw new StandinInputError(`bad customer id ${value}`);
  return Number(m[1]);
}

export function applyCreateOrder(shop: ShopState, input: CreateOrderInput): CreatedOrder {
  if (!input.lines?.length) throw new StandinInputError("an order needs at least one line");
  for (const l of input.lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new StandinInputError(`line ${l.sku}: quantity must be a positive integer`);
    if (!Number.isInteger(l.unitPriceMinor) || l.unitPriceMinor < 0) throw new StandinInputError(`line ${l.sku}: unitPriceMinor must be a non-negative integer`);
  }
  let customer: StandinCustomer | undefined;
  let newCustomer: StandinCustomer | null = null;
  if (input.customerId != null) {
    customer = findCustomer(shop, customerIdOf(input.customerId));
    if (!customer) throw new StandinInputError(`customer ${input.customerId} does not exist`);
  } else if (input.customer) {
    const email = input.customer.email?.toLowerCase();
    customer = email ? shop.customers.find((c) => c.email?.toLowerCase() === email) : undefined;
    if (!customer) {
      newCustomer = customer = buildCustomer(shop, { ...input.customer, address: input.customer.countryCode ? { countryCode: input.customer.countryCode } : undefined, createdAt: input.createdAt });
      insertSorted(shop.customers, customer);
    }
  }
  const createdAt = isoUtc(input.createdAt ?? Date.now());
  const currency = input.currency ?? shop.info.currency;
  const lines: StandinLine[] = input.lines.map((l) => {
    productFor(shop, l.sku, l.title ?? l.sku, l.unitPriceMinor);
    return [nextId(shop), l.sku, l.title ?? shop.products[l.sku]?.[2] ?? l.sku, l.quantity, l.unitPriceMinor, l.discountMinor ?? 0];
  });
  let shippingMinor = input.shippingMinor ?? 0;
  const codes: StandinDiscountCodeUse[] = [];
  for (const raw of input.discountCodes ?? []) {
    const use = typeof raw === "string" ? { code: raw } : raw;
    const stored = shop.discounts.find((d) => d.code.toLowerCase() === use.code.toLowerCase());
    const merchandise = lines.reduce((n, l) => n + l[3] * l[4] - l[5], 0);
    let amountMinor = use.amountMinor;
    let type = use.type;
    // A code on some variants applies to their lines only; the order must hold one.
    const entitled = (l: StandinLine) => !stored?.variantIds || stored.variantIds.includes(shop.products[l[1]]?.[1] ?? -1);
    const eligible = lines.reduce((n, l) => (entitled(l) ? n + l[3] * l[4] - l[5] : n), 0);
    if (stored) {
      // Checkout refuses codes that don't apply; so does the stand-in, loudly.
      const status = discountStatus(stored, Date.parse(createdAt));
      if (status !== "ACTIVE") throw new StandinInputError(`discount code ${use.code} is ${status.toLowerCase()}`);
      if (stored.customerIds && (!customer || !stored.customerIds.includes(customer.id))) throw new StandinInputError(`discount code ${use.code} is not available to this customer`);
      if (stored.appliesOncePerCustomer && customer && ordersOfCustomer(shop, customer.id).some((o) => o.discountCodes.some((d) => d.code.toLowerCase() === stored.code.toLowerCase()))) {
        throw new StandinInputError(`discount code ${use.code} has already been used by this customer`);
      }
      if (stored.variantIds && !lines.some(entitled)) throw new StandinInputError(`discount code ${use.code} applies to products this order does not hold`);
      if (stored.minimumSubtotalMinor != null && merchandise < stored.minimumSubtotalMinor) throw new StandinInputError(`discount code ${use.code} needs a subtotal of at least ${stored.minimumSubtotalMinor}`);
      if (stored.minimumQuantity != null && lines.reduce((n, l) => n + l[3], 0) < stored.minimumQuantity) throw new StandinInputError(`discount code ${use.code} needs at least ${stored.minimumQuantity} items`);
      if (stored.kind === "freeShipping") {
        type = "shipping";
        amountMinor ??= stored.maximumShippingPriceMinor != null && shippingMinor > stored.maximumShippingPriceMinor ? 0 : shippingMinor;
      } else if (stored.value && "percentage" in stored.value) {
        type = "percentage";
        amountMinor ??= Math.round(eligible * stored.value.percentage);
      } else if (stored.value) {
        type = "fixed_amount";
        const each = stored.value.appliesOnEachItem ? stored.value.amountMinor * lines.reduce((n, l) => (entitled(l) ? n + l[3] : n), 0) : stored.value.amountMinor;
        amountMinor ??= Math.min(each, eligible);
      }
      stored.asyncUsageCount += 1;
    }
    if (amountMinor == null) throw new StandinInputError(`discount code ${use.code} is unknown to the shop: give amountMinor`);
    type ??= "fixed_amount";
    if (type === "shipping") shippingMinor = Math.max(0, shippingMinor - amountMinor);
    else {
      const shares = allocate(Math.min(amountMinor, eligible), lines.map((l) => (entitled(l) ? l[3] * l[4] - l[5] : 0)));
      lines.forEach((l, i) => (l[5] += shares[i]));
    }
    codes.push({ code: stored?.code ?? use.code, amountMinor, type });
  }
  const lastNumber = shop.orders.reduce((n, o) => Math.max(n, o.number), 1000);
  const number = input.name && /\d+/.test(input.name) ? Number(/\d+/.exec(input.name)![0]) : lastNumber + 1;
  const id = input.id ?? nextId(shop);
  if (shop.orders.some((o) => o.id === id)) throw new StandinInputError(`order ${id} already exists`);
  const order: StandinOrder = {
    id, name: input.name ?? `#${number}`, number, customerId: customer?.id ?? null,
    email: input.email !== undefined ? input.email : customer?.email ?? null,
    createdAt, processedAt: isoUtc(input.processedAt ?? createdAt), updatedAt: createdAt,
    cancelledAt: null, cancelReason: null, closedAt: null, test: input.test ?? false, currency,
    sourceName: input.sourceName ?? "web", tags: normaliseTags(input.tags ?? []), note: input.note ?? null,
    customerLocale: input.customerLocale ?? "en",
    paymentStatus: input.financialStatus ?? "PAID", taxesIncluded: input.taxesIncluded ?? true,
    shippingMinor, taxMinor: input.taxMinor ?? 0, discountCodes: codes, lines, refunds: [],
  };
  insertSorted(shop.orders, order);
  // The customer's order count changed, and Shopify moves their updated_at with it.
  if (customer && customer.updatedAt < createdAt) customer.updatedAt = createdAt;
  touch(shop);
  return { order, newCustomer };
}

export interface RefundInput {
  lines?: Array<{ lineItemId?: number | string; sku?: string; quantity: number; amountMinor?: number }>;
  /** money returned; defaults to the refunded lines' value (plus shipping) */
  amountMinor?: number;
  shippingMinor?: number;
  note?: string | null;
  createdAt?: string;
}

export function applyRefund(shop: ShopState, order: StandinOrder, input: RefundInput = {}): StandinRefund {
  if (order.paymentStatus !== "PAID") throw new StandinInputError(`order ${order.name} has no captured payment to refund`);
  const t = orderTotals(shop, order);
  const remainingQty = new Map(order.lines.map((l) => [l[0], l[3] - (t.refundedQuantity.get(l[0]) ?? 0)]));
  const wholeRefund = !input.lines && input.amountMinor === undefined && input.shippingMinor === undefined;
  const requested: NonNullable<RefundInput["lines"]> = wholeRefund ? order.lines.map((l) => ({ lineItemId: l[0], quantity: remainingQty.get(l[0]) ?? 0 })) : input.lines ?? [];
  const lines: StandinRefundLine[] = [];
  for (const r of requested) {
    let want = r.quantity;
    if (want <= 0) continue;
    const candidates = order.lines.filter((l) =>
      r.lineItemId != null ? l[0] === Number(/(\d+)$/.exec(String(r.lineItemId))?.[1]) : l[1] === r.sku);
    if (!candidates.length) throw new StandinInputError(`order ${order.name} has no line ${r.lineItemId ?? r.sku}`);
    for (const l of candidates) {
      const room = remainingQty.get(l[0]) ?? 0;
      const qty = Math.min(room, want);
      if (qty <= 0) continue;
      const lineValue = Math.round(((l[3] * l[4] - l[5]) * qty) / l[3]);
      const subtotal = r.amountMinor !== undefined ? Math.min(Math.round((r.amountMinor * qty) / r.quantity), lineValue) : lineValue;
      lines.push([l[0], qty, subtotal, nextId(shop)]);
      remainingQty.set(l[0], room - qty);
      want -= qty;
    }
  }
  const shipping = Math.min(input.shippingMinor ?? (wholeRefund ? order.shippingMinor - t.refundedShippingMinor : 0), order.shippingMinor - t.refundedShippingMinor);
  const linesValue = lines.reduce((n, l) => n + l[2], 0);
  const room = t.totalMinor - t.refundedMinor;
  const amountMinor = Math.max(0, Math.min(input.amountMinor ?? linesValue + shipping, room));
  if (!lines.length && amountMinor === 0 && shipping <= 0) throw new StandinInputError(`nothing left to refund on order ${order.name}`);
  const refund: StandinRefund = {
    id: nextId(shop), createdAt: isoUtc(input.createdAt ?? Date.now()), note: input.note ?? null, lines, amountMinor,
    shippingMinor: Math.max(0, shipping), transactionId: nextId(shop),
  };
  order.refunds.push(refund);
  if (refund.createdAt > order.updatedAt) order.updatedAt = refund.createdAt;
  touch(shop);
  return refund;
}

export interface MarkPaidInput { paidAt?: string }

/** The merchant records the payment of an order placed unpaid (Shopify's orderMarkAsPaid; a capture does the same). */
export function applyMarkPaid(shop: ShopState, order: StandinOrder, input: MarkPaidInput = {}): void {
  if (order.cancelledAt) throw new StandinInputError(`order ${order.name} is cancelled and cannot be paid`);
  if (order.paymentStatus === "PAID") throw new StandinInputError(`order ${order.name} is already paid`);
  const at = isoUtc(input.paidAt ?? Date.now());
  order.paymentStatus = "PAID";
  if (at > order.updatedAt) order.updatedAt = at;
  touch(shop);
}

export interface CancelInput { reason?: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF"; refund?: boolean; cancelledAt?: string }

export function applyCancel(shop: ShopState, order: StandinOrder, input: CancelInput = {}): StandinRefund | null {
  if (order.cancelledAt) throw new StandinInputError(`order ${order.name} is already cancelled`);
  const at = isoUtc(input.cancelledAt ?? Date.now());
  let refund: StandinRefund | null = null;
  const t = orderTotals(shop, order);
  if ((input.refund ?? true) && order.paymentStatus === "PAID" && t.refundedMinor < t.totalMinor) {
    refund = applyRefund(shop, order, { createdAt: at });
  }
  order.cancelledAt = at;
  order.cancelReason = input.reason ?? "CUSTOMER";
  order.closedAt = at;
  if (at > order.updatedAt) order.updatedAt = at;
  touch(shop);
  return refund;
}
