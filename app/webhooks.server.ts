// The HTTP edge of every webhook route: verify (bad HMAC → 401, missing headers → 400),
// record durably, answer 200, then apply in the background.
import prisma, { database } from "./db.server";
import { env } from "./env.server";
import { authenticate } from "./shopify.server";
import { WebhookInbox, type VerifiedWebhook } from "./webhooks/webhook-inbox.server";
import { acceptDelivery, EVENTS_REQUIRED_HEADERS, REQUIRED_HEADERS, type Delivery } from "./webhooks/webhook-verification.server";
import { WebhookWorker } from "./webhooks/webhook-worker.server";
import { webhookHandlers } from "./webhooks/webhook-handlers.server";
import { periodicJobs } from "./jobs/periodic-jobs.registry.server";
import { JobEngine } from "./jobs/engine.server";
import { SHOP_JOBS, type ShopJobHandler } from "./jobs/shop-jobs";
import { runInWorkerThread } from "./jobs/worker-thread.server";
import { runActiveHistoryImport } from "./history/history-import.server";
import { syncSegments, type SegmentSyncTrigger } from "./analytics/segment-sync.server";
import { computeAndStoreClv } from "./analytics/analytics-clv.server";
import { runSegmentBonuses } from "./points/segment-bonus.server";
import { sendQueuedMails } from "./engagement/member-mails.server";
import { fireQueuedTriggers } from "./engagement/flow-triggers.server";
import { offlineAdminGraphql } from "./shopify/offline-admin.server";
import { admission } from "./webhooks/admission";
import { Installations } from "./webhooks/installations.server";
import { existingSingleton, processSingleton } from "./singletons.server";

export function webhookWorker(): WebhookWorker {
  return processSingleton("webhookWorker", () => new WebhookWorker(prisma, webhookHandlers, undefined, env().WEBHOOK_APPLY));
}

const SEGMENT_SYNC_TRIGGERS: readonly SegmentSyncTrigger[] = ["import", "schedule", "admin", "resume"];

/** The runs of one shop, worked by every instance (one per shop and kind at a time in the cluster). */
const shopJobs: Record<(typeof SHOP_JOBS)[keyof typeof SHOP_JOBS], ShopJobHandler> = {
  [SHOP_JOBS.historyImport]: async (shop) => void (await runActiveHistoryImport(prisma, await offlineAdminGraphql(shop), shop)),
  [SHOP_JOBS.segmentSync]: async (shop, data) => {
    const trigger = SEGMENT_SYNC_TRIGGERS.find((t) => t === data.trigger) ?? "schedule";
    await syncSegments(prisma, await offlineAdminGraphql(shop), shop, { trigger });
  },
  [SHOP_JOBS.clvForecast]: async (shop, data) => {
    if (typeof data.day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(data.day)) throw new Error(`CLV forecast job for ${shop} without a day`);
    const day = data.day;
    // Seconds of fitting without a yield: on its own event loop, so the requests this instance answers don't wait.
    await runInWorkerThread({ name: "clv-forecast", shop, day }, () => computeAndStoreClv(prisma, shop, day));
  },
  [SHOP_JOBS.segmentBonus]: async (shop) => void (await runSegmentBonuses(prisma, shop)),
  [SHOP_JOBS.memberMails]: async (shop) => void (await sendQueuedMails(prisma, shop)),
  [SHOP_JOBS.flowTriggers]: async (shop) => void (await fireQueuedTriggers(prisma, shop)),
};

/**
 * The job engine (pg-boss, docs/decisions/020), started by the server entry before it listens (startBackgroundWork)
 * rather than on the first webhook, so that events acknowledged before a crash are applied at start even if no new
 * webhook arrives, and the periodic jobs are scheduled. Anything that needs it before (a script, Vite's dev
 * server) starts it on first use. WEBHOOK_WORKER=0 and PERIODIC_JOBS=0 (tests that drive them themselves) leave them out, and
 * TREUE_ROLE=web leaves out all work.
 */
export function jobEngine(): Promise<JobEngine> {
  return processSingleton("jobEngine", async () => {
    // A web instance sends jobs and works none (TREUE_ROLE, docs/decisions/020).
    const works = env().TREUE_ROLE !== "web";
    const engine = new JobEngine({
      url: (await database()).target.url,
      prisma,
      webhooks: works && env().WEBHOOK_WORKER === "1" ? webhookWorker() : null,
      periodicJobs: works && env().PERIODIC_JOBS === "1" ? periodicJobs : [],
      shopJobs: works ? shopJobs : {},
      firstRunDelayMs: env().PERIODIC_JOBS_FIRST_RUN_MS,
      pollSeconds: env().JOB_POLL_SECONDS,
      superviseSeconds: env().JOB_SUPERVISE_SECONDS,
      retries: { retryLimit: env().JOB_RETRIES },
    });
    await engine.start();
    return engine;
  });
}

/** Starts the job engine with this instance's work (server.mjs calls it once, before listening). */
export async function startBackgroundWork(): Promise<void> {
  await jobEngine();
}

/**
 * Graceful stop (SIGTERM, server.mjs): no new batch or job starts; the batch and the jobs in hand finish (their
 * transactions commit or roll back); events not yet applied stay in the inbox with a job for the next start or
 * another instance. Deliveries still arriving are recorded and answered as before.
 */
export async function stopBackgroundWork(): Promise<void> {
  const stopping = existingSingleton<WebhookWorker>("webhookWorker")?.stop();
  await (await existingSingleton<Promise<JobEngine>>("jobEngine")?.catch(() => undefined))?.stop();
  await stopping;
}

/**
 * A delivery as the production server hands it over (server.mjs): Shopify's headers, lower-case, and the
 * body's bytes, so that the usual delivery is accepted without building a Request at all.
 */
export interface WireDelivery extends Delivery {
  url: string;
}

export interface WebhookArgs {
  request: Request;
  context?: { treueDelivery?: WireDelivery } | object;
}

async function deliveryOf(args: WebhookArgs): Promise<WireDelivery | null> {
  const wire = (args.context as { treueDelivery?: WireDelivery } | undefined)?.treueDelivery;
  if (wire) return wire;
  const { request } = args;
  if (request.method !== "POST") return null;
  const body = new Uint8Array(await request.arrayBuffer());
  const headers = request.headers;
  return { url: request.url, header: (name) => headers.get(name) ?? undefined, body };
}

/**
 * The delivery as authenticate.webhook needs it: the headers it requires and the body. The library
 * canonicalizes every header name again for each header it adds or looks up (quadratic in the number of
 * headers), so it is shown only those; Shopify's HMAC covers the body only.
 */
export function verifiableRequest(delivery: WireDelivery): Request {
  const headers = new Headers();
  for (const name of [...REQUIRED_HEADERS, ...EVENTS_REQUIRED_HEADERS]) {
    const value = delivery.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  return new Request(delivery.url, { method: "POST", headers, body: delivery.body.slice() });
}

/** A signed body that is not a JSON object: 400 with a message (the library would throw, i.e. 500). */
const notJson = (message = "The webhook body is not JSON.") => new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * Verifies a delivery (bad HMAC → 401, missing headers → 400: authenticate.webhook's answers), records it
 * durably and answers 200; the worker applies it afterwards. A genuine delivery is accepted on the quick
 * path (acceptDelivery: the library's check with node:crypto); every other one goes to authenticate.webhook.
 */
export async function receiveWebhook(args: WebhookArgs): Promise<Response> {
  const delivery = await deliveryOf(args);
  // Not a POST: the library's 405.
  if (!delivery) {
    await authenticate.webhook(args.request); // throws the library's 405
    return new Response(null, { status: 405 });
  }
  const accepted = env().WEBHOOK_VERIFY === "quick" ? acceptDelivery(env().SHOPIFY_API_SECRET, delivery) : null;
  let webhook: VerifiedWebhook;
  if (accepted) {
    let payload: unknown;
    try {
      payload = JSON.parse(accepted.text);
    } catch {
      return notJson();
    }
    if (payload === null || typeof payload !== "object") return notJson("The webhook body is not a JSON object.");
    const { text, ...fields } = accepted;
    webhook = { ...fields, payload: payload as Record<string, unknown>, payloadText: text };
  } else {
    // Throws the library's answer (401, 400) for anything it does not accept either; a signed body it
    // can't parse makes it throw a SyntaxError, answered like the quick path's.
    const verified = await authenticate.webhook(verifiableRequest(delivery)).catch((error: unknown) => {
      if (error instanceof SyntaxError) return null;
      throw error;
    });
    if (!verified) return notJson();
    const { shop, topic, webhookId, apiVersion, payload } = verified;
    webhook = {
      shop,
      topic: String(topic),
      webhookId,
      apiVersion,
      eventId: delivery.header("x-shopify-event-id") || undefined,
      triggeredAt: delivery.header("x-shopify-triggered-at") || undefined,
      payload,
      payloadText: new TextDecoder().decode(delivery.body),
    };
  }
  // Signed by Shopify, but not for this route or not for a shop with the app: answered (Shopify would retry
  // anything else for 48 hours) and dropped, never left in the inbox.
  const sql = (await database()).sql;
  const installations = processSingleton("installations", () => new Installations(sql));
  const verdict = admission({ topic: webhook.topic, url: delivery.url }, await installations.of(webhook.shop));
  if (!verdict.admit) {
    console.warn(`[treue] webhook ${webhook.topic} for ${webhook.shop} to ${new URL(delivery.url).pathname} dropped: ${verdict.reason}`);
    return new Response(null, { status: 200, headers: { "X-Treue-Dropped": verdict.reason } });
  }
  await processSingleton("webhookInbox", () => new WebhookInbox(sql)).record(webhook);
  // Recorded: the answer is 200 whether or not the apply job is sent yet (the engine's sweep finds the event).
  (await jobEngine()).requestApply(webhook.shop);
  return new Response(null, { status: 200 });
}
