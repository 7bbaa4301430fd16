// Creates the friend's discount behind a member's referral code (a percentage off, once per customer).
export const REFERRAL_DISCOUNT_CREATE_MUTATION = `#graphql
  mutation ReferralDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
` as const;
