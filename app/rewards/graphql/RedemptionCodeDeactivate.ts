// Ends an unused reward code at once (Shopify sets its end to now): the points it was bought with were taken back
// by a refund, so the code must not be spent (redemption-lifecycle.server.ts). Answers the use count as of the
// deactivation: a use counted before it means the code was spent after all.
export const REDEMPTION_CODE_DEACTIVATE_MUTATION = `#graphql
  mutation RedemptionCodeDeactivate($id: ID!) {
    discountCodeDeactivate(id: $id) {
      codeDiscountNode {
        id
        codeDiscount {
          __typename
          ... on DiscountCodeBasic {
            status
            asyncUsageCount
          }
          ... on DiscountCodeFreeShipping {
            status
            asyncUsageCount
          }
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
` as const;
