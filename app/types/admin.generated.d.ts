/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type HistoryBulkOperationQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type HistoryBulkOperationQuery = { node?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'url' | 'partialDataUrl'>> };

export type HistoryBulkRunMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type HistoryBulkRunMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message' | 'code'>> }> };

export type HistoryCurrentBulkOperationQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type HistoryCurrentBulkOperationQuery = { currentBulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'query'>> };

export type HistoryCustomersExportQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type HistoryCustomersExportQuery = { customers: { edges: Array<{ node: Pick<AdminTypes.Customer, 'id' | 'email' | 'createdAt' | 'updatedAt'> }> } };

export type HistoryOrdersExportQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type HistoryOrdersExportQuery = { orders: { edges: Array<{ node: (
        Pick<AdminTypes.Order, 'id' | 'createdAt' | 'updatedAt' | 'cancelledAt'>
        & { customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id' | 'createdAt' | 'updatedAt'>>, subtotalPriceSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, refunds: Array<(
          Pick<AdminTypes.Refund, 'id' | 'createdAt'>
          & { refundLineItems: { edges: Array<{ node: { subtotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } } }> } }
        )> }
      ) }> } };

export type RedemptionDiscountByCodeQueryVariables = AdminTypes.Exact<{
  code: AdminTypes.Scalars['String']['input'];
}>;


export type RedemptionDiscountByCodeQuery = { codeDiscountNodeByCode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>> };

export type RedemptionDiscountCreateMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type RedemptionDiscountCreateMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type RedemptionFreeShippingCreateMutationVariables = AdminTypes.Exact<{
  freeShippingCodeDiscount: AdminTypes.DiscountCodeFreeShippingInput;
}>;


export type RedemptionFreeShippingCreateMutation = { discountCodeFreeShippingCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type ReferralDiscountByCodeQueryVariables = AdminTypes.Exact<{
  code: AdminTypes.Scalars['String']['input'];
}>;


export type ReferralDiscountByCodeQuery = { codeDiscountNodeByCode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>> };

export type ReferralDiscountCreateMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type ReferralDiscountCreateMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type ShopIdentityQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopIdentityQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'currencyCode'> };

export type ShopOverviewQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopOverviewQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'currencyCode' | 'ianaTimezone'>, customersCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count' | 'precision'>>, ordersCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count' | 'precision'>> };

interface GeneratedQueryTypes {
  "#graphql\n  query HistoryBulkOperation($id: ID!) {\n    node(id: $id) {\n      ... on BulkOperation {\n        id\n        status\n        errorCode\n        objectCount\n        url\n        partialDataUrl\n      }\n    }\n  }\n": {return: HistoryBulkOperationQuery, variables: HistoryBulkOperationQueryVariables},
  "#graphql\n  query HistoryCurrentBulkOperation {\n    currentBulkOperation(type: QUERY) {\n      id\n      status\n      query\n    }\n  }\n": {return: HistoryCurrentBulkOperationQuery, variables: HistoryCurrentBulkOperationQueryVariables},
  "#graphql\n  query HistoryCustomersExport {\n    customers {\n      edges {\n        node {\n          id\n          email\n          createdAt\n          updatedAt\n        }\n      }\n    }\n  }\n": {return: HistoryCustomersExportQuery, variables: HistoryCustomersExportQueryVariables},
  "#graphql\n  query HistoryOrdersExport {\n    orders {\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          cancelledAt\n          customer {\n            id\n            createdAt\n            updatedAt\n          }\n          subtotalPriceSet {\n            shopMoney {\n              amount\n              currencyCode\n            }\n          }\n          refunds {\n            id\n            createdAt\n            refundLineItems {\n              edges {\n                node {\n                  subtotalSet {\n                    shopMoney {\n                      amount\n                      currencyCode\n                    }\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": {return: HistoryOrdersExportQuery, variables: HistoryOrdersExportQueryVariables},
  "#graphql\n  query RedemptionDiscountByCode($code: String!) {\n    codeDiscountNodeByCode(code: $code) {\n      id\n    }\n  }\n": {return: RedemptionDiscountByCodeQuery, variables: RedemptionDiscountByCodeQueryVariables},
  "#graphql\n  query ReferralDiscountByCode($code: String!) {\n    codeDiscountNodeByCode(code: $code) {\n      id\n    }\n  }\n": {return: ReferralDiscountByCodeQuery, variables: ReferralDiscountByCodeQueryVariables},
  "#graphql\n  query ShopIdentity {\n    shop {\n      name\n      myshopifyDomain\n      currencyCode\n    }\n  }\n": {return: ShopIdentityQuery, variables: ShopIdentityQueryVariables},
  "#graphql\n  query ShopOverview {\n    shop {\n      name\n      myshopifyDomain\n      currencyCode\n      ianaTimezone\n    }\n    customersCount(limit: null) {\n      count\n      precision\n    }\n    ordersCount(limit: null) {\n      count\n      precision\n    }\n  }\n": {return: ShopOverviewQuery, variables: ShopOverviewQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation HistoryBulkRun($query: String!) {\n    bulkOperationRunQuery(query: $query) {\n      bulkOperation {\n        id\n        status\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": {return: HistoryBulkRunMutation, variables: HistoryBulkRunMutationVariables},
  "#graphql\n  mutation RedemptionDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: RedemptionDiscountCreateMutation, variables: RedemptionDiscountCreateMutationVariables},
  "#graphql\n  mutation RedemptionFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {\n    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: RedemptionFreeShippingCreateMutation, variables: RedemptionFreeShippingCreateMutationVariables},
  "#graphql\n  mutation ReferralDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: ReferralDiscountCreateMutation, variables: ReferralDiscountCreateMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
