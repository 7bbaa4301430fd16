/**
 * The token in a mail's unsubscribe link (List-Unsubscribe, RFC 8058): which shop, address and category it
 * stops, signed with the app's secret so that nobody can unsubscribe someone else by guessing a link. It does not
 * expire: an unsubscribe link has to work for as long as the mail sits in an inbox.
 */
import type { MailCategory } from "./member-mail";
import { readSignedValues, signValues } from "./signed-token";

export interface UnsubscribeClaim {
  shop: string;
  email: string;
  category: MailCategory;
  /** The language of the mail, for the page the link opens. */
  locale: "en" | "de";
}

export function unsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  return signValues("unsubscribe", [claim.shop, claim.email.toLowerCase(), claim.category, claim.locale], secret);
}

/** The claim of a token signed with `secret`, or null for anything else (tampered, truncated, unknown category). */
export function readUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | null {
  const value = readSignedValues("unsubscribe", token, secret);
  if (!value || value.length !== 4) return null;
  const [shop, email, category, locale] = value;
  if (typeof shop !== "string" || typeof email !== "string" || (category !== "service" && category !== "marketing")) return null;
  return { shop, email, category, locale: locale === "de" ? "de" : "en" };
}
