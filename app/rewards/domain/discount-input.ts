/**
 * The Admin API input for the discount code a redemption creates. Pure: the service passes the result as the
 * variables of `discountCodeBasicCreate` or `discountCodeFreeShippingCreate` and checks `userErrors`.
 * The shape follows Admin API 2026-10 (`context` replaced the deprecated `customerSelection`); the test
 * coerces every output against the real schema.
 */
import { formatMinor, type Money } from "~/points/domain/money";
import type { CombinesWith, Reward } from "./catalog";

export interface RedemptionDiscount {
  reward: Reward;
  /** gid://shopify/Customer/… — only this customer can use the code. */
  customerId: string;
  code: string;
  startsAt: Date;
  /** The code stops working here; unused points are not refunded automatically. */
  endsAt: Date;
  /**
   * Free product only: the variant's price as Shopify states it (a decimal in the shop's currency), read just
   * before the code is created. The code takes this much off that variant, once: one unit free.
   */
  unitPrice?: string;
}

interface CommonInput {
  title: string;
  code: string;
  startsAt: string;
  endsAt: string;
  context: { customers: { add: string[] } };
  usageLimit: 1;
  appliesOncePerCustomer: true;
  combinesWith: CombinesWith;
  minimumRequirement?: { subtotal: { greaterThanOrEqualToSubtotal: string } };
}

export interface DiscountCodeBasicInput extends CommonInput {
  customerGets: {
    value: { discountAmount: { amount: string; appliesOnEachItem: false } } | { percentage: number };
    items: { all: true } | { products: { productVariantsToAdd: string[] } };
  };
}

export interface DiscountCodeFreeShippingInput extends CommonInput {
  destination: { all: true };
  maximumShippingPrice?: string;
}

export type RedemptionDiscountMutation =
  | { mutation: "discountCodeBasicCreate"; variables: { basicCodeDiscount: DiscountCodeBasicInput } }
  | { mutation: "discountCodeFreeShippingCreate"; variables: { freeShippingCodeDiscount: DiscountCodeFreeShippingInput } };

const decimal = (money: Money) => formatMinor(money.amountMinor, money.currency);

/** Which mutation to call and with which variables, for one single-use, customer-only, expiring code. */
export function redemptionDiscountInput({ reward, customerId, code, startsAt, endsAt, unitPrice }: RedemptionDiscount): RedemptionDiscountMutation {
  if (reward.kind === "store-credit") throw new RangeError("store credit is credited to the customer's account, not issued as a discount code");
  if (!(endsAt.getTime() > startsAt.getTime())) throw new RangeError("a redemption code must end after it starts");
  if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(customerId)) throw new RangeError(`not a customer GID: ${customerId}`);
  const common: CommonInput = {
    // The admin's discount list shows the title: say where the code came from.
    title: `Treue: ${reward.title} (${code})`,
    code,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    context: { customers: { add: [customerId] } },
    // Both limits: usageLimit stops a second use by anyone, appliesOncePerCustomer is what checkout shows.
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { ...reward.combinesWith },
    ...(reward.minimumSubtotal && reward.minimumSubtotal.amountMinor > 0
      ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: decimal(reward.minimumSubtotal) } } }
      : {}),
  };
  switch (reward.kind) {
    case "free-shipping":
      return {
        mutation: "discountCodeFreeShippingCreate",
        variables: {
          freeShippingCodeDiscount: {
            ...common,
            destination: { all: true },
            ...(reward.maximumShippingPrice ? { maximumShippingPrice: decimal(reward.maximumShippingPrice) } : {}),
          },
        },
      };
    case "fixed-amount-off":
      return basic(common, { value: { discountAmount: { amount: decimal(reward.amountOff), appliesOnEachItem: false } }, items: { all: true } });
    case "percentage-off":
      // Shopify wants a fraction: 10 % → 0.1.
      return basic(common, { value: { percentage: reward.percentOff / 100 }, items: { all: true } });
    case "free-product": {
      // One unit free. Basic codes have no "on quantity" (Shopify allows it only for buy X get Y), and 100 %
      // off would make every unit in the cart free. A fixed amount of one unit's price, spread across the
      // entitled items rather than taken off each, covers exactly one unit whatever the quantity.
      if (unitPrice === undefined) throw new RangeError("a free-product code needs the variant's price");
      if (!/^\d+(\.\d+)?$/.test(unitPrice) || !/[1-9]/.test(unitPrice)) throw new RangeError(`not a price a free product can take off: ${unitPrice}`);
      return basic(common, {
        value: { discountAmount: { amount: unitPrice, appliesOnEachItem: false } },
        items: { products: { productVariantsToAdd: [reward.productVariantId] } },
      });
    }
  }
}

function basic(common: CommonInput, customerGets: DiscountCodeBasicInput["customerGets"]): RedemptionDiscountMutation {
  return { mutation: "discountCodeBasicCreate", variables: { basicCodeDiscount: { ...common, customerGets } } };
}
