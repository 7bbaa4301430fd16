// The quick acceptance of a Shopify webhook delivery (docs/decisions/014-webhook-verification.md).
//
// authenticate.webhook stays the authority: this only ever *accepts* a delivery, and only one the library
// would accept with the same fields — the five headers it requires present, a non-empty body, and the
// HMAC-SHA256 of the body under the app's secret equal to X-Shopify-Hmac-Sha256 in the same base64 text the
// library compares. Anything else (bad or missing signature, a missing header, an events-style delivery,
// a body that is not valid UTF-8) is handed to authenticate.webhook, whose answer (401, 400, …) is the one
// Shopify gets. The library checks the same thing through WebCrypto, importing the key again for every
// delivery and canonicalizing every header name for each header it reads: together a third of the app's
// CPU per delivery, which capped ingest on two cores.
import { createHmac, timingSafeEqual } from "node:crypto";

/** A delivery as read from the wire: lower-case header names and the body's bytes. */
export interface Delivery {
  header(name: string): string | undefined;
  body: Uint8Array;
}

/** What a verified delivery is, as authenticate.webhook reports it. */
export interface AcceptedDelivery {
  shop: string;
  /** As the library stores it: "orders/create" → "ORDERS_CREATE". */
  topic: string;
  webhookId: string;
  apiVersion: string;
  eventId?: string;
  triggeredAt?: string;
  /** The body as text (valid UTF-8), exactly what was signed. */
  text: string;
}

/** The headers authenticate.webhook requires of a delivery (lower-case, as read from the wire). */
export const REQUIRED_HEADERS = ["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"] as const;
/** The same for an "events" webhook, which the library recognises by the first of them. */
export const EVENTS_REQUIRED_HEADERS = ["shopify-hmac-sha256", "shopify-topic", "shopify-shop-domain", "shopify-api-version", "shopify-webhook-id"] as const;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Signs a body as Shopify does (base64 HMAC-SHA256 under the app's secret). */
export function webhookSignature(secret: string, body: Uint8Array | string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/**
 * The delivery's fields if it is certainly genuine, otherwise null (then ask authenticate.webhook).
 * Never throws.
 */
export function acceptDelivery(secret: string, delivery: Delivery): AcceptedDelivery | null {
  if (delivery.header(EVENTS_REQUIRED_HEADERS[0]) !== undefined) return null;
  const [hmac, topic, shop, apiVersion, webhookId] = REQUIRED_HEADERS.map((name) => delivery.header(name));
  if (!hmac || !topic || !shop || !apiVersion || !webhookId || delivery.body.length === 0) return null;
  // The library reads the body as text, which drops a leading byte-order mark, and signs what is left.
  if (delivery.body[0] === 0xef && delivery.body[1] === 0xbb && delivery.body[2] === 0xbf) return null;
  const expected = Buffer.from(webhookSignature(secret, delivery.body));
  const given = Buffer.from(hmac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let text: string;
  try {
    // The library signs the body decoded as text and encoded again: for valid UTF-8 (no BOM) these bytes.
    text = utf8.decode(delivery.body);
  } catch {
    return null;
  }
  return {
    shop,
    topic: topic.toUpperCase().replace(/\/|\./g, "_"),
    webhookId,
    apiVersion,
    eventId: delivery.header("x-shopify-event-id") || undefined,
    triggeredAt: delivery.header("x-shopify-triggered-at") || undefined,
    text,
  };
}
