// The newest transactions of a customer's store credit account in one currency: where a redemption whose answer
// was lost looks for its credit before crediting again (app/rewards/store-credit.server.ts).
export const STORE_CREDIT_RECENT_CREDITS_QUERY = `#graphql
  query StoreCreditRecentCredits($customerId: ID!, $accountQuery: String!) {
    customer(id: $customerId) {
      storeCreditAccounts(first: 1, query: $accountQuery) {
        nodes {
          id
          transactions(first: 50, reverse: true, sortKey: CREATED_AT) {
            nodes {
              __typename
              ... on StoreCreditAccountCreditTransaction {
                id
                amount {
                  amount
                  currencyCode
                }
                createdAt
              }
            }
          }
        }
      }
    }
  }
` as const;
