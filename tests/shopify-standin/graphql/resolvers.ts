// Root query fields the stand-in implements. Anything else raises STANDIN_NOT_IMPLEMENTED.
import type { GraphQLResolveInfo } from "graphql";
import { findCustomer, findOrder } from "../state";
import type { GqlContext } from "./context";
import { customerSearch, orderSearch } from "./filters";
import { compileSearch, dateMatcher, textMatcher } from "./search";
import { paginate } from "./connection";
import {
  AppInstallationView, BulkOperationView, CollectionView, CustomerView, DiscountCodeNodeView, OrderView, ShopView,
  customerConnection, nodeFor, orderConnection, requireGid,
} from "./views";

type Args = Record<string, any>;
type Resolver = (args: Args, ctx: GqlContext, info: GraphQLResolveInfo) => unknown;

function count(n: number, limit: number | null | undefined) {
  const cap = limit === undefined ? 10000 : limit;
  if (cap !== null && n > cap) return { count: cap, precision: "AT_LEAST" };
  return { count: n, precision: "EXACT" };
}

export const queryRoot: Record<string, Resolver> = {
  shop: (_a, ctx) => new ShopView(ctx.shop),
  customers: (args, ctx, info) => customerConnection(ctx, args, info, ctx.shop.customers),
  customer: (args, ctx) => {
    const g = requireGid(args.id, "Customer");
    const c = g && findCustomer(ctx.shop, g.id);
    return c ? new CustomerView(c) : null;
  },
  customersCount: (args, ctx, info) => {
    const f = customerSearch(ctx, args.query, info);
    return count(f ? ctx.shop.customers.filter(f).length : ctx.shop.customers.length, args.limit);
  },
  orders: (args, ctx, info) => orderConnection(ctx, args, info, ctx.shop.orders),
  order: (args, ctx) => {
    const g = requireGid(args.id, "Order");
    const o = g && findOrder(ctx.shop, g.id);
    return o ? new OrderView(o) : null;
  },
  ordersCount: (args, ctx, info) => {
    const f = orderSearch(ctx, args.query, info);
    return count(f ? ctx.shop.orders.filter(f).length : ctx.shop.orders.length, args.limit);
  },
  node: (args, ctx) => nodeFor(ctx, args.id),
  productVariant: (args, ctx) => (requireGid(args.id, "ProductVariant") ? nodeFor(ctx, args.id) : null),
  product: (args, ctx) => (requireGid(args.id, "Product") ? nodeFor(ctx, args.id) : null),
  collection: (args, ctx) => {
    const g = requireGid(args.id, "Collection");
    const c = g && (ctx.shop.collections ?? []).find((x) => x.id === g.id);
    return c ? new CollectionView(c) : null;
  },
  nodes: (args, ctx) => (args.ids as string[]).map((id) => nodeFor(ctx, id)),
  currentBulkOperation: (args, ctx) => {
    const type = args.type ?? "QUERY";
    const list = ctx.shop.bulkOperations.filter((b) => b.type === type);
    const b = list[list.length - 1];
    return b ? new BulkOperationView(b) : null;
  },
  bulkOperation: (args, ctx) => {
    const g = requireGid(args.id, "BulkOperation");
    const b = g && ctx.shop.bulkOperations.find((x) => x.id === g.id);
    return b ? new BulkOperationView(b) : null;
  },
  bulkOperations: (args, ctx) => {
    type B = GqlContext["shop"]["bulkOperations"][number];
    const filter = compileSearch<B>(args.query, {
      status: textMatcher((b) => b.status),
      operation_type: textMatcher((b) => b.type),
      created_at: dateMatcher((b) => b.createdAt, () => ctx.shop.info.timezone),
      id: (b, t) => String(b.id) === t.value.replace(/^gid:\/\/shopify\/BulkOperation\//, ""),
    }, () => false);
    const list = filter ? ctx.shop.bulkOperations.filter(filter) : ctx.shop.bulkOperations;
    const key = args.sortKey === "COMPLETED_AT" ? (b: B) => b.completedAt ?? "" : (b: B) => b.createdAt;
    return paginate(list, args, key, (b) => b.id, (b) => new BulkOperationView(b));
  },
  codeDiscountNodeByCode: (args, ctx) => {
    const code = String(args.code).toLowerCase();
    const d = ctx.shop.discounts.find((x) => x.code.toLowerCase() === code);
    return d ? new DiscountCodeNodeView(d) : null;
  },
  codeDiscountNode: (args, ctx) => {
    const g = requireGid(args.id, ["DiscountCodeNode", "DiscountNode"]);
    const d = g && ctx.shop.discounts.find((x) => x.id === g.id);
    return d ? new DiscountCodeNodeView(d) : null;
  },
  discountNode: (args, ctx) => {
    const g = requireGid(args.id, ["DiscountCodeNode", "DiscountNode"]);
    const d = g && ctx.shop.discounts.find((x) => x.id === g.id);
    return d ? new DiscountCodeNodeView(d, "DiscountNode") : null;
  },
  appInstallation: (args, ctx) => {
    const v = new AppInstallationView(ctx.shop);
    return args.id == null || args.id === v.id() ? v : null;
  },
  currentAppInstallation: (_a, ctx) => new AppInstallationView(ctx.shop),
};
