// Polls one bulk export of the order history import.
export const HISTORY_BULK_OPERATION_QUERY = `#graphql
  query HistoryBulkOperation($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        url
        partialDataUrl
      }
    }
  }
` as const;
