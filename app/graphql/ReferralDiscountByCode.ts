// Finds a referral code's discount before creating it: an earlier create may have timed out after it was applied.
export const REFERRAL_DISCOUNT_BY_CODE_QUERY = `#graphql
  query ReferralDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
` as const;
