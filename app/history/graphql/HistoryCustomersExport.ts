// Bulk export of every customer for the order history and the members it enrols (run through bulkOperationRunQuery).
export const HISTORY_CUSTOMERS_EXPORT_QUERY = `#graphql
  query HistoryCustomersExport {
    customers {
      edges {
        node {
          id
          firstName
          lastName
          defaultEmailAddress {
            emailAddress
            marketingState
          }
          createdAt
          updatedAt
        }
      }
    }
  }
` as const;
