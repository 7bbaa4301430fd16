// GraphQL-shaped views over the stored records. Each method is a field resolver called
// as (args, ctx, info); a field the view doesn't define raises a "not implemented" error
// instead of silently answering null.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { graphqlAmount, graphqlMoney, graphqlMoneyBag } from "../money";
import {
  customerStats, findCustomer, findLine, findOrder, findRefund, orderTotals, ordersOfCustomer, productFor,
  type ShopState, type StandinBulkOperation, type StandinCollection, type StandinProduct, type StandinCustomer, type StandinDiscount, type StandinLine,
  type StandinMetafield, type StandinOrder, type StandinRefund, type StandinRefundLine,
} from "../state";
import { zoneOffsetMinutes, offsetString } from "../time";
import { accountsOfCustomer, balanceMinor, findStoreCreditAccount, type StandinStoreCreditAccount, type StandinStoreCreditTransaction } from "../store-credit";
import { paginate, paginateInOrder, type ConnectionArgs } from "./connection";
import type { GqlContext } from "./context";
import { customerSearch, orderSearch, sortKeyFor } from "./filters";

type Args = Record<string, any>;

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

export function parseGid(value: unknown): { type: string; id: number } | null {
  if (typeof value !== "string") return null;
  const m = /^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?.*)?$/.exec(value);
  return m ? { type: m[1], id: Number(m[2]) } : null;
}

export function invalidGid(value: unknown): GraphQLError {
  return new GraphQLError(`Invalid global id '${String(value)}'`, { extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" } });
}

export function requireGid(value: unknown, type?: string | string[]): { type: string; id: number } | null {
  const parsed = parseGid(value);
  if (!parsed) throw invalidGid(value);
  if (type && !(Array.isArray(type) ? type : [type]).includes(parsed.type)) return null;
  return parsed;
}

const isBulk = (ctx: GqlContext) => ctx.bulk !== undefined;

const countryNames = new Intl.DisplayNames(["en"], { type: "region" });
function countryName(code: string | null): string | null {
  if (!code) return null;
  try {
    return countryNames.of(code) ?? code;
  } catch {
    return code;
  }
}

// --- metafields, shared by every HasMetafields owner --------------------------------------

export function resolveNamespace(ctx: GqlContext, namespace: string | null | undefined): string {
  const ns = namespace ?? "$app";
  if (ns === "$app") return `app--${ctx.core.appId}`;
  if (ns.startsWith("$app:")) return `app--${ctx.core.appId}--${ns.slice(5)}`;
  return ns;
}

function metafieldOf(ctx: GqlContext, ownerGid: string, args: Args) {
  const ns = resolveNamespace(ctx, args.namespace);
  let key: string = args.key;
  let namespace = ns;
  // `key` may carry the namespace as "namespace.key" when namespace is omitted.
  if (args.namespace == null && key.includes(".")) {
    const at = key.lastIndexOf(".");
    namespace = resolveNamespace(ctx, key.slice(0, at));
    key = key.slice(at + 1);
  }
  const m = ctx.shop.metafields.find((x) => x.ownerGid === ownerGid && x.namespace === namespace && x.key === key);
  return m ? new MetafieldView(m) : null;
}

function metafieldsOf(ctx: GqlContext, ownerGid: string, args: Args) {
  let list = ctx.shop.metafields.filter((m) => m.ownerGid === ownerGid);
  if (args.namespace != null) {
    const ns = resolveNamespace(ctx, args.namespace);
    list = list.filter((m) => m.namespace === ns);
  }
  if (args.keys) {
    const wanted = new Set((args.keys as string[]).map((k) => {
      const at = k.lastIndexOf(".");
      return `${resolveNamespace(ctx, k.slice(0, at))}.${k.slice(at + 1)}`;
    }));
    list = list.filter((m) => wanted.has(`${m.namespace}.${m.key}`));
  }
  return paginate(list, args, (m) => m.id, (m) => m.id, (m) => new MetafieldView(m), isBulk(ctx));
}

abstract class HasMetafields {
  abstract id(): string;
  metafield(args: Args, ctx: GqlContext) {
    return metafieldOf(ctx, this.id(), args);
  }
  metafields(args: Args, ctx: GqlContext) {
    return metafieldsOf(ctx, this.id(), args);
  }
}

export function jsonValueOf(type: string, value: string): unknown {
  switch (type) {
    case "number_integer": return Number.parseInt(value, 10);
    case "number_decimal": return value;
    case "boolean": return value === "true";
    case "json": case "money": case "rating": case "dimension": case "volume": case "weight":
      try { return JSON.parse(value); } catch { return value; }
    default:
      if (type.startsWith("list.")) {
        try { return JSON.parse(value); } catch { return value; }
      }
      return value;
  }
}

const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER", Order: "ORDER", Shop: "SHOP", DiscountCodeNode: "DISCOUNT", DiscountNode: "DISCOUNT",
  AppInstallation: "API_PERMISSION", Product: "PRODUCT", ProductVariant: "PRODUCTVARIANT",
};

export class MetafieldView {
  constructor(private readonly m: StandinMetafield) {}
  get __typename() { return "Metafield"; }
  id() { return gid("Metafield", this.m.id); }
  legacyResourceId() { return String(this.m.id); }
  namespace() { return this.m.namespace; }
  key() { return this.m.key; }
  type() { return this.m.type; }
  value() { return this.m.value; }
  jsonValue() { return jsonValueOf(this.m.type, this.m.value); }
  createdAt() { return this.m.createdAt; }
  updatedAt() { return this.m.updatedAt; }
  description() { return null; }
  definition() { return null; }
  reference() { return null; }
  compareDigest() { return metafieldDigest(this.m); }
  sizeInBytes() { return Buffer.byteLength(this.m.value); }
  ownerType() { return OWNER_TYPES[parseGid(this.m.ownerGid)?.type ?? ""] ?? "SHOP"; }
  owner(_a: Args, ctx: GqlContext) { return nodeFor(ctx, this.m.ownerGid); }
}

export function metafieldDigest(m: StandinMetafield): string {
  return Buffer.from(`${m.id}:${m.updatedAt}:${m.value}`).toString("base64url").slice(-32);
}

// --- shop & app ---------------------------------------------------------------------------

export class ShopView extends HasMetafields {
  constructor(private readonly s: ShopState) { super(); }
  get __typename() { return "Shop"; }
  id() { return gid("Shop", this.s.info.id); }
  name() { return this.s.info.name; }
  email() { return this.s.info.email; }
  contactEmail() { return this.s.info.email; }
  myshopifyDomain() { return this.s.domain; }
  url() { return `https://${this.s.domain}`; }
  currencyCode() { return this.s.info.currency; }
  enabledPresentmentCurrencies() { return [this.s.info.currency]; }
  ianaTimezone() { return this.s.info.timezone; }
  timezoneOffsetMinutes() { return zoneOffsetMinutes(Date.now(), this.s.info.timezone); }
  timezoneOffset() { return offsetString(zoneOffsetMinutes(Date.now(), this.s.info.timezone), false); }
  timezoneAbbreviation() {
    return new Intl.DateTimeFormat("en-GB", { timeZone: this.s.info.timezone, timeZoneName: "short" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value ?? "UTC";
  }
  createdAt() { return this.s.info.createdAt; }
  updatedAt() { return this.s.info.createdAt; }
  taxesIncluded() { return true; }
  taxShipping() { return false; }
  weightUnit() { return "KILOGRAMS"; }
  unitSystem() { return "METRIC_SYSTEM"; }
  description() { return null; }
  shopOwnerName() { return this.s.info.name; }
  setupRequired() { return false; }
  checkoutApiSupported() { return true; }
  orderNumberFormatPrefix() { return "#"; }
  orderNumberFormatSuffix() { return ""; }
  primaryDomain() {
    return { __typename: "Domain", id: gid("Domain", this.s.info.id), host: this.s.domain, url: `https://${this.s.domain}`, sslEnabled: true, localization: null, marketWebPresence: null };
  }
  customerAccountsV2() {
    const version = this.s.info.customerAccountsVersion ?? "NEW_CUSTOMER_ACCOUNTS";
    return { customerAccountsVersion: version, loginLinksVisibleOnStorefrontAndCheckout: true, loginRequiredAtCheckout: false, url: version === "NEW_CUSTOMER_ACCOUNTS" ? `https://shopify.com/${this.s.info.id}/account` : null };
  }
  plan() {
    return { displayName: this.s.info.planDisplayName, publicDisplayName: this.s.info.planDisplayName, partnerDevelopment: this.s.info.planDisplayName === "Development", shopifyPlus: this.s.info.shopifyPlus ?? false };
  }
  billingAddress() { return this.address(); }
  shopAddress() { return this.address(); }
  private address() {
    const code = this.s.info.countryCode;
    return {
      __typename: "ShopAddress", id: gid("ShopAddress", this.s.info.id), address1: null, address2: null, city: null, company: null, zip: null,
      province: null, provinceCode: null, phone: null, country: countryName(code), countryCode: code, countryCodeV2: code,
      coordinatesValidated: false, latitude: null, longitude: null, formatted: [countryName(code) ?? code], formattedArea: countryName(code),
      firstName: null, lastName: null, name: null,
    };
  }
}

export class AppInstallationView extends HasMetafields {
  constructor(private readonly s: ShopState) { super(); }
  get __typename() { return "AppInstallation"; }
  id() { return gid("AppInstallation", this.s.info.id % 1_000_000_000 + 1_000_000); }
  launchUrl(_a: Args, ctx: GqlContext) { return `https://admin.shopify.com/store/${this.s.domain.replace(/\.myshopify\.com$/, "")}/apps/${ctx.core.apiKey}`; }
  uninstallUrl() { return null; }
  accessScopes() { return this.s.scopes.map((handle) => ({ handle, description: handle.replace(/_/g, " ") })); }
  activeSubscriptions() { return []; }
  app(_a: Args, ctx: GqlContext) {
    return {
      __typename: "App", id: gid("App", ctx.core.appId), apiKey: ctx.core.apiKey, title: "Treue", handle: "treue", embedded: true,
      developerName: "Treue", description: null, published: false, webhookApiVersion: ctx.core.apiVersion,
    };
  }
}

// --- customers ----------------------------------------------------------------------------

export class AddressView {
  constructor(private readonly c: StandinCustomer) {}
  get __typename() { return "MailingAddress"; }
  id() { return `gid://shopify/MailingAddress/${this.c.id}?model_name=CustomerAddress`; }
  address1() { return this.c.address?.address1 ?? null; }
  address2() { return null; }
  city() { return this.c.address?.city ?? null; }
  zip() { return this.c.address?.zip ?? null; }
  province() { return this.c.address?.province ?? null; }
  provinceCode() { return null; }
  company() { return null; }
  phone() { return this.c.phone; }
  country() { return countryName(this.c.address?.countryCode ?? null); }
  countryCode() { return this.c.address?.countryCode ?? null; }
  countryCodeV2() { return this.c.address?.countryCode ?? null; }
  firstName() { return this.c.firstName; }
  lastName() { return this.c.lastName; }
  name() { return [this.c.firstName, this.c.lastName].filter(Boolean).join(" ") || null; }
  coordinatesValidated() { return false; }
  latitude() { return null; }
  longitude() { return null; }
  timeZone() { return null; }
  validationResultSummary() { return null; }
  formattedArea() { return [this.city(), this.country()].filter(Boolean).join(", ") || null; }
  formatted() { return [this.address1(), [this.zip(), this.city()].filter(Boolean).join(" "), this.country()].filter((x): x is string => !!x); }
}

export function customerDisplayName(c: StandinCustomer): string {
  return [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.phone || "";
}

export class CustomerView extends HasMetafields {
  constructor(readonly c: StandinCustomer) { super(); }
  get __typename() { return "Customer"; }
  id() { return gid("Customer", this.c.id); }
  legacyResourceId() { return String(this.c.id); }
  firstName() { return this.c.firstName; }
  lastName() { return this.c.lastName; }
  displayName() { return customerDisplayName(this.c); }
  email() { return this.c.email; }
  phone() { return this.c.phone; }
  note() { return this.c.note; }
  createdAt() { return this.c.createdAt; }
  updatedAt() { return this.c.updatedAt; }
  tags() { return this.c.tags; }
  state() { return this.c.state; }
  locale() { return this.c.locale; }
  verifiedEmail() { return this.c.verifiedEmail; }
  validEmailAddress() { return !!this.c.email && /.+@.+\..+/.test(this.c.email); }
  taxExempt() { return false; }
  taxExemptions() { return []; }
  dataSaleOptOut() { return false; }
  multipassIdentifier() { return null; }
  productSubscriberStatus() { return "NEVER_SUBSCRIBED"; }
  canDelete(_a: Args, ctx: GqlContext) { return ordersOfCustomer(ctx.shop, this.c.id).length === 0; }
  numberOfOrders(_a: Args, ctx: GqlContext) { return String(customerStats(ctx.shop, this.c.id).numberOfOrders); }
  amountSpent(_a: Args, ctx: GqlContext) { return graphqlMoney(customerStats(ctx.shop, this.c.id).amountSpentMinor, ctx.shop.info.currency); }
  lastOrder(_a: Args, ctx: GqlContext) {
    const last = customerStats(ctx.shop, this.c.id).lastOrder;
    return last ? new OrderView(last) : null;
  }
  lifetimeDuration() {
    const days = Math.floor((Date.now() - Date.parse(this.c.createdAt)) / 86400000);
    if (days < 1) return "less than a day";
    if (days < 30) return `${days} day${days === 1 ? "" : "s"}`;
    if (days < 365) return `about ${Math.round(days / 30)} month${Math.round(days / 30) === 1 ? "" : "s"}`;
    return `about ${Math.round(days / 365)} year${Math.round(days / 365) === 1 ? "" : "s"}`;
  }
  storeCreditAccounts(args: Args, ctx: GqlContext) {
    let accounts = accountsOfCustomer(ctx.shop, this.c.id);
    if (args.query) {
      const m = /^\s*currency_code:\s*([A-Za-z]{3})\s*$/.exec(String(args.query));
      if (!m) throw new GraphQLError("The stand-in filters store credit accounts by currency_code only.", { extensions: { code: "STANDIN_NOT_IMPLEMENTED" } });
      accounts = accounts.filter((a) => a.currency === m[1].toUpperCase());
    }
    return paginate(accounts, args, (a) => a.id, (a) => a.id, (a) => new StoreCreditAccountView(a), isBulk(ctx));
  }
  defaultAddress() { return this.c.address ? new AddressView(this.c) : null; }
  addresses() { return this.c.address ? [new AddressView(this.c)] : []; }
  addressesV2(args: Args, ctx: GqlContext) {
    return paginateInOrder(this.c.address ? [this.c] : [], args, (c) => c.id, (c) => new AddressView(c), isBulk(ctx));
  }
  defaultEmailAddress() {
    if (!this.c.email) return null;
    return {
      emailAddress: this.c.email, marketingState: (this.c.emailMarketing ?? "not_subscribed").toUpperCase(), marketingOptInLevel: null, marketingUpdatedAt: null,
      validFormat: this.validEmailAddress(), openTrackingLevel: "UNKNOWN", sourceLocation: null,
    };
  }
  defaultPhoneNumber() {
    if (!this.c.phone) return null;
    return { phoneNumber: this.c.phone, marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, marketingUpdatedAt: null, marketingCollectedFrom: null, sourceLocation: null };
  }
  emailMarketingConsent() {
    return this.c.email ? { marketingState: (this.c.emailMarketing ?? "not_subscribed").toUpperCase(), marketingOptInLevel: null, consentUpdatedAt: null, sourceLocation: null } : null;
  }
  smsMarketingConsent() { return null; }
  orders(args: Args, ctx: GqlContext, info: GraphQLResolveInfo) {
    return orderConnection(ctx, args, info, ordersOfCustomer(ctx.shop, this.c.id));
  }
}

export function customerConnection(ctx: GqlContext, args: Args, info: GraphQLResolveInfo, source: StandinCustomer[]) {
  const filter = customerSearch(ctx, args.query, info);
  const list = filter ? source.filter(filter) : source;
  const sort = sortKeyFor("customer", args.sortKey ?? "ID");
  const sortedById = !args.sortKey || args.sortKey === "ID" || args.sortKey === "RELEVANCE";
  return paginate(list, args as ConnectionArgs, sort as (c: StandinCustomer) => string | number, (c) => c.id, (c) => new CustomerView(c), isBulk(ctx), sortedById);
}

export function orderConnection(ctx: GqlContext, args: Args, info: GraphQLResolveInfo, source: StandinOrder[]) {
  const filter = orderSearch(ctx, args.query, info);
  const list = filter ? source.filter(filter) : source;
  const key = args.sortKey ?? "ID";
  const sort = sortKeyFor("order", key, ctx.shop);
  const sortedById = key === "ID" || key === "RELEVANCE";
  return paginate(list, args as ConnectionArgs, sort as (o: StandinOrder) => string | number, (o) => o.id, (o) => new OrderView(o), isBulk(ctx), sortedById);
}

// --- orders -------------------------------------------------------------------------------

function bag(ctx: GqlContext, minor: number, currency: string) {
  return graphqlMoneyBag(minor, currency);
}

export class OrderView extends HasMetafields {
  constructor(readonly o: StandinOrder) { super(); }
  get __typename() { return "Order"; }
  private t(ctx: GqlContext) { return orderTotals(ctx.shop, this.o); }
  id() { return gid("Order", this.o.id); }
  legacyResourceId() { return String(this.o.id); }
  name() { return this.o.name; }
  number() { return this.o.number; }
  confirmationNumber() { return null; }
  createdAt() { return this.o.createdAt; }
  processedAt() { return this.o.processedAt; }
  updatedAt() { return this.o.updatedAt; }
  cancelledAt() { return this.o.cancelledAt; }
  cancelReason() { return this.o.cancelReason; }
  closedAt() { return this.o.closedAt; }
  closed() { return this.o.closedAt !== null; }
  confirmed() { return true; }
  test() { return this.o.test; }
  email() { return this.o.email; }
  phone() { return null; }
  note() { return this.o.note; }
  tags() { return this.o.tags; }
  sourceName() { return this.o.sourceName; }
  sourceIdentifier() { return null; }
  currencyCode() { return this.o.currency; }
  presentmentCurrencyCode() { return this.o.currency; }
  customerLocale() { return "en"; }
  taxesIncluded() { return this.o.taxesIncluded; }
  taxExempt() { return false; }
  dutiesIncluded() { return false; }
  estimatedTaxes() { return false; }
  edited() { return false; }
  requiresShipping() { return true; }
  customerAcceptsMarketing() { return false; }
  paymentGatewayNames() { return ["manual"]; }
  returnStatus() { return "NO_RETURN"; }
  capturable() { return false; }
  displayFinancialStatus(_a: Args, ctx: GqlContext) { return this.t(ctx).financialStatus; }
  displayFulfillmentStatus() { return "UNFULFILLED"; }
  fullyPaid() { return this.o.paymentStatus === "PAID"; }
  unpaid() { return this.o.paymentStatus !== "PAID"; }
  refundable(_a: Args, ctx: GqlContext) { return this.o.paymentStatus === "PAID" && this.t(ctx).refundedMinor < this.t(ctx).totalMinor; }
  canMarkAsPaid() { return this.o.paymentStatus !== "PAID" && !this.o.cancelledAt; }
  discountCode() { return this.o.discountCodes[0]?.code ?? null; }
  discountCodes() { return this.o.discountCodes.map((d) => d.code); }
  customer(_a: Args, ctx: GqlContext) {
    if (this.o.customerId == null) return null;
    const c = findCustomer(ctx.shop, this.o.customerId);
    return c ? new CustomerView(c) : null;
  }
  subtotalLineItemsQuantity() { return this.o.lines.reduce((n, l) => n + l[3], 0); }
  currentSubtotalLineItemsQuantity(_a: Args, ctx: GqlContext) {
    if (this.o.cancelledAt) return 0;
    const refunded = this.t(ctx).refundedQuantity;
    return this.o.lines.reduce((n, l) => n + l[3] - (refunded.get(l[0]) ?? 0), 0);
  }
  subtotalPrice(_a: Args, ctx: GqlContext) { return graphqlAmount(this.t(ctx).subtotalMinor, this.o.currency); }
  totalPrice(_a: Args, ctx: GqlContext) { return graphqlAmount(this.t(ctx).totalMinor, this.o.currency); }
  subtotalPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).subtotalMinor, this.o.currency); }
  currentSubtotalPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).currentSubtotalMinor, this.o.currency); }
  totalPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).totalMinor, this.o.currency); }
  originalTotalPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).totalMinor, this.o.currency); }
  currentTotalPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).currentTotalMinor, this.o.currency); }
  totalRefundedSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).refundedMinor, this.o.currency); }
  totalRefundedShippingSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).refundedShippingMinor, this.o.currency); }
  totalDiscountsSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).discountsMinor, this.o.currency); }
  currentTotalDiscountsSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).currentDiscountsMinor, this.o.currency); }
  cartDiscountAmountSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).discountsMinor, this.o.currency); }
  currentCartDiscountAmountSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).currentDiscountsMinor, this.o.currency); }
  totalShippingPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.o.shippingMinor, this.o.currency); }
  currentShippingPriceSet(_a: Args, ctx: GqlContext) { return bag(ctx, Math.max(0, this.o.shippingMinor - this.t(ctx).refundedShippingMinor), this.o.currency); }
  totalTaxSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.o.taxMinor, this.o.currency); }
  currentTotalTaxSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.t(ctx).currentTaxMinor, this.o.currency); }
  totalReceivedSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.o.paymentStatus === "PAID" ? this.t(ctx).totalMinor : 0, this.o.currency); }
  netPaymentSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.o.paymentStatus === "PAID" ? this.t(ctx).totalMinor - this.t(ctx).refundedMinor : 0, this.o.currency); }
  totalOutstandingSet(_a: Args, ctx: GqlContext) { return bag(ctx, this.o.paymentStatus === "PAID" || this.o.cancelledAt ? 0 : this.t(ctx).totalMinor, this.o.currency); }
  totalCapturableSet(_a: Args, ctx: GqlContext) { return bag(ctx, 0, this.o.currency); }
  totalTipReceivedSet(_a: Args, ctx: GqlContext) { return bag(ctx, 0, this.o.currency); }
  refundDiscrepancySet(_a: Args, ctx: GqlContext) { return bag(ctx, 0, this.o.currency); }
  lineItems(args: Args, ctx: GqlContext) {
    return paginateInOrder(this.o.lines, args, (l) => l[0], (l) => new LineItemView(this.o, l), isBulk(ctx));
  }
  refunds(args: Args) {
    const list = this.o.refunds.map((r) => new RefundView(this.o, r));
    return args.first != null ? list.slice(0, args.first) : list;
  }
  transactions(args: Args, ctx: GqlContext) {
    const list: TransactionView[] = [];
    if (this.o.paymentStatus === "PAID") list.push(new TransactionView(this.o, null, this.t(ctx).totalMinor));
    for (const r of this.o.refunds) if (r.amountMinor > 0) list.push(new TransactionView(this.o, r, r.amountMinor));
    return args.first != null ? list.slice(0, args.first) : list;
  }
  discountApplications(args: Args, ctx: GqlContext) {
    return paginateInOrder(this.o.discountCodes, args, (_d, i) => i + 1, (d) => ({
      __typename: "DiscountCodeApplication", code: d.code, index: this.o.discountCodes.indexOf(d), allocationMethod: "ACROSS",
      targetSelection: "ALL", targetType: d.type === "shipping" ? "SHIPPING_LINE" : "LINE_ITEM",
      value: { __typename: "MoneyV2", ...graphqlMoney(d.amountMinor, this.o.currency) },
    }), isBulk(ctx));
  }
  statusPageUrl(_a: Args, ctx: GqlContext) { return `https://${ctx.shop.domain}/${ctx.shop.info.id}/orders/${this.o.id.toString(16)}/authenticate`; }
}

export class CollectionView extends HasMetafields {
  constructor(private readonly c: StandinCollection) { super(); }
  get __typename() { return "Collection"; }
  id() { return gid("Collection", this.c.id); }
  legacyResourceId() { return String(this.c.id); }
  title() { return this.c.title; }
  handle() { return this.c.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); }
  updatedAt() { return this.c.updatedAt; }
  productsCount() { return { count: this.c.productIds.length, precision: "EXACT" }; }
  products(args: Args, ctx: GqlContext) {
    const bySku = new Map(Object.entries(ctx.shop.products).map(([sku, p]) => [p[0], [p, sku] as const]));
    const held = this.c.productIds.flatMap((id) => (bySku.has(id) ? [bySku.get(id)!] : []));
    return paginate(held, args as ConnectionArgs, ([p]) => p[0], ([p]) => p[0], ([p, sku]) => new ProductView(p, sku), isBulk(ctx));
  }
}

export class ProductView extends HasMetafields {
  constructor(private readonly p: StandinProduct, private readonly sku: string) { super(); }
  get __typename() { return "Product"; }
  id() { return gid("Product", this.p[0]); }
  collections(args: Args, ctx: GqlContext) {
    const holding = (ctx.shop.collections ?? []).filter((c) => c.productIds.includes(this.p[0]));
    return paginate(holding, args as ConnectionArgs, (c) => c.id, (c) => c.id, (c) => new CollectionView(c), isBulk(ctx));
  }
  legacyResourceId() { return String(this.p[0]); }
  title() { return this.p[2]; }
  handle() { return this.p[2].toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || this.sku.toLowerCase(); }
  vendor() { return ""; }
  productType() { return ""; }
  status() { return "ACTIVE"; }
  tags() { return []; }
}

export class VariantView extends HasMetafields {
  constructor(private readonly p: StandinProduct, private readonly sku_: string) { super(); }
  get __typename() { return "ProductVariant"; }
  id() { return gid("ProductVariant", this.p[1]); }
  legacyResourceId() { return String(this.p[1]); }
  sku() { return this.sku_; }
  title() { return "Default Title"; }
  displayName() { return `${this.p[2]} - Default Title`; }
  /** Money scalar: a decimal in the shop's currency; "0.00" for a product never sold in the stand-in. */
  price(_a: Args, ctx: GqlContext) { return graphqlAmount(this.p[3] ?? 0, ctx.shop.info.currency); }
  product() { return new ProductView(this.p, this.sku_); }
}

export class LineItemView {
  constructor(private readonly o: StandinOrder, private readonly l: StandinLine) {}
  get __typename() { return "LineItem"; }
  private refunded(ctx: GqlContext) { return orderTotals(ctx.shop, this.o).refundedQuantity.get(this.l[0]) ?? 0; }
  private bag(minor: number) { return graphqlMoneyBag(minor, this.o.currency); }
  id() { return gid("LineItem", this.l[0]); }
  sku() { return this.l[1] || null; }
  name() { return this.l[2]; }
  title() { return this.l[2]; }
  variantTitle() { return null; }
  vendor() { return null; }
  quantity() { return this.l[3]; }
  currentQuantity(_a: Args, ctx: GqlContext) { return this.o.cancelledAt ? 0 : this.l[3] - this.refunded(ctx); }
  refundableQuantity(_a: Args, ctx: GqlContext) { return this.l[3] - this.refunded(ctx); }
  unfulfilledQuantity(a: Args, ctx: GqlContext) { return this.currentQuantity(a, ctx); }
  fulfillableQuantity(a: Args, ctx: GqlContext) { return this.currentQuantity(a, ctx); }
  nonFulfillableQuantity() { return 0; }
  requiresShipping() { return true; }
  taxable() { return true; }
  isGiftCard() { return false; }
  restockable() { return true; }
  merchantEditable() { return true; }
  customAttributes() { return []; }
  taxLines() { return []; }
  duties() { return []; }
  discountAllocations() {
    if (!this.l[5]) return [];
    return [{ allocatedAmountSet: this.bag(this.l[5]), discountApplication: null }];
  }
  originalUnitPriceSet() { return this.bag(this.l[4]); }
  originalTotalSet() { return this.bag(this.l[3] * this.l[4]); }
  discountedUnitPriceSet() { return this.bag(this.l[3] ? Math.round((this.l[3] * this.l[4] - this.l[5]) / this.l[3]) : this.l[4]); }
  discountedUnitPriceAfterAllDiscountsSet() { return this.discountedUnitPriceSet(); }
  discountedTotalSet() { return this.bag(this.l[3] * this.l[4] - this.l[5]); }
  totalDiscountSet() { return this.bag(this.l[5]); }
  priceAfterAllDiscountsBeforeTaxesSet() { return this.discountedTotalSet(); }
  unfulfilledDiscountedTotalSet(a: Args, ctx: GqlContext) { return this.bag(Math.round(((this.l[3] * this.l[4] - this.l[5]) * this.currentQuantity(a, ctx)) / Math.max(1, this.l[3]))); }
  unfulfilledOriginalTotalSet(a: Args, ctx: GqlContext) { return this.bag(this.l[4] * this.currentQuantity(a, ctx)); }
  originalUnitPrice() { return graphqlAmount(this.l[4], this.o.currency); }
  product(_a: Args, ctx: GqlContext) { return this.l[1] ? new ProductView(productFor(ctx.shop, this.l[1], this.l[2]), this.l[1]) : null; }
  variant(_a: Args, ctx: GqlContext) { return this.l[1] ? new VariantView(productFor(ctx.shop, this.l[1], this.l[2]), this.l[1]) : null; }
  image() { return null; }
}

export class RefundView {
  constructor(private readonly o: StandinOrder, private readonly r: StandinRefund) {}
  get __typename() { return "Refund"; }
  id() { return gid("Refund", this.r.id); }
  legacyResourceId() { return String(this.r.id); }
  createdAt() { return this.r.createdAt; }
  processedAt() { return this.r.createdAt; }
  updatedAt() { return this.r.createdAt; }
  note() { return this.r.note; }
  order() { return new OrderView(this.o); }
  return() { return null; }
  staffMember() { return null; }
  duties() { return []; }
  totalRefundedSet() { return graphqlMoneyBag(this.r.amountMinor, this.o.currency); }
  totalRefunded() { return graphqlMoney(this.r.amountMinor, this.o.currency); }
  refundLineItems(args: Args, ctx: GqlContext) {
    return paginateInOrder(this.r.lines, args, (rl) => rl[3], (rl) => new RefundLineItemView(this.o, rl), isBulk(ctx));
  }
  transactions(args: Args, ctx: GqlContext) {
    const list = this.r.amountMinor > 0 ? [this.r] : [];
    return paginateInOrder(list, args, (r) => r.transactionId, (r) => new TransactionView(this.o, r, r.amountMinor), isBulk(ctx));
  }
  orderAdjustments(args: Args, ctx: GqlContext) { return paginateInOrder([], args, () => 0, (x) => x, isBulk(ctx)); }
  refundShippingLines(args: Args, ctx: GqlContext) { return paginateInOrder([], args, () => 0, (x) => x, isBulk(ctx)); }
}

export class RefundLineItemView {
  constructor(private readonly o: StandinOrder, private readonly rl: StandinRefundLine) {}
  get __typename() { return "RefundLineItem"; }
  private line() { return this.o.lines.find((l) => l[0] === this.rl[0])!; }
  id() { return gid("RefundLineItem", this.rl[3]); }
  quantity() { return this.rl[1]; }
  restockType() { return "NO_RESTOCK"; }
  restocked() { return false; }
  location() { return null; }
  lineItem() { return new LineItemView(this.o, this.line()); }
  priceSet() { return graphqlMoneyBag(this.line()[4], this.o.currency); }
  subtotalSet() { return graphqlMoneyBag(this.rl[2], this.o.currency); }
  totalTaxSet() { return graphqlMoneyBag(0, this.o.currency); }
  price() { return graphqlAmount(this.line()[4], this.o.currency); }
  subtotal() { return graphqlAmount(this.rl[2], this.o.currency); }
}

export class TransactionView {
  constructor(private readonly o: StandinOrder, private readonly r: StandinRefund | null, private readonly minor: number) {}
  get __typename() { return "OrderTransaction"; }
  id() { return gid("OrderTransaction", this.r ? this.r.transactionId : this.o.id * 10 + 1); }
  kind() { return this.r ? "REFUND" : "SALE"; }
  status() { return "SUCCESS"; }
  gateway() { return "manual"; }
  formattedGateway() { return "Manual"; }
  manualPaymentGateway() { return true; }
  test() { return this.o.test; }
  errorCode() { return null; }
  createdAt() { return this.r ? this.r.createdAt : this.o.processedAt; }
  processedAt() { return this.createdAt(); }
  amountSet() { return graphqlMoneyBag(this.minor, this.o.currency); }
  amountV2() { return graphqlMoney(this.minor, this.o.currency); }
  amount() { return graphqlAmount(this.minor, this.o.currency); }
  parentTransaction() { return this.r ? new TransactionView(this.o, null, this.minor) : null; }
  order() { return new OrderView(this.o); }
  paymentId() { return null; }
  authorizationCode() { return null; }
  fees() { return []; }
}

// --- discounts ----------------------------------------------------------------------------

export function discountStatus(d: StandinDiscount, now = Date.now()): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (Date.parse(d.startsAt) > now) return "SCHEDULED";
  if (d.endsAt && Date.parse(d.endsAt) <= now) return "EXPIRED";
  if (d.usageLimit != null && d.asyncUsageCount >= d.usageLimit) return "EXPIRED";
  return "ACTIVE";
}

function discountSummary(d: StandinDiscount): string {
  const parts: string[] = [];
  if (d.kind === "freeShipping") parts.push("Free shipping on all products");
  else if (d.value && "percentage" in d.value) parts.push(`${Math.round(d.value.percentage * 10000) / 100}% off entire order`);
  else if (d.value) parts.push(`${graphqlAmount(d.value.amountMinor, d.currency)} ${d.currency} off ${d.value.appliesOnEachItem ? "each eligible item" : d.variantIds ? `${d.variantIds.length} product${d.variantIds.length === 1 ? "" : "s"}` : "entire order"}`);
  if (d.minimumSubtotalMinor != null) parts.push(`Minimum purchase of ${graphqlAmount(d.minimumSubtotalMinor, d.currency)} ${d.currency}`);
  if (d.minimumQuantity != null) parts.push(`Minimum quantity of ${d.minimumQuantity} items`);
  if (d.customerIds) parts.push(`For ${d.customerIds.length} customer${d.customerIds.length === 1 ? "" : "s"}`);
  if (d.usageLimit != null) parts.push(`Limit of ${d.usageLimit} use${d.usageLimit === 1 ? "" : "s"}`);
  if (d.appliesOncePerCustomer) parts.push("one use per customer");
  return parts.join(" • ");
}

export class DiscountCodeView {
  constructor(private readonly d: StandinDiscount) {}
  get __typename() { return this.d.kind === "basic" ? "DiscountCodeBasic" : "DiscountCodeFreeShipping"; }
  title() { return this.d.title; }
  status() { return discountStatus(this.d); }
  startsAt() { return this.d.startsAt; }
  endsAt() { return this.d.endsAt; }
  createdAt() { return this.d.createdAt; }
  updatedAt() { return this.d.updatedAt; }
  asyncUsageCount() { return this.d.asyncUsageCount; }
  usageLimit() { return this.d.usageLimit; }
  appliesOncePerCustomer() { return this.d.appliesOncePerCustomer; }
  appliesOnOneTimePurchase() { return this.d.appliesOnOneTimePurchase; }
  appliesOnSubscription() { return this.d.appliesOnSubscription; }
  recurringCycleLimit() { return this.d.recurringCycleLimit; }
  tags() { return this.d.tags; }
  hasTimelineComment() { return false; }
  shareableUrls() { return []; }
  totalSales() { return null; }
  summary() { return discountSummary(this.d); }
  shortSummary() { return discountSummary(this.d).split(" • ")[0]; }
  discountClass() { return this.d.kind === "basic" ? "ORDER" : "SHIPPING"; }
  discountClasses() { return [this.d.kind === "basic" ? "ORDER" : "SHIPPING"]; }
  combinesWith() { return { ...this.d.combinesWith, productDiscountsWithTagsOnSameCartLine: null }; }
  codesCount() { return { count: 1, precision: "EXACT" }; }
  codes(args: Args, ctx: GqlContext) {
    return paginateInOrder([this.d], args, (d) => d.redeemCodeId, (d) => ({
      __typename: "DiscountRedeemCode", id: gid("DiscountRedeemCode", d.redeemCodeId), code: d.code, asyncUsageCount: d.asyncUsageCount, createdBy: null,
    }), isBulk(ctx));
  }
  private customers(ctx: GqlContext) {
    return (this.d.customerIds ?? []).map((id) => findCustomer(ctx.shop, id)).filter((c): c is StandinCustomer => !!c).map((c) => new CustomerView(c));
  }
  context(_a: Args, ctx: GqlContext) {
    return this.d.customerIds ? { __typename: "DiscountCustomers", customers: this.customers(ctx) } : { __typename: "DiscountBuyerSelectionAll", all: "ALL" };
  }
  customerSelection(_a: Args, ctx: GqlContext) {
    return this.d.customerIds ? { __typename: "DiscountCustomers", customers: this.customers(ctx) } : { __typename: "DiscountCustomerAll", allCustomers: true };
  }
  private variants(ctx: GqlContext): VariantView[] {
    const out: VariantView[] = [];
    for (const id of this.d.variantIds ?? []) {
      const hit = Object.entries(ctx.shop.products).find(([, p]) => p[1] === id);
      if (hit) out.push(new VariantView(hit[1], hit[0]));
    }
    return out;
  }
  customerGets(args: Args, ctx: GqlContext) {
    const v = this.d.value;
    const value = v && "percentage" in v
      ? { __typename: "DiscountPercentage", percentage: v.percentage }
      : { __typename: "DiscountAmount", amount: graphqlMoney(v ? v.amountMinor : 0, this.d.currency), appliesOnEachItem: v ? v.appliesOnEachItem : false };
    const items = this.d.variantIds
      ? {
          __typename: "DiscountProducts",
          products: paginateInOrder([], args, () => 0, (x) => x, isBulk(ctx)),
          productVariants: paginateInOrder(this.variants(ctx), args, (v) => Number(v.legacyResourceId()), (v) => v, isBulk(ctx)),
        }
      : { __typename: "AllDiscountItems", allItems: true };
    return { value, items, appliesOnOneTimePurchase: this.d.appliesOnOneTimePurchase, appliesOnSubscription: this.d.appliesOnSubscription };
  }
  minimumRequirement() {
    if (this.d.minimumSubtotalMinor != null) return { __typename: "DiscountMinimumSubtotal", greaterThanOrEqualToSubtotal: graphqlMoney(this.d.minimumSubtotalMinor, this.d.currency) };
    if (this.d.minimumQuantity != null) return { __typename: "DiscountMinimumQuantity", greaterThanOrEqualToQuantity: String(this.d.minimumQuantity) };
    return null;
  }
  maximumShippingPrice() { return this.d.maximumShippingPriceMinor != null ? graphqlMoney(this.d.maximumShippingPriceMinor, this.d.currency) : null; }
  destinationSelection() { return { __typename: "DiscountCountryAll", allCountries: true }; }
}

export class DiscountCodeNodeView extends HasMetafields {
  constructor(readonly d: StandinDiscount, private readonly typeName: "DiscountCodeNode" | "DiscountNode" = "DiscountCodeNode") { super(); }
  get __typename() { return this.typeName; }
  id() { return gid(this.typeName, this.d.id); }
  codeDiscount() { return new DiscountCodeView(this.d); }
  discount() { return new DiscountCodeView(this.d); }
}

// --- bulk operations ----------------------------------------------------------------------

export class BulkOperationView {
  constructor(private readonly b: StandinBulkOperation) {}
  get __typename() { return "BulkOperation"; }
  id() { return gid("BulkOperation", this.b.id); }
  status() { return this.b.status; }
  errorCode() { return this.b.errorCode; }
  createdAt() { return this.b.createdAt; }
  completedAt() { return this.b.completedAt; }
  objectCount() { return String(this.b.objectCount); }
  rootObjectCount() { return String(this.b.rootObjectCount); }
  fileSize() { return this.b.fileSize === null ? null : String(this.b.fileSize); }
  url(_a: Args, ctx: GqlContext) { return this.b.file ? `${ctx.core.url()}/bulk/${this.b.file}` : null; }
  partialDataUrl(_a: Args, ctx: GqlContext) { return this.b.partialFile ? `${ctx.core.url()}/bulk/${this.b.partialFile}` : null; }
  query() { return this.b.query; }
  type() { return this.b.type; }
}

// --- node lookup --------------------------------------------------------------------------

export function nodeFor(ctx: GqlContext, id: string): object | null {
  const g = requireGid(id);
  if (!g) return null;
  const shop = ctx.shop;
  switch (g.type) {
    case "Customer": { const c = findCustomer(shop, g.id); return c ? new CustomerView(c) : null; }
    case "Order": { const o = findOrder(shop, g.id); return o ? new OrderView(o) : null; }
    case "LineItem": { const hit = findLine(shop, g.id); return hit ? new LineItemView(hit[0], hit[1]) : null; }
    case "Refund": { const hit = findRefund(shop, g.id); return hit ? new RefundView(hit[0], hit[1]) : null; }
    case "Shop": return g.id === shop.info.id ? new ShopView(shop) : null;
    case "AppInstallation": { const v = new AppInstallationView(shop); return v.id() === id ? v : null; }
    case "DiscountCodeNode": case "DiscountNode": {
      const d = shop.discounts.find((x) => x.id === g.id);
      return d ? new DiscountCodeNodeView(d, g.type) : null;
    }
    case "Metafield": { const m = shop.metafields.find((x) => x.id === g.id); return m ? new MetafieldView(m) : null; }
    case "StoreCreditAccount": { const a = findStoreCreditAccount(shop, g.id); return a ? new StoreCreditAccountView(a) : null; }
    case "BulkOperation": { const b = shop.bulkOperations.find((x) => x.id === g.id); return b ? new BulkOperationView(b) : null; }
    case "Collection": { const c = (shop.collections ?? []).find((x) => x.id === g.id); return c ? new CollectionView(c) : null; }
    case "Product": case "ProductVariant": {
      for (const [sku, p] of Object.entries(shop.products)) {
        if (g.type === "Product" && p[0] === g.id) return new ProductView(p, sku);
        if (g.type === "ProductVariant" && p[1] === g.id) return new VariantView(p, sku);
      }
      return null;
    }
    default: return null;
  }
}

// --- store credit ---------------------------------------------------------------------------

export class StoreCreditAccountView {
  constructor(readonly a: StandinStoreCreditAccount) {}
  get __typename() { return "StoreCreditAccount"; }
  id() { return gid("StoreCreditAccount", this.a.id); }
  balance() { return graphqlMoney(balanceMinor(this.a), this.a.currency); }
  owner(_a: Args, ctx: GqlContext) {
    const c = findCustomer(ctx.shop, this.a.customerId);
    return c ? new CustomerView(c) : null;
  }
  transactions(args: Args, ctx: GqlContext) {
    const sortKey = args.sortKey ?? "CREATED_AT";
    if (args.query) throw new GraphQLError("The stand-in does not filter store credit transactions by query.", { extensions: { code: "STANDIN_NOT_IMPLEMENTED" } });
    const key = (t: StandinStoreCreditTransaction) => (sortKey === "EXPIRES_AT" ? (t.expiresAt ? Date.parse(t.expiresAt) : Number.MAX_SAFE_INTEGER) : Date.parse(t.createdAt));
    return paginate(this.a.transactions, args, key, (t) => t.id, (t) => storeCreditTransactionView(this.a, t), isBulk(ctx));
  }
}

export function storeCreditTransactionView(a: StandinStoreCreditAccount, t: StandinStoreCreditTransaction) {
  return t.kind === "credit" ? new StoreCreditCreditTransactionView(a, t) : t.kind === "debit" ? new StoreCreditDebitTransactionView(a, t) : new StoreCreditExpirationTransactionView(a, t);
}

abstract class StoreCreditTransactionViewBase {
  constructor(readonly a: StandinStoreCreditAccount, readonly t: StandinStoreCreditTransaction) {}
  account() { return new StoreCreditAccountView(this.a); }
  amount() { return graphqlMoney(this.t.amountMinor, this.a.currency); }
  balanceAfterTransaction() { return graphqlMoney(this.t.balanceAfterMinor, this.a.currency); }
  createdAt() { return this.t.createdAt; }
  // Credits and debits made through the Admin API are adjustments; order payments are not modelled.
  event() { return "ADJUSTMENT"; }
  origin() { return null; }
}

export class StoreCreditCreditTransactionView extends StoreCreditTransactionViewBase {
  get __typename() { return "StoreCreditAccountCreditTransaction"; }
  id() { return gid("StoreCreditAccountCreditTransaction", this.t.id); }
  expiresAt() { return this.t.expiresAt; }
  remainingAmount() { return graphqlMoney(this.t.remainingMinor, this.a.currency); }
}

export class StoreCreditDebitTransactionView extends StoreCreditTransactionViewBase {
  get __typename() { return "StoreCreditAccountDebitTransaction"; }
  id() { return gid("StoreCreditAccountDebitTransaction", this.t.id); }
}

export class StoreCreditExpirationTransactionView extends StoreCreditTransactionViewBase {
  get __typename() { return "StoreCreditAccountExpirationTransaction"; }
  creditTransaction() {
    const credit = this.a.transactions.find((x) => x.id === this.t.creditId);
    return credit ? new StoreCreditCreditTransactionView(this.a, credit) : null;
  }
}
