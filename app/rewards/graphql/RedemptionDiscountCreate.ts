// Creates the single-use, customer-only code a points redemption buys (fixed, percentage, free product).
export const REDEMPTION_DISCOUNT_CREATE_MUTATION = `#graphql
  mutation RedemptionDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
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
