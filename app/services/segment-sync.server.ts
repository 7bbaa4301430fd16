// Lifecycle segments (new, active, at risk, lost, VIP) synced to Shopify as customer tags (`treue:vip`, …),
// so the merchant's e-mail tools can target them. Only customers whose segment changed since the last
// sync are sent (SegmentSyncCustomer remembers what each was given), ten per request; each batch's
// result is recorded as soon as Shopify accepted it, so a run that stops half-way resumes where it was.
// Runs after an import, on a schedule (`segmentSyncJob`) and from the customers page's "Sync now".
import type { PrismaClient } from "@prisma/client";
import { lifecycleSegments, type LifecycleSegment } from "~/domain/analytics/lifecycle-segments";
import { SEGMENT_TAGS_BATCH_SIZE, SEGMENT_TAGS_SET_MUTATION } from "~/graphql/SegmentTagsSet";
import { SEGMENT_TAGS_REMOVE_MUTATION } from "~/graphql/SegmentTagsRemove";
import type { SegmentTagsRemoveMutation, SegmentTagsSetMutation } from "~/types/admin.generated";
import { retryWhenThrottled, runAdminOperation, type AdminGraphql } from "./admin-graphql.server";
import { dashboardHistory, todayUtc } from "./analytics-dashboard.server";
import { refreshRollups } from "./history-rollups.server";

export const SEGMENT_TAGS: Record<LifecycleSegment, string> = {
  new: "treue:new",
  active: "treue:active",
  atRisk: "treue:at-risk",
  lost: "treue:lost",
  vip: "treue:vip",
};
const ALL_TAGS = Object.values(SEGMENT_TAGS);

export type SegmentSyncTrigger = "import" | "schedule" | "admin";

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
}

export interface SegmentSyncResult {
  changed: number;
  requests: number;
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

declare global {
  // eslint-disable-next-line no-var
  var treueSegmentSyncs: Map<string, Promise<SegmentSyncResult>> | undefined;
}

/**
 * Brings the shop's customer tags in line with today's segments. One run per shop at a time in this
 * process: a second call while one runs gets the running one.
 */
export function syncSegments(prisma: PrismaClient, graphql: AdminGraphql, shop: string, options: SegmentSyncOptions): Promise<SegmentSyncResult> {
  const runs = (globalThis.treueSegmentSyncs ??= new Map());
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
  let changed = 0;
  let requests = 0;
  try {
    const today = todayUtc(now);
    const cached = await dashboardHistory(prisma, shop);
    const report = cached.derive(`segments:${today}`, () => lifecycleSegments(cached.value.history, today));
    // Customers only known from a CSV (negative ids) are not Shopify customers: nothing to tag.
    const current = new Map<string, LifecycleSegment>();
    for (const c of report.customers) if (!c.customerId.startsWith("-")) current.set(c.customerId, c.segment);
    const rows = await prisma.$queryRawUnsafe<{ id: string; segment: string }[]>(
      `SELECT "customerId"::text AS id, "segment" FROM "SegmentSyncCustomer" WHERE "shop" = $1`,
      shop,
    );
    const changes = segmentTagChanges(current, new Map(rows.map((r) => [r.id, r.segment])));
    await prisma.segmentSyncRun.update({ where: { shop }, data: { pending: changes.length } });
    for (let i = 0; i < changes.length; i += SEGMENT_TAGS_BATCH_SIZE) {
      const batch = changes.slice(i, i + SEGMENT_TAGS_BATCH_SIZE);
      requests += await sendBatch(graphql, batch, retry);
      await recordBatch(prisma, shop, batch, now);
      changed += batch.length;
      await prisma.segmentSyncRun.update({ where: { shop }, data: { changed, pending: changes.length - changed } });
    }
    await prisma.segmentSyncRun.update({ where: { shop }, data: { status: "completed", finishedAt: new Date() } });
    return { changed, requests };
  } catch (error) {
    await prisma.segmentSyncRun.update({
      where: { shop },
      data: { status: "failed", finishedAt: new Date(), error: String((error as Error)?.message ?? error).slice(0, 2000) },
    });
    throw error;
  }
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

/** Starts a sync without waiting for it (admin "Sync now", after an import); failures are recorded on the run. */
export function startSegmentSync(prisma: PrismaClient, graphql: AdminGraphql, shop: string, trigger: SegmentSyncTrigger) {
  syncSegments(prisma, graphql, shop, { trigger }).catch((error) => console.error(`[treue] segment sync ${shop}:`, error));
}

/** The import's last step: build the rollups of everything it wrote, then tag the segments. */
export async function afterHistoryImport(prisma: PrismaClient, graphql: AdminGraphql, shop: string) {
  await refreshRollups(prisma, shop);
  // Loads the dashboard's history into memory now, so the merchant's next view is a cached one.
  await dashboardHistory(prisma, shop);
  startSegmentSync(prisma, graphql, shop, "import");
}

// ---- periodic job (the runner is built elsewhere; the lead registers this) ----

interface PeriodicJob {
  name: string;
  everyMs: number;
  run(db: PrismaClient, now: Date): Promise<void>;
}

/** An Admin API client for a shop from its offline session (no request to authenticate). */
async function offlineGraphql(shop: string): Promise<AdminGraphql> {
  const { unauthenticated } = await import("~/shopify.server");
  const { admin } = await unauthenticated.admin(shop);
  return admin.graphql;
}

/** Segments move with time (recency), so every installed shop with history is synced hourly. */
export function segmentSyncJobWith(graphqlFor: (shop: string) => Promise<AdminGraphql>): PeriodicJob {
  return {
    name: "segment-sync",
    everyMs: 60 * 60 * 1000,
    async run(db, now) {
      const shops = await db.$queryRawUnsafe<{ shop: string }[]>(
        `SELECT h."shop" FROM "HistoryState" h JOIN "Shop" s ON s."domain" = h."shop" WHERE s."uninstalledAt" IS NULL ORDER BY h."shop"`,
      );
      for (const { shop } of shops) {
        try {
          await syncSegments(db, await graphqlFor(shop), shop, { trigger: "schedule", now });
        } catch (error) {
          console.error(`[treue] scheduled segment sync ${shop}:`, error);
        }
      }
    },
  };
}

export const segmentSyncJob: PeriodicJob = segmentSyncJobWith(offlineGraphql);


