// Sets the lifecycle-segment tags of up to 10 customers in one request: for each, the new segment's tag is
// added and the other segments' tags removed (mutations run in order). A smaller batch repeats its last
// customer, which changes nothing (adding and removing tags is idempotent).
export const SEGMENT_TAGS_BATCH_SIZE = 10;

export const SEGMENT_TAGS_SET_MUTATION = `#graphql
  mutation SegmentTagsSet(
    $id0: ID!, $add0: [String!]!, $remove0: [String!]!
    $id1: ID!, $add1: [String!]!, $remove1: [String!]!
    $id2: ID!, $add2: [String!]!, $remove2: [String!]!
    $id3: ID!, $add3: [String!]!, $remove3: [String!]!
    $id4: ID!, $add4: [String!]!, $remove4: [String!]!
    $id5: ID!, $add5: [String!]!, $remove5: [String!]!
    $id6: ID!, $add6: [String!]!, $remove6: [String!]!
    $id7: ID!, $add7: [String!]!, $remove7: [String!]!
    $id8: ID!, $add8: [String!]!, $remove8: [String!]!
    $id9: ID!, $add9: [String!]!, $remove9: [String!]!
  ) {
    add0: tagsAdd(id: $id0, tags: $add0) {
      userErrors {
        field
        message
      }
    }
    remove0: tagsRemove(id: $id0, tags: $remove0) {
      userErrors {
        field
        message
      }
    }
    add1: tagsAdd(id: $id1, tags: $add1) {
      userErrors {
        field
        message
      }
    }
    remove1: tagsRemove(id: $id1, tags: $remove1) {
      userErrors {
        field
        message
      }
    }
    add2: tagsAdd(id: $id2, tags: $add2) {
      userErrors {
        field
        message
      }
    }
    remove2: tagsRemove(id: $id2, tags: $remove2) {
      userErrors {
        field
        message
      }
    }
    add3: tagsAdd(id: $id3, tags: $add3) {
      userErrors {
        field
        message
      }
    }
    remove3: tagsRemove(id: $id3, tags: $remove3) {
      userErrors {
        field
        message
      }
    }
    add4: tagsAdd(id: $id4, tags: $add4) {
      userErrors {
        field
        message
      }
    }
    remove4: tagsRemove(id: $id4, tags: $remove4) {
      userErrors {
        field
        message
      }
    }
    add5: tagsAdd(id: $id5, tags: $add5) {
      userErrors {
        field
        message
      }
    }
    remove5: tagsRemove(id: $id5, tags: $remove5) {
      userErrors {
        field
        message
      }
    }
    add6: tagsAdd(id: $id6, tags: $add6) {
      userErrors {
        field
        message
      }
    }
    remove6: tagsRemove(id: $id6, tags: $remove6) {
      userErrors {
        field
        message
      }
    }
    add7: tagsAdd(id: $id7, tags: $add7) {
      userErrors {
        field
        message
      }
    }
    remove7: tagsRemove(id: $id7, tags: $remove7) {
      userErrors {
        field
        message
      }
    }
    add8: tagsAdd(id: $id8, tags: $add8) {
      userErrors {
        field
        message
      }
    }
    remove8: tagsRemove(id: $id8, tags: $remove8) {
      userErrors {
        field
        message
      }
    }
    add9: tagsAdd(id: $id9, tags: $add9) {
      userErrors {
        field
        message
      }
    }
    remove9: tagsRemove(id: $id9, tags: $remove9) {
      userErrors {
        field
        message
      }
    }
  }
` as const;
