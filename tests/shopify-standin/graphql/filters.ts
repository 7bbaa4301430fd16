// Search fields and sort keys per resource, following Shopify's documented filters.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { customerStats, orderTotals, type ShopState, type StandinCustomer, type StandinOrder } from "../state";
import type { GqlContext } from "./context";
import { compileSearch, dateMatcher, numberMatcher, textMatcher, type FieldMatcher, type SearchWarning } from "./search";

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

function record(ctx: GqlContext, info: GraphQLResolveInfo, query: string, warnings: SearchWarning[]) {
  if (warnings.length) {
    const path: (string | number)[] = [];
    for (let p: GraphQLResolveInfo["path"] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
    ctx.searchWarnings.push({ path, query, warnings });
  }
}

export function customerSearch(ctx: GqlContext, query: string | null | undefined, info: GraphQLResolveInfo) {
  const tz = () => ctx.shop.info.timezone;
  const fields: Record<string, FieldMatcher<StandinCustomer>> = {
    id: numberMatcher((c) => c.id),
    customer_id: numberMatcher((c) => c.id),
    created_at: dateMatcher((c) => c.createdAt, tz),
    updated_at: dateMatcher((c) => c.updatedAt, tz),
    email: textMatcher((c) => c.email),
    first_name: textMatcher((c) => c.firstName),
    last_name: textMatcher((c) => c.lastName),
    phone: textMatcher((c) => c.phone),
    state: textMatcher((c) => c.state),
    country: textMatcher((c) => [c.address?.countryCode, c.address?.countryCode ? regionNames.of(c.address.countryCode) : null]),
    tag: textMatcher((c) => c.tags),
    tag_not: (c, t) => !textMatcher<StandinCustomer>((x) => x.tags)(c, t),
    orders_count: numberMatcher((c) => customerStats(ctx.shop, c.id).numberOfOrders),
    number_of_orders: numberMatcher((c) => customerStats(ctx.shop, c.id).numberOfOrders),
    amount_spent: numberMatcher((c) => customerStats(ctx.shop, c.id).amountSpentMinor / 100),
    total_spent: numberMatcher((c) => customerStats(ctx.shop, c.id).amountSpentMinor / 100),
  };
  const warnings: SearchWarning[] = [];
  const fn = compileSearch(query, fields, (c, text) =>
    [c.firstName, c.lastName, c.email, c.phone].some((v) => v?.toLowerCase().includes(text)), warnings);
  if (query) record(ctx, info, query, warnings);
  return fn;
}

export function orderSearch(ctx: GqlContext, query: string | null | undefined, info: GraphQLResolveInfo) {
  const tz = () => ctx.shop.info.timezone;
  const fields: Record<string, FieldMatcher<StandinOrder>> = {
    id: numberMatcher((o) => o.id),
    name: (o, t) => textMatcher<StandinOrder>((x) => [x.name, x.name.replace(/^#/, "")])(o, t),
    created_at: dateMatcher((o) => o.createdAt, tz),
    updated_at: dateMatcher((o) => o.updatedAt, tz),
    processed_at: dateMatcher((o) => o.processedAt, tz),
    cancelled_at: dateMatcher((o) => o.cancelledAt, tz),
    email: textMatcher((o) => o.email),
    customer_id: numberMatcher((o) => o.customerId),
    financial_status: textMatcher((o) => orderTotals(ctx.shop, o).financialStatus.toLowerCase()),
    status: (o, t) => {
      const want = t.value.toLowerCase();
      if (want === "any") return true;
      if (want === "cancelled") return o.cancelledAt !== null;
      if (want === "closed") return o.closedAt !== null;
      if (want === "open") return o.closedAt === null && o.cancelledAt === null;
      return false;
    },
    tag: textMatcher((o) => o.tags),
    tag_not: (o, t) => !textMatcher<StandinOrder>((x) => x.tags)(o, t),
    test: (o, t) => String(o.test) === t.value.toLowerCase(),
    discount_code: textMatcher((o) => o.discountCodes.map((d) => d.code)),
    source_name: textMatcher((o) => o.sourceName),
    sku: textMatcher((o) => o.lines.map((l) => l[1])),
  };
  const warnings: SearchWarning[] = [];
  const fn = compileSearch(query, fields, (o, text) => o.name.toLowerCase().includes(text) || (o.email ?? "").toLowerCase().includes(text), warnings);
  if (query) record(ctx, info, query, warnings);
  return fn;
}

export function sortKeyFor(kind: "customer" | "order", key: string, shop?: ShopState): (x: any) => string | number {
  if (kind === "customer") {
    switch (key) {
      case "ID": case "RELEVANCE": return (c: StandinCustomer) => c.id;
      case "CREATED_AT": return (c: StandinCustomer) => c.createdAt;
      case "UPDATED_AT": return (c: StandinCustomer) => c.updatedAt;
      case "NAME": return (c: StandinCustomer) => `${c.firstName ?? ""} ${c.lastName ?? ""}`.trim().toLowerCase();
      case "LOCATION": return (c: StandinCustomer) => c.address?.countryCode ?? "";
    }
  } else {
    switch (key) {
      case "ID": case "RELEVANCE": return (o: StandinOrder) => o.id;
      case "CREATED_AT": return (o: StandinOrder) => o.createdAt;
      case "UPDATED_AT": return (o: StandinOrder) => o.updatedAt;
      case "PROCESSED_AT": return (o: StandinOrder) => o.processedAt;
      case "ORDER_NUMBER": return (o: StandinOrder) => o.number;
      case "TOTAL_PRICE": return (o: StandinOrder) => orderTotals(shop!, o).totalMinor;
      case "CURRENT_TOTAL_PRICE": return (o: StandinOrder) => orderTotals(shop!, o).currentTotalMinor;
      case "FINANCIAL_STATUS": return (o: StandinOrder) => orderTotals(shop!, o).financialStatus;
      case "TOTAL_ITEMS_QUANTITY": return (o: StandinOrder) => o.lines.reduce((n, l) => n + l[3], 0);
    }
  }
  throw new GraphQLError(`Sort key ${key} is not supported by the Shopify stand-in`, { extensions: { code: "STANDIN_NOT_IMPLEMENTED" } });
}
