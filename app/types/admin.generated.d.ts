/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type SegmentBulkOperationQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type SegmentBulkOperationQuery = { node?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'url' | 'partialDataUrl'>> };

export type SegmentBulkRunMutationVariables = AdminTypes.Exact<{
  mutation: AdminTypes.Scalars['String']['input'];
  stagedUploadPath: AdminTypes.Scalars['String']['input'];
  clientIdentifier?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type SegmentBulkRunMutation = { bulkOperationRunMutation?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkMutationUserError, 'field' | 'message' | 'code'>> }> };

export type SegmentStagedUploadMutationVariables = AdminTypes.Exact<{
  input: Array<AdminTypes.StagedUploadInput> | AdminTypes.StagedUploadInput;
}>;


export type SegmentStagedUploadMutation = { stagedUploadsCreate?: AdminTypes.Maybe<{ stagedTargets?: AdminTypes.Maybe<Array<(
      Pick<AdminTypes.StagedMediaUploadTarget, 'url'>
      & { parameters: Array<Pick<AdminTypes.StagedUploadParameter, 'name' | 'value'>> }
    )>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type SegmentTagsAddMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type SegmentTagsAddMutation = { tagsAdd?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type SegmentTagsRemoveMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type SegmentTagsRemoveMutation = { tagsRemove?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type SegmentTagsSetMutationVariables = AdminTypes.Exact<{
  id0: AdminTypes.Scalars['ID']['input'];
  add0: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove0: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id1: AdminTypes.Scalars['ID']['input'];
  add1: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove1: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id2: AdminTypes.Scalars['ID']['input'];
  add2: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove2: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id3: AdminTypes.Scalars['ID']['input'];
  add3: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove3: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id4: AdminTypes.Scalars['ID']['input'];
  add4: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove4: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id5: AdminTypes.Scalars['ID']['input'];
  add5: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove5: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id6: AdminTypes.Scalars['ID']['input'];
  add6: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove6: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id7: AdminTypes.Scalars['ID']['input'];
  add7: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove7: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id8: AdminTypes.Scalars['ID']['input'];
  add8: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove8: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  id9: AdminTypes.Scalars['ID']['input'];
  add9: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
  remove9: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type SegmentTagsSetMutation = { add0?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove0?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add1?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove1?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add2?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove2?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add3?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove3?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add4?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove4?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add5?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove5?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add6?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove6?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add7?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove7?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add8?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove8?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, add9?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }>, remove9?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type FlowTriggerReceiveMutationVariables = AdminTypes.Exact<{
  handle: AdminTypes.Scalars['String']['input'];
  payload: AdminTypes.Scalars['JSON']['input'];
}>;


export type FlowTriggerReceiveMutation = { flowTriggerReceive?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type HistoryBulkOperationQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type HistoryBulkOperationQuery = { node?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'url' | 'partialDataUrl'>> };

export type HistoryBulkRunMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type HistoryBulkRunMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message' | 'code'>> }> };

export type HistoryCurrentBulkOperationQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type HistoryCurrentBulkOperationQuery = { bulkOperations: { nodes: Array<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'query'>> } };

export type HistoryCustomersExportQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type HistoryCustomersExportQuery = { customers: { edges: Array<{ node: (
        Pick<AdminTypes.Customer, 'id' | 'firstName' | 'lastName' | 'createdAt' | 'updatedAt'>
        & { defaultEmailAddress?: AdminTypes.Maybe<Pick<AdminTypes.CustomerEmailAddress, 'emailAddress' | 'marketingState'>> }
      ) }> } };

export type HistoryOrdersExportQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type HistoryOrdersExportQuery = { orders: { edges: Array<{ node: (
        Pick<AdminTypes.Order, 'id' | 'createdAt' | 'updatedAt' | 'cancelledAt'>
        & { customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id' | 'createdAt' | 'updatedAt'>>, subtotalPriceSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, refunds: Array<(
          Pick<AdminTypes.Refund, 'id' | 'createdAt'>
          & { refundLineItems: { edges: Array<{ node: { subtotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } } }> } }
        )> }
      ) }> } };

export type CollectionProductsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type CollectionProductsQuery = { collection?: AdminTypes.Maybe<(
    Pick<AdminTypes.Collection, 'id'>
    & { products: { nodes: Array<Pick<AdminTypes.Product, 'id'>>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } }
  )> };

export type ProductCollectionsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type ProductCollectionsQuery = { product?: AdminTypes.Maybe<(
    Pick<AdminTypes.Product, 'id'>
    & { collections: { nodes: Array<Pick<AdminTypes.Collection, 'id'>>, pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'> } }
  )> };

export type ReferralDiscountCreateMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type ReferralDiscountCreateMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type DiscountByCodeQueryVariables = AdminTypes.Exact<{
  code: AdminTypes.Scalars['String']['input'];
}>;


export type DiscountByCodeQuery = { codeDiscountNodeByCode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>> };

export type MemberDiscountCodeCreateMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type MemberDiscountCodeCreateMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type MemberDiscountCodeDeleteMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MemberDiscountCodeDeleteMutation = { discountCodeDelete?: AdminTypes.Maybe<(
    Pick<AdminTypes.DiscountCodeDeletePayload, 'deletedCodeDiscountId'>
    & { userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }
  )> };

export type RedemptionCodeDeactivateMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RedemptionCodeDeactivateMutation = { discountCodeDeactivate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<(
      Pick<AdminTypes.DiscountCodeNode, 'id'>
      & { codeDiscount: { __typename: 'DiscountCodeApp' | 'DiscountCodeBxgy' } | (
        { __typename: 'DiscountCodeBasic' }
        & Pick<AdminTypes.DiscountCodeBasic, 'status' | 'asyncUsageCount'>
      ) | (
        { __typename: 'DiscountCodeFreeShipping' }
        & Pick<AdminTypes.DiscountCodeFreeShipping, 'status' | 'asyncUsageCount'>
      ) }
    )>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type RedemptionCodeUsageQueryVariables = AdminTypes.Exact<{
  code: AdminTypes.Scalars['String']['input'];
}>;


export type RedemptionCodeUsageQuery = { codeDiscountNodeByCode?: AdminTypes.Maybe<(
    Pick<AdminTypes.DiscountCodeNode, 'id'>
    & { codeDiscount: { __typename: 'DiscountCodeApp' | 'DiscountCodeBxgy' } | (
      { __typename: 'DiscountCodeBasic' }
      & Pick<AdminTypes.DiscountCodeBasic, 'asyncUsageCount'>
    ) | (
      { __typename: 'DiscountCodeFreeShipping' }
      & Pick<AdminTypes.DiscountCodeFreeShipping, 'asyncUsageCount'>
    ) }
  )> };

export type RedemptionDiscountCreateMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type RedemptionDiscountCreateMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type RedemptionFreeShippingCreateMutationVariables = AdminTypes.Exact<{
  freeShippingCodeDiscount: AdminTypes.DiscountCodeFreeShippingInput;
}>;


export type RedemptionFreeShippingCreateMutation = { discountCodeFreeShippingCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type RedemptionVariantPriceQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type RedemptionVariantPriceQuery = { productVariant?: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, 'id' | 'price'>> };

export type RewardSurfacesQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type RewardSurfacesQuery = { shop: { plan: Pick<AdminTypes.ShopPlan, 'shopifyPlus'>, customerAccountsV2: Pick<AdminTypes.CustomerAccountsV2, 'customerAccountsVersion'> } };

export type StoreCreditRecentCreditsQueryVariables = AdminTypes.Exact<{
  customerId: AdminTypes.Scalars['ID']['input'];
  accountQuery: AdminTypes.Scalars['String']['input'];
}>;


export type StoreCreditRecentCreditsQuery = { customer?: AdminTypes.Maybe<{ storeCreditAccounts: { nodes: Array<(
        Pick<AdminTypes.StoreCreditAccount, 'id'>
        & { transactions: { nodes: Array<(
            { __typename: 'StoreCreditAccountCreditTransaction' }
            & Pick<AdminTypes.StoreCreditAccountCreditTransaction, 'id' | 'createdAt'>
            & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
          ) | { __typename: 'StoreCreditAccountDebitRevertTransaction' | 'StoreCreditAccountDebitTransaction' | 'StoreCreditAccountExpirationTransaction' }> } }
      )> } }> };

export type StoreCreditRedemptionCreditMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  creditInput: AdminTypes.StoreCreditAccountCreditInput;
}>;


export type StoreCreditRedemptionCreditMutation = { storeCreditAccountCredit?: AdminTypes.Maybe<{ storeCreditAccountTransaction?: AdminTypes.Maybe<(
      Pick<AdminTypes.StoreCreditAccountCreditTransaction, 'id' | 'createdAt'>
      & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
    )>, userErrors: Array<Pick<AdminTypes.StoreCreditAccountCreditUserError, 'field' | 'code' | 'message'>> }> };

export type ResourceTitlesQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
}>;


export type ResourceTitlesQuery = { nodes: Array<AdminTypes.Maybe<{ __typename: 'AbandonedCheckout' | 'AbandonedCheckoutLineItem' | 'Abandonment' | 'AddAllProductsOperation' | 'AdditionalFee' | 'AnalyticsAnnotation' | 'AnalyticsTarget' | 'App' | 'AppCatalog' | 'AppCredit' | 'AppInstallation' | 'AppPurchaseOneTime' | 'AppRevenueAttributionRecord' | 'AppSubscription' | 'AppUsageRecord' | 'Article' | 'BasicEvent' | 'Blog' | 'BulkOperation' | 'BusinessEntity' } | { __typename: 'CalculatedOrder' | 'CartTransform' | 'CashDrawer' | 'CashManagementCustomReasonCode' | 'CashManagementDefaultReasonCode' | 'CashManagementSystemReasonCode' | 'CashTrackingAdjustment' | 'CashTrackingSession' | 'CatalogCsvOperation' | 'Channel' | 'ChannelDefinition' | 'ChannelInformation' | 'CheckoutAndAccountsConfiguration' | 'CheckoutAndAccountsConfigurationOverride' | 'CheckoutProfile' | 'CollectionConditionsSource' | 'CollectionSubCollectionsSource' | 'Comment' | 'CommentEvent' | 'Company' } | { __typename: 'CompanyAddress' | 'CompanyContact' | 'CompanyContactRole' | 'CompanyContactRoleAssignment' | 'CompanyLocation' | 'CompanyLocationCatalog' | 'CompanyLocationStaffMemberAssignment' | 'ConsentPolicy' | 'CurrencyExchangeAdjustment' | 'Customer' | 'CustomerAccountAppExtensionPage' | 'CustomerAccountNativePage' | 'CustomerPaymentMethod' | 'CustomerSegmentMembersQuery' | 'CustomerVisit' | 'DeliveryCarrierService' | 'DeliveryCondition' | 'DeliveryCountry' | 'DeliveryCustomization' | 'DeliveryLocationGroup' } | { __typename: 'DeliveryMethod' | 'DeliveryMethodDefinition' | 'DeliveryParticipant' | 'DeliveryProfile' | 'DeliveryProfileItem' | 'DeliveryPromiseParticipant' | 'DeliveryPromiseProvider' | 'DeliveryProvince' | 'DeliveryRateDefinition' | 'DeliveryZone' | 'DiscountAutomaticBxgy' | 'DiscountAutomaticNode' | 'DiscountCodeNode' | 'DiscountNode' | 'DiscountRedeemCodeBulkCreation' | 'Domain' | 'DraftOrder' | 'DraftOrderLineItem' | 'DraftOrderTag' | 'Duty' } | { __typename: 'ExchangeLineItem' | 'ExternalVideo' | 'Fulfillment' | 'FulfillmentConstraintRule' | 'FulfillmentEvent' | 'FulfillmentHold' | 'FulfillmentLineItem' | 'FulfillmentOrder' | 'FulfillmentOrderDestination' | 'FulfillmentOrderLineItem' | 'FulfillmentOrderMerchantRequest' | 'GenericFile' | 'GiftCard' | 'GiftCardCashOutTransaction' | 'GiftCardCreditTransaction' | 'GiftCardDebitTransaction' | 'IdentityProviderSubject' | 'InventoryAdjustmentGroup' | 'InventoryItem' | 'InventoryItemMeasurement' } | { __typename: 'InventoryLevel' | 'InventoryQuantity' | 'InventoryShipment' | 'InventoryShipmentLineItem' | 'InventoryTransfer' | 'InventoryTransferLineItem' | 'LineItem' | 'LineItemGroup' | 'Location' | 'MailingAddress' | 'Market' | 'MarketCatalog' | 'MarketRegionCountry' | 'MarketRegionSubdivision' | 'MarketWebPresence' | 'MarketingActivity' | 'MarketingEvent' | 'MediaImage' | 'Menu' | 'Metafield' } | { __typename: 'MetafieldDefinition' | 'Metaobject' | 'MetaobjectDefinition' | 'Model3d' | 'OnlineStoreTheme' | 'Order' | 'OrderAdjustment' | 'OrderAttributionDefinition' | 'OrderCancelJobResult' | 'OrderCreateMandatePaymentJobResult' | 'OrderDisputeSummary' | 'OrderEditSession' | 'OrderTransaction' | 'Page' | 'PaymentCustomization' | 'PaymentMandate' | 'PaymentSchedule' | 'PaymentTerms' | 'PaymentTermsTemplate' | 'PointOfSaleDevice' } | { __typename: 'PointOfSaleDevicePaymentSession' | 'PriceList' | 'ProductBundleOperation' | 'ProductDeleteOperation' | 'ProductDuplicateOperation' | 'ProductFeed' | 'ProductOption' | 'ProductOptionValue' | 'ProductSetOperation' | 'ProductTaxonomyNode' | 'ProductVariantComponent' | 'Publication' | 'PublicationResourceOperation' | 'QuantityPriceBreak' | 'Refund' | 'RefundShippingLine' | 'Return' | 'ReturnLineItem' | 'ReturnReasonDefinition' | 'ReturnableFulfillment' } | { __typename: 'ReverseDelivery' | 'ReverseDeliveryLineItem' | 'ReverseFulfillmentOrder' | 'ReverseFulfillmentOrderDisposition' | 'ReverseFulfillmentOrderLineItem' | 'SaleAdditionalFee' | 'SavedSearch' | 'ScriptTag' | 'Segment' | 'SellingPlan' | 'SellingPlanGroup' | 'ServerPixel' | 'ShippingLabel' | 'ShippingLabelPurchaseResult' | 'Shop' | 'ShopAddress' | 'ShopPolicy' | 'ShopifyPaymentsAccount' | 'ShopifyPaymentsBalanceTransaction' | 'ShopifyPaymentsBankAccount' } | { __typename: 'ShopifyPaymentsDispute' | 'ShopifyPaymentsDisputeEvidence' | 'ShopifyPaymentsDisputeFileUpload' | 'ShopifyPaymentsDisputeFulfillment' | 'ShopifyPaymentsPayout' | 'StaffMember' | 'StandardMetafieldDefinitionTemplate' | 'StoreCreditAccount' | 'StoreCreditAccountCreditTransaction' | 'StoreCreditAccountDebitRevertTransaction' | 'StoreCreditAccountDebitTransaction' | 'StorefrontAccessToken' | 'SubscriptionBillingAttempt' | 'SubscriptionContract' | 'SubscriptionDraft' | 'TaxonomyAttribute' | 'TaxonomyCategory' | 'TaxonomyChoiceListAttribute' | 'TaxonomyMeasurementAttribute' | 'TaxonomyValue' } | { __typename: 'TenderTransaction' | 'TransactionFee' | 'UnverifiedReturnLineItem' | 'UrlRedirect' | 'UrlRedirectImport' | 'Validation' | 'Video' | 'WebPixel' | 'WebhookSubscription' } | (
    { __typename: 'Collection' }
    & Pick<AdminTypes.Collection, 'id' | 'title'>
  ) | (
    { __typename: 'Product' }
    & Pick<AdminTypes.Product, 'id' | 'title'>
  ) | (
    { __typename: 'ProductVariant' }
    & Pick<AdminTypes.ProductVariant, 'id' | 'displayName'>
  )>> };

export type ShopIdentityQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopIdentityQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'currencyCode' | 'ianaTimezone'> };

export type ShopOverviewQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopOverviewQuery = { shop: Pick<AdminTypes.Shop, 'name' | 'myshopifyDomain' | 'currencyCode' | 'ianaTimezone'>, customersCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count' | 'precision'>>, ordersCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count' | 'precision'>> };

export type CurrentAppInstallationQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type CurrentAppInstallationQuery = { currentAppInstallation: Pick<AdminTypes.AppInstallation, 'id'> };

export type StorefrontEarningSetMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type StorefrontEarningSetMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'id'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>> }> };

interface GeneratedQueryTypes {
  "#graphql\n  query SegmentBulkOperation($id: ID!) {\n    node(id: $id) {\n      ... on BulkOperation {\n        id\n        status\n        errorCode\n        objectCount\n        url\n        partialDataUrl\n      }\n    }\n  }\n": {return: SegmentBulkOperationQuery, variables: SegmentBulkOperationQueryVariables},
  "#graphql\n  query HistoryBulkOperation($id: ID!) {\n    node(id: $id) {\n      ... on BulkOperation {\n        id\n        status\n        errorCode\n        objectCount\n        url\n        partialDataUrl\n      }\n    }\n  }\n": {return: HistoryBulkOperationQuery, variables: HistoryBulkOperationQueryVariables},
  "#graphql\n  query HistoryCurrentBulkOperation {\n    bulkOperations(first: 1, query: \"operation_type:QUERY\", sortKey: CREATED_AT, reverse: true) {\n      nodes {\n        id\n        status\n        query\n      }\n    }\n  }\n": {return: HistoryCurrentBulkOperationQuery, variables: HistoryCurrentBulkOperationQueryVariables},
  "#graphql\n  query HistoryCustomersExport {\n    customers {\n      edges {\n        node {\n          id\n          firstName\n          lastName\n          defaultEmailAddress {\n            emailAddress\n            marketingState\n          }\n          createdAt\n          updatedAt\n        }\n      }\n    }\n  }\n": {return: HistoryCustomersExportQuery, variables: HistoryCustomersExportQueryVariables},
  "#graphql\n  query HistoryOrdersExport {\n    orders {\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          cancelledAt\n          customer {\n            id\n            createdAt\n            updatedAt\n          }\n          subtotalPriceSet {\n            shopMoney {\n              amount\n              currencyCode\n            }\n          }\n          refunds {\n            id\n            createdAt\n            refundLineItems {\n              edges {\n                node {\n                  subtotalSet {\n                    shopMoney {\n                      amount\n                      currencyCode\n                    }\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": {return: HistoryOrdersExportQuery, variables: HistoryOrdersExportQueryVariables},
  "#graphql\n  query CollectionProducts($id: ID!, $after: String) {\n    collection(id: $id) {\n      id\n      products(first: 250, after: $after) {\n        nodes {\n          id\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": {return: CollectionProductsQuery, variables: CollectionProductsQueryVariables},
  "#graphql\n  query ProductCollections($id: ID!, $after: String) {\n    product(id: $id) {\n      id\n      collections(first: 250, after: $after) {\n        nodes {\n          id\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": {return: ProductCollectionsQuery, variables: ProductCollectionsQueryVariables},
  "#graphql\n  query DiscountByCode($code: String!) {\n    codeDiscountNodeByCode(code: $code) {\n      id\n    }\n  }\n": {return: DiscountByCodeQuery, variables: DiscountByCodeQueryVariables},
  "#graphql\n  query RedemptionCodeUsage($code: String!) {\n    codeDiscountNodeByCode(code: $code) {\n      id\n      codeDiscount {\n        __typename\n        ... on DiscountCodeBasic {\n          asyncUsageCount\n        }\n        ... on DiscountCodeFreeShipping {\n          asyncUsageCount\n        }\n      }\n    }\n  }\n": {return: RedemptionCodeUsageQuery, variables: RedemptionCodeUsageQueryVariables},
  "#graphql\n  query RedemptionVariantPrice($id: ID!) {\n    productVariant(id: $id) {\n      id\n      price\n    }\n  }\n": {return: RedemptionVariantPriceQuery, variables: RedemptionVariantPriceQueryVariables},
  "#graphql\n  query RewardSurfaces {\n    shop {\n      plan {\n        shopifyPlus\n      }\n      customerAccountsV2 {\n        customerAccountsVersion\n      }\n    }\n  }\n": {return: RewardSurfacesQuery, variables: RewardSurfacesQueryVariables},
  "#graphql\n  query StoreCreditRecentCredits($customerId: ID!, $accountQuery: String!) {\n    customer(id: $customerId) {\n      storeCreditAccounts(first: 1, query: $accountQuery) {\n        nodes {\n          id\n          transactions(first: 50, reverse: true, sortKey: CREATED_AT) {\n            nodes {\n              __typename\n              ... on StoreCreditAccountCreditTransaction {\n                id\n                amount {\n                  amount\n                  currencyCode\n                }\n                createdAt\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": {return: StoreCreditRecentCreditsQuery, variables: StoreCreditRecentCreditsQueryVariables},
  "#graphql\n  query ResourceTitles($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Product {\n        id\n        title\n      }\n      ... on Collection {\n        id\n        title\n      }\n      ... on ProductVariant {\n        id\n        displayName\n      }\n    }\n  }\n": {return: ResourceTitlesQuery, variables: ResourceTitlesQueryVariables},
  "#graphql\n  query ShopIdentity {\n    shop {\n      name\n      myshopifyDomain\n      currencyCode\n      ianaTimezone\n    }\n  }\n": {return: ShopIdentityQuery, variables: ShopIdentityQueryVariables},
  "#graphql\n  query ShopOverview {\n    shop {\n      name\n      myshopifyDomain\n      currencyCode\n      ianaTimezone\n    }\n    customersCount(limit: null) {\n      count\n      precision\n    }\n    ordersCount(limit: null) {\n      count\n      precision\n    }\n  }\n": {return: ShopOverviewQuery, variables: ShopOverviewQueryVariables},
  "#graphql\n  query CurrentAppInstallation {\n    currentAppInstallation {\n      id\n    }\n  }\n": {return: CurrentAppInstallationQuery, variables: CurrentAppInstallationQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation SegmentBulkRun($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {\n    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {\n      bulkOperation {\n        id\n        status\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": {return: SegmentBulkRunMutation, variables: SegmentBulkRunMutationVariables},
  "#graphql\n  mutation SegmentStagedUpload($input: [StagedUploadInput!]!) {\n    stagedUploadsCreate(input: $input) {\n      stagedTargets {\n        url\n        parameters {\n          name\n          value\n        }\n      }\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: SegmentStagedUploadMutation, variables: SegmentStagedUploadMutationVariables},
  "#graphql\n  mutation SegmentTagsAdd($id: ID!, $tags: [String!]!) {\n    tagsAdd(id: $id, tags: $tags) {\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: SegmentTagsAddMutation, variables: SegmentTagsAddMutationVariables},
  "#graphql\n  mutation SegmentTagsRemove($id: ID!, $tags: [String!]!) {\n    tagsRemove(id: $id, tags: $tags) {\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: SegmentTagsRemoveMutation, variables: SegmentTagsRemoveMutationVariables},
  "#graphql\n  mutation SegmentTagsSet(\n    $id0: ID!, $add0: [String!]!, $remove0: [String!]!\n    $id1: ID!, $add1: [String!]!, $remove1: [String!]!\n    $id2: ID!, $add2: [String!]!, $remove2: [String!]!\n    $id3: ID!, $add3: [String!]!, $remove3: [String!]!\n    $id4: ID!, $add4: [String!]!, $remove4: [String!]!\n    $id5: ID!, $add5: [String!]!, $remove5: [String!]!\n    $id6: ID!, $add6: [String!]!, $remove6: [String!]!\n    $id7: ID!, $add7: [String!]!, $remove7: [String!]!\n    $id8: ID!, $add8: [String!]!, $remove8: [String!]!\n    $id9: ID!, $add9: [String!]!, $remove9: [String!]!\n  ) {\n    add0: tagsAdd(id: $id0, tags: $add0) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove0: tagsRemove(id: $id0, tags: $remove0) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add1: tagsAdd(id: $id1, tags: $add1) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove1: tagsRemove(id: $id1, tags: $remove1) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add2: tagsAdd(id: $id2, tags: $add2) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove2: tagsRemove(id: $id2, tags: $remove2) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add3: tagsAdd(id: $id3, tags: $add3) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove3: tagsRemove(id: $id3, tags: $remove3) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add4: tagsAdd(id: $id4, tags: $add4) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove4: tagsRemove(id: $id4, tags: $remove4) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add5: tagsAdd(id: $id5, tags: $add5) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove5: tagsRemove(id: $id5, tags: $remove5) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add6: tagsAdd(id: $id6, tags: $add6) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove6: tagsRemove(id: $id6, tags: $remove6) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add7: tagsAdd(id: $id7, tags: $add7) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove7: tagsRemove(id: $id7, tags: $remove7) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add8: tagsAdd(id: $id8, tags: $add8) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove8: tagsRemove(id: $id8, tags: $remove8) {\n      userErrors {\n        field\n        message\n      }\n    }\n    add9: tagsAdd(id: $id9, tags: $add9) {\n      userErrors {\n        field\n        message\n      }\n    }\n    remove9: tagsRemove(id: $id9, tags: $remove9) {\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: SegmentTagsSetMutation, variables: SegmentTagsSetMutationVariables},
  "#graphql\n  mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {\n    flowTriggerReceive(handle: $handle, payload: $payload) {\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: FlowTriggerReceiveMutation, variables: FlowTriggerReceiveMutationVariables},
  "#graphql\n  mutation HistoryBulkRun($query: String!) {\n    bulkOperationRunQuery(query: $query) {\n      bulkOperation {\n        id\n        status\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": {return: HistoryBulkRunMutation, variables: HistoryBulkRunMutationVariables},
  "#graphql\n  mutation ReferralDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: ReferralDiscountCreateMutation, variables: ReferralDiscountCreateMutationVariables},
  "#graphql\n  mutation MemberDiscountCodeCreate($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: MemberDiscountCodeCreateMutation, variables: MemberDiscountCodeCreateMutationVariables},
  "#graphql\n  mutation MemberDiscountCodeDelete($id: ID!) {\n    discountCodeDelete(id: $id) {\n      deletedCodeDiscountId\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: MemberDiscountCodeDeleteMutation, variables: MemberDiscountCodeDeleteMutationVariables},
  "#graphql\n  mutation RedemptionCodeDeactivate($id: ID!) {\n    discountCodeDeactivate(id: $id) {\n      codeDiscountNode {\n        id\n        codeDiscount {\n          __typename\n          ... on DiscountCodeBasic {\n            status\n            asyncUsageCount\n          }\n          ... on DiscountCodeFreeShipping {\n            status\n            asyncUsageCount\n          }\n        }\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: RedemptionCodeDeactivateMutation, variables: RedemptionCodeDeactivateMutationVariables},
  "#graphql\n  mutation RedemptionDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: RedemptionDiscountCreateMutation, variables: RedemptionDiscountCreateMutationVariables},
  "#graphql\n  mutation RedemptionFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {\n    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {\n      codeDiscountNode {\n        id\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: RedemptionFreeShippingCreateMutation, variables: RedemptionFreeShippingCreateMutationVariables},
  "#graphql\n  mutation StoreCreditRedemptionCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {\n    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {\n      storeCreditAccountTransaction {\n        id\n        amount {\n          amount\n          currencyCode\n        }\n        createdAt\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": {return: StoreCreditRedemptionCreditMutation, variables: StoreCreditRedemptionCreditMutationVariables},
  "#graphql\n  mutation StorefrontEarningSet($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields {\n        id\n      }\n      userErrors {\n        field\n        message\n        code\n      }\n    }\n  }\n": {return: StorefrontEarningSetMutation, variables: StorefrontEarningSetMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
