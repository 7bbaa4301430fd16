// The points engine's webhook steps. They run inside the inbox worker's transaction with the event's
// status change, so an event's ledger entries are written exactly once or not at all.
//
// refunds/create adds no step: Shopify (and the stand-in) follow every refund with orders/updated, whose
// order JSON carries the refund, the current quantities and the current subtotal — everything the engine
// prices. Pricing from the order snapshot instead of adding up refund payloads is what keeps points right
// under reordered and duplicated deliveries (docs/decisions/004-points-rules.md).
import { Prisma, type WebhookEvent } from "@prisma/client";
import { sqlOf, utcTextColumn } from "~/db/connection.server";
import { earningContextFor, type EarningContext, type PointsWorth } from "~/points/domain/earning";
import { ledgerKeys, type LedgerEntry } from "~/points/domain/ledger";
import { deletedSnapshot, parseOrderWebhook, type OrderSnapshot } from "~/points/domain/order-snapshot";
import type { Campaign, LoyaltyProgram } from "~/points/domain/program";
import { reconcileOrder, type EarningTerms, type OrderPointsState } from "~/points/domain/reconcile";
import { heldOutAmong, runningProgramTest } from "~/engagement/program-test.server";
import type { ProgramTest } from "~/engagement/domain/experiments";
import { spendOfOrder, tierMultiplierPercent, TierRun } from "~/points/domain/tiers";
import { parseInstant } from "~/points/domain/time";
import { restIdOf } from "~/shopify/domain/rest-id";
import { contactOfCustomer, NO_CONTACT, type Contact } from "~/members/contact";
import { earningRulesOf, loadLoyaltyProgram } from "./loyalty-program.server";
import { appendLedgerEntry, lockMember, lockMembersAndAppend, type Db, type MemberTouch } from "./points-ledger.server";
import { UnusablePayloadError, type BatchWebhookStep, type WebhookStep } from "~/webhooks/webhook-worker.server";
import { lockHeldTiers, saveTierUpgrades, upgradeTierAfterOrder, windowSpendOf } from "./points-jobs.server";
import { productCollectionsFor, targetedCollections } from "./product-collections.server";

export interface OrderPointsRow {
  customerId: string | null;
  newest: unknown;
  worth: unknown;
  terms: unknown;
  awarded: number;
  postings: number;
  /** Set by orders/delete (a Date from Prisma, ISO text from plain SQL). */
  deletedAt?: Date | string | null;
}

/** The snapshot as the engine takes it: an order Shopify deleted keeps nothing, whatever an event says. */
function asStored(snapshot: OrderSnapshot, deletedAt: Date | string | null | undefined): OrderSnapshot {
  return deletedAt ? deletedSnapshot(snapshot, new Date(deletedAt)) : snapshot;
}

const DELETED_AT_TEXT = utcTextColumn("deletedAt");

function orderSnapshotOf(payload: unknown): OrderSnapshot {
  const parsed = parseOrderWebhook(payload);
  if (!parsed.ok) throw new UnusablePayloadError(`the payload is not an order the points engine can read: ${parsed.problems.join("; ")}`);
  return parsed.snapshot;
}

/** The moment decisions taken "now" are dated (a tier upgrade's period starts then); tests pin it. */
export const pointsClock = { now: () => new Date() };

/** Reconciles one order webhook with the stored state of its order and posts the difference. */
export async function earnPointsForOrder(tx: Db, event: Pick<WebhookEvent, "shop" | "topic" | "payload">): Promise<void> {
  await applyOrderSnapshot(tx, event.shop, orderSnapshotOf(event.payload), customerFacts(event.payload));
}

/**
 * orders/delete (the payload is the order id only): the order is gone from Shopify, so it keeps nothing, as a
 * cancelled order does: the points it earned are taken back (reconciled like any newer snapshot, so a replay or
 * an older orders/updated arriving later changes nothing). An order the engine never saw has nothing to undo.
 */
export async function deleteOrderPoints(tx: Db, event: Pick<WebhookEvent, "shop" | "payload" | "triggeredAt" | "receivedAt">): Promise<void> {
  const raw = (event.payload as { id?: unknown }).id;
  const orderId = restIdOf(raw);
  if (!orderId) throw new UnusablePayloadError("orders/delete without an order id");
  const at = event.triggeredAt ?? event.receivedAt;
  // Remembered on the order's row (made if the engine never saw the order): later events of it earn nothing.
  const [row] = await tx.$queryRaw<OrderPointsRow[]>`
    INSERT INTO "OrderPoints" ("shop", "orderId", "deletedAt") VALUES (${event.shop}, ${orderId}, ${at.toISOString()}::timestamp(3))
    ON CONFLICT ("shop", "orderId") DO UPDATE SET "deletedAt" = COALESCE("OrderPoints"."deletedAt", EXCLUDED."deletedAt")
    RETURNING "customerId", "newest", "worth", "terms", "awarded", "postings", "deletedAt"`;
  if (row.newest === null) return;
  const state = stateFromRow(orderId, row);
  await applyOrderSnapshot(tx, event.shop, deletedSnapshot(state.newest, at), NO_CONTACT);
}

async function applyOrderSnapshot(tx: Db, shop: string, incoming: OrderSnapshot, customer: Contact): Promise<void> {
  // Creating-or-locking the order's row in one statement: every event for this order waits here, so
  // they apply one after another whatever order they arrive in.
  const [row] = await tx.$queryRaw<OrderPointsRow[]>`
    INSERT INTO "OrderPoints" ("shop", "orderId") VALUES (${shop}, ${incoming.orderId})
    ON CONFLICT ("shop", "orderId") DO UPDATE SET "shop" = EXCLUDED."shop"
    RETURNING "customerId", "newest", "worth", "terms", "awarded", "postings", "deletedAt"`;
  const state = row.newest === null ? null : stateFromRow(incoming.orderId, row);
  const snapshot = asStored(incoming, row.deletedAt);

  const program = await programFor(tx, shop);
  // Collection bonuses: which targeted collections the order's products are in, when the engine first sees it.
  const collections = state === null && targetedCollections(program).length > 0 ? await productCollectionsFor(tx, shop, productIdsOf([snapshot])) : undefined;
  let context: EarningContext = earningContextFor(program, snapshot.createdAt, 100, collections);
  const customerId = state?.customerId ?? snapshot.customerId;
  if (state === null && customerId !== null && program.vip.tiers.length > 0) {
    // The tier in force when the engine first sees the order is part of its terms.
    const member = await tx.member.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { tierId: true } });
    const tier = program.vip.tiers.find((t) => t.id === member?.tierId) ?? null;
    context = earningContextFor(program, snapshot.createdAt, tierMultiplierPercent(tier), collections);
  }
  // A buyer held out of a test of the whole program earns nothing on this order (fixed with its terms).
  if (state === null && customerId !== null && (await heldOutAmong(tx, shop, await programTestFor(tx, shop), [{ customerId, seenAt: snapshot.createdAt }])).has(customerId)) {
    context = { ...context, programHoldout: true };
  }
  const { state: next, entry } = reconcileOrder(state, snapshot, earningRulesOf(program), context);

  if (next.customerId !== null) {
    const memberId = await lockMember(tx, shop, next.customerId, { ...customer, seenAt: snapshot.createdAt, lastOrderAt: snapshot.createdAt });
    if (entry) await appendLedgerEntry(tx, shop, memberId, entry);
  }
  if (state && next.newest === state.newest && next.customerId === state.customerId && !entry) return; // an older or repeated snapshot
  await tx.$executeRaw`
    UPDATE "OrderPoints" SET "customerId" = ${next.customerId}, "newest" = ${json(next.newest)}, "worth" = ${json(next.worth)},
      "terms" = ${json(next.terms)}, "awarded" = ${next.awarded}, "postings" = ${next.postings}, "updatedAt" = now()
    WHERE "shop" = ${shop} AND "orderId" = ${snapshot.orderId}`;
  // A higher tier applies at once when this order makes the member reach it (the member row is locked above).
  if (next.customerId !== null && program.vip.tiers.length > 0) await upgradeTierAfterOrder(tx, shop, next.customerId, program, pointsClock.now());
}

/** customers/create: the customer becomes a member and gets the sign-up bonus once. */
export async function welcomeMember(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const p = event.payload as { id?: unknown; created_at?: unknown };
  const id = restIdOf(p.id);
  const createdAt = typeof p.created_at === "string" ? parseInstant(p.created_at) : null;
  if (!id || !createdAt) throw new UnusablePayloadError(`the payload is not a customer: ${!id ? "id missing or not a safe whole number" : "created_at missing or without time zone"}`);
  const memberId = await lockMember(tx, event.shop, id, { ...customerFacts({ customer: event.payload }), seenAt: createdAt });
  const program = await programFor(tx, event.shop);
  const heldOut = program.signupBonus > 0 && (await heldOutAmong(tx, event.shop, await programTestFor(tx, event.shop), [{ customerId: id, seenAt: createdAt }])).has(id);
  if (program.signupBonus > 0 && !heldOut) {
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

/**
 * customers/update: the member's e-mail, name and marketing consent as the customer now has them. Newest wins
 * (lockMember compares the customer's updated_at), so a late order webhook or a replayed update changes nothing.
 * A customer who has no member row yet (created before the app was installed) becomes a member, without the
 * sign-up bonus, which is for customers who sign up.
 */
export async function updateMemberContact(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const p = event.payload as { id?: unknown; created_at?: unknown };
  const id = restIdOf(p.id);
  const createdAt = typeof p.created_at === "string" ? parseInstant(p.created_at) : null;
  if (!id || !createdAt) throw new UnusablePayloadError(`the payload is not a customer: ${!id ? "id missing or not a safe whole number" : "created_at missing or without time zone"}`);
  await lockMember(tx, event.shop, id, { ...customerFacts({ customer: event.payload }), seenAt: createdAt });
}

/** customers/redact: the member's personal data goes; the ledger (no personal data) stays for the totals. */
export async function eraseMemberData(tx: Db, event: Pick<WebhookEvent, "shop" | "payload">): Promise<void> {
  const id = (event.payload as { customer?: { id?: unknown } }).customer?.id;
  if (typeof id !== "number" && typeof id !== "string") throw new UnusablePayloadError("customers/redact without customer.id");
  await tx.member.updateMany({
    where: { shop: event.shop, customerId: String(id) },
    data: { email: null, firstName: null, lastName: null, emailMarketing: null, birthday: null, redactedAt: new Date() },
  });
}

/** shop/redact: every member's personal data in the shop goes. */
export async function eraseShopMemberData(tx: Db, event: Pick<WebhookEvent, "shop">): Promise<void> {
  await tx.member.updateMany({
    where: { shop: event.shop },
    data: { email: null, firstName: null, lastName: null, emailMarketing: null, birthday: null, redactedAt: new Date() },
  });
}

/**
 * earnPointsForOrder for a run of order events in a handful of statements, with the result of applying
 * them one by one in the given order. The events are reconciled in memory in sequence (an order's state
 * after one event, as stored and read back, is what the next event of the same order starts from).
 * Orders first seen with orders/create are reconciled as new and inserted whole in one statement, which
 * skips those already stored; every other order's row is locked (created if missing) in one statement and
 * its events reconciled from the stored state. Then members, ledger entries and the changed states of the
 * stored orders are written with one statement each.
 *
 * With VIP tiers an order can move its member up at once, which changes what the member's next order in the
 * same run earns. For such shops the members' held tiers (rows locked) and spend in the window are read once,
 * followed through the run in memory (TierRun), and the upgrades written with one statement; every order is
 * then reconciled in one pass in event order, as the tiers couple one order to the next.
 */
export async function earnPointsForOrders(tx: Db, events: readonly Pick<WebhookEvent, "shop" | "topic" | "payload">[]): Promise<void> {
  const items = events.map((event) => ({ shop: event.shop, topic: event.topic, payload: event.payload, snapshot: orderSnapshotOf(event.payload) }));
  if (items.length === 0) return;
  const programs = new Map<string, LoyaltyProgram>();
  for (const shop of new Set(items.map((i) => i.shop))) programs.set(shop, await programFor(tx, shop));
  // Buyers held out of a test of the whole program (by shop): their orders new to the engine earn nothing.
  const heldOut = new Map<string, Set<string>>();
  for (const shop of programs.keys()) {
    const test = await programTestFor(tx, shop);
    if (test) {
      const buyers = items.filter((i) => i.shop === shop && i.snapshot.customerId !== null).map((i) => ({ customerId: i.snapshot.customerId!, seenAt: i.snapshot.createdAt }));
      heldOut.set(shop, await heldOutAmong(tx, shop, test, buyers));
    }
  }
  // Collection bonuses: the kept collections of every product in the run, for shops whose bonuses target any.
  const collections = new Map<string, Record<string, string[]>>();
  for (const [shop, program] of programs) {
    if (targetedCollections(program).length > 0) collections.set(shop, await productCollectionsFor(tx, shop, productIdsOf(items.filter((i) => i.shop === shop).map((i) => i.snapshot))));
  }

  // Each order once, by its first event; lock order (shop, orderId), the same in every worker.
  const byOrder = new Map<string, { shop: string; orderId: string; topic: string }>();
  for (const i of items) {
    const key = orderKey(i.shop, i.snapshot.orderId);
    if (!byOrder.has(key)) byOrder.set(key, { shop: i.shop, orderId: i.snapshot.orderId, topic: i.topic });
  }
  const keys = [...byOrder.values()].sort((a, b) => compare(a.shop, b.shop) || compare(a.orderId, b.orderId));
  const sql = sqlOf(tx);

  const outcomes: ReplayOutcome[] = new Array(items.length);
  const tierRuns = new Map<string, TierRun>();
  const replayAll = (of: ReadonlySet<string>, startsFrom: (key: string) => OrderPointsState | null, deletedAtOf: (key: string) => Date | string | null = () => null) =>
    replayOrders(items, of, startsFrom, programs, outcomes, deletedAtOf, tierRuns, collections, heldOut);
  const withTiers = [...programs.values()].some((p) => p.vip.tiers.length > 0);

  // Orders seen first as created are most likely new to the engine: reconciled from nothing and inserted
  // whole, one write per new order. One that is stored after all (a late or repeated orders/create) is left
  // as it is by the insert, and goes with the others below. (Not with tiers, where one order's outcome moves the
  // next one's: every order is then replayed in one pass below.)
  const created = new Set(withTiers ? [] : keys.filter((k) => k.topic === "ORDERS_CREATE").map((k) => orderKey(k.shop, k.orderId)));
  const inserted = new Set<string>();
  if (created.size > 0) {
    const fresh = replayAll(created, () => null);
    for (const key of await insertNewOrders(tx, keys.filter((k) => created.has(orderKey(k.shop, k.orderId))), fresh)) inserted.add(key);
  }

  // Every other order: its row locked (created if missing) in one statement, its events replayed from it.
  const stored = keys.filter((k) => !inserted.has(orderKey(k.shop, k.orderId)));
  let changed = new Map<string, WrittenState | null>();
  /** With tiers: the orders that had a row before the run (the others are inserted whole after it). */
  let existing: Set<string> | null = null;
  if (stored.length > 0 && withTiers) {
    // One pass over every order in event order: the rows there are locked and read, the missing ones are
    // reconciled from nothing and inserted whole afterwards (one write each, as for created orders above).
    const rows = await sql.query<OrderPointsRow & { shop: string; orderId: string }>(
      `SELECT "shop", "orderId", "customerId", "newest", "worth", "terms", "awarded", "postings", ${DELETED_AT_TEXT} FROM "OrderPoints"
        WHERE ("shop", "orderId") IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY "shop" COLLATE "C", "orderId" COLLATE "C" FOR UPDATE`,
      [stored.map((k) => k.shop), stored.map((k) => k.orderId)],
    );
    const states = new Map(rows.map((row) => [orderKey(row.shop, row.orderId), row.newest === null ? null : stateFromRow(row.orderId, row)]));
    const deleted = new Map(rows.filter((row) => row.deletedAt).map((row) => [orderKey(row.shop, row.orderId), row.deletedAt!]));
    await startTierRuns(tx, items, rows, programs, tierRuns);
    changed = replayAll(new Set(stored.map((k) => orderKey(k.shop, k.orderId))), (key) => states.get(key) ?? null, (key) => deleted.get(key) ?? null);
    existing = new Set(rows.map((row) => orderKey(row.shop, row.orderId)));
    const fresh = stored.filter((k) => !existing!.has(orderKey(k.shop, k.orderId)));
    if (fresh.some((k) => !changed.get(orderKey(k.shop, k.orderId)))) throw new Error("an order new to the engine was left without a state");
    if (fresh.length > 0) {
      const added = await insertNewOrders(tx, fresh, changed);
      // Another transaction stored one of them meanwhile: this run's replay started from the wrong state. The
      // worker splits the batch and applies its events again, reading the row that is there now.
      if (added.length !== fresh.length) throw new Error(`${fresh.length - added.length} order(s) of this run were stored by another transaction meanwhile`);
    }
  } else if (stored.length > 0) {
    const rows = await sql.query<OrderPointsRow & { shop: string; orderId: string }>(
      `INSERT INTO "OrderPoints" ("shop", "orderId")
       SELECT u.shop, u.order_id FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(shop, order_id, n) ORDER BY u.n
       ON CONFLICT ("shop", "orderId") DO UPDATE SET "shop" = EXCLUDED."shop"
       RETURNING "shop", "orderId", "customerId", "newest", "worth", "terms", "awarded", "postings", ${DELETED_AT_TEXT}`,
      [stored.map((k) => k.shop), stored.map((k) => k.orderId)],
    );
    const states = new Map(rows.map((row) => [orderKey(row.shop, row.orderId), row.newest === null ? null : stateFromRow(row.orderId, row)]));
    const deleted = new Map(rows.filter((row) => row.deletedAt).map((row) => [orderKey(row.shop, row.orderId), row.deletedAt!]));
    changed = replayAll(new Set(stored.map((k) => orderKey(k.shop, k.orderId))), (key) => states.get(key) ?? null, (key) => deleted.get(key) ?? null);
  }

  // Members and ledger entries in the order of the events, as the one-by-one path meets them.
  const touches: MemberTouch[] = [];
  const entries: { shop: string; customerId: string; entry: LedgerEntry }[] = [];
  for (const outcome of outcomes) {
    if (outcome.touch) touches.push(outcome.touch);
    if (outcome.entry) entries.push(outcome.entry);
  }
  await lockMembersAndAppend(tx, touches, entries);
  for (const [shop, run] of tierRuns) await saveTierUpgrades(tx, shop, run.upgrades());
  const rewritten = stored.filter((k) => (existing === null || existing.has(orderKey(k.shop, k.orderId))) && changed.get(orderKey(k.shop, k.orderId)));
  if (rewritten.length > 0) {
    await sql.execute(
      `WITH shared AS (SELECT $2::jsonb AS v)
       UPDATE "OrderPoints" o SET "customerId" = u.customer_id, "newest" = u.newest::jsonb, "worth" = shared.v -> u.worth, "terms" = shared.v -> u.terms,
         "awarded" = u.awarded, "postings" = u.postings, "updatedAt" = now()
         FROM shared, json_to_recordset($1::json) AS u${ORDER_STATE_COLUMNS}
        WHERE o."shop" = u.shop AND o."orderId" = u.order_id`,
      orderStatesDocument(rewritten, changed),
    );
  }
}

const orderKey = (shop: string, orderId: string) => `${shop}\u0000${orderId}`;

/** Inserts orders new to the engine whole, in the given order, skipping any stored meanwhile; the inserted ones' keys. */
async function insertNewOrders(tx: Db, orders: readonly { shop: string; orderId: string }[], states: ReadonlyMap<string, WrittenState | null>): Promise<string[]> {
  const rows = await sqlOf(tx).query<{ shop: string; orderId: string }>(
    `WITH shared AS (SELECT $2::jsonb AS v)
     INSERT INTO "OrderPoints" ("shop", "orderId", "customerId", "newest", "worth", "terms", "awarded", "postings")
     SELECT u.shop, u.order_id, u.customer_id, u.newest::jsonb, shared.v -> u.worth, shared.v -> u.terms, u.awarded, u.postings
       FROM shared, ROWS FROM (json_to_recordset($1::json) AS ${ORDER_STATE_COLUMNS}) WITH ORDINALITY AS u(shop, order_id, customer_id, newest, worth, terms, awarded, postings, n)
      ORDER BY u.n
     ON CONFLICT ("shop", "orderId") DO NOTHING
     RETURNING "shop", "orderId"`,
    orderStatesDocument(orders, states),
  );
  return rows.map((row) => orderKey(row.shop, row.orderId));
}

/** Tier runs of the shops with tiers: their customers' held tiers (locked) and spend in the window, as stored. */
async function startTierRuns(
  tx: Db,
  items: readonly { shop: string; snapshot: OrderSnapshot }[],
  stored: readonly { shop: string; customerId: string | null }[],
  programs: ReadonlyMap<string, LoyaltyProgram>,
  runs: Map<string, TierRun>,
): Promise<void> {
  const now = pointsClock.now();
  for (const [shop, program] of programs) {
    if (program.vip.tiers.length === 0) continue;
    const customers = new Set<string>();
    for (const i of items) if (i.shop === shop && i.snapshot.customerId !== null) customers.add(i.snapshot.customerId);
    for (const row of stored) if (row.shop === shop && row.customerId !== null) customers.add(row.customerId);
    const ids = [...customers];
    const held = await lockHeldTiers(tx, shop, ids);
    runs.set(shop, new TierRun(program.vip, now, held, await windowSpendOf(tx, shop, ids, now, program.vip.windowDays)));
  }
}

const spendOfSnapshot = (s: OrderSnapshot) => spendOfOrder({ createdAt: s.createdAt, currentSubtotalMinor: s.currentSubtotalMinor, cancelled: s.cancelled, test: s.test });

// `newest` is read as json and cast: json_to_recordset making jsonb of it itself took twice as long.
const ORDER_STATE_COLUMNS = `(shop text, order_id text, customer_id text, newest json, worth int, terms int, awarded int, postings int)`;

/** What one event of a run leaves for the members and the ledger. */
interface ReplayOutcome {
  touch: MemberTouch | null;
  entry: { shop: string; customerId: string; entry: LedgerEntry } | null;
}

/**
 * Reconciles, in sequence, the items of the orders named in `of` (by orderKey), each order starting from
 * `startsFrom(key)`; fills `outcomes` at the items' positions and returns each order's state as the
 * one-by-one path would last store it (JSON text), or null when no event changed it.
 */
function replayOrders(
  items: readonly { shop: string; payload: unknown; snapshot: OrderSnapshot }[],
  of: ReadonlySet<string>,
  startsFrom: (key: string) => OrderPointsState | null,
  programs: ReadonlyMap<string, LoyaltyProgram>,
  outcomes: ReplayOutcome[],
  deletedAtOf: (key: string) => Date | string | null,
  tierRuns: ReadonlyMap<string, TierRun>,
  collections: ReadonlyMap<string, Record<string, string[]>>,
  heldOut: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, WrittenState | null> {
  const written = new Map<string, WrittenState | null>();
  items.forEach(({ shop, payload, snapshot: incoming }, i) => {
    const key = orderKey(shop, incoming.orderId);
    if (!of.has(key)) return;
    const snapshot = asStored(incoming, deletedAtOf(key));
    // What the one-by-one path would read back: the state as the previous event of this order stored it.
    const last = written.get(key);
    const state = last ? stateFromRow(snapshot.orderId, readBack(last)) : startsFrom(key);
    const program = programs.get(shop)!;
    // The tier in force when the engine first sees the order is part of its terms.
    const tiers = tierRuns.get(shop);
    const customerId = state?.customerId ?? snapshot.customerId;
    const multiplier = state === null && customerId !== null && tiers ? tiers.multiplierPercent(customerId) : undefined;
    const context = earningContextFor(program, snapshot.createdAt, multiplier, state === null ? collections.get(shop) : undefined);
    if (state === null && customerId !== null && heldOut.get(shop)?.has(customerId)) context.programHoldout = true;
    const { state: next, entry } = reconcileOrder(state, snapshot, earningRulesOf(program), context);
    outcomes[i] = {
      touch: next.customerId === null ? null : { shop, customerId: next.customerId, facts: { ...customerFacts(payload), seenAt: snapshot.createdAt, lastOrderAt: snapshot.createdAt } },
      entry: next.customerId !== null && entry ? { shop, customerId: next.customerId, entry } : null,
    };
    if (!written.has(key)) written.set(key, null);
    if (state && next.newest === state.newest && next.customerId === state.customerId && !entry) return; // an older or repeated snapshot
    // A higher tier applies at once when this order makes the member reach it.
    tiers?.orderChanged(state ? { customerId: state.customerId, spend: spendOfSnapshot(state.newest) } : null, {
      customerId: next.customerId,
      spend: spendOfSnapshot(next.newest),
    });
    written.set(key, {
      customerId: next.customerId,
      newest: JSON.stringify(next.newest),
      worth: JSON.stringify(next.worth),
      terms: JSON.stringify(next.terms),
      awarded: next.awarded,
      postings: next.postings,
    });
  });
  return written;
}

/**
 * The states of `orders` as the parameters of a statement reading ORDER_STATE_COLUMNS: one JSON document
 * for all of them (PostgreSQL reads it faster than eight arrays with a jsonb[]); terms and worth repeat
 * across orders, so each distinct value is sent once, in the second parameter, and rows name it by index.
 */
function orderStatesDocument(orders: readonly { shop: string; orderId: string }[], states: ReadonlyMap<string, WrittenState | null>): [string, string] {
  const shared = new Map<string, number>();
  const ix = (json: string) => {
    let n = shared.get(json);
    if (n === undefined) shared.set(json, (n = shared.size));
    return n;
  };
  const rows = orders.map((o) => {
    const w = states.get(orderKey(o.shop, o.orderId))!;
    return (
      `{"shop":${JSON.stringify(o.shop)},"order_id":${JSON.stringify(o.orderId)},"customer_id":${JSON.stringify(w.customerId)},` +
      `"newest":${w.newest},"worth":${ix(w.worth)},"terms":${ix(w.terms)},"awarded":${w.awarded},"postings":${w.postings}}`
    );
  });
  return [`[${rows.join(",")}]`, `[${[...shared.keys()].join(",")}]`];
}

interface WrittenState {
  customerId: string | null;
  newest: string;
  worth: string;
  terms: string;
  awarded: number;
  postings: number;
}

function readBack(w: WrittenState): OrderPointsRow {
  return { customerId: w.customerId, newest: JSON.parse(w.newest), worth: JSON.parse(w.worth), terms: JSON.parse(w.terms), awarded: w.awarded, postings: w.postings };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The order topics' points step: one event at a time, or a run of them set-based. */
export const orderPointsStep: BatchWebhookStep = { one: earnPointsForOrder, many: earnPointsForOrders };

export const pointsSteps: Record<string, WebhookStep[]> = {
  ORDERS_CREATE: [orderPointsStep],
  ORDERS_UPDATED: [orderPointsStep],
  ORDERS_CANCELLED: [orderPointsStep],
  ORDERS_DELETE: [deleteOrderPoints],
  CUSTOMERS_CREATE: [welcomeMember],
  CUSTOMERS_UPDATE: [updateMemberContact],
  CUSTOMERS_REDACT: [eraseMemberData],
  SHOP_REDACT: [eraseShopMemberData],
};

// The worker applies a batch of events in one transaction; the program cannot change inside it, so it is
// read once per transaction and shop rather than once per event.
/** One read per transaction (a run of events) and shop, shared by the run's events; a failed read is not kept. */
function oncePerTransaction<T>(cache: WeakMap<object, Map<string, Promise<T>>>, tx: Db, shop: string, read: () => Promise<T>): Promise<T> {
  let byShop = cache.get(tx);
  if (!byShop) cache.set(tx, (byShop = new Map()));
  let value = byShop.get(shop);
  if (!value) {
    byShop.set(shop, (value = read()));
    // A failed read (rolled back with its event's savepoint) must not fail the rest of the batch.
    value.catch(() => byShop.delete(shop));
  }
  return value;
}

const programTestsByTransaction = new WeakMap<object, Map<string, Promise<ProgramTest | null>>>();
const programsByTransaction = new WeakMap<object, Map<string, Promise<LoyaltyProgram>>>();

/** The shop's running test of the whole program, read once per transaction. */
const programTestFor = (tx: Db, shop: string) => oncePerTransaction(programTestsByTransaction, tx, shop, () => runningProgramTest(tx, shop));
const programFor = (tx: Db, shop: string) => oncePerTransaction(programsByTransaction, tx, shop, () => loadLoyaltyProgram(tx, shop));

// --- the stored order state ----------------------------------------------------------------------------

function json(value: unknown) {
  return Prisma.sql`${JSON.stringify(value)}::jsonb`;
}

/** The contact details of the customer an order (or a customers/* payload wrapped as { customer }) names. */
function customerFacts(payload: unknown): Contact {
  return contactOfCustomer((payload as { customer?: unknown } | null)?.customer);
}

/** An OrderPoints row (its JSON columns) as the engine's state of that order. */
export function stateFromRow(orderId: string, row: OrderPointsRow): OrderPointsState {
  const newest = row.newest as OrderSnapshot & { createdAt: string; updatedAt: string };
  const terms = row.terms as EarningTerms & { paidAt?: string };
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
      ...(terms.paidAt !== undefined ? { paidAt: new Date(terms.paidAt) } : {}),
    },
  };
}

/** The products an order's lines name (gift cards and custom lines have none). */
function productIdsOf(snapshots: readonly OrderSnapshot[]): string[] {
  const ids = new Set<string>();
  for (const s of snapshots) for (const l of s.lines) if (l.productId) ids.add(l.productId);
  return [...ids];
}
