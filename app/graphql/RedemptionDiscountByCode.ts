// Finds a redemption's code before a retry: a create that timed out may still have been applied.
export const REDEMPTION_DISCOUNT_BY_CODE_QUERY = `#graphql
  query RedemptionDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
` as const;
