// Before giving back the points of an expired code: did Shopify count a use? (The order's webhook may be
// more than a day late, or lost.) Both kinds of code a redemption creates carry asyncUsageCount.
export const REDEMPTION_CODE_USAGE_QUERY = `#graphql
  query RedemptionCodeUsage($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        __typename
        ... on DiscountCodeBasic {
          asyncUsageCount
        }
        ... on DiscountCodeFreeShipping {
          asyncUsageCount
        }
      }
    }
  }
` as const;
