// The earning rules the theme blocks read (app/storefront/earning-metafield.ts), as an app-data metafield: owned
// by the app's installation, readable in Liquid as `app.metafields.treue.earning`, by no other app.
export const STOREFRONT_EARNING_SET_MUTATION = `#graphql
  mutation StorefrontEarningSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
` as const;
