/**
 * The token in a mail's unsubscribe link (List-Unsubscribe, RFC 8058): which shop, address and category it
 * stops, signed with the app's secret so that nobody can unsubscribe someone else by guessing a link. It does not
 * expire: an unsubscribe link has to work for as long as the mail sits in an inbox.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { MailCategory } from "./member-mail";

export interface UnsubscribeClaim {
  shop: string;
  email: string;
  category: MailCategory;
  /** The language of the mail, for the page the link opens. */
  locale: "en" | "de";
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const sign = (body: string, secret: string) => createHmac("sha256", secret).update(`treue-unsubscribe:${body}`).digest("base64url");

export function unsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  const body = b64(JSON.stringify([claim.shop, claim.email.toLowerCase(), claim.category, claim.locale]));
  return `${body}.${sign(body, secret)}`;
}

/** The claim of a token signed with `secret`, or null for anything else (tampered, truncated, unknown category). */
export function readUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | null {
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) return null;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 4) return null;
    const [shop, email, category, locale] = value as unknown[];
    if (typeof shop !== "string" || typeof email !== "string" || (category !== "service" && category !== "marketing")) return null;
    return { shop, email, category, locale: locale === "de" ? "de" : "en" };
  } catch {
    return null;
  }
}
