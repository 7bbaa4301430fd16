// The worker's set-based batches must leave exactly what applying the same events one by one leaves:
// the same seeded, shuffled, duplicated stream of order, refund, cancellation and customer webhooks is
// applied to three shops — one event at a time, in batches of 17 and in one batch — and every table the
// steps write is compared. Also: a poison or stale event inside a batch is isolated, the rest applied.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/db/connection.server";
import { openTestDatabase, type OpenTestDatabase } from "../../tests/support/postgres";
import { parseLoyaltyProgram } from "~/points/domain/program";
import { seededRandom } from "~/points/domain/simulation";
import { composeWebhookHandlers } from "./webhook-handlers.server";
import { historySteps } from "~/history/history-webhooks.server";
import { orderPointsStep, pointsClock, pointsSteps } from "~/points/points-webhooks.server";
import { recordWebhook } from "./webhook-inbox.server";
import { WebhookWorker } from "./webhook-worker.server";

let db: Database;
let testDb: OpenTestDatabase;
// Tier upgrades are dated by the clock; both application paths must see the same moment.
const realNow = pointsClock.now;
beforeAll(() => {
  pointsClock.now = () => new Date("2026-11-23T12:00:00.000Z");
});
afterAll(() => {
  pointsClock.now = realNow;
});
beforeAll(async () => {
  testDb = await openTestDatabase();
  db = testDb.db;
});
afterAll(async () => testDb?.close());

const handlers = composeWebhookHandlers(pointsSteps, historySteps);
const SEED = Number(process.env.BATCH_SIM_SEED ?? 20261123);

// A program where every pricing branch matters, with a tier so that the first-sight tier read and the upgrades
// orders bring within a batch are exercised.
const program = (() => {
  const parsed = parseLoyaltyProgram({
    earnRate: { points: 3, perCurrencyUnits: 2 },
    minimumOrderMinor: 1500,
    pointsPerOrder: 5,
    signupBonus: 50,
    pendingDays: 14,
    vip: { windowDays: 365, tiers: [{ id: "gold", name: "Gold", thresholdMinor: 50_000, multiplierPercent: 150 }] },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return JSON.parse(JSON.stringify(parsed.program));
})();

type Delivery = { topic: string; payload: Record<string, unknown> };

/** A random history as Shopify would send it: every version of every order, then shuffled with repeats. */
function webhookStream(seed: number): Delivery[] {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const base = Date.parse("2026-10-01T08:00:00Z");
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  const customer = (id: number) => ({
    id,
    // E-mail and name come and go between payloads: the member keeps the last one given.
    ...(random() < 0.7 ? { email: `c${id}.${int(1, 3)}@example.com` } : {}),
    ...(random() < 0.5 ? { first_name: `Name${int(1, 3)}` } : {}),
  });
  const out: Delivery[] = [];
  for (let c = 1; c <= 8; c++) out.push({ topic: "CUSTOMERS_CREATE", payload: { id: 900 + c, created_at: iso(base - c * 86_400_000), email: `c${900 + c}@example.com` } });
  for (let o = 1; o <= 40; o++) {
    const id = 5000 + o;
    const created = base + o * 3_600_000;
    const buyer = random() < 0.15 ? null : 900 + int(1, 8);
    const lines = Array.from({ length: int(1, 3) }, (_, j) => ({ id: id * 10 + j, product_id: 40 + j, quantity: int(1, 4), price: `${int(3, 60)}.${int(10, 99)}` }));
    const kept = lines.map((l) => l.quantity);
    const refunds: { id: number; created_at: string; refund_line_items: { line_item_id: number; quantity: number; subtotal: string }[] }[] = [];
    let updated = created;
    let cancelled: string | null = null;
    const version = () => {
      const subtotal = lines.reduce((sum, l, j) => sum + Math.round(Number(l.price) * 100) * (cancelled ? 0 : kept[j]), 0);
      return {
        id,
        created_at: iso(created),
        updated_at: iso(updated),
        cancelled_at: cancelled,
        currency: "EUR",
        subtotal_price: (lines.reduce((s, l) => s + Math.round(Number(l.price) * 100) * l.quantity, 0) / 100).toFixed(2),
        current_subtotal_price: (subtotal / 100).toFixed(2),
        // A guest order sometimes gets its customer attached by a later update.
        ...(buyer !== null && (refunds.length > 0 || random() < 0.8) ? { customer: customer(buyer) } : {}),
        line_items: lines.map((l, j) => ({ ...l, current_quantity: cancelled ? 0 : kept[j] })),
        refunds: refunds.map((r) => ({ ...r, refund_line_items: r.refund_line_items.map((x) => ({ ...x })) })),
      };
    };
    out.push({ topic: "ORDERS_CREATE", payload: version() });
    for (let change = int(0, 3); change > 0; change--) {
      // Sometimes within the same second: the engine's tie-break decides, identically on both paths.
      updated += random() < 0.2 ? 0 : int(1, 5) * 60_000;
      if (random() < 0.25) {
        cancelled = iso(updated);
        out.push({ topic: "ORDERS_CANCELLED", payload: version() });
        break;
      }
      const j = int(0, lines.length - 1);
      if (kept[j] === 0) continue;
      const back = int(1, kept[j]);
      kept[j] -= back;
      refunds.push({
        id: id * 100 + refunds.length,
        created_at: iso(updated),
        refund_line_items: [{ line_item_id: lines[j].id, quantity: back, subtotal: (Number(lines[j].price) * back).toFixed(2) }],
      });
      out.push({ topic: "ORDERS_UPDATED", payload: version() });
    }
  }
  // Poison: malformed orders the points engine parks.
  out.push({ topic: "ORDERS_CREATE", payload: { id: 7777, created_at: "yesterday", line_items: [] } });
  out.push({ topic: "ORDERS_UPDATED", payload: { id: 7778, currency: "EUR" } });
  const withRepeats = [...out, ...out.filter(() => random() < 0.3)];
  for (let i = withRepeats.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [withRepeats[i], withRepeats[k]] = [withRepeats[k], withRepeats[i]];
  }
  return withRepeats;
}

// The same program without tiers: the points step then reconciles a run of orders together instead of one
// by one (an order can't move a member up a tier).
const programWithoutTiers = { ...program, vip: { ...program.vip, tiers: [] } };

async function record(shop: string, stream: Delivery[], settings = program) {
  await db.prisma.loyaltyProgram.create({ data: { shop, settings } });
  // Two customers already hold the tier: orders first seen for them earn ×1.5.
  if (settings.vip.tiers.length > 0) {
    for (const c of [901, 902]) await db.prisma.member.create({ data: { shop, customerId: String(c), tierId: "gold", joinedAt: new Date("2026-01-01T00:00:00Z") } });
  }
  const t0 = Date.parse("2026-11-01T00:00:00Z");
  for (const [i, d] of stream.entries()) {
    await recordWebhook(db.sql, {
      shop,
      topic: d.topic,
      webhookId: `wh-${i}`,
      eventId: `ev-${i}`,
      apiVersion: "2026-10",
      // Arrival order (shuffled) is the triggered order the worker applies them in.
      triggeredAt: new Date(t0 + i * 1000).toISOString(),
      payload: d.payload,
    });
  }
}

async function drainAll(worker: WebhookWorker) {
  // Far in the future: retries of events failed for a transient reason are due at once.
  while ((await worker.drain(() => new Date("2030-01-01T00:00:00Z"))) > 0);
}

/** Everything the order steps write for a shop, in a canonical order, without ids and wall-clock stamps. */
async function stateOf(shop: string) {
  const p = db.prisma;
  const members = await p.member.findMany({ where: { shop }, orderBy: { customerId: "asc" } });
  const memberIds = new Map(members.map((m) => [m.id, m.customerId]));
  return {
    ledger: (await p.ledgerEntry.findMany({ where: { shop }, orderBy: { idempotencyKey: "asc" } })).map(({ id, shop: _s, memberId, createdAt, ...e }) => ({
      ...e,
      member: memberIds.get(memberId),
    })),
    members: members.map(({ id, shop: _s, ...m }) => m),
    orders: (await p.orderPoints.findMany({ where: { shop }, orderBy: { orderId: "asc" } })).map(({ shop: _s, updatedAt, ...o }) => o),
    historyOrders: (await p.historyOrder.findMany({ where: { shop }, orderBy: { id: "asc" } })).map(({ shop: _s, ...o }) => o),
    historyRefunds: (await p.historyRefund.findMany({ where: { shop }, orderBy: { id: "asc" } })).map(({ shop: _s, ...r }) => r),
    historyCustomers: (await p.historyCustomer.findMany({ where: { shop }, orderBy: { id: "asc" } })).map(({ shop: _s, ...c }) => c),
    events: (await p.webhookEvent.findMany({ where: { shop }, orderBy: { eventId: "asc" } })).map((e) => ({
      eventId: e.eventId,
      status: e.status,
      attempts: e.attempts,
      lastError: e.lastError,
    })),
  };
}

describe("set-based batches", () => {
  it(`leave the same ledger, balances, order states and history as one event at a time (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const stream = webhookStream(SEED);
    const many = vi.spyOn(orderPointsStep, "many");

    await record("one.myshopify.com", stream);
    await drainAll(new WebhookWorker(db.prisma, handlers, 1, "each"));
    expect(many).not.toHaveBeenCalled();

    await record("set17.myshopify.com", stream);
    await drainAll(new WebhookWorker(db.prisma, handlers, 17, "set"));
    await record("set500.myshopify.com", stream);
    await drainAll(new WebhookWorker(db.prisma, handlers, 500, "set"));
    // The set path really ran (a batch holding a poison event falls back, the others do not).
    const succeeded = many.mock.results.filter((r) => r.type === "return").length;
    expect(succeeded).toBeGreaterThan(5);
    many.mockRestore();

    const one = await stateOf("one.myshopify.com");
    expect(one.ledger.length).toBeGreaterThan(30);
    expect(one.ledger.some((e) => e.kind === "adjust-order")).toBe(true);
    expect(one.events.filter((e) => e.status === "parked").length).toBeGreaterThanOrEqual(2);
    expect(one.events.filter((e) => e.status === "received")).toEqual([]);
    // Orders moved members up a tier during the stream (the batches follow tiers through a run in memory).
    expect(one.members.filter((m) => m.tierId === "gold" && !["901", "902"].includes(m.customerId)).length).toBeGreaterThan(0);
    expect(await stateOf("set17.myshopify.com")).toEqual(one);
    expect(await stateOf("set500.myshopify.com")).toEqual(one);
  });

  it(`leave the same state as one event at a time for a program without tiers, reconciling orders together (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const stream = webhookStream(SEED + 1);
    await record("flat-one.myshopify.com", stream, programWithoutTiers);
    await drainAll(new WebhookWorker(db.prisma, handlers, 1, "each"));
    await record("flat-set17.myshopify.com", stream, programWithoutTiers);
    await drainAll(new WebhookWorker(db.prisma, handlers, 17, "set"));
    await record("flat-set500.myshopify.com", stream, programWithoutTiers);
    await drainAll(new WebhookWorker(db.prisma, handlers, 500, "set"));

    const one = await stateOf("flat-one.myshopify.com");
    expect(one.ledger.length).toBeGreaterThan(30);
    expect(one.ledger.some((e) => e.kind === "adjust-order")).toBe(true);
    expect(one.events.filter((e) => e.status === "received")).toEqual([]);
    expect(await stateOf("flat-set17.myshopify.com")).toEqual(one);
    expect(await stateOf("flat-set500.myshopify.com")).toEqual(one);
  });

  it("isolate a poison event and a stale ledger entry in the middle of a batch; the others are applied", async () => {
    const shop = "poison.myshopify.com";
    const order = (id: number, extra: Record<string, unknown> = {}) => ({
      id,
      created_at: "2026-11-01T10:00:00Z",
      updated_at: "2026-11-01T10:00:00Z",
      currency: "EUR",
      current_subtotal_price: "20.00",
      subtotal_price: "20.00",
      customer: { id: 42 },
      line_items: [{ id: id * 10, quantity: 1, price: "20.00" }],
      ...extra,
    });
    // A ledger entry under the key the engine will compute for order 3, but different: stale state.
    const member = await db.prisma.member.create({ data: { shop, customerId: "42" } });
    await db.prisma.ledgerEntry.create({
      data: { shop, memberId: member.id, customerId: "42", idempotencyKey: "order:3:v1", kind: "earn", points: 999, at: new Date(), availableAt: new Date() },
    });
    const payloads: Record<string, unknown>[] = [order(1), order(2), order(3), { id: 4, created_at: "not a time" }, order(5)];
    for (const [i, payload] of payloads.entries()) {
      await recordWebhook(db.sql, { shop, topic: "ORDERS_CREATE", webhookId: `p${i}`, eventId: `p${i}`, apiVersion: "2026-10", triggeredAt: `2026-11-01T10:00:0${i}Z`, payload });
    }

    const worker = new WebhookWorker(db.prisma, handlers, 500, "set");
    expect(await worker.drain()).toBe(3);

    const events = Object.fromEntries((await db.prisma.webhookEvent.findMany({ where: { shop } })).map((e) => [e.eventId, e]));
    expect(Object.fromEntries(Object.entries(events).map(([k, e]) => [k, [e.status, e.attempts]]))).toEqual({
      p0: ["processed", 1],
      p1: ["processed", 1],
      p2: ["received", 1], // retried later: the stale entry is refused, not overwritten
      p3: ["parked", 1],
      p4: ["processed", 1],
    });
    expect(events.p2.lastError).toMatch(/LedgerKeyConflictError/);
    expect(events.p3.lastError).toMatch(/^ORDERS_CREATE: the payload is not an order/);
    const entries = await db.prisma.ledgerEntry.findMany({ where: { shop }, orderBy: { idempotencyKey: "asc" } });
    expect(entries.map((e) => [e.idempotencyKey, e.points])).toEqual([
      ["order:1:v1", 20],
      ["order:2:v1", 20],
      ["order:3:v1", 999],
      ["order:5:v1", 20],
    ]);
    // The cached balance counts only what this worker posted (the planted entry bypassed the cache).
    expect(await db.prisma.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ points: 60, entryCount: 3 });
    expect(await db.prisma.orderPoints.count({ where: { shop, orderId: { in: ["3", "4"] } } })).toBe(0);
  });

  it("count an entry that is in the ledger already once: its balance change is taken back", async () => {
    const shop = "duplicate.myshopify.com";
    const order = (id: number) => ({
      id,
      created_at: "2026-11-01T10:00:00Z",
      updated_at: "2026-11-01T10:00:00Z",
      currency: "EUR",
      current_subtotal_price: "20.00",
      customer: { id: 43 },
      line_items: [{ id: id * 10, quantity: 1, price: "20.00" }],
    });
    const deliver = (eventId: string, payload: Record<string, unknown>) =>
      recordWebhook(db.sql, { shop, topic: "ORDERS_CREATE", webhookId: eventId, eventId, apiVersion: "2026-10", triggeredAt: "2026-11-01T10:00:00Z", payload });
    const worker = new WebhookWorker(db.prisma, handlers, 500, "set");
    await deliver("d1", order(1));
    expect(await worker.drain()).toBe(1);
    // GIVEN the engine's state of order 1 is gone while its ledger entry stays (as after a restore)
    await db.prisma.orderPoints.deleteMany({ where: { shop, orderId: "1" } });
    // WHEN order 1 comes again (a new event) in a run with order 2
    await deliver("d2", order(1));
    await deliver("d3", order(2));
    expect(await worker.drain()).toBe(2);
    // THEN its entry is the same one, a duplicate: counted once in the cached balance
    expect((await db.prisma.ledgerEntry.findMany({ where: { shop }, orderBy: { idempotencyKey: "asc" } })).map((e) => [e.idempotencyKey, e.points])).toEqual([
      ["order:1:v1", 20],
      ["order:2:v1", 20],
    ]);
    expect(await db.prisma.member.findFirstOrThrow({ where: { shop, customerId: "43" } })).toMatchObject({ points: 40, lifetimeEarned: 40, entryCount: 2 });
  });
});
