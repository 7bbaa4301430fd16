/**
 * Whether a referral may earn rewards. Pure: the service looks up the friend, the advocate and the month's
 * count and passes them in. Contact details are compared after normalising them, so "Anna.Muster+shop@Gmail.com"
 * and "annamuster@gmail.com" are the same person.
 */

export interface PostalAddress {
  address1?: string | null;
  address2?: string | null;
  zip?: string | null;
  city?: string | null;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string | null;
}

export interface ReferralParty {
  customerId?: string | null;
  email?: string | null;
  phone?: string | null;
  shippingAddress?: PostalAddress | null;
}

export type ReferralBlockedReason =
  | "self-referral-same-customer"
  | "same-email"
  | "same-phone"
  | "same-shipping-address"
  | "existing-customer"
  | "monthly-cap";

export type ReferralAssessment = { ok: true; blocked: false } | { ok: false; blocked: true; reason: ReferralBlockedReason };

export interface ReferralCheck {
  advocate: ReferralParty;
  friend: ReferralParty;
  /** The friend had a paid order before this referral: they are not a new customer. */
  existingCustomer: boolean;
  /** Referrals of this advocate already rewarded in the current calendar month (UTC). */
  advocateReferralsThisMonth: number;
  /** Most rewarded referrals per advocate and month; null = no cap. */
  cap: number | null;
}

// Providers that ignore dots in the local part. Everyone else may treat "a.b" and "ab" as two mailboxes.
const DOTLESS_DOMAINS = new Map([
  ["gmail.com", "gmail.com"],
  ["googlemail.com", "gmail.com"],
]);

/**
 * Lower case, trimmed, without "+tag" (sub-addressing, which most providers support) and, for Gmail, without
 * dots. Idempotent. Returns "" for something that is not an e-mail address, which never matches.
 */
export function normaliseEmail(email: string | null | undefined): string {
  const text = (email ?? "").trim().toLowerCase();
  const at = text.lastIndexOf("@");
  if (at <= 0 || at === text.length - 1) return "";
  let local = text.slice(0, at);
  let domain = text.slice(at + 1).replace(/\.+$/, "");
  local = local.split("+")[0]!;
  const canonical = DOTLESS_DOMAINS.get(domain);
  if (canonical) {
    domain = canonical;
    local = local.replace(/\./g, "");
  }
  return local && domain ? `${local}@${domain}` : "";
}

/**
 * Digits with a leading "+" when the number is international ("00" counts as "+"). A national number
 * ("0171 …") is completed with `defaultCallingCode` (e.g. "49") when given. Idempotent. "" when fewer than
 * 6 digits remain, which never matches.
 */
export function normalisePhone(phone: string | null | undefined, defaultCallingCode?: string): string {
  const text = (phone ?? "").trim();
  let digits = text.replace(/\D/g, "");
  let international = text.startsWith("+");
  if (!international && digits.startsWith("00")) {
    digits = digits.slice(2);
    international = true;
  }
  if (!international && defaultCallingCode && digits.startsWith("0")) {
    digits = defaultCallingCode.replace(/\D/g, "") + digits.slice(1);
    international = true;
  }
  if (digits.length < 6) return "";
  return international ? `+${digits}` : digits;
}

// Words people abbreviate in street names, mapped to the short form. Applied to the spaceless text until
// nothing changes, so "Hauptstraße5" and "Hauptstr. 5" agree and the result is stable when re-normalised.
const STREET_WORDS: [string, string][] = [
  ["strasse", "str"],
  ["street", "st"],
  ["avenue", "ave"],
  ["road", "rd"],
];

/** Lower-case ASCII letters and digits only, accents dropped, ß → ss, common street words shortened. */
export function simplifyAddressPart(text: string | null | undefined): string {
  let s = (text ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]/g, "");
  for (let before = ""; before !== s; ) {
    before = s;
    for (const [long, short] of STREET_WORDS) s = s.split(long).join(short);
  }
  return s;
}

/**
 * One comparable key per delivery point: street lines, postcode and country, without case, accents,
 * punctuation, spacing or common abbreviations ("Hauptstraße 5" = "hauptstr. 5"). The city is left out
 * because its spelling varies while the postcode already names it. "" when there is no street, which never
 * matches. Idempotent on its own output.
 */
export function normaliseAddress(address: PostalAddress | null | undefined): string {
  if (!address) return "";
  const street = simplifyAddressPart(address.address1) + simplifyAddressPart(address.address2);
  if (!street) return "";
  return [street, simplifyAddressPart(address.zip), simplifyAddressPart(address.countryCode)].join("|");
}

const same = (a: string, b: string) => a !== "" && a === b;

/** The first reason, in this order, that blocks the referral, or ok. */
export function assessReferral(check: ReferralCheck, options: { defaultCallingCode?: string } = {}): ReferralAssessment {
  const { advocate, friend } = check;
  const blocked = (reason: ReferralBlockedReason): ReferralAssessment => ({ ok: false, blocked: true, reason });
  if (advocate.customerId && advocate.customerId === friend.customerId) return blocked("self-referral-same-customer");
  if (same(normaliseEmail(advocate.email), normaliseEmail(friend.email))) return blocked("same-email");
  if (same(normalisePhone(advocate.phone, options.defaultCallingCode), normalisePhone(friend.phone, options.defaultCallingCode))) return blocked("same-phone");
  if (same(normaliseAddress(advocate.shippingAddress), normaliseAddress(friend.shippingAddress))) return blocked("same-shipping-address");
  if (check.existingCustomer) return blocked("existing-customer");
  if (check.cap !== null && check.advocateReferralsThisMonth >= check.cap) return blocked("monthly-cap");
  return { ok: true, blocked: false };
}
