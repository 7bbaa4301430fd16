// The points engine's webhook steps. They run inside the inbox worker's transaction with the event's
// status change, so an event's ledger entries are written exactly once or not at all.
//
// refunds/create adds no step: Shopify (and the stand-in) follow every refund with orders/updated, whose
// order JSON carries the refund, the current quantities and the current subtotal — everything the engine
// prices. Pricing from the order snapshot instead of adding up refund payloads is what keeps points right
// under reordered and duplicated deliveries (docs/decisions/004-points-rules.md).
import { Prisma, type WebhookEvent } from "@prisma/client";
import { earningContextFor, type EarningContext, type PointsWorth } from "~/domain/points/earning";
import { ledgerKeys } from "~/domain/points/ledger";
import { parseOrderWebhook, type OrderSnapshot } from "~/domain/points/order-snapshot";
import type { Campaign, LoyaltyProgram } from "~/domain/points/program";
import { reconcileOrder, type EarningTerms, type OrderPointsState } from "~/domain/points/reconcile";
import { tierMultiplierPercent } from "~/domain/points/tiers";
import { parseInstant } from "~/domain/points/time";
import { earningRulesOf, loadLoyaltyProgram } from "./loyalty-program.server";
import { appendLedgerEntry, lockMember, type Db } from "./points-ledger.server";
import { upgradeTierAfterOrder } from "./points-jobs.server";
import { UnusablePayloadError, type WebhookHandler } from "./webhook-worker.server";

interface OrderPointsRow {
  customerId: string | null;
  newest: unknown;
  worth: unknown;
  terms: unknown;
  awarded: number;
  postings: number;
}

/** Reconciles one order webhook with the stored state of its order and posts the difference. */
export async function earnPointsForOrder(tx: Db, event: Pick<WebhookEvent, "shop" | "topic" | "payload">): Promise<void> {
  const parsed = parseOrderWebhook(event.payload);
  if (!parsed.ok) throw new UnusablePayloadError(`the payload is not an order the points engine can read: ${parsed.problems.join("; ")}`);
  const snapshot = parsed.snapshot;
  const shop = event.shop;

  // Creating-or-locking the order's row in one statement: every event for this order waits here, so
  // they apply one after another whatever order they arrive in.
  const [row] = await tx.$queryRaw<OrderPointsRow[]>`
    INSERT INTO "OrderPoints" ("shop", "orderId") VALUES (${shop}, ${snapshot.orderId})
    ON CONFLICT ("shop", "orderId") DO UPDATE SET "shop" = EXCLUDED."shop"
    RETURNING "customerId", "newest", "worth", "terms", "awarded", "postings"`;
  const state = row.newest === null ? null : stateFromRow(snapshot.orderId, row);

  const program = await programFor(tx, shop);
  let context: EarningContext = earningContextFor(program, snapshot.createdAt);
  const customerId = state?.customerId ?? snapshot.customerId;
  if (state === null && customerId !== null && program.vip.tiers.length > 0) {
    // The tier in force when the engine first sees the order is part of its terms.
    const member = await tx.member.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { tierId: true } });
    const tier = program.vip.tiers.find((t) => t.id === member?.tierId) ?? null;
    context = earningContextFor(program, snapshot.createdAt, tierMultiplierPercent(tier));
  }
  const { state: next, entry } = reconcileOrder(state, snapshot, earningRulesOf(program), context);

  if (next.customerId !== null) {
    const customer = customerFacts(event.payload);
    const memberId = await lockMember(tx, shop, next.customerId, { ...customer, seenAt: snapshot.createdAt, lastOrderAt: snapshot.createdAt });
    if (entry) await appendLedgerEntry(tx, shop, memberId, entry);
  }
  if (state && next.newest === state.newest && next.customerId === state.customerId && !entry) return; // an older or repeated snapshot
  await tx.$executeRaw`
    UPDATE "OrderPoints" SET "customerId" = ${next.customerId}, "newest" = ${json(next.newest)}, "worth" = ${json(next.worth)},
      "terms" = ${json(next.terms)}, "awarded" = ${next.awarded}, "postings" = ${next.postings}, "updatedAt" = now()
    WHERE "shop" = ${shop} AND "orderId" = ${snapshot.orderId}`;
  // A higher tier applies at once when this order makes the member reach it (the member row is locked above).
  if (next.customerId !== null && program.vip.tiers.length > 0) await upgradeTierAfterOrder(tx, shop, next.customerId, program, new Date());
}

/** customers/create: the customer becomes a member and gets the sign-up bonus once. */
export async function welcomeMember(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const p = event.payload as { id?: unknown; created_at?: unknown };
  const id = typeof p.id === "number" && Number.isSafeInteger(p.id) ? String(p.id) : typeof p.id === "string" && /^\d+$/.test(p.id) ? p.id : null;
  const createdAt = typeof p.created_at === "string" ? parseInstant(p.created_at) : null;
  if (!id || !createdAt) throw new UnusablePayloadError(`the payload is not a customer: ${!id ? "id missing or not a safe whole number" : "created_at missing or without time zone"}`);
  const memberId = await lockMember(tx, event.shop, id, { ...customerFacts({ customer: event.payload }), seenAt: createdAt });
  const program = await programFor(tx, event.shop);
  if (program.signupBonus > 0) {
    await appendLedgerEntry(tx, event.shop, memberId, {
      key: ledgerKeys.signup(id),
      kind: "signup-bonus",
      customerId: id,
      points: program.signupBonus,
      at: createdAt,
      availableAt: createdAt,
    });
  }
}

/** customers/redact: the member's personal data goes; the ledger (no personal data) stays for the totals. */
export async function eraseMemberData(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const id = (event.payload as { customer?: { id?: unknown } }).customer?.id;
  if (typeof id !== "number" && typeof id !== "string") throw new UnusablePayloadError("customers/redact without customer.id");
  await tx.member.updateMany({
    where: { shop: event.shop, customerId: String(id) },
    data: { email: null, firstName: null, lastName: null, birthday: null, redactedAt: new Date() },
  });
}

/** shop/redact: every member's personal data in the shop goes. */
export async function eraseShopMemberData(tx: Db, event: Pick<WebhookEvent, "shop">): Promise<void> {
  await tx.member.updateMany({
    where: { shop: event.shop },
    data: { email: null, firstName: null, lastName: null, birthday: null, redactedAt: new Date() },
  });
}

export const pointsSteps: Record<string, WebhookHandler[]> = {
  ORDERS_CREATE: [earnPointsForOrder],
  ORDERS_UPDATED: [earnPointsForOrder],
  ORDERS_CANCELLED: [earnPointsForOrder],
  CUSTOMERS_CREATE: [welcomeMember],
  CUSTOMERS_REDACT: [eraseMemberData],
  SHOP_REDACT: [eraseShopMemberData],
};

// The worker applies a batch of events in one transaction; the program cannot change inside it, so it is
// read once per transaction and shop rather than once per event.
const programsByTransaction = new WeakMap<object, Map<string, Promise<LoyaltyProgram>>>();
function programFor(tx: Db, shop: string): Promise<LoyaltyProgram> {
  let byShop = programsByTransaction.get(tx);
  if (!byShop) programsByTransaction.set(tx, (byShop = new Map()));
  let program = byShop.get(shop);
  if (!program) {
    byShop.set(shop, (program = loadLoyaltyProgram(tx, shop)));
    // A failed read (rolled back with its event's savepoint) must not fail the rest of the batch.
    program.catch(() => byShop.delete(shop));
  }
  return program;
}

// --- the stored order state ----------------------------------------------------------------------------

function json(value: unknown) {
  return Prisma.sql`${JSON.stringify(value)}::jsonb`;
}

function customerFacts(payload: unknown): { email: string | null; firstName: string | null; lastName: string | null } {
  const c = (payload as { customer?: { email?: unknown; first_name?: unknown; last_name?: unknown } } | null)?.customer;
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 320) : null);
  return { email: text(c?.email), firstName: text(c?.first_name), lastName: text(c?.last_name) };
}

function stateFromRow(orderId: string, row: OrderPointsRow): OrderPointsState {
  const newest = row.newest as OrderSnapshot & { createdAt: string; updatedAt: string };
  const terms = row.terms as EarningTerms;
  return {
    orderId,
    customerId: row.customerId,
    newest: { ...newest, createdAt: new Date(newest.createdAt), updatedAt: new Date(newest.updatedAt) },
    worth: row.worth as PointsWorth,
    awarded: row.awarded,
    postings: row.postings,
    terms: {
      rules: terms.rules,
      context: {
        ...terms.context,
        campaigns: terms.context.campaigns.map((c) => ({ ...c, startsAt: new Date(c.startsAt), endsAt: new Date(c.endsAt) }) as Campaign),
      },
    },
  };
}
