// The HTTP edge of every webhook route: verify (bad HMAC → 401, missing headers → 400),
// record durably, answer 200, then apply in the background.
import prisma, { database } from "./db.server";
import { env } from "./env.server";
import { authenticate } from "./shopify.server";
import { WebhookInbox } from "./services/webhook-inbox.server";
import { WebhookWorker } from "./services/webhook-worker.server";
import { webhookHandlers } from "./services/webhook-handlers.server";
import { startPeriodicJobs, type PeriodicJobsHandle } from "./services/periodic-jobs.server";
import { periodicJobs } from "./services/periodic-jobs.registry.server";

declare global {
  // eslint-disable-next-line no-var
  var treueWebhookWorker: WebhookWorker | undefined;
  // eslint-disable-next-line no-var
  var treueWebhookInbox: WebhookInbox | undefined;
  // eslint-disable-next-line no-var
  var treuePeriodicJobs: PeriodicJobsHandle | undefined;
}

export function webhookWorker(): WebhookWorker {
  if (!globalThis.treueWebhookWorker) {
    globalThis.treueWebhookWorker = new WebhookWorker(prisma, webhookHandlers, undefined, env().WEBHOOK_APPLY);
    if (env().WEBHOOK_WORKER === "1") {
      // Whatever was acknowledged before a crash or restart is applied now, then on a slow timer
      // for retries whose backoff has passed.
      void globalThis.treueWebhookWorker.kick().catch(logWorkerError);
      setInterval(() => void globalThis.treueWebhookWorker?.kick().catch(logWorkerError), 5_000).unref();
    }
  }
  return globalThis.treueWebhookWorker;
}

// Started with the server rather than on the first webhook, so that events acknowledged before a crash
// are applied at start even if no new webhook arrives.
if (env().WEBHOOK_WORKER === "1") webhookWorker();

// The periodic jobs (tier review, birthday bonuses, expiry, ledger check) start with the server as well.
// On a PostgreSQL server an advisory lock per job keeps instances from running one job at the same time.
if (env().PERIODIC_JOBS === "1" && !globalThis.treuePeriodicJobs) {
  const target = (await database()).target;
  globalThis.treuePeriodicJobs = startPeriodicJobs(prisma, periodicJobs, {
    advisoryLock: target.kind === "postgres",
    firstRunDelayMs: env().PERIODIC_JOBS_FIRST_RUN_MS,
  });
}

function logWorkerError(error: unknown) {
  console.error("[treue] webhook worker:", error);
}

// The headers authenticate.webhook requires of a delivery.
const VERIFIED_HEADERS = new Set(["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"]);

/**
 * The delivery as authenticate.webhook needs it: the headers it requires and the body. The library
 * canonicalizes every header name again for each header it adds or looks up (quadratic in the number of
 * headers), which made it the largest cost of a delivery. Nothing is lost by showing it less: Shopify's HMAC
 * covers the body only, so the event id and trigger time are read from the delivery directly, as the
 * library would read them.
 */
export async function shopifyPartOf(request: Request): Promise<{ verifiable: Request; body: string; eventId?: string; triggeredAt?: string }> {
  const headers = new Headers();
  for (const [name, value] of request.headers) if (VERIFIED_HEADERS.has(name)) headers.set(name, value);
  const bytes = await request.arrayBuffer();
  return {
    verifiable: new Request(request.url, { method: request.method, headers, body: bytes }),
    // Decoded as Request.text() decodes it for the library's HMAC check: the stored payload is the verified text.
    body: new TextDecoder().decode(bytes),
    eventId: request.headers.get("x-shopify-event-id") || undefined,
    triggeredAt: request.headers.get("x-shopify-triggered-at") || undefined,
  };
}

export async function receiveWebhook(request: Request): Promise<Response> {
  const { verifiable, body, eventId, triggeredAt } = await shopifyPartOf(request);
  const { shop, topic, webhookId, apiVersion, payload } = await authenticate.webhook(verifiable);
  globalThis.treueWebhookInbox ??= new WebhookInbox(prisma);
  await globalThis.treueWebhookInbox.record({
    shop,
    topic: String(topic),
    webhookId,
    eventId,
    apiVersion,
    triggeredAt,
    payload,
    payloadText: body,
  });
  const worker = webhookWorker();
  if (env().WEBHOOK_WORKER === "1") setImmediate(() => void worker.kick().catch(logWorkerError));
  return new Response(null, { status: 200 });
}
