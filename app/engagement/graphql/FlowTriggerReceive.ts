// Fires one of the app's Flow trigger extensions for a shop (extensions/treue-flow-*/shopify.extension.toml):
// the payload's keys are the trigger's fields (customer_id for its customer reference).
export const FLOW_TRIGGER_RECEIVE_MUTATION = `#graphql
  mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }
` as const;
