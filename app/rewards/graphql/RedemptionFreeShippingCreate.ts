// Creates the single-use, customer-only free-shipping code a points redemption buys.
export const REDEMPTION_FREE_SHIPPING_CREATE_MUTATION = `#graphql
  mutation RedemptionFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
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
