import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessReferral, normaliseAddress, normaliseEmail, normalisePhone, simplifyAddressPart, type ReferralCheck } from "./fraud";

const advocate = {
  customerId: "gid://shopify/Customer/1",
  email: "anna.muster@gmail.com",
  phone: "+49 171 1234567",
  shippingAddress: { address1: "Hauptstraße 5", zip: "10115", city: "Berlin", countryCode: "DE" },
};
const friend = {
  customerId: "gid://shopify/Customer/2",
  email: "ben@example.org",
  phone: "+49 160 7654321",
  shippingAddress: { address1: "Gartenweg 12", zip: "80331", city: "München", countryCode: "DE" },
};
const check = (overrides: Partial<ReferralCheck> = {}): ReferralCheck => ({
  advocate,
  friend,
  existingCustomer: false,
  advocateReferralsThisMonth: 0,
  cap: 10,
  ...overrides,
});
const reason = (c: ReferralCheck) => {
  const result = assessReferral(c, { defaultCallingCode: "49" });
  return result.ok ? "ok" : result.reason;
};

describe("assessReferral", () => {
  it("lets a new friend with their own details through", () => {
    expect(assessReferral(check())).toEqual({ ok: true, blocked: false });
  });

  it("blocks each kind of abuse with its own reason", () => {
    expect(reason(check({ friend: { ...friend, customerId: advocate.customerId } }))).toBe("self-referral-same-customer");
    expect(reason(check({ friend: { ...friend, email: " Anna.Muster+shop@GoogleMail.com " } }))).toBe("same-email");
    expect(reason(check({ friend: { ...friend, phone: "0171 / 123 45 67" } }))).toBe("same-phone");
    expect(reason(check({ friend: { ...friend, phone: "0049-171-1234567" } }))).toBe("same-phone");
    expect(reason(check({ friend: { ...friend, shippingAddress: { address1: "hauptstr. 5", zip: "10 115", city: "BERLIN", countryCode: "de" } } }))).toBe("same-shipping-address");
    expect(reason(check({ existingCustomer: true }))).toBe("existing-customer");
    expect(reason(check({ advocateReferralsThisMonth: 10 }))).toBe("monthly-cap");
  });

  it("the first reason wins, and missing details never match each other", () => {
    expect(reason(check({ friend: { ...advocate }, existingCustomer: true }))).toBe("self-referral-same-customer");
    const bare = { customerId: null, email: null, phone: null, shippingAddress: null };
    expect(reason(check({ advocate: bare, friend: bare }))).toBe("ok");
    expect(reason(check({ advocateReferralsThisMonth: 1000, cap: null }))).toBe("ok");
  });

  it("dots only count as the same mailbox at Gmail", () => {
    expect(normaliseEmail("a.b@example.com")).not.toBe(normaliseEmail("ab@example.com"));
    expect(normaliseEmail("a.b@gmail.com")).toBe(normaliseEmail("ab@googlemail.com"));
    expect(normaliseEmail("no-at-sign")).toBe("");
    expect(normaliseEmail("+tag@example.com")).toBe("");
  });

  it("phones: national numbers compare only when a calling code is given; short numbers never match", () => {
    expect(normalisePhone("0171 1234567")).toBe("01711234567");
    expect(normalisePhone("0171 1234567", "49")).toBe("+491711234567");
    expect(normalisePhone("112")).toBe("");
  });

  it("addresses: accents, case, punctuation and abbreviations don't matter; the city is ignored", () => {
    const a = normaliseAddress({ address1: "Königstraße 1", address2: "2. OG", zip: "70173", city: "Stuttgart", countryCode: "DE" });
    const b = normaliseAddress({ address1: "koenigstr 1", address2: "2 og", zip: "70173", city: "Stgt.", countryCode: "de" });
    // "ö" and "oe" are different spellings we don't fold: a miss is better than blocking a real friend.
    expect(a).not.toBe(b);
    expect(normaliseAddress({ address1: "Königstr. 1", address2: "2.OG", zip: "70173", countryCode: "DE" })).toBe(a);
    expect(normaliseAddress({ address1: "  ", zip: "70173" })).toBe("");
  });
});

describe("property: normalisation is idempotent", () => {
  it("e-mail", () => fc.assert(fc.property(fc.oneof(fc.emailAddress(), fc.string()), (s) => normaliseEmail(normaliseEmail(s)) === normaliseEmail(s))));
  it("phone", () =>
    fc.assert(
      fc.property(fc.string(), fc.option(fc.constantFrom("49", "44", "1")), (s, cc) => {
        const once = normalisePhone(s, cc ?? undefined);
        return normalisePhone(once, cc ?? undefined) === once;
      }),
    ));
  it("address parts", () =>
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom("Hauptstraße", "strstreetasse", "Road Street", "STRASSE 7")), (s) => {
        const once = simplifyAddressPart(s);
        return simplifyAddressPart(once) === once && /^[a-z0-9]*$/.test(once);
      }),
    ));
  it("an address and its already-normalised street give the same key", () =>
    fc.assert(
      fc.property(fc.string(), fc.string(), (street, zip) => {
        const key = normaliseAddress({ address1: street, zip, countryCode: "DE" });
        return key === normaliseAddress({ address1: simplifyAddressPart(street), zip: simplifyAddressPart(zip), countryCode: "de" });
      }),
    ));
});
