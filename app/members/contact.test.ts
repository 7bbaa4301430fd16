import { describe, expect, it } from "vitest";
import { contactOfCustomer, isNewerContact, mergeContact, NO_CONTACT, type Contact } from "./contact";

const at = (iso: string) => new Date(iso);
const contact = (over: Partial<Contact>): Contact => ({ ...NO_CONTACT, ...over });

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
