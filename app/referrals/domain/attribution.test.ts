import { randomBytes } from "node:crypto";
import { buildClientSchema, coerceInputValue, type GraphQLInputType, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchemaIntrospection, ADMIN_API_VERSION } from "../../../scripts/admin-schema";
import { redemptionCode } from "~/rewards/domain/codes";
import { customerOrderOf, friendDiscountInput, friendOrderFacts, looksLikeReferralCode, placedBefore, referralCodesInOrder, utcMonth } from "./attribution";
import { referralCodeCandidates } from "./codes";

const order = (over: Record<string, unknown> = {}) => ({
  id: 1001,
  name: "#1001",
  created_at: "2026-11-01T10:00:00+01:00",
  updated_at: "2026-11-01T10:05:00+01:00",
  processed_at: "2026-11-01T10:00:00+01:00",
  financial_status: "paid",
  cancelled_at: null,
  email: "friend@example.com",
  customer: { id: 77, email: "Friend@Example.com", phone: "+49 171 1234567", default_address: { address1: "Hauptstraße 5", zip: "10115", city: "Berlin", country_code: "DE" } },
  shipping_address: null,
  discount_codes: [],
  refunds: [],
  ...over,
});

describe("looksLikeReferralCode", () => {
  it("accepts every code the generator makes, with or without a name", () => {
    const bytes = (n: number) => randomBytes(n);
    for (const firstName of ["Anna", "Jürgen", null, "Юлия", "Maximilian"]) {
      for (const code of referralCodeCandidates({ randomBytes: bytes, firstName, maxAttempts: 20 })) {
        expect(looksLikeReferralCode(code), code).toBe(true);
        expect(looksLikeReferralCode(` ${code.toLowerCase()} `), code).toBe(true);
      }
    }
  });

  it("rejects redemption codes and ordinary merchant codes", () => {
    for (let i = 0; i < 50; i++) expect(looksLikeReferralCode(redemptionCode((n) => randomBytes(n)))).toBe(false);
    for (const code of ["WELCOME10", "BLACKFRIDAY", "SALE", "10OFF", "ANNA-0000", "ANNA-12", "TOOLONGNAME-7K3Q", ""]) expect(looksLikeReferralCode(code), code).toBe(false);
  });
});

describe("referralCodesInOrder", () => {
  it("returns only referral-looking codes, normalised and once", () => {
    const payload = order({ discount_codes: [{ code: "anna-7k3q" }, { code: "WELCOME10" }, { code: "ANNA-7K3Q" }, { code: 5 }] });
    expect(referralCodesInOrder(payload)).toEqual(["ANNA-7K3Q"]);
  });

  it("is empty for orders without codes or with a malformed list", () => {
    expect(referralCodesInOrder(order())).toEqual([]);
    expect(referralCodesInOrder(order({ discount_codes: null }))).toEqual([]);
    expect(referralCodesInOrder(null)).toEqual([]);
  });
});

describe("friendOrderFacts", () => {
  it("reads the order's times in UTC and the buyer's contact details", () => {
    const facts = friendOrderFacts(order())!;
    expect(facts.orderId).toBe("1001");
    expect(facts.placedAt.toISOString()).toBe("2026-11-01T09:00:00.000Z");
    expect(facts.paidAt?.toISOString()).toBe("2026-11-01T09:00:00.000Z");
    expect(facts.cancelledAt).toBeNull();
    expect(facts.fullyRefundedAt).toBeNull();
    expect(facts.friend).toEqual({
      customerId: "77",
      email: "Friend@Example.com",
      phone: "+49 171 1234567",
      shippingAddress: { address1: "Hauptstraße 5", address2: null, zip: "10115", city: "Berlin", countryCode: "DE" },
    });
  });

  it("treats pending and authorized orders as unpaid", () => {
    expect(friendOrderFacts(order({ financial_status: "pending" }))!.paidAt).toBeNull();
    expect(friendOrderFacts(order({ financial_status: "authorized" }))!.paidAt).toBeNull();
    expect(friendOrderFacts(order({ financial_status: "partially_refunded" }))!.paidAt).not.toBeNull();
  });

  it("dates a full refund at the newest refund, and ignores partial refunds", () => {
    const refunds = [{ created_at: "2026-11-03T00:00:00Z" }, { created_at: "2026-11-05T12:00:00Z" }];
    expect(friendOrderFacts(order({ financial_status: "refunded", refunds }))!.fullyRefundedAt?.toISOString()).toBe("2026-11-05T12:00:00.000Z");
    expect(friendOrderFacts(order({ financial_status: "partially_refunded", refunds }))!.fullyRefundedAt).toBeNull();
    expect(friendOrderFacts(order({ financial_status: "refunded" }))!.fullyRefundedAt?.toISOString()).toBe("2026-11-01T09:05:00.000Z");
  });

  it("prefers the shipping address to the customer's default address and reads cancellations", () => {
    const facts = friendOrderFacts(order({ shipping_address: { address1: "Ring 1", zip: "80331", country_code: "DE" }, cancelled_at: "2026-11-02T00:00:00Z" }))!;
    expect(facts.friend.shippingAddress?.address1).toBe("Ring 1");
    expect(facts.cancelledAt?.toISOString()).toBe("2026-11-02T00:00:00.000Z");
  });

  it("gives null without an id or with times lacking an offset", () => {
    expect(friendOrderFacts(order({ id: undefined }))).toBeNull();
    expect(friendOrderFacts(order({ created_at: "2026-11-01T10:00:00" }))).toBeNull();
  });
});

describe("utcMonth", () => {
  it("is the calendar month in UTC, across year ends", () => {
    expect(utcMonth(new Date("2026-12-31T23:59:59Z")).map((d) => d.toISOString())).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });
});

describe("friendDiscountInput", () => {
  it("is a percentage off the whole order, once per customer, for every buyer", () => {
    const input = friendDiscountInput({ code: "ANNA-7K3Q", percentOff: 15, startsAt: new Date("2026-11-01T00:00:00Z") });
    expect(input.basicCodeDiscount).toMatchObject({ code: "ANNA-7K3Q", context: { all: "ALL" }, appliesOncePerCustomer: true, customerGets: { value: { percentage: 0.15 }, items: { all: true } } });
  });

  it("is accepted by discountCodeBasicCreate in Shopify's real schema", () => {
    const schema = buildClientSchema(adminSchemaIntrospection(ADMIN_API_VERSION) as IntrospectionQuery);
    const arg = schema.getMutationType()!.getFields().discountCodeBasicCreate!.args.find((a) => a.name === "basicCodeDiscount")!;
    const errors: string[] = [];
    const input = friendDiscountInput({ code: "ANNA-7K3Q", percentOff: 10, startsAt: new Date("2026-11-01T00:00:00Z") });
    coerceInputValue(input.basicCodeDiscount, arg.type as GraphQLInputType, (path, _v, error) => errors.push(`${path.join(".")}: ${error.message}`));
    expect(errors).toEqual([]);
    coerceInputValue({ ...input.basicCodeDiscount, context: { all: "EVERYONE" } }, arg.type as GraphQLInputType, (path, _v, error) => errors.push(`${path.join(".")}: ${error.message}`));
    expect(errors.length).toBeGreaterThan(0);
  });

  it("refuses percentages outside 1–100", () => {
    for (const p of [0, 101, 2.5, NaN]) expect(() => friendDiscountInput({ code: "X", percentOff: p, startsAt: new Date() })).toThrow(RangeError);
  });
});

describe("placedBefore (which order makes a customer an existing one)", () => {
  const at = (iso: string, orderId: string) => ({ placedAt: new Date(iso), orderId });
  it("is the earlier placement, whatever the ids", () => {
    expect(placedBefore(at("2026-11-01T10:00:00Z", "900"), at("2026-11-01T10:00:01Z", "100"))).toBe(true);
    expect(placedBefore(at("2026-11-01T10:00:01Z", "100"), at("2026-11-01T10:00:00Z", "900"))).toBe(false);
  });
  it("within the same second, the lower order id (compared as numbers, not text)", () => {
    expect(placedBefore(at("2026-11-01T10:00:00Z", "99"), at("2026-11-01T10:00:00Z", "100"))).toBe(true);
    expect(placedBefore(at("2026-11-01T10:00:00Z", "100"), at("2026-11-01T10:00:00Z", "99"))).toBe(false);
    expect(placedBefore(at("2026-11-01T10:00:00Z", "100"), at("2026-11-01T10:00:00Z", "100"))).toBe(false);
  });
});

describe("customerOrderOf", () => {
  it("names the customer, order and placement of a customer's order", () => {
    expect(customerOrderOf(order())).toEqual({ customerId: "77", orderId: "1001", placedAt: new Date("2026-11-01T09:00:00Z") });
  });
  it("is null for a guest, a cancelled order and an unusable payload", () => {
    expect(customerOrderOf(order({ customer: null }))).toBeNull();
    expect(customerOrderOf(order({ cancelled_at: "2026-11-02T10:00:00Z" }))).toBeNull();
    expect(customerOrderOf(order({ id: undefined }))).toBeNull();
    expect(customerOrderOf(null)).toBeNull();
  });
});
