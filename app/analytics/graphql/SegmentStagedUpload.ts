// Reserves a place for a bulk segment sync's variables file (JSONL, one customer per line).
export const SEGMENT_STAGED_UPLOAD_MUTATION = `#graphql
  mutation SegmentStagedUpload($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets {
        url
        parameters {
          name
          value
        }
      }
      userErrors {
        field
        message
      }
    }
  }
` as const;
