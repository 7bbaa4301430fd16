// Removes Treue's segment tags from a customer who is in no segment any more (e.g. every order refunded).
export const SEGMENT_TAGS_REMOVE_MUTATION = `#graphql
  mutation SegmentTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }
` as const;
