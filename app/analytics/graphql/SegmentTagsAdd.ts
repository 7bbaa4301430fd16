// The bulk segment sync's first phase, run once per JSONL line: gives a customer its segment's tag.
export const SEGMENT_TAGS_ADD_MUTATION = `#graphql
  mutation SegmentTagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }
` as const;
