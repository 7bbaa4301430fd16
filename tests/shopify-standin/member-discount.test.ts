// The member discount card's Admin operations, as the app sends them, answered by the stand-in with state:
// a customer-only percentage code with no end and no usage limit, found by code, deleted, and gone.
import { afterAll, beforeAll, expect, it } from "vitest";
import { memberDiscountInput } from "../../app/rewards/domain/member-perks";
import { MEMBER_DISCOUNT_CODE_CREATE_MUTATION } from "../../app/rewards/graphql/MemberDiscountCodeCreate";
import { MEMBER_DISCOUNT_CODE_DELETE_MUTATION } from "../../app/rewards/graphql/MemberDiscountCodeDelete";
import { DISCOUNT_BY_CODE_QUERY } from "../../app/rewards/graphql/DiscountByCode";
import { startShopifyStandin, type ShopifyStandin } from "./index";
import { adminGraphql } from "./testing";

const SHOP = "treue-cards.myshopify.com";
let standin: ShopifyStandin;

beforeAll(async () => {
  standin = await startShopifyStandin({ shop: SHOP, apiKey: "treue-cards-api-key", apiSecret: "test-secret" });
});
afterAll(async () => {
  await standin?.close();
});

it("creates, finds and deletes a member discount code", async () => {
  const customer = await standin.createCustomer({ email: "gold@example.com" }, { webhooks: "none" });
  const variables = memberDiscountInput({ customerGid: `gid://shopify/Customer/${customer.id}`, code: "MEMBER-AB2C-DE3F", terms: { percent: 10, combinesWithOtherDiscounts: true }, startsAt: new Date("2026-01-01T00:00:00Z"), title: "Treue member discount: Gold" });
  const created = await adminGraphql(standin, MEMBER_DISCOUNT_CODE_CREATE_MUTATION, variables);
  expect(created.body.errors).toBeUndefined();
  expect(created.body.data.discountCodeBasicCreate.userErrors).toEqual([]);
  const id = created.body.data.discountCodeBasicCreate.codeDiscountNode.id;
  const stored = standin.state.shops[SHOP].discounts.find((d) => d.code === "MEMBER-AB2C-DE3F")!;
  expect(stored).toMatchObject({ customerIds: [customer.id], value: { percentage: 0.1 }, endsAt: null, usageLimit: null, appliesOncePerCustomer: false, combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: true } });

  const found = await adminGraphql(standin, DISCOUNT_BY_CODE_QUERY, { code: "member-ab2c-de3f" });
  expect(found.body.data.codeDiscountNodeByCode.id).toBe(id);

  const deleted = await adminGraphql(standin, MEMBER_DISCOUNT_CODE_DELETE_MUTATION, { id });
  expect(deleted.body.data.discountCodeDelete).toEqual({ deletedCodeDiscountId: id, userErrors: [] });
  expect((await adminGraphql(standin, DISCOUNT_BY_CODE_QUERY, { code: "MEMBER-AB2C-DE3F" })).body.data.codeDiscountNodeByCode).toBeNull();
  const again = await adminGraphql(standin, MEMBER_DISCOUNT_CODE_DELETE_MUTATION, { id });
  expect(again.body.data.discountCodeDelete.deletedCodeDiscountId).toBeNull();
  expect(again.body.data.discountCodeDelete.userErrors[0].message).toBe("Discount does not exist");
});
