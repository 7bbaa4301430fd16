// The order history import: two bulk exports from Shopify (customers, then orders with refunds),
// each polled until done, downloaded as a stream and upserted in batches. Progress lives in a
// HistoryImport row, so the admin can show it and a restarted app can pick the import up again.
//
// Shopify runs one bulk query per app and shop at a time, which is also why the two exports are
// sequential. A bulk_operations/finish webhook only shortens the wait (see `nudgeHistoryImport`);
// polling alone is enough, so a lost webhook cannot stall an import.
import type { HistoryImport, PrismaClient } from "@prisma/client";
import { HISTORY_BULK_RUN_MUTATION } from "~/history/graphql/HistoryBulkRun";
import { HISTORY_BULK_OPERATION_QUERY } from "~/history/graphql/HistoryBulkOperation";
import { HISTORY_CURRENT_BULK_OPERATION_QUERY } from "~/history/graphql/HistoryCurrentBulkOperation";
import { HISTORY_CUSTOMERS_EXPORT_QUERY } from "~/history/graphql/HistoryCustomersExport";
import { HISTORY_ORDERS_EXPORT_QUERY } from "~/history/graphql/HistoryOrdersExport";
import type {
  HistoryBulkOperationQuery,
  HistoryBulkRunMutation,
  HistoryCurrentBulkOperationQuery,
} from "~/types/admin.generated";
import { runAdminOperation, type AdminGraphql } from "~/shopify/admin-graphql.server";
import { BulkOrderAssembler, customerFromBulk, HistoryRecordError, type OrderRecords } from "./history-records.server";
import {
  bumpHistoryVersion,
  ensureHistoryCustomers,
  upsertHistoryCustomers,
  upsertHistoryOrders,
  upsertHistoryRefunds,
  type HistoryCustomerRow,
} from "./history-store.server";
import { afterHistoryImport } from "~/analytics/segment-sync.server";
import { linesOf } from "./jsonl-lines.server";
import { transactionOn } from "~/db/connection.server";
import { contactOfAdminCustomer, type Contact } from "~/members/contact";
import { enrolHistoryBuyers, enrolMembers } from "~/points/points-ledger.server";
import { SHOP_JOBS, sendShopJob } from "~/jobs/shop-jobs";

export type ImportTrigger = "install" | "admin" | "first-visit";
export type ImportPhase = "customers" | "orders";

const ACTIVE = ["customers", "orders"];
export const BATCH_SIZE = 1000;

export interface ImportOptions {
  /** Downloads the export file. Plain fetch: result URLs point at storage, not at the shop. */
  download?: (url: string) => Promise<Response>;
  pollMs?: number;
  batchSize?: number;
}

export class HistoryImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryImportError";
  }
}

const EXPORTS: Record<ImportPhase, string> = {
  customers: HISTORY_CUSTOMERS_EXPORT_QUERY,
  orders: HISTORY_ORDERS_EXPORT_QUERY,
};

function exportQuery(phase: ImportPhase): string {
  return EXPORTS[phase].replace("#graphql", "").trim();
}

const normalise = (q: string) => q.replace(/\s+/g, " ").trim();

export async function latestHistoryImport(prisma: PrismaClient, shop: string): Promise<HistoryImport | null> {
  return prisma.historyImport.findFirst({ where: { shop }, orderBy: { id: "desc" } });
}

// ---- runs: a job of the engine per shop (app/jobs/shop-jobs.ts), woken early by the finish webhook ----

/** The shop's run waiting on Shopify in this process, and what ends its wait. */
const wakers = new Map<string, () => void>();

/** Called when Shopify says a bulk operation finished: the shop's run, if this instance has it, stops waiting. */
export function nudgeHistoryImport(shop: string): void {
  wakers.get(shop)?.();
}

/** Registers what ends the shop's wait on a nudge; returns its removal. */
export function whenHistoryImportNudged(shop: string, wake: () => void): () => void {
  wakers.set(shop, wake);
  return () => {
    if (wakers.get(shop) === wake) wakers.delete(shop);
  };
}

/** A row for a new import, unless the shop has one running (one active import per shop: a unique index). */
async function createImport(prisma: PrismaClient, shop: string, trigger: ImportTrigger): Promise<{ historyImport: HistoryImport; created: boolean }> {
  try {
    return { historyImport: await prisma.historyImport.create({ data: { shop, trigger, status: "customers" } }), created: true };
  } catch (error) {
    // Another request or instance created one at the same moment: that one is the shop's import.
    if ((error as { code?: string }).code !== "P2002") throw error;
    const latest = await latestHistoryImport(prisma, shop);
    if (!latest || !ACTIVE.includes(latest.status)) throw error;
    return { historyImport: latest, created: false };
  }
}

/**
 * Starts an import unless one is active for the shop; an active one gets its job queued again (a no-op when its
 * job waits or runs; a run lost with its instance is taken over). Returns the import row and whether this call
 * started a new import.
 */
export async function startHistoryImport(
  prisma: PrismaClient,
  shop: string,
  trigger: ImportTrigger,
): Promise<{ historyImport: HistoryImport; started: boolean }> {
  const latest = await latestHistoryImport(prisma, shop);
  if (latest && ACTIVE.includes(latest.status)) {
    await sendShopJob(SHOP_JOBS.historyImport, shop);
    return { historyImport: latest, started: false };
  }
  const { historyImport, created } = await createImport(prisma, shop, trigger);
  await sendShopJob(SHOP_JOBS.historyImport, shop);
  return { historyImport, started: created };
}

/** On install (afterAuth runs on every token exchange): only when the shop has never been imported. */
export async function startHistoryImportOnInstall(prisma: PrismaClient, shop: string) {
  const latest = await latestHistoryImport(prisma, shop);
  if (latest && latest.status !== "failed") {
    if (ACTIVE.includes(latest.status)) return startHistoryImport(prisma, shop, "install");
    return null;
  }
  if (latest) return null; // a failed import waits for the merchant's "re-import"
  return startHistoryImport(prisma, shop, "install");
}

/** Makes sure an unfinished import has its job (after a restart, say); does nothing otherwise. */
export async function resumeHistoryImport(prisma: PrismaClient, shop: string) {
  const latest = await latestHistoryImport(prisma, shop);
  if (latest && ACTIVE.includes(latest.status)) await sendShopJob(SHOP_JOBS.historyImport, shop);
}

/**
 * The job: drives the shop's active import (if any) to completed or failed, waking early when this instance
 * receives the bulk operation's finish webhook. Resumable: a run that died continues from the row's phase and
 * adopts its running export.
 */
export async function runActiveHistoryImport(prisma: PrismaClient, graphql: AdminGraphql, shop: string, options: ImportOptions = {}): Promise<HistoryImport | null> {
  const latest = await latestHistoryImport(prisma, shop);
  if (!latest || !ACTIVE.includes(latest.status)) return latest;
  let wake: () => void = () => {};
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const forget = whenHistoryImportNudged(shop, () => wake());
  try {
    return await runHistoryImport(prisma, graphql, shop, latest.id, options, sleep);
  } finally {
    forget();
  }
}

/** Drives one import row to completed or failed. Exported for tests and scripts that await it. */
export async function runHistoryImport(
  prisma: PrismaClient,
  graphql: AdminGraphql,
  shop: string,
  importId: bigint,
  options: ImportOptions = {},
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<HistoryImport> {
  try {
    for (;;) {
      const row = await prisma.historyImport.findUniqueOrThrow({ where: { id: importId } });
      if (!ACTIVE.includes(row.status)) return row;
      const phase = row.status as ImportPhase;
      const operationId = row.bulkOperationId ?? (await startExport(prisma, graphql, importId, phase));
      const url = await waitForExport(graphql, operationId, options.pollMs ?? 1000, sleep);
      const counts = url ? await loadExport(prisma, shop, importId, phase, url, options) : { customers: 0, orders: 0, refunds: 0 };
      await prisma.historyImport.update({
        where: { id: importId },
        data:
          phase === "customers"
            ? { status: "orders", bulkOperationId: null, customers: counts.customers }
            : { status: "completed", bulkOperationId: null, orders: counts.orders, refunds: counts.refunds, finishedAt: new Date() },
      });
      await bumpHistoryVersion(prisma, shop);
      // Rollups and segment tags are derived: their failure must not fail the import (the next read retries).
      if (phase === "orders") await afterHistoryImport(prisma, shop).catch((error) => console.error(`[treue] after import ${shop}:`, error));
    }
  } catch (error) {
    const message = error instanceof HistoryImportError || error instanceof HistoryRecordError ? error.message : `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
    return prisma.historyImport.update({
      where: { id: importId },
      data: { status: "failed", error: message.slice(0, 2000), finishedAt: new Date() },
    });
  }
}

async function startExport(prisma: PrismaClient, graphql: AdminGraphql, importId: bigint, phase: ImportPhase): Promise<string> {
  const query = exportQuery(phase);
  const data = await runAdminOperation<HistoryBulkRunMutation>(graphql, HISTORY_BULK_RUN_MUTATION, { query });
  const result = data.bulkOperationRunQuery;
  const errors = result?.userErrors ?? [];
  let id = result?.bulkOperation?.id ?? null;
  if (errors.length > 0) {
    if (!errors.some((e) => e.code === "OPERATION_IN_PROGRESS")) {
      throw new HistoryImportError(`Shopify refused the ${phase} export: ${errors.map((e) => e.message).join("; ")}`);
    }
    // Ours if it is the same export (an import whose runner died after starting it): adopt it.
    const running = (await runAdminOperation<HistoryCurrentBulkOperationQuery>(graphql, HISTORY_CURRENT_BULK_OPERATION_QUERY)).bulkOperations.nodes[0];
    if (running && normalise(running.query) === normalise(query) && ["CREATED", "RUNNING", "COMPLETED"].includes(running.status)) {
      id = running.id;
    } else {
      throw new HistoryImportError(
        `Shopify is already running another bulk export for this app (${running?.id ?? "unknown"}); it allows one at a time. Re-import when it has finished.`,
      );
    }
  }
  if (!id) throw new HistoryImportError(`Shopify did not start the ${phase} export`);
  await prisma.historyImport.update({ where: { id: importId }, data: { bulkOperationId: id } });
  return id;
}

/** Waits until the export is done; returns its file URL, or null when it found nothing. */
async function waitForExport(graphql: AdminGraphql, id: string, pollMs: number, sleep: (ms: number) => Promise<void>): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    const { node } = await runAdminOperation<HistoryBulkOperationQuery>(graphql, HISTORY_BULK_OPERATION_QUERY, { id });
    if (!node || !("status" in node)) throw new HistoryImportError(`Shopify does not know the bulk export ${id} any more`);
    switch (node.status) {
      case "COMPLETED":
        return node.url ?? null;
      case "FAILED":
        throw new HistoryImportError(`Shopify's bulk export failed (${node.errorCode ?? "no error code"}). Try re-importing.`);
      case "CANCELED":
      case "CANCELING":
        throw new HistoryImportError("The bulk export was cancelled. Re-import to start again.");
      case "EXPIRED":
        throw new HistoryImportError("The bulk export's file expired before it was read. Re-import to start again.");
    }
    // Quick first checks for small shops, then the configured interval.
    await sleep(attempt < 5 ? Math.min(pollMs, 250 * (attempt + 1)) : pollMs);
  }
}

interface Counts {
  customers: number;
  orders: number;
  refunds: number;
}

/**
 * Streams the JSONL file line by line and upserts in batches; the file is never held whole.
 * Counts are written to the import row after each batch so the admin shows progress.
 */
export async function loadExport(
  prisma: PrismaClient,
  shop: string,
  importId: bigint | null,
  phase: ImportPhase,
  url: string,
  options: ImportOptions = {},
): Promise<Counts> {
  const response = await (options.download ?? ((u: string) => fetch(u)))(url);
  if (!response.ok || !response.body) throw new HistoryImportError(`Downloading the ${phase} export failed: HTTP ${response.status}`);
  const lines = linesOf(response.body);
  const parsed = (text: string, n: number) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new HistoryImportError(`The ${phase} export has a broken line ${n}`);
    }
  };
  return phase === "customers"
    ? loadCustomers(prisma, shop, importId, lines, parsed, options.batchSize ?? BATCH_SIZE)
    : loadOrders(prisma, shop, importId, lines, parsed, options.batchSize ?? BATCH_SIZE);
}

type LineSource = AsyncIterable<string>;
type Parse = (text: string, n: number) => Record<string, unknown>;

async function loadCustomers(prisma: PrismaClient, shop: string, importId: bigint | null, lines: LineSource, parse: Parse, batchSize: number) {
  let batch: { row: HistoryCustomerRow; contact: Contact }[] = [];
  let customers = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    // The history's customer and the member it enrols (enrolment at install: the shop's existing customers are
    // members from the start, searchable by name and e-mail), written together.
    const seen = customers + current.length;
    await transactionOn(prisma, async (tx) => {
      // Not waiting for the commit to reach the disk, as loadOrders' batches (see there).
      await tx.$queryRawUnsafe(`SELECT set_config('synchronous_commit', 'off', true)`);
      await upsertHistoryCustomers(tx, shop, "import", current.map((c) => c.row));
      await enrolMembers(tx, shop, current.map((c) => ({ customerId: c.row.id, contact: c.contact, seenAt: c.row.createdAt })));
      // The progress the admin shows, with the batch it counts.
      if (importId !== null) await tx.historyImport.update({ where: { id: importId }, data: { customers: seen } });
    });
    customers = seen;
    batch = [];
  };
  let n = 0;
  for await (const text of lines) {
    n++;
    if (!text.trim()) continue;
    const line = parse(text, n);
    if (typeof line.__parentId === "string") continue;
    batch.push({ row: customerFromBulk(line), contact: contactOfAdminCustomer(line) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { customers, orders: 0, refunds: 0 };
}

/**
 * The one rollup mark of an import: every customer of the shop with orders, and every customer with a rollup
 * (an order the import moved to another customer leaves its old customer to rebuild).
 */
async function markImportedCustomers(prisma: PrismaClient, shop: string): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO "HistoryRollupDirty" ("shop", "customerId")
     SELECT $1, "customerId" FROM "HistoryOrder" WHERE "shop" = $1 AND "customerId" IS NOT NULL
     UNION SELECT $1, "customerId" FROM "HistoryCustomerRollup" WHERE "shop" = $1`,
    shop,
  );
}

/**
 * Import batches written while the next ones are read and parsed, up to `limit` at once, each in its own
 * transaction: the import's Node work (reading, JSON, assembling orders) and PostgreSQL's (the upserts) overlap,
 * and PostgreSQL's work, most of a big import's time, runs on as many server processes (cores) as batches are in
 * flight. A failure surfaces at a later batch or at drain(), which first lets every write in flight end.
 */
function writesInFlight(limit: number) {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  return {
    async next(write: () => Promise<unknown>): Promise<void> {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      if (failure) throw failure.error;
      const settled: Promise<void> = write().then(
        () => void inFlight.delete(settled),
        (error: unknown) => {
          inFlight.delete(settled);
          failure ??= { error };
        },
      );
      inFlight.add(settled);
    },
    async drain(): Promise<void> {
      await Promise.all([...inFlight]);
      if (failure) throw failure.error;
    },
  };
}

/**
 * Order batches written at once. Two: PostgreSQL gets a second core while Node parses. Batches hold different
 * orders (an export lists each once); customers two batches share are written in id order by both (see
 * writeHistoryCustomers), so one waits for the other instead of deadlocking.
 */
const ORDER_WRITES_IN_FLIGHT = 2;

/** Orders loaded at once from which the history tables' statistics are renewed right after. */
const ANALYZE_AFTER_ORDERS = 10_000;

async function loadOrders(prisma: PrismaClient, shop: string, importId: bigint | null, lines: LineSource, parse: Parse, batchSize: number) {
  let batch: OrderRecords[] = [];
  let orders = 0;
  let refunds = 0;
  const assembler = new BulkOrderAssembler((records) => batch.push(records));
  const writes = writesInFlight(ORDER_WRITES_IN_FLIGHT);
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const counted = { orders: orders + current.length, refunds: refunds + current.reduce((s, r) => s + r.refunds.length, 0) };
    orders = counted.orders;
    refunds = counted.refunds;
    await writes.next(() => transactionOn(prisma, async (tx) => {
      // The rollup triggers leave this transaction's customers to the one mark at the end (migration
      // 20261207020000): a mark per statement made a big backfill superlinear.
      // And it does not wait for its commit to reach the disk: a crash loses at most the last batches, which the
      // resumed import loads again (every write here is an idempotent upsert), and the import's last, ordinary
      // commit waits for all of them. A thousand batches no longer wait a thousand times.
      await tx.$queryRawUnsafe(`SELECT set_config('treue.rollup_marks', 'deferred', true), set_config('synchronous_commit', 'off', true)`);
      // Buyers the customers export did not list (created in between) still need a row.
      await ensureHistoryCustomers(tx, shop, "import", current.flatMap((r) => (r.customer ? [r.customer] : [])));
      await upsertHistoryOrders(tx, shop, "import", current.map((r) => r.order));
      await upsertHistoryRefunds(tx, shop, "import", current.flatMap((r) => r.refunds));
      // The progress the admin shows, with the batch it counts (batches commit in any order: never backwards).
      if (importId !== null) {
        await tx.$executeRawUnsafe(
          `UPDATE "HistoryImport" SET "orders" = GREATEST("orders", $2), "refunds" = GREATEST("refunds", $3) WHERE "id" = $1`,
          importId,
          counted.orders,
          counted.refunds,
        );
      }
    }));
  };
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (!text.trim()) continue;
      assembler.push(parse(text, n));
      // An order's child lines follow it, so only flush once the batch is over-full by one order.
      if (batch.length >= batchSize) await flush();
    }
    assembler.finish();
    await flush();
    await writes.drain();
    // Right after a big load the planner still believes the history tables as they were (empty, on install):
    // the statements below and the rollup rebuild after them are planned on the statistics taken now, not on
    // autovacuum's next round. (A sample of the tables: about a second at 1 M orders.)
    if (orders >= ANALYZE_AFTER_ORDERS) await prisma.$executeRawUnsafe(`ANALYZE "HistoryOrder", "HistoryCustomer", "HistoryRefund"`);
    // Every buyer is a member, with their last order (buyers created after the customers export included).
    await enrolHistoryBuyers(prisma, shop);
  } finally {
    // The batches in flight first, committed or failed, so the mark sees what they wrote.
    await writes.drain().catch(() => {});
    // Also after a failure: whatever was written is marked. (If this mark is lost with the process, the import
    // is still active and its resumed run loads the export again and marks at its end.)
    await markImportedCustomers(prisma, shop);
  }
  return { customers: 0, orders, refunds };
}
