// Outgoing webhooks exactly as Shopify sends them: raw JSON body, base64 HMAC-SHA256 of the
// body keyed with the app secret, X-Shopify-* headers. A webhook id identifies one delivery
// and stays the same when that delivery is retried or duplicated; an event id identifies
// the business event (shared by every copy of it).
import { createHmac, randomUUID } from "node:crypto";
import type { WebhookSubscription } from "./toml";

export interface PreparedWebhook {
  topic: string;
  shop: string;
  uri: string;
  body: string;
  headers: Record<string, string>;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  apiVersion: string;
}

export interface WebhookDelivery {
  topic: string;
  shop: string;
  url: string | null;
  status: number | null;
  error?: string;
  webhookId: string;
  eventId: string;
  /** 1 for the first send, 2+ for duplicates of the same delivery */
  attempt: number;
  durationMs: number;
}

export interface PrepareOptions {
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  badHmac?: boolean;
  apiVersion?: string;
}

export function signBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export function prepareWebhooks(subs: WebhookSubscription[], shop: string, topic: string, payload: unknown, secret: string, defaultVersion: string, opts: PrepareOptions = {}): PreparedWebhook[] {
  const matching = subs.filter((s) => s.topic === topic);
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const eventId = opts.eventId ?? randomUUID();
  const triggeredAt = opts.triggeredAt ?? new Date().toISOString();
  const apiVersion = opts.apiVersion ?? defaultVersion;
  return matching.map((s, i) => {
    const webhookId = opts.webhookId && i === 0 ? opts.webhookId : randomUUID();
    const hmac = signBody(body, opts.badHmac ? `${secret}-wrong` : secret);
    return {
      topic, shop, uri: s.uri, body, webhookId, eventId, triggeredAt, apiVersion,
      headers: {
        "Content-Type": "application/json",
        Accept: "*/*",
        "User-Agent": "Shopify-Captain-Hook",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": hmac,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": apiVersion,
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": eventId,
        "X-Shopify-Triggered-At": triggeredAt,
      },
    };
  });
}

/** Shopify gives the app five seconds to answer. */
const DELIVERY_TIMEOUT_MS = 5_000;

export async function sendPrepared(appUrl: string | null, w: PreparedWebhook, attempt: number): Promise<WebhookDelivery> {
  const started = Date.now();
  const base = { topic: w.topic, shop: w.shop, webhookId: w.webhookId, eventId: w.eventId, attempt };
  if (!appUrl) return { ...base, url: null, status: null, error: "no appUrl set: call setAppUrl() first", durationMs: 0 };
  const url = new URL(w.uri, appUrl.endsWith("/") ? appUrl : `${appUrl}/`).toString();
  try {
    const res = await fetch(url, { method: "POST", headers: w.headers, body: w.body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS), redirect: "manual" });
    await res.arrayBuffer().catch(() => undefined);
    return { ...base, url, status: res.status, durationMs: Date.now() - started };
  } catch (e) {
    return { ...base, url, status: null, error: (e as Error).message, durationMs: Date.now() - started };
  }
}

/** Deterministic shuffle so an out-of-order test replays the same order for a seed. */
export function shuffle<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
