/**
 * The token in the thank-you mail's feedback link: the shop, customer and order (with its name, for the page's
 * question) and the mail's language, signed with the app's secret for this purpose only. Server-side: node:crypto.
 */
import type { Locale } from "~/i18n/messages";
import { readSignedValues, signValues } from "./signed-token";

export interface FeedbackClaim {
  shop: string;
  customerId: string;
  orderId: string;
  /** The order's name (#1001) for the page's question. */
  orderName: string;
  locale: Locale;
}

export function feedbackToken(c: FeedbackClaim, secret: string): string {
  return signValues("feedback", [c.shop, c.customerId, c.orderId, c.orderName, c.locale], secret);
}

export function readFeedbackToken(token: string, secret: string): FeedbackClaim | null {
  const v = readSignedValues("feedback", token, secret);
  if (!v || v.length !== 5 || !v.slice(0, 4).every((x) => typeof x === "string" && x.length > 0 && x.length <= 255)) return null;
  return { shop: v[0] as string, customerId: v[1] as string, orderId: v[2] as string, orderName: v[3] as string, locale: v[4] === "de" ? "de" : "en" };
}

