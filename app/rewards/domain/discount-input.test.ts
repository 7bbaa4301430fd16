import { buildClientSchema, coerceInputValue, type GraphQLInputType, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchemaIntrospection, ADMIN_API_VERSION } from "../../../scripts/admin-schema";
import { DEFAULT_COMBINES_WITH, type Reward } from "./catalog";
import { redemptionDiscountInput } from "./discount-input";

// The real Admin schema: an unknown field, a wrong type or a missing required field fails here, not in production.
const schema = buildClientSchema(adminSchemaIntrospection(ADMIN_API_VERSION) as IntrospectionQuery);

function acceptedBySchema(mutation: string, variables: Record<string, unknown>) {
  const field = schema.getMutationType()!.getFields()[mutation]!;
  for (const [name, value] of Object.entries(variables)) {
    const arg = field.args.find((a) => a.name === name);
    expect(arg, `${mutation}(${name}:)`).toBeDefined();
    const errors: string[] = [];
    coerceInputValue(value, arg!.type as GraphQLInputType, (path, _invalid, error) => errors.push(`${path.join(".")}: ${error.message}`));
    expect(errors).toEqual([]);
  }
}

const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" });
const base = { id: "r", title: "5.00 off", pointsCost: 500, combinesWith: DEFAULT_COMBINES_WITH };
const redemption = {
  customerId: "gid://shopify/Customer/42",
  code: "TREUE-7KQ2-M9PX",
  startsAt: new Date("2026-11-23T10:00:00Z"),
  endsAt: new Date("2026-12-23T10:00:00Z"),
};

describe("the discount code a redemption creates", () => {
  it("fixed amount off: single use, only for this customer, expiring", () => {
    const reward: Reward = { ...base, kind: "fixed-amount-off", amountOff: eur(500), minimumSubtotal: eur(2500) };
    const result = redemptionDiscountInput({ reward, ...redemption });
    expect(result).toEqual({
      mutation: "discountCodeBasicCreate",
      variables: {
        basicCodeDiscount: {
          title: "Treue: 5.00 off (TREUE-7KQ2-M9PX)",
          code: "TREUE-7KQ2-M9PX",
          startsAt: "2026-11-23T10:00:00.000Z",
          endsAt: "2026-12-23T10:00:00.000Z",
          context: { customers: { add: ["gid://shopify/Customer/42"] } },
          usageLimit: 1,
          appliesOncePerCustomer: true,
          combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true },
          minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } },
          customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
        },
      },
    });
    acceptedBySchema(result.mutation, result.variables);
  });

  it("percentage off as Shopify's fraction; no minimum requirement when none is set", () => {
    const result = redemptionDiscountInput({ reward: { ...base, kind: "percentage-off", percentOff: 15 }, ...redemption });
    if (result.mutation !== "discountCodeBasicCreate") throw new Error(`unexpected ${result.mutation}`);
    const input = result.variables.basicCodeDiscount;
    expect(input.customerGets).toEqual({ value: { percentage: 0.15 }, items: { all: true } });
    expect(input).not.toHaveProperty("minimumRequirement");
    acceptedBySchema(result.mutation, result.variables);
  });

  it("free product: one unit's price off that variant, not off each unit", () => {
    const reward: Reward = { ...base, kind: "free-product", productVariantId: "gid://shopify/ProductVariant/7" };
    const result = redemptionDiscountInput({ reward, ...redemption, unitPrice: "12.95" });
    if (result.mutation !== "discountCodeBasicCreate") throw new Error(`unexpected ${result.mutation}`);
    expect(result.variables.basicCodeDiscount.customerGets).toEqual({
      value: { discountAmount: { amount: "12.95", appliesOnEachItem: false } },
      items: { products: { productVariantsToAdd: ["gid://shopify/ProductVariant/7"] } },
    });
    acceptedBySchema(result.mutation, result.variables);
  });

  it("free product: refuses without a price, or with one that takes nothing off", () => {
    const reward: Reward = { ...base, kind: "free-product", productVariantId: "gid://shopify/ProductVariant/7" };
    expect(() => redemptionDiscountInput({ reward, ...redemption })).toThrow(/needs the variant's price/);
    for (const unitPrice of ["0.00", "0", "-1.00", "abc", ""]) {
      expect(() => redemptionDiscountInput({ reward, ...redemption, unitPrice }), unitPrice).toThrow(RangeError);
    }
  });

  it("free shipping uses the free-shipping mutation, for every destination, optionally capped", () => {
    const result = redemptionDiscountInput({ reward: { ...base, kind: "free-shipping", maximumShippingPrice: { amountMinor: 1000, currency: "JPY" } }, ...redemption });
    expect(result.mutation).toBe("discountCodeFreeShippingCreate");
    expect(result.variables).toMatchObject({
      freeShippingCodeDiscount: { destination: { all: true }, maximumShippingPrice: "1000", usageLimit: 1, appliesOncePerCustomer: true, context: { customers: { add: ["gid://shopify/Customer/42"] } } },
    });
    acceptedBySchema(result.mutation, result.variables);
  });

  it("refuses a code that ends before it starts, and an id that is not a customer GID", () => {
    const reward: Reward = { ...base, kind: "percentage-off", percentOff: 5 };
    expect(() => redemptionDiscountInput({ reward, ...redemption, endsAt: redemption.startsAt })).toThrow(RangeError);
    expect(() => redemptionDiscountInput({ reward, ...redemption, customerId: "42" })).toThrow(/customer GID/);
  });
});

it("the schema check above would catch a wrong shape", () => {
  const field = schema.getMutationType()!.getFields().discountCodeBasicCreate!;
  const errors: string[] = [];
  coerceInputValue({ title: "x", bogus: 1, usageLimit: "one" }, field.args[0]!.type as GraphQLInputType, (path, _v, error) => errors.push(`${path.join(".")}: ${error.message}`));
  expect(errors.length).toBeGreaterThanOrEqual(2);
});
