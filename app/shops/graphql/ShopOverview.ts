// The figures the admin home page shows before the retention dashboard has its rollups.
export const SHOP_OVERVIEW_QUERY = `#graphql
  query ShopOverview {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
    customersCount(limit: null) {
      count
      precision
    }
    ordersCount(limit: null) {
      count
      precision
    }
  }
` as const;
