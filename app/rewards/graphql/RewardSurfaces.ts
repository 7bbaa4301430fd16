// Where the shop's members can redeem (app/rewards/surfaces.ts): the checkout block needs Shopify Plus, store
// credit at checkout needs new customer accounts.
export const REWARD_SURFACES_QUERY = `#graphql
  query RewardSurfaces {
    shop {
      plan {
        shopifyPlus
      }
      customerAccountsV2 {
        customerAccountsVersion
      }
    }
  }
` as const;
