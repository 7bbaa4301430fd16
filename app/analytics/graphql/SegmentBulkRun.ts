// Starts one phase of a bulk segment sync: SegmentTagsAdd or SegmentTagsRemove over the staged file.
export const SEGMENT_BULK_RUN_MUTATION = `#graphql
  mutation SegmentBulkRun($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {
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
