/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type ShopIdentityQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopIdentityQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'currencyCode'> };

export type ShopOverviewQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopOverviewQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'currencyCode' | 'ianaTimezone'>, customersCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count' | 'precision'>>, ordersCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count' | 'precision'>> };

interface GeneratedQueryTypes {
  "#graphql\n  query ShopIdentity {\n    shop {\n      name\n      myshopifyDomain\n      currencyCode\n    }\n  }\n": {return: ShopIdentityQuery, variables: ShopIdentityQueryVariables},
  "#graphql\n  query ShopOverview {\n    shop {\n      name\n      myshopifyDomain\n      currencyCode\n      ianaTimezone\n    }\n    customersCount(limit: null) {\n      count\n      precision\n    }\n    ordersCount(limit: null) {\n      count\n      precision\n    }\n  }\n": {return: ShopOverviewQuery, variables: ShopOverviewQueryVariables},
}

interface GeneratedMutationTypes {
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
