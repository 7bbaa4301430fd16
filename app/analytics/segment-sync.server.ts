// Lifecycle segments (new, active, at risk, lost, VIP) synced to Shopify as customer tags (`treue:vip`, …),
// so the merchant's e-mail tools can target them. Only customers whose segment changed since the last
// sync are sent (SegmentSyncCustomer remembers what each was given). Up to `bulkThreshold` changes go
// ten per request; each batch's result is recorded as soon as Shopify accepted it, so a run that stops
// half-way resumes where it was. More changes (a big shop's first sync) go as two bulk mutations over a
// staged JSONL file (see "bulk rounds" below), which Shopify runs without the request rate limit.
// Runs after an import, on a schedule (`segmentSyncJob`) and from the customers page's "Sync now".
import type { PrismaClient } from "@prisma/client";
import type { LifecycleSegment } from "~/analytics/domain/lifecycle-segments";
import { SEGMENT_TAGS_BATCH_SIZE, SEGMENT_TAGS_SET_MUTATION } from "~/analytics/graphql/SegmentTagsSet";
import { SEGMENT_TAGS_REMOVE_MUTATION } from "~/analytics/graphql/SegmentTagsRemove";
import { SEGMENT_TAGS_ADD_MUTATION } from "~/analytics/graphql/SegmentTagsAdd";
import { SEGMENT_STAGED_UPLOAD_MUTATION } from "~/analytics/graphql/SegmentStagedUpload";
import { SEGMENT_BULK_RUN_MUTATION } from "~/analytics/graphql/SegmentBulkRun";
import { SEGMENT_BULK_OPERATION_QUERY } from "~/analytics/graphql/SegmentBulkOperation";
import type {
  SegmentBulkOperationQuery,
  SegmentBulkRunMutation,
  SegmentStagedUploadMutation,
  SegmentTagsAddMutation,
  SegmentTagsRemoveMutation,
  SegmentTagsSetMutation,
} from "~/types/admin.generated";
import { AdminApiError, retryWhenThrottled, runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { dashboardHistory, segmentReport } from "./analytics-dashboard.server";
import { shopToday } from "~/shops/time-zone.server";
import { refreshRollups } from "~/history/history-rollups.server";
import type { WebhookStep } from "~/webhooks/webhook-worker.server";
import { linesOf } from "~/history/jsonl-lines.server";
import { SHOP_JOBS, sendShopJob } from "~/jobs/shop-jobs";

export const SEGMENT_TAGS: Record<LifecycleSegment, string> = {
  new: "treue:new",
  active: "treue:active",
  atRisk: "treue:at-risk",
  lost: "treue:lost",
  vip: "treue:vip",
};
const ALL_TAGS = Object.values(SEGMENT_TAGS);

export type SegmentSyncTrigger = "import" | "schedule" | "admin" | "resume";

/** Above this many changed customers a run uses bulk mutations (~5 customers/s by request: 250 is ~50 s). */
export const BULK_THRESHOLD = 250;

export interface SegmentTagChange {
  customerId: string;
  /** null: the customer left every segment, so all of Treue's tags go. */
  segment: LifecycleSegment | null;
}

/** Pure: who needs new tags, given today's segments and what each customer was last given. */
export function segmentTagChanges(
  current: ReadonlyMap<string, LifecycleSegment>,
  synced: ReadonlyMap<string, string>,
): SegmentTagChange[] {
  const changes: SegmentTagChange[] = [];
  for (const [customerId, segment] of current) if (synced.get(customerId) !== segment) changes.push({ customerId, segment });
  for (const customerId of synced.keys()) if (!current.has(customerId)) changes.push({ customerId, segment: null });
  return changes;
}

export interface SegmentSyncOptions {
  trigger: SegmentSyncTrigger;
  now?: Date;
  /** Waits between retries of a throttled request (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** More changed customers than this go by bulk mutation. */
  bulkThreshold?: number;
  /** Poll interval for a running bulk operation (the finish webhook ends a wait early). */
  pollMs?: number;
  /** Uploads the staged variables file and downloads results. Plain fetch: both URLs point at storage. */
  upload?: (url: string, form: FormData) => Promise<Response>;
  download?: (url: string) => Promise<Response>;
  /** Waits between polls of a running bulk operation (tests make it fail to play a crash). */
  waitForShopify?: (ms: number) => Promise<void>;
}

export interface SegmentSyncResult {
  /** customers whose tags are now right */
  changed: number;
  /** per-customer requests (SegmentTagsSet / SegmentTagsRemove) */
  requests: number;
  /** customers Shopify refused in a bulk round; retried on the next run */
  failed: number;
  /** bulk operations started or finished by this run */
  bulkOperations: number;
}

const gid = (customerId: string) => `gid://shopify/Customer/${customerId}`;

/** A customer deleted in Shopify can't be tagged; that is not a reason to stop or to retry forever. */
const isGone = (message: string) => /not found|does not exist/i.test(message);

function withThrottleRetries<T>(run: () => Promise<T>, sleep: (ms: number) => Promise<void>, maxAttempts: number): Promise<T> {
  // Nobody waits for a background sync: at least 1, 2, 4, 8 … s (or what the cost extension asks, if longer)
  // leaves the bucket to the shop's other apps and to redemptions, which a buyer is waiting for.
  return retryWhenThrottled(run, { sleep, maxAttempts, minWaitMs: (attempt) => Math.min(30_000, 1000 * 2 ** (attempt - 1)) });
}

function checkUserErrors(errors: readonly { message: string }[] | undefined, customerId: string) {
  const real = (errors ?? []).filter((e) => !isGone(e.message));
  if (real.length > 0) throw new Error(`Shopify refused the segment tags of customer ${customerId}: ${real.map((e) => e.message).join("; ")}`);
}

async function sendBatch(graphql: AdminGraphql, batch: SegmentTagChange[], retry: <T>(run: () => Promise<T>) => Promise<T>): Promise<number> {
  let requests = 0;
  const tagged = batch.filter((c) => c.segment !== null);
  if (tagged.length > 0) {
    const variables: Record<string, unknown> = {};
    for (let i = 0; i < SEGMENT_TAGS_BATCH_SIZE; i++) {
      const c = tagged[Math.min(i, tagged.length - 1)];
      variables[`id${i}`] = gid(c.customerId);
      variables[`add${i}`] = [SEGMENT_TAGS[c.segment!]];
      variables[`remove${i}`] = ALL_TAGS.filter((t) => t !== SEGMENT_TAGS[c.segment!]);
    }
    const data = await retry(() => runAdminOperation<SegmentTagsSetMutation>(graphql, SEGMENT_TAGS_SET_MUTATION, variables));
    requests++;
    const results = data as unknown as Record<string, { userErrors: { message: string }[] } | null>;
    tagged.forEach((c, i) => {
      checkUserErrors(results[`add${i}`]?.userErrors, c.customerId);
      checkUserErrors(results[`remove${i}`]?.userErrors, c.customerId);
    });
  }
  for (const c of batch.filter((x) => x.segment === null)) {
    const data = await retry(() => runAdminOperation<SegmentTagsRemoveMutation>(graphql, SEGMENT_TAGS_REMOVE_MUTATION, { id: gid(c.customerId), tags: ALL_TAGS }));
    requests++;
    checkUserErrors(data.tagsRemove?.userErrors, c.customerId);
  }
  return requests;
}

/** The run of each shop in this process. */
const segmentSyncs = new Map<string, Promise<SegmentSyncResult>>();

/**
 * Brings the shop's customer tags in line with today's segments. One run per shop at a time in this
 * process: a second call while one runs gets the running one.
 */
export function syncSegments(prisma: PrismaClient, graphql: AdminGraphql, shop: string, options: SegmentSyncOptions): Promise<SegmentSyncResult> {
  const runs = segmentSyncs;
  const running = runs.get(shop);
  if (running) return running;
  const run = runSegmentSync(prisma, graphql, shop, options).finally(() => runs.delete(shop));
  runs.set(shop, run);
  return run;
}

async function runSegmentSync(prisma: PrismaClient, graphql: AdminGraphql, shop: string, options: SegmentSyncOptions): Promise<SegmentSyncResult> {
  const now = options.now ?? new Date();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retry = <T,>(fn: () => Promise<T>) => withThrottleRetries(fn, sleep, options.maxAttempts ?? 6);
  const startedAt = new Date();
  await prisma.segmentSyncRun.upsert({
    where: { shop },
    create: { shop, status: "running", trigger: options.trigger, startedAt },
    update: { status: "running", trigger: options.trigger, startedAt, finishedAt: null, error: null, changed: 0, pending: 0 },
  });
  const result: SegmentSyncResult = { changed: 0, requests: 0, failed: 0, bulkOperations: 0 };
  const refusals: string[] = [];
  const bulkContext: BulkContext = { prisma, graphql, shop, now, retry, options, wait: waiterFor(shop, options), result, refusals };
  try {
    // A round an earlier run left (app restart, Shopify busy) goes first: its customers are in flight.
    const excluded = new Set<string>();
    if (await prisma.segmentSyncBulk.findUnique({ where: { shop } })) {
      for (const id of await finishBulkRound(bulkContext)) excluded.add(id);
    }
    const changes = (await currentChanges(prisma, shop, now)).filter((c) => !excluded.has(c.customerId));
    await prisma.segmentSyncRun.update({ where: { shop }, data: { pending: changes.length, changed: result.changed } });
    if (changes.length > (options.bulkThreshold ?? BULK_THRESHOLD)) {
      await beginBulkRound(prisma, shop, changes, now);
      await finishBulkRound(bulkContext);
    } else {
      let done = 0;
      for (let i = 0; i < changes.length; i += SEGMENT_TAGS_BATCH_SIZE) {
        const batch = changes.slice(i, i + SEGMENT_TAGS_BATCH_SIZE);
        result.requests += await sendBatch(graphql, batch, retry);
        await recordBatch(prisma, shop, batch, now);
        done += batch.length;
        result.changed += batch.length;
        await prisma.segmentSyncRun.update({ where: { shop }, data: { changed: result.changed, pending: changes.length - done } });
      }
    }
    // Refused customers are not recorded as synced, so the next run sends them again.
    const error = result.failed > 0
      ? `Shopify refused the segment tags of ${result.failed} customer(s), which the next sync retries: ${refusals.slice(0, 3).join("; ")}`.slice(0, 2000)
      : null;
    await prisma.segmentSyncRun.update({
      where: { shop },
      data: { status: error ? "failed" : "completed", finishedAt: new Date(), changed: result.changed, pending: result.failed, error },
    });
    return result;
  } catch (error) {
    await prisma.segmentSyncRun.update({
      where: { shop },
      data: { status: "failed", finishedAt: new Date(), changed: result.changed, error: String((error as Error)?.message ?? error).slice(0, 2000) },
    });
    throw error;
  }
}

/** Who needs new tags now: today's segments against what each customer was last given. */
async function currentChanges(prisma: PrismaClient, shop: string, now: Date): Promise<SegmentTagChange[]> {
  const { report } = await segmentReport(prisma, shop, await shopToday(prisma, shop, now));
  // Customers only known from a CSV (negative ids) are not Shopify customers: nothing to tag.
  const current = new Map<string, LifecycleSegment>();
  for (const c of report.customers) if (!c.customerId.startsWith("-")) current.set(c.customerId, c.segment);
  const rows = await prisma.$queryRawUnsafe<{ id: string; segment: string }[]>(
    `SELECT "customerId"::text AS id, "segment" FROM "SegmentSyncCustomer" WHERE "shop" = $1`,
    shop,
  );
  return segmentTagChanges(current, new Map(rows.map((r) => [r.id, r.segment])));
}

// ---- bulk rounds ----
// A round tags many customers with two bulk mutations, one after the other (one bulk mutation of ours
// per shop at a time): "add" runs SegmentTagsAdd for every customer who has a segment, "remove" runs
// SegmentTagsRemove of the other tags (all five for a customer in no segment). Adding first means a
// customer is never without their segment's tag while the round runs. A customer Shopify refuses in
// "add" is left out of "remove" (keeping the old tag rather than none) and is not recorded as synced.
// The round's customers and phase are in SegmentSyncBulk*, so a restarted app continues the Shopify
// operation it had started; each phase's results are applied in one transaction.

type BulkPhase = "add" | "remove";

interface BulkContext {
  prisma: PrismaClient;
  graphql: AdminGraphql;
  shop: string;
  now: Date;
  retry: <T>(run: () => Promise<T>) => Promise<T>;
  options: SegmentSyncOptions;
  wait: (ms: number) => Promise<void>;
  result: SegmentSyncResult;
  refusals: string[];
}

export class SegmentBulkBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SegmentBulkBusyError";
  }
}

const BULK_DOCUMENTS: Record<BulkPhase, string> = { add: SEGMENT_TAGS_ADD_MUTATION, remove: SEGMENT_TAGS_REMOVE_MUTATION };

// A round's statements touch up to a few hundred thousand rows; Prisma's 5 s default is for requests.
const ROUND_TRANSACTION = { timeout: 5 * 60_000, maxWait: 30_000 };

const bareDocument = (document: string) => document.replace("#graphql", "").trim();

async function beginBulkRound(prisma: PrismaClient, shop: string, changes: SegmentTagChange[], now: Date) {
  const anyTagged = changes.some((c) => c.segment !== null);
  await prisma.$transaction(async (tx) => {
    await tx.segmentSyncBulk.create({ data: { shop, phase: anyTagged ? "add" : "remove", customers: changes.length, startedAt: now } });
    for (let i = 0; i < changes.length; i += 10_000) {
      const slice = changes.slice(i, i + 10_000);
      await tx.$executeRawUnsafe(
        `INSERT INTO "SegmentSyncBulkCustomer" ("shop", "position", "customerId", "segment")
         SELECT $1, u.position, u.id, u.segment FROM unnest($2::int[], $3::bigint[], $4::text[]) AS u(position, id, segment)`,
        shop,
        slice.map((_, k) => i + k),
        slice.map((c) => c.customerId),
        slice.map((c) => c.segment),
      );
    }
  }, ROUND_TRANSACTION);
}

interface BulkLine { position: number; customerId: string; segment: LifecycleSegment | null }

/** The phase's customers in JSONL order; stable until the phase's results are applied. */
async function phaseLines(prisma: PrismaClient, shop: string, phase: BulkPhase): Promise<BulkLine[]> {
  return prisma.$queryRawUnsafe<BulkLine[]>(
    `SELECT "position", "customerId"::text AS "customerId", "segment" FROM "SegmentSyncBulkCustomer"
      WHERE "shop" = $1 AND "failed" IS NULL ${phase === "add" ? `AND "segment" IS NOT NULL` : ""} ORDER BY "position"`,
    shop,
  );
}

function variablesOf(phase: BulkPhase, line: BulkLine) {
  const own = line.segment ? SEGMENT_TAGS[line.segment] : null;
  return { id: gid(line.customerId), tags: phase === "add" ? [own!] : ALL_TAGS.filter((t) => t !== own) };
}

/** Drives the shop's round through its phases; returns the customers Shopify refused. */
async function finishBulkRound(ctx: BulkContext): Promise<string[]> {
  const { prisma, shop } = ctx;
  for (;;) {
    const round = await prisma.segmentSyncBulk.findUnique({ where: { shop } });
    if (!round) return [];
    const phase = round.phase as BulkPhase;
    const lines = await phaseLines(prisma, shop, phase);
    let failures: Map<number, string>;
    if (lines.length === 0) failures = new Map();
    else {
      if (round.operationId) ctx.result.bulkOperations++; // started by an earlier run, finished by this one
      const operationId = round.operationId ?? (await startBulkPhase(ctx, phase, lines));
      failures = await bulkPhaseOutcome(ctx, operationId, lines.length);
    }
    const failedPositions = [...failures.keys()].map((k) => lines[k].position);
    const failedMessages = [...failures.values()];
    if (phase === "add") {
      await prisma.$transaction(async (tx) => {
        await markFailed(tx, shop, failedPositions, failedMessages);
        await tx.segmentSyncBulk.update({ where: { shop }, data: { phase: "remove", operationId: null } });
      }, ROUND_TRANSACTION);
      continue;
    }
    return prisma.$transaction(async (tx) => {
      await markFailed(tx, shop, failedPositions, failedMessages);
      // Everyone left unrefused now carries exactly their segment's tag.
      await tx.$executeRawUnsafe(
        `INSERT INTO "SegmentSyncCustomer" ("shop", "customerId", "segment", "syncedAt")
         SELECT "shop", "customerId", "segment", $2::timestamp FROM "SegmentSyncBulkCustomer"
          WHERE "shop" = $1 AND "failed" IS NULL AND "segment" IS NOT NULL
         ON CONFLICT ("shop", "customerId") DO UPDATE SET "segment" = EXCLUDED."segment", "syncedAt" = EXCLUDED."syncedAt"`,
        shop,
        ctx.now.toISOString().slice(0, 23),
      );
      await tx.$executeRawUnsafe(
        `DELETE FROM "SegmentSyncCustomer" s USING "SegmentSyncBulkCustomer" b
          WHERE s."shop" = $1 AND b."shop" = $1 AND b."customerId" = s."customerId" AND b."failed" IS NULL AND b."segment" IS NULL`,
        shop,
      );
      const refused = await tx.$queryRawUnsafe<{ id: string; failed: string }[]>(
        `SELECT "customerId"::text AS id, "failed" FROM "SegmentSyncBulkCustomer" WHERE "shop" = $1 AND "failed" IS NOT NULL ORDER BY "position"`,
        shop,
      );
      await tx.segmentSyncBulkCustomer.deleteMany({ where: { shop } });
      await tx.segmentSyncBulk.delete({ where: { shop } });
      ctx.result.changed += round.customers - refused.length;
      ctx.result.failed += refused.length;
      for (const r of refused.slice(0, 3)) ctx.refusals.push(`customer ${r.id}: ${r.failed}`);
      return refused.map((r) => r.id);
    }, ROUND_TRANSACTION);
  }
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

async function markFailed(tx: Tx, shop: string, positions: number[], messages: string[]) {
  if (positions.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE "SegmentSyncBulkCustomer" b SET "failed" = u.message FROM unnest($2::int[], $3::text[]) AS u(position, message)
      WHERE b."shop" = $1 AND b."position" = u.position`,
    shop,
    positions,
    messages.map((m) => m.slice(0, 500)),
  );
}

/** Stages the phase's JSONL and starts its bulk mutation; the operation id is saved before anything else. */
async function startBulkPhase(ctx: BulkContext, phase: BulkPhase, lines: BulkLine[]): Promise<string> {
  const { prisma, graphql, shop, retry } = ctx;
  const jsonl = lines.map((l) => JSON.stringify(variablesOf(phase, l))).join("\n") + "\n";
  const staged = await retry(() =>
    runAdminOperation<SegmentStagedUploadMutation>(graphql, SEGMENT_STAGED_UPLOAD_MUTATION, {
      input: [{ resource: "BULK_MUTATION_VARIABLES", filename: `treue-segment-tags-${phase}.jsonl`, mimeType: "text/jsonl", httpMethod: "POST" }],
    }),
  );
  const stagedErrors = staged.stagedUploadsCreate?.userErrors ?? [];
  if (stagedErrors.length > 0) throw new Error(`Shopify refused the upload of the segment tags file: ${stagedErrors.map((e) => e.message).join("; ")}`);
  const target = staged.stagedUploadsCreate?.stagedTargets?.[0];
  const key = target?.parameters.find((p) => p.name === "key")?.value;
  if (!target?.url || !key) throw new Error("Shopify gave no upload target for the segment tags file");
  // Storage wants the target's parameters as form fields, and the file last.
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append("file", new Blob([jsonl], { type: "text/jsonl" }), `treue-segment-tags-${phase}.jsonl`);
  const uploaded = await (ctx.options.upload ?? ((url: string, body: FormData) => fetch(url, { method: "POST", body })))(String(target.url), form);
  if (!uploaded.ok) throw new Error(`Uploading the segment tags file failed: HTTP ${uploaded.status} ${(await uploaded.text()).slice(0, 200)}`);

  const document = BULK_DOCUMENTS[phase];
  const run = await retry(() =>
    runAdminOperation<SegmentBulkRunMutation>(graphql, SEGMENT_BULK_RUN_MUTATION, {
      mutation: bareDocument(document),
      stagedUploadPath: key,
      clientIdentifier: `treue-segment-sync-${phase}`,
    }),
  );
  const errors = run.bulkOperationRunMutation?.userErrors ?? [];
  if (errors.some((e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED")) {
    // Another app process or feature holds Shopify's bulk mutation slots: the round stays and the next run retries.
    throw new SegmentBulkBusyError(`Shopify is running other bulk mutations for this app; the segment sync continues on its next run (${errors.map((e) => e.message).join("; ")})`);
  }
  if (errors.length > 0) throw new Error(`Shopify refused the bulk segment tags (${phase}): ${errors.map((e) => e.message).join("; ")}`);
  const id = run.bulkOperationRunMutation?.bulkOperation?.id;
  if (!id) throw new Error("Shopify did not start the bulk segment tags operation");
  await prisma.segmentSyncBulk.update({ where: { shop }, data: { operationId: id } });
  ctx.result.bulkOperations++;
  return id;
}

/**
 * Waits for the operation and reads its result file: JSONL line k's refusal, by k. A line without a
 * result (failed or cancelled operation) counts as refused, so that customer is retried next run.
 */
async function bulkPhaseOutcome(ctx: BulkContext, operationId: string, lineCount: number): Promise<Map<number, string>> {
  const { graphql, retry } = ctx;
  const pollMs = ctx.options.pollMs ?? 2000;
  let node: Extract<NonNullable<SegmentBulkOperationQuery["node"]>, { status: unknown }> | null = null;
  for (let attempt = 0; ; attempt++) {
    const data = await retry(() => runAdminOperation<SegmentBulkOperationQuery>(graphql, SEGMENT_BULK_OPERATION_QUERY, { id: operationId }));
    const found = data.node && "status" in data.node ? data.node : null;
    if (!found || !["CREATED", "RUNNING", "CANCELING"].includes(found.status)) {
      node = found;
      break;
    }
    // Quick first checks for small rounds, then the configured interval.
    await ctx.wait(attempt < 5 ? Math.min(pollMs, 200 * (attempt + 1)) : pollMs);
  }
  const failures = new Map<number, string>();
  const url = node?.status === "COMPLETED" ? node.url : node?.partialDataUrl;
  const seen = new Set<number>();
  if (url) {
    const response = await (ctx.options.download ?? ((u: string) => fetch(u)))(String(url));
    if (!response.ok || !response.body) throw new Error(`Downloading the bulk segment tags results failed: HTTP ${response.status}`);
    const lines = linesOf(response.body);
    for await (const text of lines) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as { __lineNumber?: number; errors?: { message: string }[]; data?: Record<string, { userErrors?: { message: string }[] } | null> };
      const n = line.__lineNumber;
      if (typeof n !== "number" || n < 0 || n >= lineCount) continue;
      seen.add(n);
      const problem = line.errors?.length
        ? line.errors.map((e) => e.message).join("; ")
        : Object.values(line.data ?? {}).flatMap((p) => (p?.userErrors ?? []).filter((e) => !isGone(e.message)).map((e) => e.message)).join("; ");
      if (problem) failures.set(n, problem);
    }
  }
  const missing = node ? `Shopify's bulk operation ended ${node.status.toLowerCase()}${node.errorCode ? ` (${node.errorCode})` : ""} before this customer` : "Shopify no longer knows the bulk operation";
  for (let n = 0; n < lineCount; n++) if (!seen.has(n) && !failures.has(n)) failures.set(n, missing);
  return failures;
}


// ---- waiting for Shopify: polls, woken early by bulk_operations/finish ----

/** What wakes each shop's waiting run early. */
const segmentSyncWakers = new Map<string, () => void>();

function waiterFor(shop: string, options: SegmentSyncOptions): (ms: number) => Promise<void> {
  const pause = options.waitForShopify ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      const wakers = segmentSyncWakers;
      const forget = () => {
        if (wakers.get(shop) === wake) wakers.delete(shop);
      };
      const wake = () => {
        forget();
        resolve();
      };
      wakers.set(shop, wake);
      pause(ms).then(wake, (error) => {
        forget();
        reject(error);
      });
    });
}

async function recordBatch(prisma: PrismaClient, shop: string, batch: SegmentTagChange[], now: Date) {
  const kept = batch.filter((c) => c.segment !== null);
  const gone = batch.filter((c) => c.segment === null).map((c) => c.customerId);
  await prisma.$transaction(async (tx) => {
    if (kept.length > 0) {
      await tx.$executeRawUnsafe(
        `INSERT INTO "SegmentSyncCustomer" ("shop", "customerId", "segment", "syncedAt")
         SELECT $1, u.id, u.segment, $4::timestamp FROM unnest($2::bigint[], $3::text[]) AS u(id, segment)
         ON CONFLICT ("shop", "customerId") DO UPDATE SET "segment" = EXCLUDED."segment", "syncedAt" = EXCLUDED."syncedAt"`,
        shop,
        kept.map((c) => c.customerId),
        kept.map((c) => c.segment!),
        now.toISOString().slice(0, 23),
      );
    }
    if (gone.length > 0) {
      await tx.$executeRawUnsafe(`DELETE FROM "SegmentSyncCustomer" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])`, shop, gone);
    }
  });
}

export async function lastSegmentSync(prisma: PrismaClient, shop: string) {
  const run = await prisma.segmentSyncRun.findUnique({ where: { shop } });
  if (!run) return null;
  return {
    status: run.status,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    changed: run.changed,
    pending: run.pending,
    error: run.error,
  };
}

/**
 * Queues a sync of the shop in the job engine (admin "Sync now", after an import, a finished bulk mutation whose
 * run is gone): one sync per shop runs in the cluster; failures are recorded on the run.
 */
export async function startSegmentSync(shop: string, trigger: SegmentSyncTrigger): Promise<void> {
  await sendShopJob(SHOP_JOBS.segmentSync, shop, { trigger });
}

/** The import's last step: build the rollups of everything it wrote, then tag the segments. */
export async function afterHistoryImport(prisma: PrismaClient, shop: string) {
  await refreshRollups(prisma, shop);
  // Loads the dashboard's history into memory now, so the merchant's next view is a cached one.
  await dashboardHistory(prisma, shop);
  await startSegmentSync(shop, "import");
}

// ---- periodic job (the runner is built elsewhere; the lead registers this) ----

interface PeriodicJob {
  name: string;
  everyMs: number;
  run(db: PrismaClient, now: Date): Promise<void>;
}

/**
 * Segments move with time (recency), so every installed shop with history is synced hourly: in a job per shop, or
 * (tests) right here with `graphqlFor`.
 */
export function segmentSyncJobWith(graphqlFor: ((shop: string) => Promise<AdminGraphql>) | null): PeriodicJob {
  return {
    name: "segment-sync",
    everyMs: 60 * 60 * 1000,
    async run(db, now) {
      const shops = await db.$queryRawUnsafe<{ shop: string }[]>(
        `SELECT h."shop" FROM "HistoryState" h JOIN "Shop" s ON s."domain" = h."shop" WHERE s."uninstalledAt" IS NULL ORDER BY h."shop"`,
      );
      for (const { shop } of shops) {
        try {
          if (graphqlFor) await syncSegments(db, await graphqlFor(shop), shop, { trigger: "schedule", now });
          // Each shop's sync is a job of its own, so the shops spread over the instances.
          else await startSegmentSync(shop, "schedule");
        } catch (error) {
          console.error(`[treue] scheduled segment sync ${shop}:`, error);
        }
      }
    },
  };
}

export const segmentSyncJob: PeriodicJob = segmentSyncJobWith(null);



// ---- bulk_operations/finish ----

/**
 * A bulk mutation of a segment round finished: the run waiting for it stops waiting now. If no run is
 * waiting (the app restarted meanwhile), one starts and continues the round from its saved phase.
 */
export function segmentBulkFinished(shop: string, resume: () => void): void {
  const wake = segmentSyncWakers.get(shop);
  if (wake) return wake();
  if (!segmentSyncs.has(shop)) resume();
}

/**
 * Registered for BULK_OPERATIONS_FINISH; only our segment rounds' mutations concern it. Duplicates and
 * replays only wake a run or start one that finds the round already done.
 */
export function segmentSyncStepsWith(resume: (shop: string) => void): Record<string, WebhookStep[]> {
  return {
    BULK_OPERATIONS_FINISH: [
      async (tx, event) => {
        const payload = event.payload as { type?: unknown; admin_graphql_api_id?: unknown };
        if (payload.type !== "mutation" || typeof payload.admin_graphql_api_id !== "string") return;
        const round = await tx.segmentSyncBulk.findUnique({ where: { shop: event.shop } });
        if (!round || round.operationId !== payload.admin_graphql_api_id) return;
        // After this transaction: the round's state is read by the run, not by this step.
        setImmediate(() => segmentBulkFinished(event.shop, () => resume(event.shop)));
      },
    ],
  };
}

export const segmentSyncSteps = segmentSyncStepsWith((shop) => {
  startSegmentSync(shop, "resume").catch((error) => console.error(`[treue] segment sync ${shop}:`, error));
});
