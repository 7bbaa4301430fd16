/**
 * The part of Shopify's REST order JSON (orders/create, orders/updated, orders/cancelled webhooks) the
 * points engine reads, and the snapshot it is turned into. The schema accepts and drops every other field
 * because Shopify adds fields without notice and a new field must never stop customers earning.
 */
import { z } from "zod";
import { parseMinor } from "./money";
import { parseInstant } from "./time";

// A numeric id above 2^53 has already lost digits in JSON.parse and could merge two orders: such payloads
// must be read with a big-number-aware parser that keeps ids as strings.
const id = z
  .union([z.number().int().nonnegative().refine(Number.isSafeInteger, "id above 2^53 lost precision; pass it as a string"), z.string().regex(/^\d+$/)])
  .transform(String);
const decimal = z.union([z.string(), z.number()]);
const instant = z.string().transform((text, ctx) => {
  const at = parseInstant(text);
  if (!at) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not an ISO-8601 instant with offset: ${text}` });
    return z.NEVER;
  }
  return at;
});
const shopMoney = z.object({ amount: decimal, currency_code: z.string().length(3) });

/** The order's name as merchants and buyers know it ("#1001"); one that is not a short text is dropped, never refused. */
const MAX_NAME = 255;

/** The buyer's language at checkout ("de", "en-GB"): member e-mails are written in it. Anything else is dropped. */
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const MAX_LOCALE = 35;

export const orderWebhookSchema = z.object({
  id,
  name: z.string().max(MAX_NAME).nullish().catch(null),
  customer_locale: z.string().max(MAX_LOCALE).regex(LOCALE).nullish().catch(null),
  created_at: instant,
  updated_at: instant,
  cancelled_at: instant.nullish(),
  currency: z.string().length(3),
  test: z.boolean().nullish(),
  financial_status: z.string().nullish(),
  // What the buyer still owes (total_outstanding) of the order's total: the paid share of a partially paid order.
  total_price: decimal.nullish(),
  total_outstanding: decimal.nullish(),
  current_subtotal_price: decimal.nullish(),
  current_subtotal_price_set: z.object({ shop_money: shopMoney }).nullish(),
  customer: z.object({ id }).nullish(),
  line_items: z.array(
    z.object({
      id,
      product_id: id.nullish(),
      variant_id: id.nullish(),
      quantity: z.number().int().nonnegative(),
      current_quantity: z.number().int().nonnegative().nullish(),
      price: decimal,
      gift_card: z.boolean().nullish(),
    }),
  ),
  refunds: z
    .array(
      z.object({
        refund_line_items: z
          .array(z.object({ line_item_id: id, quantity: z.number().int().nonnegative(), subtotal: decimal.nullish() }))
          .nullish(),
      }),
    )
    .nullish(),
});

export type OrderWebhookPayload = z.input<typeof orderWebhookSchema>;
type OrderWebhookData = z.output<typeof orderWebhookSchema>;

// --- the same reading without zod ---------------------------------------------------------------------------
// Reading an order with the schema took a fifth of the webhook worker's time and most of what it allocated.
// readOrderWebhook reads the fields the engine uses with plain checks; wherever a payload is not plainly
// valid it gives up (null) and the schema reads it, with its messages. So it only has to agree with the
// schema on the payloads it accepts (tested on generated payloads).

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);
const DIGITS = /^\d+$/;
/** The schema's `id`: a safe whole number or a string of digits, as a string; undefined when neither. */
const idOf = (v: unknown): string | undefined =>
  typeof v === "number" ? (Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined) : typeof v === "string" && DIGITS.test(v) ? v : undefined;
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isDecimal = (v: unknown): v is string | number => typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
const isCurrency = (v: unknown): v is string => typeof v === "string" && v.length === 3;
const absent = (v: unknown): v is null | undefined => v === null || v === undefined;
/** The schema's nullish `id`: the id, null or undefined as given; false when invalid. */
const nullishId = (v: unknown): string | null | undefined | false => (absent(v) ? v : (idOf(v) ?? false));

export function readOrderWebhook(payload: unknown): OrderWebhookData | null {
  if (!isPlain(payload)) return null;
  const p = payload;
  const id = idOf(p.id);
  const createdAt = typeof p.created_at === "string" ? parseInstant(p.created_at) : null;
  const updatedAt = typeof p.updated_at === "string" ? parseInstant(p.updated_at) : null;
  if (id === undefined || !createdAt || !updatedAt || !isCurrency(p.currency)) return null;
  let cancelledAt: Date | null | undefined;
  if (absent(p.cancelled_at)) cancelledAt = p.cancelled_at;
  else if (typeof p.cancelled_at !== "string" || !(cancelledAt = parseInstant(p.cancelled_at))) return null;
  if (!absent(p.test) && typeof p.test !== "boolean") return null;
  if (!absent(p.financial_status) && typeof p.financial_status !== "string") return null;
  if (!absent(p.current_subtotal_price) && !isDecimal(p.current_subtotal_price)) return null;
  if (!absent(p.total_price) && !isDecimal(p.total_price)) return null;
  if (!absent(p.total_outstanding) && !isDecimal(p.total_outstanding)) return null;

  let subtotalSet: OrderWebhookData["current_subtotal_price_set"];
  if (absent(p.current_subtotal_price_set)) subtotalSet = p.current_subtotal_price_set;
  else {
    const money = isPlain(p.current_subtotal_price_set) ? p.current_subtotal_price_set.shop_money : undefined;
    if (!isPlain(money) || !isDecimal(money.amount) || !isCurrency(money.currency_code)) return null;
    subtotalSet = { shop_money: { amount: money.amount, currency_code: money.currency_code } };
  }

  let customer: OrderWebhookData["customer"];
  if (absent(p.customer)) customer = p.customer;
  else {
    const customerId = isPlain(p.customer) ? idOf(p.customer.id) : undefined;
    if (customerId === undefined) return null;
    customer = { id: customerId };
  }

  if (!Array.isArray(p.line_items)) return null;
  const lineItems: OrderWebhookData["line_items"] = [];
  for (const l of p.line_items as unknown[]) {
    if (!isPlain(l)) return null;
    const lineId = idOf(l.id);
    const productId = nullishId(l.product_id);
    const variantId = nullishId(l.variant_id);
    if (lineId === undefined || productId === false || variantId === false || !isCount(l.quantity) || !isDecimal(l.price)) return null;
    if (!absent(l.current_quantity) && !isCount(l.current_quantity)) return null;
    if (!absent(l.gift_card) && typeof l.gift_card !== "boolean") return null;
    lineItems.push({
      id: lineId,
      product_id: productId,
      variant_id: variantId,
      quantity: l.quantity,
      current_quantity: l.current_quantity as number | null | undefined,
      price: l.price,
      gift_card: l.gift_card as boolean | null | undefined,
    });
  }

  let refunds: OrderWebhookData["refunds"];
  if (absent(p.refunds)) refunds = p.refunds;
  else {
    if (!Array.isArray(p.refunds)) return null;
    refunds = [];
    for (const r of p.refunds as unknown[]) {
      if (!isPlain(r)) return null;
      if (absent(r.refund_line_items)) {
        refunds.push({ refund_line_items: r.refund_line_items });
        continue;
      }
      if (!Array.isArray(r.refund_line_items)) return null;
      const refundLines = [];
      for (const x of r.refund_line_items as unknown[]) {
        if (!isPlain(x)) return null;
        const lineItemId = idOf(x.line_item_id);
        if (lineItemId === undefined || !isCount(x.quantity) || !(absent(x.subtotal) || isDecimal(x.subtotal))) return null;
        refundLines.push({ line_item_id: lineItemId, quantity: x.quantity, subtotal: x.subtotal as string | number | null | undefined });
      }
      refunds.push({ refund_line_items: refundLines });
    }
  }

  return {
    id,
    name: absent(p.name) ? p.name : typeof p.name === "string" && p.name.length <= MAX_NAME ? p.name : null,
    customer_locale: absent(p.customer_locale)
      ? p.customer_locale
      : typeof p.customer_locale === "string" && p.customer_locale.length <= MAX_LOCALE && LOCALE.test(p.customer_locale)
        ? p.customer_locale
        : null,
    created_at: createdAt,
    updated_at: updatedAt,
    cancelled_at: cancelledAt,
    currency: p.currency,
    test: p.test as boolean | null | undefined,
    financial_status: p.financial_status as string | null | undefined,
    total_price: p.total_price as string | number | null | undefined,
    total_outstanding: p.total_outstanding as string | number | null | undefined,
    current_subtotal_price: p.current_subtotal_price as string | number | null | undefined,
    current_subtotal_price_set: subtotalSet,
    customer,
    line_items: lineItems,
    refunds,
  };
}

export interface OrderLine {
  lineId: string;
  productId: string | null;
  variantId: string | null;
  /** Units the customer still keeps: ordered minus refunded or removed by an edit. */
  currentQuantity: number;
  /** Shopify's per-unit list price, in shop-currency minor units. */
  unitPriceMinor: number;
  giftCard: boolean;
}

/** One observed state of an order, in shop-currency minor units. */
export interface OrderSnapshot {
  orderId: string;
  /** The order's name ("#1001"), what the admin shows for it; absent in snapshots stored before it was kept. */
  name?: string | null;
  /** The buyer's language at checkout (customer_locale); absent in snapshots stored before it was kept. */
  locale?: string | null;
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  cancelled: boolean;
  test: boolean;
  /** Shopify's financial_status, lower case ("paid", "pending", "partially_paid", "voided", …); null when not sent. */
  financialStatus: string | null;
  /** The order's total and what is still owed of it (partially paid orders); null when the payload lacks them. */
  totalMinor?: number | null;
  outstandingMinor?: number | null;
  currency: string;
  /** Merchandise after discounts and refunds, without shipping and tax (Shopify's current subtotal). */
  currentSubtotalMinor: number;
  lines: OrderLine[];
  refundCount: number;
}

export type ParsedOrder = { ok: true; snapshot: OrderSnapshot } | { ok: false; problems: string[] };

export function parseOrderWebhook(payload: unknown): ParsedOrder {
  const read = readOrderWebhook(payload);
  return read ? snapshotOf(read) : parseOrderWebhookWithSchema(payload);
}

/** parseOrderWebhook with the schema alone: what readOrderWebhook has to agree with (tests compare them). */
export function parseOrderWebhookWithSchema(payload: unknown): ParsedOrder {
  const parsed = orderWebhookSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "order"}: ${i.message}`) };
  }
  return snapshotOf(parsed.data);
}

function snapshotOf(o: OrderWebhookData): ParsedOrder {
  // Points are priced in shop currency; `currency` on a REST order is the shop's, and the `_set` field
  // names it again, so a disagreement means the payload cannot be trusted.
  const shopMoney = o.current_subtotal_price_set?.shop_money;
  const currency = (shopMoney?.currency_code ?? o.currency).toUpperCase();
  const subtotalText = shopMoney?.amount ?? o.current_subtotal_price;
  if (subtotalText == null) return { ok: false, problems: ["current_subtotal_price: missing"] };
  const currentSubtotalMinor = parseMinor(subtotalText, currency);
  if (currentSubtotalMinor === null) return { ok: false, problems: [`current_subtotal_price: not a decimal amount: ${subtotalText}`] };

  const refundedByLine = new Map<string, number>();
  for (const refund of o.refunds ?? []) {
    for (const r of refund.refund_line_items ?? []) refundedByLine.set(r.line_item_id, (refundedByLine.get(r.line_item_id) ?? 0) + r.quantity);
  }
  const problems: string[] = [];
  const lines: OrderLine[] = o.line_items.map((l, i) => {
    const unitPriceMinor = parseMinor(l.price, currency);
    if (unitPriceMinor === null) problems.push(`line_items.${i}.price: not a decimal amount: ${l.price}`);
    // current_quantity also reflects order edits; older API versions lack it, so refunds are subtracted instead.
    const currentQuantity = l.current_quantity ?? Math.max(0, l.quantity - (refundedByLine.get(l.id) ?? 0));
    return {
      lineId: l.id,
      productId: l.product_id ?? null,
      variantId: l.variant_id ?? null,
      currentQuantity: o.cancelled_at ? 0 : currentQuantity,
      unitPriceMinor: unitPriceMinor ?? 0,
      giftCard: l.gift_card ?? false,
    };
  });
  const totalMinor = amountOf(o.total_price, "total_price", currency, problems);
  const outstandingMinor = amountOf(o.total_outstanding, "total_outstanding", currency, problems);
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    snapshot: {
      orderId: o.id,
      name: o.name ?? null,
      locale: o.customer_locale ?? null,
      customerId: o.customer?.id ?? null,
      createdAt: o.created_at,
      updatedAt: o.updated_at,
      cancelled: o.cancelled_at != null,
      test: o.test ?? false,
      financialStatus: o.financial_status?.toLowerCase() ?? null,
      totalMinor,
      outstandingMinor,
      currency,
      currentSubtotalMinor,
      lines,
      refundCount: (o.refunds ?? []).length,
    },
  };
}

/** An optional decimal amount of the payload in minor units: null when absent, a problem when not a decimal. */
function amountOf(value: string | number | null | undefined, field: string, currency: string, problems: string[]): number | null {
  if (value === null || value === undefined) return null;
  const minor = parseMinor(value, currency);
  if (minor === null) problems.push(`${field}: not a decimal amount: ${value}`);
  return minor;
}

/** Where an order's payment stands, for the points it earns (docs/decisions/004-points-rules.md). */
export type PaymentState = "paid" | "partially-paid" | "awaiting-payment" | "voided";

/**
 * paid, partially_refunded and refunded: paid (refunds lower the current subtotal, which prices the points);
 * partially_paid: the paid share; voided: never paid and never will be; pending, authorized, expired and any
 * status Shopify adds later: not paid yet. A payload without financial_status (Shopify always sends it) counts as
 * paid, as every order did before payments were looked at.
 */
export function paymentStateOf(s: Pick<OrderSnapshot, "financialStatus">): PaymentState {
  switch (s.financialStatus ?? "paid") {
    case "paid":
    case "partially_refunded":
    case "refunded":
      return "paid";
    case "partially_paid":
      return "partially-paid";
    case "voided":
      return "voided";
    default:
      return "awaiting-payment";
  }
}

/** The share of the order's total that is paid, as [paid, total] minor units; [0, 1] when it can't be told. */
export function paidShareOf(s: Pick<OrderSnapshot, "financialStatus" | "totalMinor" | "outstandingMinor">): [number, number] {
  const state = paymentStateOf(s);
  if (state === "paid") return [1, 1];
  if (state !== "partially-paid") return [0, 1];
  const total = s.totalMinor ?? 0;
  const outstanding = s.outstandingMinor;
  if (total <= 0 || outstanding === null || outstanding === undefined) return [0, 1];
  return [Math.min(total, Math.max(0, total - outstanding)), total];
}

// Payment only moves forward: nothing paid, part paid, paid (or voided, which ends an unpaid order).
const PAYMENT_PROGRESS: Record<PaymentState, number> = { "awaiting-payment": 0, "partially-paid": 1, paid: 2, voided: 2 };

function paymentProgress(s: OrderSnapshot): number {
  const [paid, total] = paidShareOf(s);
  return PAYMENT_PROGRESS[paymentStateOf(s)] + paid / total / 2;
}

/**
 * Which of two snapshots of the same order is newer. Webhooks arrive reordered and duplicated and
 * `updated_at` has one-second resolution, so ties are broken by facts that only move one way (a cancelled
 * order stays cancelled, refunds are only added, payment only progresses: an order is often paid in the second
 * it is created), then by less merchandise kept (a refund in the same second
 * as the order), then by content, so that the choice is a total order and never depends on arrival.
 * Negative: a is older; positive: a is newer; 0: same content as far as points are concerned.
 */
export function compareSnapshots(a: OrderSnapshot, b: OrderSnapshot): number {
  return (
    a.updatedAt.getTime() - b.updatedAt.getTime() ||
    Number(a.cancelled) - Number(b.cancelled) ||
    a.refundCount - b.refundCount ||
    paymentProgress(a) - paymentProgress(b) ||
    b.currentSubtotalMinor - a.currentSubtotalMinor ||
    keptUnits(b) - keptUnits(a) ||
    compareText(snapshotFingerprint(a), snapshotFingerprint(b))
  );
}

/**
 * The order as it stands once deleted in Shopify (orders/delete names only its id): the last snapshot, cancelled,
 * keeping no merchandise, at the deletion's time (never before the last snapshot, so it is the newer one).
 */
export function deletedSnapshot(last: OrderSnapshot, deletedAt: Date): OrderSnapshot {
  return {
    ...last,
    updatedAt: deletedAt.getTime() > last.updatedAt.getTime() ? deletedAt : last.updatedAt,
    cancelled: true,
    currentSubtotalMinor: 0,
    lines: last.lines.map((l) => ({ ...l, currentQuantity: 0 })),
  };
}

export function newerSnapshot(a: OrderSnapshot, b: OrderSnapshot): OrderSnapshot {
  return compareSnapshots(b, a) > 0 ? b : a;
}

function keptUnits(s: OrderSnapshot): number {
  return s.lines.reduce((sum, l) => sum + l.currentQuantity, 0);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Everything in a snapshot that can change its points, in a canonical spelling. */
export function snapshotFingerprint(s: OrderSnapshot): string {
  const lines = s.lines
    .map((l) => [l.lineId, l.productId ?? "", l.variantId ?? "", l.currentQuantity, l.unitPriceMinor, l.giftCard ? 1 : 0].join(":"))
    .sort()
    .join(",");
  const payment = s.financialStatus === null ? "" : [s.financialStatus, s.totalMinor ?? "", s.outstandingMinor ?? ""].join(":");
  return [s.orderId, s.customerId ?? "", s.createdAt.getTime(), s.test ? 1 : 0, s.currency, s.currentSubtotalMinor, lines, payment].join("|");
}
