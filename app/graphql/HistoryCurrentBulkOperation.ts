// The app's running bulk query, asked when Shopify refuses to start another one.
export const HISTORY_CURRENT_BULK_OPERATION_QUERY = `#graphql
  query HistoryCurrentBulkOperation {
    currentBulkOperation(type: QUERY) {
      id
      status
      query
    }
  }
` as const;
