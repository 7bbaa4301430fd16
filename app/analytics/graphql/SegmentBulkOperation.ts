// Polls one phase of a bulk segment sync.
export const SEGMENT_BULK_OPERATION_QUERY = `#graphql
  query SegmentBulkOperation($id: ID!) {
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
