// The stand-in's whole world as plain, JSON-serialisable data so the demo can snapshot it.
// Line items are compact tuples because a seeded shop holds ~540,000 of them; GraphQL and
// REST shapes are built from them lazily at the edge.
import type { ShopSeed } from "./seed/types";
import type { StandinStoreCreditAccount } from "./store-credit";
import { isoUtc } from "./time";

export type StandinLine = [id: number, sku: string, title: string, quantity: number, unitPriceMinor: number, discountMinor: number];
/** [line item id, quantity, subtotal minor units, refund line item id] */
export type StandinRefundLine = [lineItemId: number, quantity: number, subtotalMinor: number, id: number];

export interface StandinRefund {
  id: number;
  createdAt: string;
  note: string | null;
  lines: StandinRefundLine[];
  /** money actually returned to the buyer (the refund transaction) */
  amountMinor: number;
  shippingMinor: number;
  transactionId: number;
}

export interface StandinDiscountCodeUse { code: string; amountMinor: number; type: "fixed_amount" | "percentage" | "shipping" }

export interface StandinOrder {
  id: number;
  name: string;
  number: number;
  customerId: number | null;
  email: string | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closedAt: string | null;
  test: boolean;
  currency: string;
  sourceName: string;
  tags: string[];
  note: string | null;
  /** The buyer's language at checkout (REST customer_locale); absent in older saved states: "en". */
  customerLocale?: string;
  /** payment state before refunds are taken into account */
  paymentStatus: "PAID" | "PENDING" | "AUTHORIZED";
  taxesIncluded: boolean;
  shippingMinor: number;
  taxMinor: number;
  discountCodes: StandinDiscountCodeUse[];
  lines: StandinLine[];
  refunds: StandinRefund[];
}

export interface StandinAddress { address1: string | null; city: string | null; zip: string | null; province: string | null; countryCode: string | null }

export interface StandinCustomer {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  state: "DISABLED" | "ENABLED" | "INVITED" | "DECLINED";
  locale: string;
  note: string | null;
  verifiedEmail: boolean;
  address: StandinAddress | null;
  /** E-mail marketing consent as Shopify's REST payloads spell it; "not_subscribed" when absent. */
  emailMarketing?: "subscribed" | "not_subscribed" | "unsubscribed" | "pending";
  /** the data set's own customer number, kept for traceability */
  legacyCustomerId?: string;
}

export interface StandinDiscount {
  id: number;
  redeemCodeId: number;
  kind: "basic" | "freeShipping";
  title: string;
  code: string;
  startsAt: string;
  endsAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** null = all buyers */
  customerIds: number[] | null;
  value: { percentage: number } | { amountMinor: number; appliesOnEachItem: boolean } | null;
  /** Basic codes on some variants only (`customerGets.items.products.productVariantsToAdd`); absent = all items. */
  variantIds?: number[];
  currency: string;
  minimumSubtotalMinor: number | null;
  minimumQuantity: number | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  asyncUsageCount: number;
  tags: string[];
  maximumShippingPriceMinor: number | null;
  appliesOnOneTimePurchase: boolean;
  appliesOnSubscription: boolean;
  recurringCycleLimit: number | null;
}

export interface StandinMetafield {
  id: number;
  ownerGid: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface StandinBulkOperation {
  id: number;
  type: "QUERY" | "MUTATION";
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** file name under the stand-in's bulk directory; the URL is derived from the live origin */
  file: string | null;
  /** a cancelled bulk mutation's results so far (its partialDataUrl) */
  partialFile?: string | null;
}

export interface StandinIssuedToken {
  kind: "offline" | "online" | "refresh";
  expiresAt: number | null;
  userId?: number;
  scope: string;
  /** for refresh tokens: the access token they renew */
  accessToken?: string;
}

export interface ShopInfo {
  id: number;
  name: string;
  email: string;
  currency: string;
  timezone: string;
  countryCode: string;
  planDisplayName: string;
  createdAt: string;
  /** When the shop's settings last changed (shop/update); createdAt when absent. */
  updatedAt?: string;
  /** Shopify Plus (checkout UI extensions beyond the thank-you and order status pages); false when absent. */
  shopifyPlus?: boolean;
  /** Shopify's customerAccountsVersion; NEW_CUSTOMER_ACCOUNTS when absent (new shops' default). */
  customerAccountsVersion?: "CLASSIC" | "NEW_CUSTOMER_ACCOUNTS";
}

/** The variant's price is the unit price of the first order line that named its SKU (absent before any). */
export type StandinProduct = [productId: number, variantId: number, title: string, priceMinor?: number];

export interface ShopState {
  domain: string;
  info: ShopInfo;
  installed: boolean;
  scopes: string[];
  nextId: number;
  customers: StandinCustomer[]; // ascending id
  orders: StandinOrder[]; // ascending id
  /** by SKU: one product with one variant each */
  products: Record<string, StandinProduct>;
  discounts: StandinDiscount[];
  metafields: StandinMetafield[];
  bulkOperations: StandinBulkOperation[];
  tokens: Record<string, StandinIssuedToken>;
  /** store-credit.ts; absent in snapshots saved before store credit existed */
  storeCreditAccounts?: StandinStoreCreditAccount[];
  /** Collections (custom: the products are listed); absent in snapshots saved before collections existed. */
  collections?: StandinCollection[];
  /** Flow triggers the app fired (flowTriggerReceive), oldest first; absent until the first. */
  flowTriggers?: { handle: string; payload: Record<string, unknown>; receivedAt: string }[];
}

export interface StandinCollection {
  id: number;
  title: string;
  /** Product ids (StandinProduct[0]). */
  productIds: number[];
  updatedAt: string;
}

export interface StandinState {
  version: 1;
  shops: Record<string, ShopState>;
}

export const DEFAULT_SCOPES = ["read_customers", "write_customers", "read_orders", "read_all_orders", "read_products", "write_discounts", "read_store_credit_account_transactions", "write_store_credit_account_transactions"];

/** Shopify ids are large; new objects start far above any seeded id. */
const FIRST_GENERATED_ID = 7_000_000_000_000;

export function createEmptyState(): StandinState {
  return { version: 1, shops: {} };
}

function shopIdFor(domain: string): number {
  let h = 0;
  for (const ch of domain) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 60_000_000_000 + (h % 1_000_000_000);
}

export function ensureShop(state: StandinState, domain: string, scopes: string[] = DEFAULT_SCOPES): ShopState {
  let shop = state.shops[domain];
  if (!shop) {
    const handle = domain.replace(/\.myshopify\.com$/, "");
    shop = state.shops[domain] = {
      domain,
      info: {
        id: shopIdFor(domain),
        name: handle.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" "),
        email: `owner@${handle}.example`,
        currency: "GBP",
        timezone: "Europe/London",
        countryCode: "GB",
        planDisplayName: "Development",
        createdAt: isoUtc(Date.UTC(2024, 0, 1)),
      },
      installed: true,
      scopes: [...scopes],
      nextId: FIRST_GENERATED_ID,
      customers: [],
      orders: [],
      products: {},
      discounts: [],
      metafields: [],
      bulkOperations: [],
      tokens: {},
    };
  }
  return shop;
}

export function nextId(shop: ShopState): number {
  return shop.nextId++;
}

// --- derived data, cached per shop object and dropped on every write -------------------

interface Derived {
  ordersByCustomer?: Map<number, StandinOrder[]>;
  lineIndex?: Map<number, [StandinOrder, StandinLine]>;
  refundIndex?: Map<number, [StandinOrder, StandinRefund]>;
  totals: WeakMap<StandinOrder, OrderTotals>;
}
const derived = new WeakMap<ShopState, Derived>();

function cache(shop: ShopState): Derived {
  let d = derived.get(shop);
  if (!d) derived.set(shop, (d = { totals: new WeakMap() }));
  return d;
}

/** Call after any mutation so indexes and totals are rebuilt on demand. */
export function touch(shop: ShopState): void {
  derived.delete(shop);
}

function byId<T extends { id: number }>(list: T[], id: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid].id;
    if (v === id) return list[mid];
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return list.find((x) => x.id === id); // tolerate hand-edited, unsorted snapshots
}

export const findCustomer = (shop: ShopState, id: number) => byId(shop.customers, id);
export const findOrder = (shop: ShopState, id: number) => byId(shop.orders, id);

export function insertSorted<T extends { id: number }>(list: T[], item: T): void {
  if (!list.length || list[list.length - 1].id < item.id) list.push(item);
  else {
    const at = list.findIndex((x) => x.id > item.id);
    list.splice(at < 0 ? list.length : at, 0, item);
  }
}

export function ordersOfCustomer(shop: ShopState, customerId: number): StandinOrder[] {
  const d = cache(shop);
  if (!d.ordersByCustomer) {
    d.ordersByCustomer = new Map();
    for (const o of shop.orders) {
      if (o.customerId == null) continue;
      let list = d.ordersByCustomer.get(o.customerId);
      if (!list) d.ordersByCustomer.set(o.customerId, (list = []));
      list.push(o);
    }
  }
  return d.ordersByCustomer.get(customerId) ?? [];
}

export function findLine(shop: ShopState, id: number): [StandinOrder, StandinLine] | undefined {
  const d = cache(shop);
  if (!d.lineIndex) {
    d.lineIndex = new Map();
    for (const o of shop.orders) for (const l of o.lines) d.lineIndex.set(l[0], [o, l]);
  }
  return d.lineIndex.get(id);
}

export function findRefund(shop: ShopState, id: number): [StandinOrder, StandinRefund] | undefined {
  const d = cache(shop);
  if (!d.refundIndex) {
    d.refundIndex = new Map();
    for (const o of shop.orders) for (const r of o.refunds) d.refundIndex.set(r.id, [o, r]);
  }
  return d.refundIndex.get(id);
}

export interface OrderTotals {
  lineItemsMinor: number;
  discountsMinor: number;
  subtotalMinor: number;
  totalMinor: number;
  refundedMinor: number;
  refundedShippingMinor: number;
  currentSubtotalMinor: number;
  currentTotalMinor: number;
  currentDiscountsMinor: number;
  currentTaxMinor: number;
  /** per line id: quantity already refunded */
  refundedQuantity: Map<number, number>;
  financialStatus: "PAID" | "PENDING" | "AUTHORIZED" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED";
}

export function orderTotals(shop: ShopState, o: StandinOrder): OrderTotals {
  const d = cache(shop);
  const hit = d.totals.get(o);
  if (hit) return hit;
  let lineItemsMinor = 0;
  let discountsMinor = 0;
  for (const l of o.lines) {
    lineItemsMinor += l[3] * l[4];
    discountsMinor += l[5];
  }
  const subtotalMinor = lineItemsMinor - discountsMinor;
  const totalMinor = subtotalMinor + o.shippingMinor + (o.taxesIncluded ? 0 : o.taxMinor);
  const refundedQuantity = new Map<number, number>();
  let refundedMinor = 0;
  let refundedShippingMinor = 0;
  let removedSubtotal = 0;
  let removedDiscount = 0;
  for (const r of o.refunds) {
    refundedMinor += r.amountMinor;
    refundedShippingMinor += r.shippingMinor;
    for (const [lineId, qty, subtotal] of r.lines) {
      refundedQuantity.set(lineId, (refundedQuantity.get(lineId) ?? 0) + qty);
      removedSubtotal += subtotal;
      const line = o.lines.find((l) => l[0] === lineId);
      if (line && line[3] > 0) removedDiscount += Math.round((line[5] * qty) / line[3]);
    }
  }
  const cancelled = o.cancelledAt !== null;
  // Shopify zeroes the "current" figures of a cancelled order: every line is removed.
  const currentSubtotalMinor = cancelled ? 0 : Math.max(0, subtotalMinor - removedSubtotal);
  const currentTaxMinor = cancelled || subtotalMinor === 0 ? 0 : Math.round((o.taxMinor * currentSubtotalMinor) / subtotalMinor);
  const currentTotalMinor = cancelled
    ? 0
    : currentSubtotalMinor + Math.max(0, o.shippingMinor - refundedShippingMinor) + (o.taxesIncluded ? 0 : currentTaxMinor);
  let financialStatus: OrderTotals["financialStatus"] = o.paymentStatus;
  if (o.paymentStatus === "PAID" && refundedMinor > 0) financialStatus = refundedMinor >= totalMinor ? "REFUNDED" : "PARTIALLY_REFUNDED";
  if (o.paymentStatus !== "PAID" && cancelled) financialStatus = "VOIDED";
  const totals: OrderTotals = {
    lineItemsMinor, discountsMinor, subtotalMinor, totalMinor, refundedMinor, refundedShippingMinor,
    currentSubtotalMinor, currentTotalMinor, currentDiscountsMinor: cancelled ? 0 : discountsMinor - removedDiscount,
    currentTaxMinor, refundedQuantity, financialStatus,
  };
  d.totals.set(o, totals);
  return totals;
}

export interface CustomerStats { numberOfOrders: number; amountSpentMinor: number; lastOrder: StandinOrder | null }

export function customerStats(shop: ShopState, customerId: number): CustomerStats {
  const orders = ordersOfCustomer(shop, customerId);
  let spent = 0;
  let last: StandinOrder | null = null;
  for (const o of orders) {
    const t = orderTotals(shop, o);
    if (!o.cancelledAt && o.paymentStatus === "PAID") spent += t.totalMinor - t.refundedMinor;
    if (!last || o.createdAt >= last.createdAt) last = o;
  }
  return { numberOfOrders: orders.length, amountSpentMinor: spent, lastOrder: last };
}

export function productFor(shop: ShopState, sku: string, title: string, priceMinor?: number): StandinProduct {
  let p = shop.products[sku];
  if (!p) p = shop.products[sku] = [nextId(shop), nextId(shop), title];
  if (p[3] === undefined && priceMinor !== undefined) p[3] = priceMinor;
  return p;
}

export function normaliseTags(tags: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags) {
    for (const t of raw.split(",")) {
      const tag = t.trim();
      if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
    }
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

// --- seed import ------------------------------------------------------------------------

/**
 * Loads a data-set shaped shop. Refunds are capped at what the order still has: refunded
 * quantity per line never exceeds the line, money never exceeds the order total.
 */
export function importSeed(state: StandinState, domain: string, seed: ShopSeed): ShopState {
  const shop = ensureShop(state, domain);
  shop.info = { ...shop.info, name: seed.shop.name, email: seed.shop.email, currency: seed.shop.currency, timezone: seed.shop.timezone, countryCode: seed.shop.countryCode };
  let maxSeedId = 0;
  const customers: StandinCustomer[] = new Array(seed.customers.length);
  for (let i = 0; i < seed.customers.length; i++) {
    const c = seed.customers[i];
    const at = isoUtc(c.createdAt);
    customers[i] = {
      id: c.id, firstName: c.firstName || null, lastName: c.lastName || null, email: c.email || null, phone: null,
      createdAt: at, updatedAt: at, tags: [], state: "DISABLED", locale: "en", note: null, verifiedEmail: true,
      address: { address1: null, city: null, zip: null, province: null, countryCode: c.countryCode || null },
      legacyCustomerId: c.legacyCustomerId,
    };
    if (c.id > maxSeedId) maxSeedId = c.id;
  }
  for (const o of seed.orders) {
    if (o.id > maxSeedId) maxSeedId = o.id;
    for (const r of o.refunds) if (r.id > maxSeedId) maxSeedId = r.id;
  }
  if (shop.nextId <= maxSeedId) shop.nextId = maxSeedId + 1;

  const emailOf = new Map<number, string | null>();
  for (const c of customers) emailOf.set(c.id, c.email);
  const lastActivity = new Map<number, string>();
  const orders: StandinOrder[] = new Array(seed.orders.length);
  for (let i = 0; i < seed.orders.length; i++) {
    const so = seed.orders[i];
    const at = isoUtc(so.createdAt);
    const lines: StandinLine[] = new Array(so.lines.length);
    let total = 0;
    for (let j = 0; j < so.lines.length; j++) {
      const l = so.lines[j];
      productFor(shop, l.sku, l.title, l.unitPriceMinor);
      lines[j] = [shop.nextId++, l.sku, l.title, l.quantity, l.unitPriceMinor, 0];
      total += l.quantity * l.unitPriceMinor;
    }
    const refunds: StandinRefund[] = [];
    let refundedMoney = 0;
    let updatedAt = at;
    if (so.refunds.length) {
      const refundedQty = new Map<number, number>();
      for (const sr of so.refunds) {
        const rLines: StandinRefundLine[] = [];
        for (const rl of sr.lines) {
          let want = rl.quantity;
          let money = rl.amountMinor;
          for (const line of lines) {
            if (want <= 0) break;
            if (line[1] !== rl.sku) continue;
            const room = line[3] - (refundedQty.get(line[0]) ?? 0);
            if (room <= 0) continue;
            const qty = Math.min(room, want);
            const share = want === qty ? money : Math.round((money * qty) / want);
            const subtotal = Math.min(share, qty * line[4]);
            rLines.push([line[0], qty, subtotal, shop.nextId++]);
            refundedQty.set(line[0], (refundedQty.get(line[0]) ?? 0) + qty);
            want -= qty;
            money -= share;
          }
        }
        const amount = Math.max(0, Math.min(sr.amountMinor, total - refundedMoney));
        if (!rLines.length && amount === 0) continue;
        refundedMoney += amount;
        const createdAt = isoUtc(sr.createdAt);
        if (createdAt > updatedAt) updatedAt = createdAt;
        refunds.push({ id: sr.id, createdAt, note: null, lines: rLines, amountMinor: amount, shippingMinor: 0, transactionId: shop.nextId++ });
      }
    }
    const digits = /\d+/.exec(so.name);
    orders[i] = {
      id: so.id, name: so.name, number: digits ? Number(digits[0]) : so.id, customerId: so.customerId,
      email: so.customerId != null ? emailOf.get(so.customerId) ?? null : null,
      createdAt: at, processedAt: at, updatedAt, cancelledAt: null, cancelReason: null, closedAt: null, test: false,
      currency: so.currency, sourceName: "web", tags: [], note: null, paymentStatus: "PAID", taxesIncluded: true,
      shippingMinor: 0, taxMinor: 0, discountCodes: [], lines, refunds,
    };
    if (so.customerId != null && (lastActivity.get(so.customerId) ?? "") < updatedAt) lastActivity.set(so.customerId, updatedAt);
  }
  // A customer's record changes whenever their order count does, so updated_at follows their latest order.
  for (const c of customers) {
    const last = lastActivity.get(c.id);
    if (last && last > c.updatedAt) c.updatedAt = last;
  }
  const byIdAsc = (a: { id: number }, b: { id: number }) => a.id - b.id;
  shop.customers = mergeById(shop.customers, customers.sort(byIdAsc));
  shop.orders = mergeById(shop.orders, orders.sort(byIdAsc));
  touch(shop);
  return shop;
}

function mergeById<T extends { id: number }>(existing: T[], incoming: T[]): T[] {
  if (!existing.length) return incoming;
  const map = new Map<number, T>();
  for (const x of existing) map.set(x.id, x);
  for (const x of incoming) map.set(x.id, x);
  return [...map.values()].sort((a, b) => a.id - b.id);
}

