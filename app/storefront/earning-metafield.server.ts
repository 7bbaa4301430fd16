// Publishes the program's earning rules for the theme blocks (earning-metafield.ts) as an app-data metafield.
// Called after the merchant saves the program and when the app is installed; a failure is logged, not shown:
// the blocks then say what the previous rules said, or nothing before the first write.
import { CURRENT_APP_INSTALLATION_QUERY } from "~/storefront/graphql/CurrentAppInstallation";
import { STOREFRONT_EARNING_SET_MUTATION } from "~/storefront/graphql/StorefrontEarningSet";
import type { LoyaltyProgram } from "~/points/domain/program";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import type { CurrentAppInstallationQuery, StorefrontEarningSetMutation } from "~/types/admin.generated";
import { STOREFRONT_EARNING_METAFIELD, storefrontEarning } from "./earning-metafield";

export async function publishStorefrontEarning(graphql: AdminGraphql, program: LoyaltyProgram, currency: string): Promise<void> {
  const { currentAppInstallation } = await runAdminOperation<CurrentAppInstallationQuery>(graphql, CURRENT_APP_INSTALLATION_QUERY);
  const { metafieldsSet } = await runAdminOperation<StorefrontEarningSetMutation>(graphql, STOREFRONT_EARNING_SET_MUTATION, {
    metafields: [{ ownerId: currentAppInstallation.id, ...STOREFRONT_EARNING_METAFIELD, value: JSON.stringify(storefrontEarning(program, currency)) }],
  });
  const errors = metafieldsSet?.userErrors ?? [];
  if (errors.length) throw new Error(`storefront earning metafield refused: ${errors.map((e) => e.message).join("; ")}`);
}
