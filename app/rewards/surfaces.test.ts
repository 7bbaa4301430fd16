import { describe, expect, it } from "vitest";
import { rewardSurfaces, shopAdminUrl } from "./surfaces";

const availability = (shopifyPlus: boolean, newCustomerAccounts: boolean) =>
  Object.fromEntries(rewardSurfaces({ shopifyPlus, newCustomerAccounts }).map((s) => [s.id, s.blockedBy ?? "available"]));

describe("where members can redeem", () => {
  it("a shop on a standard plan with new customer accounts: store credit and the after-purchase blocks, no checkout block", () => {
    expect(availability(false, true)).toEqual({
      "checkout-block": "needs-plus",
      "store-credit": "available",
      "thank-you-block": "available",
      "order-status-block": "available",
    });
  });

  it("classic customer accounts keep store credit away from checkout; Plus opens the checkout block", () => {
    expect(availability(false, false)).toMatchObject({ "store-credit": "needs-new-customer-accounts", "checkout-block": "needs-plus" });
    expect(availability(true, true)).toMatchObject({ "store-credit": "available", "checkout-block": "available" });
  });

  it("links each to where the merchant places or enables it", () => {
    const [checkout, credit] = rewardSurfaces({ shopifyPlus: true, newCustomerAccounts: true });
    expect(shopAdminUrl("treue-demo.myshopify.com", checkout.adminPath)).toBe("https://admin.shopify.com/store/treue-demo/settings/checkout/editor");
    expect(shopAdminUrl("treue-demo.myshopify.com", credit.adminPath)).toBe("https://admin.shopify.com/store/treue-demo/settings/customer_accounts");
  });
});
