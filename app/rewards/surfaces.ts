/**
 * Where a shop's members can see and spend points, given the shop's plan and settings, and what the merchant does
 * to place each block. Pure: the rewards page asks Shopify for the two facts (RewardSurfaces) and shows this.
 */
export type SurfaceId = "checkout-block" | "store-credit" | "thank-you-block" | "order-status-block";

export interface Surface {
  id: SurfaceId;
  /** Usable with this shop's plan and settings. */
  available: boolean;
  /** Why not, when it isn't: a stable code the admin words in English and German. */
  blockedBy: "needs-plus" | "needs-new-customer-accounts" | null;
  /** Where in the Shopify admin the merchant places or enables it (a path under admin.shopify.com/store/<handle>). */
  adminPath: string;
}

export interface ShopFacts {
  shopifyPlus: boolean;
  /** Shopify's customerAccountsVersion is NEW_CUSTOMER_ACCOUNTS. */
  newCustomerAccounts: boolean;
}

const CHECKOUT_EDITOR = "/settings/checkout/editor";
const CUSTOMER_ACCOUNTS = "/settings/customer_accounts";

export function rewardSurfaces(shop: ShopFacts): Surface[] {
  return [
    // purchase.checkout.* targets other than the thank-you page are for Shopify Plus only.
    { id: "checkout-block", available: shop.shopifyPlus, blockedBy: shop.shopifyPlus ? null : "needs-plus", adminPath: CHECKOUT_EDITOR },
    // Store credit is offered at checkout to customers logged in to new customer accounts.
    {
      id: "store-credit",
      available: shop.newCustomerAccounts,
      blockedBy: shop.newCustomerAccounts ? null : "needs-new-customer-accounts",
      adminPath: CUSTOMER_ACCOUNTS,
    },
    // The thank-you and order status pages take app blocks on every plan.
    { id: "thank-you-block", available: true, blockedBy: null, adminPath: `${CHECKOUT_EDITOR}?page=thank-you` },
    { id: "order-status-block", available: true, blockedBy: null, adminPath: `${CHECKOUT_EDITOR}?page=order-status` },
  ];
}

/** The Shopify admin URL of `path` for the shop `domain` (handle.myshopify.com). */
export function shopAdminUrl(domain: string, path: string): string {
  const handle = domain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${encodeURIComponent(handle)}${path}`;
}
