import { describe, expect, it } from "vitest";
import { contactOfAdminCustomer, contactOfCustomer, isNewerContact, mergeContact, NO_CONTACT, type Contact } from "./contact";

const at = (iso: string) => new Date(iso);
const contact = (over: Partial<Contact>): Contact => ({ ...NO_CONTACT, ...over });

describe("contactOfAdminCustomer", () => {
  it("reads an Admin GraphQL customer: default e-mail and its marketing state, names, the time it describes", () => {
    expect(
      contactOfAdminCustomer({
        id: "gid://shopify/Customer/1",
        firstName: " Ada ",
        lastName: null,
        defaultEmailAddress: { emailAddress: "ada@example.com", marketingState: "SUBSCRIBED" },
        updatedAt: "2026-12-01T10:00:00Z",
      }),
    ).toEqual({ email: "ada@example.com", firstName: "Ada", lastName: null, emailMarketing: "subscribed", contactAt: at("2026-12-01T10:00:00Z") });
  });

  it("gives no e-mail and no consent to a customer without an address, and ignores states it does not know", () => {
    expect(contactOfAdminCustomer({ firstName: "Bo", defaultEmailAddress: null, updatedAt: "not a date" })).toEqual({ ...NO_CONTACT, firstName: "Bo" });
    expect(contactOfAdminCustomer({ defaultEmailAddress: { emailAddress: "x@example.com", marketingState: "SOMETHING_NEW" } }).emailMarketing).toBeNull();
    expect(contactOfAdminCustomer(null)).toEqual(NO_CONTACT);
  });
});

describe("contactOfCustomer", () => {
  it("reads a REST customer: e-mail, names, marketing consent and the time it describes", () => {
    expect(
      contactOfCustomer({
        id: 1,
        email: " ada@example.com ",
        first_name: "Ada",
        last_name: "",
        updated_at: "2026-12-01T10:00:00+01:00",
        email_marketing_consent: { state: "SUBSCRIBED", opt_in_level: "single_opt_in" },
      }),
    ).toEqual({ email: "ada@example.com", firstName: "Ada", lastName: null, emailMarketing: "subscribed", contactAt: at("2026-12-01T09:00:00Z") });
  });

  it("knows nothing of a missing customer, an unknown consent state or an unreadable time", () => {
    expect(contactOfCustomer(null)).toEqual(NO_CONTACT);
    expect(contactOfCustomer({ email_marketing_consent: { state: "maybe" }, updated_at: "yesterday" })).toEqual(NO_CONTACT);
  });
});

describe("mergeContact", () => {
  const march = contact({ email: "old@example.com", firstName: "Ada", emailMarketing: "not_subscribed", contactAt: at("2026-03-01T00:00:00Z") });
  const june = contact({ email: "new@example.com", emailMarketing: "subscribed", contactAt: at("2026-06-01T00:00:00Z") });

  it("keeps the newest description whichever arrives first, each field falling back to the other's", () => {
    const expected = { email: "new@example.com", firstName: "Ada", lastName: null, emailMarketing: "subscribed", contactAt: june.contactAt };
    expect(mergeContact(march, june)).toEqual(expected);
    expect(mergeContact(june, march)).toEqual(expected);
  });

  it("lets details without a time fill blanks only", () => {
    const untimed = contact({ email: "someone@example.com", lastName: "Lovelace" });
    expect(mergeContact(march, untimed)).toEqual({ ...march, lastName: "Lovelace" });
    expect(mergeContact(NO_CONTACT, untimed)).toEqual(untimed);
  });

  it("takes the later of two descriptions of the same moment (a replay changes nothing)", () => {
    expect(isNewerContact(june, june)).toBe(true);
    expect(mergeContact(june, june)).toEqual(june);
    expect(isNewerContact(june, NO_CONTACT)).toBe(false);
  });
});
