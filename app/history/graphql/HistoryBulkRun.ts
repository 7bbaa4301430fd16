// Starts a bulk export for the order history import (the export query is one of History*Export.ts).
export const HISTORY_BULK_RUN_MUTATION = `#graphql
  mutation HistoryBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
` as const;
