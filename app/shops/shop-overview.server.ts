import { SHOP_OVERVIEW_QUERY } from "~/shops/graphql/ShopOverview";
import type { ShopOverviewQuery } from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";

export interface ShopOverview {
  name: string;
  domain: string;
  currency: string;
  timezone: string;
  customerCount: number;
  orderCount: number;
}


export async function fetchShopOverview(graphql: AdminGraphql): Promise<ShopOverview> {
  const data = await runAdminOperation<ShopOverviewQuery>(graphql, SHOP_OVERVIEW_QUERY);
  return {
    name: data.shop.name,
    domain: data.shop.myshopifyDomain,
    currency: data.shop.currencyCode,
    timezone: data.shop.ianaTimezone,
    customerCount: data.customersCount?.count ?? 0,
    orderCount: data.ordersCount?.count ?? 0,
  };
}
