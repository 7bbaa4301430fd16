// Bulk export of every customer for the order history (run through bulkOperationRunQuery).
export const HISTORY_CUSTOMERS_EXPORT_QUERY = `#graphql
  query HistoryCustomersExport {
    customers {
      edges {
        node {
          id
          defaultEmailAddress {
            emailAddress
          }
          createdAt
          updatedAt
        }
      }
    }
  }
` as const;
