// Finds a discount by its code: before a retry (a create that timed out may still have been applied) and
// after a refused create (a concurrent request for the same code may have made it).
export const DISCOUNT_BY_CODE_QUERY = `#graphql
  query DiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
` as const;
