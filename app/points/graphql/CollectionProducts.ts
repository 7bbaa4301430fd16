// The products of a collection a product bonus targets, a page at a time (product-collections.server.ts): order
// payloads name products, not their collections, so the app keeps which targeted collection holds which product.
export const COLLECTION_PRODUCTS_QUERY = `#graphql
  query CollectionProducts($id: ID!, $after: String) {
    collection(id: $id) {
      id
      products(first: 250, after: $after) {
        nodes {
          id
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
` as const;
