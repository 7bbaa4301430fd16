// Root mutation fields. Business failures come back as userErrors (Shopify's field/message/code),
// never as thrown GraphQL errors.
import type { GraphQLResolveInfo } from "graphql";
import { parseAmountToMinor } from "../money";
import { customerJson, orderJson } from "../rest";
import {
  findCustomer, findOrder, insertSorted, nextId, normaliseTags, touch,
  type StandinCustomer, type StandinDiscount, type StandinMetafield,
} from "../state";
import { isoUtc } from "../time";
import { runBulkQuery, cancelBulk } from "./bulk";
import { runBulkMutation } from "./bulk-mutation";
import { stagedUploadsCreate } from "./staged-uploads";
import type { GqlContext } from "./context";
import { flowTriggerErrors, readFlowExtensions, type FlowExtensions } from "../flow";
import { creditStoreCredit, debitStoreCredit, minorOfMoneyInput } from "../store-credit";
import {
  CustomerView, DiscountCodeNodeView, MetafieldView, OrderView, StoreCreditCreditTransactionView, StoreCreditDebitTransactionView,
  metafieldDigest, nodeFor, parseGid, requireGid, resolveNamespace,
} from "./views";

type Args = Record<string, any>;
type Resolver = (args: Args, ctx: GqlContext, info: GraphQLResolveInfo) => unknown;
interface UserError { field: string[] | null; message: string; code?: string | null; extraInfo?: string | null; elementIndex?: number | null }

const later = (fn: () => unknown) => setImmediate(() => void fn());

// --- discounts ----------------------------------------------------------------------------

function validateDiscount(ctx: GqlContext, input: Args, root: string, kind: StandinDiscount["kind"], errors: UserError[], existing?: StandinDiscount) {
  const f = (...path: string[]) => [root, ...path];
  const title = typeof input.title === "string" ? input.title.trim() : "";
  const code = typeof input.code === "string" ? input.code.trim() : "";
  if (!title) errors.push({ field: f("title"), message: "Title can't be blank", code: "BLANK" });
  else if (title.length > 255) errors.push({ field: f("title"), message: "Title is too long (maximum is 255 characters)", code: "TOO_LONG" });
  if (!code) errors.push({ field: f("code"), message: "Code can't be blank", code: "BLANK" });
  else if (code.length > 255) errors.push({ field: f("code"), message: "Code is too long (maximum is 255 characters)", code: "TOO_LONG" });
  else if (/[\r\n]/.test(code)) errors.push({ field: f("code"), message: "Code cannot contain newline characters.", code: "INVALID" });
  else if (ctx.shop.discounts.some((d) => d !== existing && d.code.toLowerCase() === code.toLowerCase())) {
    errors.push({ field: f("code"), message: "Code must be unique. Please try a different code.", code: "TAKEN" });
  }
  if (!input.startsAt) errors.push({ field: f("startsAt"), message: "Starts at can't be blank", code: "BLANK" });
  if (input.startsAt && input.endsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt)) {
    errors.push({ field: f("endsAt"), message: "Ends at needs to be after starts_at", code: "INVALID" });
  }
  if (input.context && input.customerSelection) {
    errors.push({ field: f("context"), message: "Only one of context or customerSelection can be provided.", code: "INVALID" });
  }
  const selection = input.context ?? input.customerSelection;
  let customerIds: number[] | null = null;
  if (selection?.customerSegments) errors.push({ field: f(input.context ? "context" : "customerSelection", "customerSegments"), message: "Customer segments are not supported by the Shopify stand-in", code: "INVALID" });
  if (selection?.markets) errors.push({ field: f("context", "markets"), message: "Markets are not supported by the Shopify stand-in", code: "INVALID" });
  if (selection?.customers) {
    const ids = new Set<number>(existing?.customerIds ?? []);
    for (const id of selection.customers.add ?? []) {
      const g = parseGid(id);
      if (!g || g.type !== "Customer" || !findCustomer(ctx.shop, g.id)) {
        errors.push({ field: f(input.context ? "context" : "customerSelection", "customers", "add"), message: `Customer with id ${id} is invalid`, code: "INVALID" });
      } else ids.add(g.id);
    }
    for (const id of selection.customers.remove ?? []) {
      const g = parseGid(id);
      if (g) ids.delete(g.id);
    }
    customerIds = [...ids];
    if (!customerIds.length) errors.push({ field: f(input.context ? "context" : "customerSelection", "customers"), message: "Customer selection must include at least one customer", code: "BLANK" });
  } else if (selection?.all === true || selection?.all === "ALL" || (!selection && !existing)) {
    customerIds = null;
  } else if (existing) customerIds = existing.customerIds;

  const currency = ctx.shop.info.currency;
  let value: StandinDiscount["value"] = existing?.value ?? null;
  let variantIds = existing?.variantIds;
  if (kind === "basic") {
    const gets = input.customerGets;
    if (!gets && !existing) errors.push({ field: f("customerGets"), message: "Customer gets can't be blank", code: "BLANK" });
    if (gets) {
      const v = gets.value;
      if (!v) errors.push({ field: f("customerGets", "value"), message: "Value can't be blank", code: "BLANK" });
      else if (v.discountOnQuantity) errors.push({ field: f("customerGets", "value", "discountOnQuantity"), message: "Discount on quantity is only valid for Buy X Get Y discounts", code: "INVALID" });
      else if (v.percentage != null && v.discountAmount) errors.push({ field: f("customerGets", "value"), message: "Only one of percentage or discountAmount can be provided.", code: "INVALID" });
      else if (v.percentage != null) {
        if (!(v.percentage > 0 && v.percentage <= 1)) errors.push({ field: f("customerGets", "value", "percentage"), message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" });
        else value = { percentage: v.percentage };
      } else if (v.discountAmount) {
        const minor = parseAmountToMinor(v.discountAmount.amount, currency);
        if (minor === null || minor <= 0) errors.push({ field: f("customerGets", "value", "discountAmount", "amount"), message: "Value must be greater than 0", code: "GREATER_THAN" });
        else value = { amountMinor: minor, appliesOnEachItem: !!v.discountAmount.appliesOnEachItem };
      } else errors.push({ field: f("customerGets", "value"), message: "Value can't be blank", code: "BLANK" });
      if (!gets.items) errors.push({ field: f("customerGets", "items"), message: "Items can't be blank", code: "BLANK" });
      else if (gets.items.all !== true && !gets.items.products && !gets.items.collections) {
        errors.push({ field: f("customerGets", "items"), message: "Discount must apply to at least one item", code: "APPLIES_ON_NOTHING" });
      } else if (gets.items.all !== true) {
        // Only variants are modelled: entitled products or collections would be applied to nothing by the stand-in.
        if (gets.items.collections || gets.items.products?.productsToAdd?.length) {
          errors.push({ field: f("customerGets", "items"), message: "Only product variants are supported by the Shopify stand-in", code: "INVALID" });
        }
        variantIds = [];
        for (const id of gets.items.products?.productVariantsToAdd ?? []) {
          const g = parseGid(id);
          const known = g?.type === "ProductVariant" && Object.values(ctx.shop.products).some((p) => p[1] === g.id);
          if (!known) errors.push({ field: f("customerGets", "items", "products", "productVariantsToAdd"), message: `Product variant ${id} does not exist`, code: "INVALID" });
          else variantIds.push(g!.id);
        }
        if (!variantIds.length && !errors.length) errors.push({ field: f("customerGets", "items"), message: "Discount must apply to at least one item", code: "APPLIES_ON_NOTHING" });
      }
    }
  }
  const min = input.minimumRequirement;
  let minimumSubtotalMinor = existing?.minimumSubtotalMinor ?? null;
  let minimumQuantity = existing?.minimumQuantity ?? null;
  if (min) {
    const sub = min.subtotal?.greaterThanOrEqualToSubtotal;
    const qty = min.quantity?.greaterThanOrEqualToQuantity;
    if (sub != null && qty != null) errors.push({ field: f("minimumRequirement"), message: "Minimum subtotal and quantity range cannot both be present", code: "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT" });
    minimumSubtotalMinor = sub != null ? parseAmountToMinor(sub, currency) : null;
    minimumQuantity = qty != null ? Number(qty) : null;
    if (sub != null && (minimumSubtotalMinor === null || minimumSubtotalMinor <= 0)) errors.push({ field: f("minimumRequirement", "subtotal", "greaterThanOrEqualToSubtotal"), message: "Minimum subtotal must be greater than 0", code: "GREATER_THAN" });
    if (qty != null && !(minimumQuantity! > 0)) errors.push({ field: f("minimumRequirement", "quantity", "greaterThanOrEqualToQuantity"), message: "Minimum quantity must be greater than 0", code: "GREATER_THAN" });
  }
  if (input.usageLimit != null && input.usageLimit < 1) errors.push({ field: f("usageLimit"), message: "Usage limit must be greater than 0", code: "GREATER_THAN" });
  let maximumShippingPriceMinor = existing?.maximumShippingPriceMinor ?? null;
  if (kind === "freeShipping" && input.maximumShippingPrice != null) {
    maximumShippingPriceMinor = parseAmountToMinor(input.maximumShippingPrice, currency);
    if (maximumShippingPriceMinor === null || maximumShippingPriceMinor < 0) errors.push({ field: f("maximumShippingPrice"), message: "Maximum shipping price must be greater than or equal to 0", code: "GREATER_THAN_OR_EQUAL_TO" });
  }
  if (input.destination && input.destination.countries) errors.push({ field: f("destination", "countries"), message: "Country destinations are not supported by the Shopify stand-in", code: "INVALID" });
  return { title, code, customerIds, value, variantIds, minimumSubtotalMinor, minimumQuantity, maximumShippingPriceMinor, currency };
}

function createDiscount(kind: StandinDiscount["kind"], root: string): Resolver {
  return (args, ctx) => {
    const input = args[root];
    const errors: UserError[] = [];
    const v = validateDiscount(ctx, input, root, kind, errors);
    if (errors.length) return { codeDiscountNode: null, userErrors: errors.map((e) => ({ extraInfo: null, ...e })) };
    const now = isoUtc();
    const combines = input.combinesWith ?? {};
    const d: StandinDiscount = {
      id: nextId(ctx.shop), redeemCodeId: nextId(ctx.shop), kind, title: v.title, code: v.code,
      startsAt: isoUtc(input.startsAt), endsAt: input.endsAt ? isoUtc(input.endsAt) : null, createdAt: now, updatedAt: now,
      customerIds: v.customerIds, value: v.value, ...(v.variantIds ? { variantIds: v.variantIds } : {}), currency: v.currency,
      minimumSubtotalMinor: v.minimumSubtotalMinor, minimumQuantity: v.minimumQuantity, usageLimit: input.usageLimit ?? null,
      appliesOncePerCustomer: !!input.appliesOncePerCustomer,
      combinesWith: { orderDiscounts: !!combines.orderDiscounts, productDiscounts: !!combines.productDiscounts, shippingDiscounts: !!combines.shippingDiscounts },
      asyncUsageCount: 0, tags: normaliseTags(input.tags ?? []), maximumShippingPriceMinor: v.maximumShippingPriceMinor,
      appliesOnOneTimePurchase: (kind === "basic" ? input.customerGets?.appliesOnOneTimePurchase : input.appliesOnOneTimePurchase) ?? true,
      appliesOnSubscription: (kind === "basic" ? input.customerGets?.appliesOnSubscription : input.appliesOnSubscription) ?? false,
      recurringCycleLimit: input.recurringCycleLimit ?? null,
    };
    ctx.shop.discounts.push(d);
    touch(ctx.shop);
    return { codeDiscountNode: new DiscountCodeNodeView(d), userErrors: [] };
  };
}

function findDiscount(ctx: GqlContext, id: unknown) {
  const g = requireGid(id, ["DiscountCodeNode", "DiscountNode"]);
  return g ? ctx.shop.discounts.find((d) => d.id === g.id) : undefined;
}

const discountMissing = [{ field: ["id"], message: "Discount does not exist", code: "INVALID", extraInfo: null }];

// --- metafields ---------------------------------------------------------------------------

const SCALAR_TYPES = new Set([
  "single_line_text_field", "multi_line_text_field", "rich_text_field", "number_integer", "number_decimal", "boolean", "json",
  "date", "date_time", "url", "color", "money", "rating", "dimension", "volume", "weight", "link", "id",
  "product_reference", "variant_reference", "collection_reference", "customer_reference", "file_reference", "page_reference",
  "metaobject_reference", "mixed_reference", "company_reference",
]);

function valueProblem(type: string, value: string): string | null {
  const base = type.startsWith("list.") ? type.slice(5) : type;
  if (type.startsWith("list.")) {
    let arr: unknown;
    try { arr = JSON.parse(value); } catch { return "Value is invalid JSON."; }
    if (!Array.isArray(arr)) return "Value must be an array.";
    for (const item of arr) {
      const p = valueProblem(base, typeof item === "string" ? item : JSON.stringify(item));
      if (p) return p;
    }
    return null;
  }
  switch (base) {
    case "number_integer": return /^-?\d+$/.test(value) && Math.abs(Number(value)) <= 9007199254740991 ? null : "Value must be an integer.";
    case "number_decimal": return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean": return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "json": case "rich_text_field":
      try { JSON.parse(value); return null; } catch { return "Value is invalid JSON."; }
    case "date": return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? null : "Value must be in YYYY-MM-DD format.";
    case "date_time": return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)) ? null : "Value must be in YYYY-MM-DDTHH:MM:SS format.";
    case "single_line_text_field": return /[\r\n]/.test(value) ? "Value must be a single line text string." : null;
    case "url": return /^(https?:\/\/|mailto:|sms:|tel:)/.test(value) ? null : "Value must be a valid URL with one of the following schemes: https, http, mailto, sms, tel.";
    case "color": return /^#[0-9a-fA-F]{6}$/.test(value) ? null : "Value must be a hex color code.";
    case "money":
      try {
        const m = JSON.parse(value);
        return typeof m.amount === "string" && typeof m.currency_code === "string" ? null : "Value must be a money object with amount and currency_code.";
      } catch { return "Value is invalid JSON."; }
    case "customer_reference": return /^gid:\/\/shopify\/Customer\/\d+$/.test(value) ? null : "Value must be a valid Customer reference.";
    default: return null;
  }
}

function ownerExists(ctx: GqlContext, ownerId: string): boolean {
  try {
    return nodeFor(ctx, ownerId) !== null;
  } catch {
    return false;
  }
}

const metafieldsSet: Resolver = (args, ctx) => {
  const inputs = args.metafields as Args[];
  if (inputs.length > 25) {
    return { metafields: [], userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }] };
  }
  const errors: UserError[] = [];
  const plan: { input: Args; namespace: string; existing?: StandinMetafield; type: string }[] = [];
  inputs.forEach((input, i) => {
    const at = (f: string) => ["metafields", String(i), f];
    const push = (f: string, message: string, code: string) => errors.push({ field: at(f), message, code, elementIndex: null });
    if (!ownerExists(ctx, input.ownerId)) return push("ownerId", "Owner does not exist.", "INVALID");
    const namespace = resolveNamespace(ctx, input.namespace);
    if (namespace.length < 3) push("namespace", "Namespace is too short (minimum is 3 characters)", "TOO_SHORT");
    if (namespace.length > 255) push("namespace", "Namespace is too long (maximum is 255 characters)", "TOO_LONG");
    const key: string = input.key;
    if (key.length < 2) push("key", "Key is too short (minimum is 2 characters)", "TOO_SHORT");
    else if (key.length > 64) push("key", "Key is too long (maximum is 64 characters)", "TOO_LONG");
    else if (!/^[a-zA-Z0-9_-]+$/.test(key)) push("key", "Key contains one or more invalid characters.", "INVALID");
    const existing = ctx.shop.metafields.find((m) => m.ownerGid === input.ownerId && m.namespace === namespace && m.key === key);
    const type: string | undefined = input.type ?? existing?.type;
    if (!type) return push("type", "Type can't be blank", "BLANK");
    const base = type.startsWith("list.") ? type.slice(5) : type;
    if (!SCALAR_TYPES.has(base)) return push("type", `Type '${type}' is not a valid type`, "INVALID_TYPE");
    if (existing && input.type && existing.type !== input.type) return push("type", `Type '${input.type}' does not match the type of the existing metafield ('${existing.type}')`, "INVALID_TYPE");
    if (input.value === "") return push("value", "Value can't be blank", "BLANK");
    const problem = valueProblem(type, input.value);
    if (problem) return push("value", problem, "INVALID_VALUE");
    if (input.compareDigest !== undefined) {
      const current = existing ? metafieldDigest(existing) : null;
      if (input.compareDigest !== current) {
        return push("compareDigest", "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", "STALE_OBJECT");
      }
    }
    plan.push({ input, namespace, existing, type });
  });
  // Shopify applies the whole batch or nothing.
  if (errors.length) return { metafields: [], userErrors: errors };
  const now = isoUtc();
  const saved = plan.map(({ input, namespace, existing, type }) => {
    if (existing) {
      if (existing.value !== input.value) existing.updatedAt = now;
      existing.value = input.value;
      return existing;
    }
    const m: StandinMetafield = { id: nextId(ctx.shop), ownerGid: input.ownerId, namespace, key: input.key, type, value: input.value, createdAt: now, updatedAt: now };
    ctx.shop.metafields.push(m);
    return m;
  });
  touch(ctx.shop);
  return { metafields: saved.map((m) => new MetafieldView(m)), userErrors: [] };
};

const metafieldsDelete: Resolver = (args, ctx) => {
  const deleted = (args.metafields as Args[]).map((input) => {
    const namespace = resolveNamespace(ctx, input.namespace);
    const at = ctx.shop.metafields.findIndex((m) => m.ownerGid === input.ownerId && m.namespace === namespace && m.key === input.key);
    if (at < 0) return null;
    ctx.shop.metafields.splice(at, 1);
    return { ownerId: input.ownerId, namespace, key: input.key };
  });
  touch(ctx.shop);
  return { deletedMetafields: deleted, userErrors: [] };
};

// --- tags ---------------------------------------------------------------------------------

function changeTags(add: boolean): Resolver {
  return (args, ctx) => {
    const g = requireGid(args.id);
    const tags = normaliseTags(args.tags as string[]);
    const tooLong = tags.find((t) => t.length > 255);
    if (tooLong) return { node: null, userErrors: [{ field: ["tags"], message: `Tag "${tooLong.slice(0, 20)}..." is too long (maximum is 255 characters)` }] };
    const target = g?.type === "Customer" ? findCustomer(ctx.shop, g.id) : g?.type === "Order" ? findOrder(ctx.shop, g.id) : undefined;
    if (!g || !target) return { node: null, userErrors: [{ field: ["id"], message: g && !["Customer", "Order"].includes(g.type) ? `Tagging ${g.type} is not supported by the Shopify stand-in` : "Resource not found" }] };
    const before = target.tags.join("\u0000");
    if (add) target.tags = normaliseTags([...target.tags, ...tags]);
    else {
      const drop = new Set(tags.map((t) => t.toLowerCase()));
      target.tags = target.tags.filter((t) => !drop.has(t.toLowerCase()));
    }
    if (before !== target.tags.join("\u0000")) {
      target.updatedAt = isoUtc();
      touch(ctx.shop);
      if (g.type === "Order") {
        const o = findOrder(ctx.shop, g.id)!;
        later(() => ctx.core.emitWebhook(ctx.shop, "orders/updated", orderJson(ctx.shop, o)));
      } else {
        const c = findCustomer(ctx.shop, g.id)!;
        later(() => ctx.core.emitWebhook(ctx.shop, "customers/update", customerJson(ctx.shop, c)));
      }
    }
    return { node: g.type === "Customer" ? new CustomerView(target as StandinCustomer) : new OrderView(findOrder(ctx.shop, g.id)!), userErrors: [] };
  };
}

// --- customers ----------------------------------------------------------------------------

export function validateNewCustomer(ctx: { shop: GqlContext["shop"] }, input: Args): UserError[] {
  const errors: UserError[] = [];
  const email: string | null = input.email?.trim() || null;
  const phone: string | null = input.phone?.trim() || null;
  if (!email && !phone && !input.firstName?.trim() && !input.lastName?.trim()) {
    errors.push({ field: null, message: "Customer must have a name, phone number or email address" });
  }
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: ["email"], message: "Email is invalid" });
  else if (email && ctx.shop.customers.some((c) => c.email?.toLowerCase() === email.toLowerCase())) errors.push({ field: ["email"], message: "Email has already been taken" });
  if (phone && !/^\+?[0-9 ()-]{7,}$/.test(phone)) errors.push({ field: ["phone"], message: "Phone is invalid" });
  else if (phone && ctx.shop.customers.some((c) => c.phone === phone)) errors.push({ field: ["phone"], message: "Phone has already been taken" });
  return errors;
}

export function buildCustomer(shop: GqlContext["shop"], input: Args, id = nextId(shop)): StandinCustomer {
  const now = isoUtc(input.createdAt ?? Date.now());
  const addr = (input.addresses as Args[] | undefined)?.[0] ?? input.address;
  return {
    id,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    email: input.email?.trim() || null,
    phone: input.phone?.trim() || null,
    createdAt: now,
    updatedAt: now,
    tags: normaliseTags(input.tags ?? []),
    state: "DISABLED",
    locale: input.locale ?? "en",
    note: input.note ?? null,
    verifiedEmail: !!input.email,
    address: addr ? { address1: addr.address1 ?? null, city: addr.city ?? null, zip: addr.zip ?? null, province: addr.province ?? null, countryCode: addr.countryCode ?? addr.countryCodeV2 ?? null } : null,
  };
}

const customerCreate: Resolver = (args, ctx) => {
  const input = args.input as Args;
  const errors = validateNewCustomer(ctx, input);
  if (errors.length) return { customer: null, userErrors: errors };
  const c = buildCustomer(ctx.shop, input);
  insertSorted(ctx.shop.customers, c);
  for (const m of (input.metafields as Args[] | undefined) ?? []) {
    ctx.shop.metafields.push({ id: nextId(ctx.shop), ownerGid: `gid://shopify/Customer/${c.id}`, namespace: resolveNamespace(ctx, m.namespace), key: m.key, type: m.type, value: m.value, createdAt: c.createdAt, updatedAt: c.createdAt });
  }
  touch(ctx.shop);
  later(() => ctx.core.emitWebhook(ctx.shop, "customers/create", customerJson(ctx.shop, c)));
  return { customer: new CustomerView(c), userErrors: [] };
};

// --- store credit ---------------------------------------------------------------------------

function storeCreditTarget(id: unknown) {
  const g = requireGid(id);
  return g ?? { type: "", id: 0 };
}

function moneyInputOf(input: Args | undefined, field: string) {
  const money = input?.[field] ?? {};
  const currency = typeof money.currencyCode === "string" ? money.currencyCode.toUpperCase() : "";
  return { amountMinor: minorOfMoneyInput(money.amount, currency), currency };
}

const storeCreditAccountCredit: Resolver = (args, ctx) => {
  const result = creditStoreCredit(ctx.shop, storeCreditTarget(args.id), { ...moneyInputOf(args.creditInput, "creditAmount"), expiresAt: args.creditInput?.expiresAt ?? null });
  if (!result.ok) return { storeCreditAccountTransaction: null, userErrors: result.errors };
  return { storeCreditAccountTransaction: new StoreCreditCreditTransactionView(result.account, result.transaction), userErrors: [] };
};

const storeCreditAccountDebit: Resolver = (args, ctx) => {
  const result = debitStoreCredit(ctx.shop, storeCreditTarget(args.id), moneyInputOf(args.debitInput, "debitAmount"));
  if (!result.ok) return { storeCreditAccountTransaction: null, userErrors: result.errors };
  return { storeCreditAccountTransaction: new StoreCreditDebitTransactionView(result.account, result.transaction), userErrors: [] };
};

// --- Shopify Flow ---------------------------------------------------------------------------

let flowExtensions: FlowExtensions | null = null;

/** flowTriggerReceive: Flow takes a payload for one of the app's trigger extensions (flow.ts checks it). */
const flowTriggerReceive: Resolver = (args, ctx) => {
  flowExtensions ??= readFlowExtensions(process.cwd());
  const errors = flowTriggerErrors(flowExtensions, args.handle, args.payload);
  if (errors.length) return { userErrors: errors };
  (ctx.shop.flowTriggers ??= []).push({ handle: String(args.handle), payload: args.payload as Record<string, unknown>, receivedAt: isoUtc() });
  touch(ctx.shop);
  return { userErrors: [] };
};

const rawMutationRoot: Record<string, Resolver> = {
  flowTriggerReceive,
  discountCodeBasicCreate: createDiscount("basic", "basicCodeDiscount"),
  discountCodeFreeShippingCreate: createDiscount("freeShipping", "freeShippingCodeDiscount"),
  discountCodeDelete: (args, ctx) => {
    const d = findDiscount(ctx, args.id);
    if (!d) return { deletedCodeDiscountId: null, userErrors: discountMissing };
    ctx.shop.discounts.splice(ctx.shop.discounts.indexOf(d), 1);
    ctx.shop.metafields = ctx.shop.metafields.filter((m) => m.ownerGid !== `gid://shopify/DiscountCodeNode/${d.id}`);
    touch(ctx.shop);
    // Shopify's discounts/delete payload: the GID and when, whoever deleted it (the merchant or an app).
    const deleted = { admin_graphql_api_id: `gid://shopify/DiscountCodeNode/${d.id}`, deleted_at: isoUtc() };
    later(() => ctx.core.emitWebhook(ctx.shop, "discounts/delete", deleted));
    return { deletedCodeDiscountId: deleted.admin_graphql_api_id, userErrors: [] };
  },
  discountCodeDeactivate: (args, ctx) => {
    const d = findDiscount(ctx, args.id);
    if (!d) return { codeDiscountNode: null, userErrors: discountMissing };
    const now = isoUtc();
    // Shopify deactivates by ending the discount now (status becomes EXPIRED).
    if (!d.endsAt || d.endsAt > now) d.endsAt = Date.parse(d.startsAt) > Date.now() ? d.startsAt : now;
    d.updatedAt = now;
    touch(ctx.shop);
    return { codeDiscountNode: new DiscountCodeNodeView(d), userErrors: [] };
  },
  storeCreditAccountCredit,
  storeCreditAccountDebit,
  metafieldsSet,
  metafieldsDelete,
  tagsAdd: changeTags(true),
  tagsRemove: changeTags(false),
  customerCreate,
  bulkOperationRunQuery: (args, ctx) => runBulkQuery(ctx, args.query, !!args.groupObjects),
  bulkOperationCancel: (args, ctx) => cancelBulk(ctx, args.id),
  bulkOperationRunMutation: (args, ctx) => runBulkMutation(ctx, args, mutationRoot),
  stagedUploadsCreate,
};

/**
 * An injected USER_ERROR fault answers the field with that userError and nothing changed; the
 * payload's other fields are null (a Proxy, because the field resolver refuses unknown fields).
 */
function withUserErrorFaults(root: Record<string, Resolver>): Record<string, Resolver> {
  const wrapped: Record<string, Resolver> = {};
  for (const [name, resolve] of Object.entries(root)) {
    wrapped[name] = (args, ctx, info) => {
      const fault = ctx.core.takeUserErrorFault?.(name);
      if (!fault) return resolve(args, ctx, info);
      const payload = { userErrors: [{ field: null, message: fault.message, code: null }] };
      return new Proxy(payload, { has: () => true, get: (t, k) => (k in t ? t[k as keyof typeof t] : null) });
    };
  }
  return wrapped;
}

export const mutationRoot: Record<string, Resolver> = withUserErrorFaults(rawMutationRoot);
