// Credits a store credit reward to the member's account in the shop currency (Shopify makes the account on the
// first credit). Shopify takes no idempotency key for this mutation: app/rewards/store-credit.server.ts keeps a
// lost answer from crediting twice.
export const STORE_CREDIT_REDEMPTION_CREDIT_MUTATION = `#graphql
  mutation StoreCreditRedemptionCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        id
        amount {
          amount
          currencyCode
        }
        createdAt
      }
      userErrors {
        field
        code
        message
      }
    }
  }
` as const;
