// Takes a member's discount card code away (they left the tier, or the merchant changed the card).
export const MEMBER_DISCOUNT_CODE_DELETE_MUTATION = `#graphql
  mutation MemberDiscountCodeDelete($id: ID!) {
    discountCodeDelete(id: $id) {
      deletedCodeDiscountId
      userErrors {
        field
        code
        message
      }
    }
  }
` as const;
