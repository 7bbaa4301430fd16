// The titles of products, collections and variants the app keeps by id (a bonus's product or collection, a
// reward's free variant), so pages name them as the merchant does instead of showing ids.
export const RESOURCE_TITLES_QUERY = `#graphql
  query ResourceTitles($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Product {
        id
        title
      }
      ... on Collection {
        id
        title
      }
      ... on ProductVariant {
        id
        displayName
      }
    }
  }
` as const;
