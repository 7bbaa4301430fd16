// What the storefront launcher shows (theme app extension, through the app proxy): for a member their balance,
// pending points, tier, what their points buy and their referral link; for a guest how the program works (the
// earn rate and the rewards a member could redeem). Only the shop's own, signed proxy requests get here.
import type { PrismaClient } from "@prisma/client";
import type { Locale } from "~/i18n/messages";
import { rewardsForBuyer, type BuyerReward } from "~/rewards/domain/catalog";
import { loyaltyStateFor, type LoyaltyState } from "~/points/loyalty-state.server";
import type { ReferralLinkOptions } from "~/referrals/referrals.server";
import { enabledRewards } from "~/rewards/rewards-catalog.server";

export type StorefrontLoyalty = Pick<LoyaltyState, "customerId" | "balance" | "pending" | "tier" | "referral" | "earnRate" | "inProgram"> & {
  /** A member: the catalog with `affordable`; a guest: the catalog (nothing affordable), to show what points buy. */
  rewards: BuyerReward[];
};

/** null: the shop is not installed. `loggedInCustomerId` is the proxy's logged_in_customer_id ("" for a guest). */
export async function storefrontLoyalty(
  prisma: PrismaClient,
  shop: string,
  loggedInCustomerId: string,
  now: Date,
  referral?: ReferralLinkOptions,
  locale: Locale = "en",
): Promise<StorefrontLoyalty | null> {
  const customerGid = /^\d+$/.test(loggedInCustomerId) ? `gid://shopify/Customer/${loggedInCustomerId}` : null;
  const state = await loyaltyStateFor(prisma, shop, customerGid, null, now, referral, locale);
  if (!state) return null;
  let rewards = state.rewards;
  if (!customerGid && state.earnRate) rewards = rewardsForBuyer(0, await enabledRewards(prisma, shop, state.earnRate.currency), locale);
  return {
    customerId: state.customerId,
    balance: state.balance,
    pending: state.pending,
    tier: state.tier,
    referral: state.referral,
    earnRate: state.earnRate,
    rewards,
    inProgram: state.inProgram,
  };
}
