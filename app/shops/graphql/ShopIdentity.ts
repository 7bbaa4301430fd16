// What Treue remembers about a shop when it is installed.
export const SHOP_IDENTITY_QUERY = `#graphql
  query ShopIdentity {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
  }
` as const;
