// The collections one product is in, after products/update (a product moved into or out of a targeted collection).
export const PRODUCT_COLLECTIONS_QUERY = `#graphql
  query ProductCollections($id: ID!, $after: String) {
    product(id: $id) {
      id
      collections(first: 250, after: $after) {
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
