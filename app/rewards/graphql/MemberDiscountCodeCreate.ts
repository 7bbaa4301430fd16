// Creates a member's discount card code: a percentage off every order, only for that customer, no end.
export const MEMBER_DISCOUNT_CODE_CREATE_MUTATION = `#graphql
  mutation MemberDiscountCodeCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
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
