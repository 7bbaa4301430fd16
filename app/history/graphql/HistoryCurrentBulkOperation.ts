// The app's latest bulk query (currentBulkOperation is deprecated), asked when Shopify refuses to start another one.
export const HISTORY_CURRENT_BULK_OPERATION_QUERY = `#graphql
  query HistoryCurrentBulkOperation {
    bulkOperations(first: 1, query: "operation_type:QUERY", sortKey: CREATED_AT, reverse: true) {
      nodes {
        id
        status
        query
      }
    }
  }
` as const;
