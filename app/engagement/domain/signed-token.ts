/**
 * Tokens in links the app mails to members (unsubscribe, feedback): a few values, signed with the app's secret for
 * one purpose, so that nobody can act for someone else by guessing or changing a link, and a token made for one
 * purpose is worthless for another. They do not expire: a link has to work for as long as the mail is kept.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const sign = (purpose: string, body: string, secret: string) => createHmac("sha256", secret).update(`treue-${purpose}:${body}`).digest("base64url");

export function signValues(purpose: string, values: readonly (string | number)[], secret: string): string {
  const body = Buffer.from(JSON.stringify(values)).toString("base64url");
  return `${body}.${sign(purpose, body, secret)}`;
}

/** The values of a token signed for `purpose` with `secret`, or null for anything else (tampered, truncated, another purpose). */
export function readSignedValues(purpose: string, token: string, secret: string): unknown[] | null {
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) return null;
  const expected = Buffer.from(sign(purpose, body, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
