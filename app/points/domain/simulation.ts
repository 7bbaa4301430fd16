/**
 * A seeded simulation of a shop's loyalty business, for tests: customers place orders, get partial refunds,
 * cancel, redeem points, and the expiry job runs. `runOracle` applies each business event once, in order;
 * `runEngine` feeds the same history through the engine the way Shopify delivers it (each webhook 1–5
 * times, shuffled, old webhooks retried late, two workers racing) and must end with the same balances.
 * Pure and deterministic: the same seed gives the same history, deliveries and results.
 */
import { earningContextFor, pointsAdjustmentForOrder, pointsWorthForOrder, type EarningContext } from "./earning";
import { balanceOf, expiryEntries, nextExpiryAt, postEntry, type Balance, type LedgerEntry } from "./ledger";
import { redemptionEntry } from "./entries";
import { currencyMinorDigits, formatMinor } from "./money";
import { parseOrderWebhook, type OrderSnapshot } from "./order-snapshot";
import { DEFAULT_PROGRAM, type LoyaltyProgram } from "./program";
import { reconcileOrder, type OrderPointsState } from "./reconcile";
import { addDays } from "./time";
import { tierFor, tierMultiplierPercent, type SpendEvent } from "./tiers";

// ---------------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The business

export type OrderEventKind = "order-placed" | "order-edited" | "order-refunded" | "order-cancelled";

export type BusinessEvent =
  | {
      kind: OrderEventKind;
      at: Date;
      orderId: string;
      customerId: string | null;
      /** The order as Shopify's webhook sends it after this event. */
      payload: Record<string, unknown>;
      /** The customer's tier and the campaigns when the order was placed, as the app resolves them. */
      context: EarningContext;
    }
  | { kind: "redemption"; at: Date; customerId: string; redemptionId: string; points: number }
  | { kind: "expiry-run"; at: Date };

export interface Simulation {
  seed: number;
  program: LoyaltyProgram;
  currency: string;
  customers: string[];
  events: BusinessEvent[];
  /** The time of the last event: balances are compared then. */
  end: Date;
}

export interface SimulationOptions {
  seed: number;
  events: number;
  customers: number;
  start?: Date;
  /** Shop currency. */
  currency?: string;
  program?: LoyaltyProgram;
}

/** A program that exercises every earning rule and lot expiry within a simulated year or two. */
export function simulationProgram(start: Date, currency = "EUR"): LoyaltyProgram {
  const unit = (major: number) => major * 10 ** currencyMinorDigits(currency);
  return {
    ...DEFAULT_PROGRAM,
    minimumOrderMinor: unit(10),
    pointsPerOrder: 5,
    productBonuses: [
      { target: "product", targetId: "9001", pointsPerUnit: 10 },
      { target: "collection", targetId: "77", pointsPerUnit: 3 },
    ],
    campaigns: [
      { id: "double", name: "48 hours of double points", kind: "multiplier", multiplierPercent: 200, startsAt: addDays(start, 30), endsAt: addDays(start, 32) },
      { id: "week", name: "Bonus week", kind: "bonus", bonusPoints: 50, startsAt: addDays(start, 90), endsAt: addDays(start, 97) },
    ],
    vip: {
      windowDays: 365,
      tiers: [
        { id: "silver", name: "Silver", thresholdMinor: unit(300), multiplierPercent: 125 },
        { id: "gold", name: "Gold", thresholdMinor: unit(1000), multiplierPercent: 150 },
      ],
    },
    pendingDays: 14,
    expiry: { mode: "lots", months: 6, reminderDays: 14 },
  };
}

const PRODUCTS = [
  { id: 9001, variant: 19001, price: 1990 },
  { id: 9002, variant: 19002, price: 4500 },
  { id: 9003, variant: 19003, price: 899 },
  { id: 9004, variant: 19004, price: 12_000 },
  { id: 9005, variant: 19005, price: 350 },
  { id: 9006, variant: 19006, price: 2599 },
];
/** Collection 77 holds two of the products; the order payload does not say so, the app looks it up. */
const PRODUCT_COLLECTIONS: Record<string, string[]> = { "9002": ["77"], "9003": ["77", "12"] };

interface SimLine {
  id: number;
  productId: number;
  variantId: number;
  quantity: number;
  priceMinor: number;
  refunded: number;
}

interface SimOrder {
  id: number;
  customerId: number | null;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  test: boolean;
  discountPercent: number;
  lines: SimLine[];
  refunds: { id: number; at: Date; lines: { lineId: number; quantity: number; subtotalMinor: number }[] }[];
  context: EarningContext;
}

/** Shopify's REST spelling of an instant, in the shop's zone (here UTC+2, to exercise offsets). */
function restTime(at: Date): string {
  return new Date(at.getTime() + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+02:00");
}

function keptMinor(order: SimOrder): number {
  if (order.cancelledAt) return 0;
  const gross = order.lines.reduce((s, l) => s + l.priceMinor * (l.quantity - l.refunded), 0);
  return gross - Math.floor((gross * order.discountPercent) / 100);
}

function orderPayload(order: SimOrder, currency: string): Record<string, unknown> {
  const money = (minor: number) => formatMinor(minor, currency);
  const subtotal = keptMinor(order);
  const refundedAll = order.lines.every((l) => l.refunded === l.quantity);
  return {
    id: order.id,
    name: `#${order.id}`,
    created_at: restTime(order.createdAt),
    updated_at: restTime(order.updatedAt),
    cancelled_at: order.cancelledAt ? restTime(order.cancelledAt) : null,
    cancel_reason: order.cancelledAt ? "customer" : null,
    currency,
    presentment_currency: currency,
    financial_status: order.cancelledAt || refundedAll ? "refunded" : order.refunds.length > 0 ? "partially_refunded" : "paid",
    test: order.test,
    current_subtotal_price: money(subtotal),
    current_subtotal_price_set: { shop_money: { amount: money(subtotal), currency_code: currency }, presentment_money: { amount: money(subtotal), currency_code: currency } },
    total_shipping_price_set: { shop_money: { amount: money(495), currency_code: currency } },
    customer: order.customerId === null ? null : { id: order.customerId, email: `customer${order.customerId}@example.com` },
    line_items: order.lines.map((l) => ({
      id: l.id,
      product_id: l.productId,
      variant_id: l.variantId,
      quantity: l.quantity,
      current_quantity: order.cancelledAt ? 0 : l.quantity - l.refunded,
      price: money(l.priceMinor),
      gift_card: false,
      sku: `SKU-${l.productId}`,
    })),
    refunds: order.refunds.map((r) => ({
      id: r.id,
      created_at: restTime(r.at),
      refund_line_items: r.lines.map((rl) => ({ line_item_id: rl.lineId, quantity: rl.quantity, subtotal: money(rl.subtotalMinor) })),
    })),
  };
}

/** A shop's history of `events` business events among `customers` customers, from `seed`. */
export function generateBusinessEvents(options: SimulationOptions): Simulation {
  const dice = new Dice(seededRandom(options.seed));
  const start = options.start ?? new Date("2025-01-01T00:00:00Z");
  const currency = options.currency ?? "EUR";
  const program = options.program ?? simulationProgram(start, currency);
  const customerIds = Array.from({ length: options.customers }, (_, i) => 5000 + i);
  const spend = new Map<number, Map<number, SpendEvent>>(customerIds.map((c) => [c, new Map()]));
  const standing = new Map<number, { tierId: string | null; periodEnd: Date | null }>();
  const orders: SimOrder[] = [];
  const events: BusinessEvent[] = [];
  let now = start.getTime();
  let nextOrderId = 100_000;
  let nextRefundId = 1;

  const emit = (kind: OrderEventKind, order: SimOrder) => {
    if (order.customerId !== null) spend.get(order.customerId)!.set(order.id, { at: order.createdAt, amountMinor: order.test ? 0 : keptMinor(order) });
    events.push({
      kind,
      at: order.updatedAt,
      orderId: String(order.id),
      customerId: order.customerId === null ? null : String(order.customerId),
      payload: orderPayload(order, currency),
      context: order.context,
    });
  };
  const refundable = () => orders.filter((o) => !o.cancelledAt && o.lines.some((l) => l.refunded < l.quantity));

  while (events.length < options.events) {
    // Seconds only, like Shopify's timestamps, and often the same second: ties are part of the test.
    now += dice.chance(0.15) ? 0 : dice.int(1, 8 * 3600) * 1000;
    const at = new Date(now);
    const roll = dice.next();
    if (roll < 0.45 || orders.length === 0) {
      const guest = dice.chance(0.05);
      const customerId = guest ? null : dice.pick(customerIds);
      let context = earningContextFor(program, at, 100, PRODUCT_COLLECTIONS);
      if (customerId !== null) {
        const held = standing.get(customerId) ?? { tierId: null, periodEnd: null };
        const tier = tierFor([...spend.get(customerId)!.values()], at, program.vip, held.tierId, held.periodEnd);
        standing.set(customerId, { tierId: tier.tier?.id ?? null, periodEnd: tier.periodEnd });
        context = earningContextFor(program, at, tierMultiplierPercent(tier.tier), PRODUCT_COLLECTIONS);
      }
      const id = nextOrderId++;
      const lineCount = dice.int(1, 4);
      const products = dice.shuffle([...PRODUCTS]).slice(0, lineCount);
      const order: SimOrder = {
        id,
        customerId,
        createdAt: at,
        updatedAt: at,
        cancelledAt: null,
        test: dice.chance(0.03),
        discountPercent: dice.chance(0.2) ? dice.pick([10, 15, 20]) : 0,
        lines: products.map((p, i) => ({ id: id * 10 + i, productId: p.id, variantId: p.variant, quantity: dice.int(1, 4), priceMinor: p.price, refunded: 0 })),
        refunds: [],
        context,
      };
      orders.push(order);
      emit("order-placed", order);
    } else if (roll < 0.6) {
      const open = refundable();
      if (open.length === 0) continue;
      const order = dice.pick(open.slice(-60));
      const everything = dice.chance(0.25);
      const refundLines = order.lines
        .filter((l) => l.refunded < l.quantity && (everything || dice.chance(0.5)))
        .map((l) => {
          const quantity = everything ? l.quantity - l.refunded : dice.int(1, l.quantity - l.refunded);
          l.refunded += quantity;
          return { lineId: l.id, quantity, subtotalMinor: quantity * l.priceMinor };
        });
      if (refundLines.length === 0) continue;
      order.refunds.push({ id: nextRefundId++, at, lines: refundLines });
      order.updatedAt = at;
      emit("order-refunded", order);
    } else if (roll < 0.64) {
      // An order edit: the customer adds an item (Shopify's order editing).
      const open = orders.filter((o) => !o.cancelledAt && o.lines.length < PRODUCTS.length).slice(-40);
      if (open.length === 0) continue;
      const order = dice.pick(open);
      // An edit in the same second as another change of the order cannot be ordered from the payloads;
      // the app re-reads such orders from the Admin API (`ambiguousTie`), which this pure simulation omits.
      if (order.updatedAt.getTime() === at.getTime()) continue;
      const product = dice.pick(PRODUCTS.filter((p) => !order.lines.some((l) => l.productId === p.id)));
      order.lines.push({ id: order.id * 10 + order.lines.length, productId: product.id, variantId: product.variant, quantity: dice.int(1, 2), priceMinor: product.price, refunded: 0 });
      order.updatedAt = at;
      emit("order-edited", order);
    } else if (roll < 0.69) {
      const open = orders.filter((o) => !o.cancelledAt).slice(-40);
      if (open.length === 0) continue;
      const order = dice.pick(open);
      order.cancelledAt = at;
      order.updatedAt = at;
      emit("order-cancelled", order);
    } else if (roll < 0.95) {
      events.push({ kind: "redemption", at, customerId: String(dice.pick(customerIds)), redemptionId: `r${events.length}`, points: dice.pick([20, 50, 100, 200, 500]) });
    } else {
      events.push({ kind: "expiry-run", at });
    }
  }
  return { seed: options.seed, program, currency, customers: customerIds.map(String), events, end: new Date(now) };
}

// ---------------------------------------------------------------------------------------------------------
// Running the history

export interface SimulationOutcome {
  balances: Record<string, Balance>;
  ledgers: Record<string, LedgerEntry[]>;
  /** Points each order holds at the end. */
  awardedByOrder: Record<string, number>;
  redemptionsAccepted: number;
  redemptionsRefused: number;
}

class Books {
  ledgers = new Map<string, LedgerEntry[]>();
  redemptionsAccepted = 0;
  redemptionsRefused = 0;
  /** The expiry job's schedule: a customer whose ledger has not changed is skipped until their next expiry. */
  private nextExpiry = new Map<string, { entryCount: number; at: Date | null }>();

  ledger(customerId: string): LedgerEntry[] {
    return this.ledgers.get(customerId) ?? [];
  }

  /** Appends an entry that must be new. */
  append(entry: LedgerEntry): void {
    const r = postEntry(this.ledger(entry.customerId), entry);
    if (r.outcome !== "posted") throw new Error(`${entry.key} was not posted: ${r.outcome}`);
    this.ledgers.set(entry.customerId, r.entries);
  }

  /** Redemptions and expiry runs: the same code in the oracle and the engine. */
  apply(event: Extract<BusinessEvent, { kind: "redemption" | "expiry-run" }>, program: LoyaltyProgram): void {
    if (event.kind === "redemption") {
      const r = postEntry(this.ledger(event.customerId), redemptionEntry(event));
      if (r.outcome === "posted") {
        this.ledgers.set(event.customerId, r.entries);
        this.redemptionsAccepted++;
      } else if (r.outcome === "insufficient-points") {
        this.redemptionsRefused++;
      } else {
        throw new Error(`redemption ${event.redemptionId}: ${r.outcome}`);
      }
      return;
    }
    for (const [customerId, entries] of this.ledgers) {
      const known = this.nextExpiry.get(customerId);
      if (known && known.entryCount === entries.length && (known.at === null || event.at.getTime() < known.at.getTime())) continue;
      let ledger = entries;
      for (const e of expiryEntries(ledger, event.at, program.expiry)) {
        const r = postEntry(ledger, e);
        if (r.outcome !== "posted") throw new Error(`${e.key}: ${r.outcome}`);
        ledger = r.entries;
      }
      this.ledgers.set(customerId, ledger);
      this.nextExpiry.set(customerId, { entryCount: ledger.length, at: nextExpiryAt(ledger, program.expiry) });
    }
  }

  outcome(sim: Simulation, awardedByOrder: Record<string, number>): SimulationOutcome {
    const balances: Record<string, Balance> = {};
    const ledgers: Record<string, LedgerEntry[]> = {};
    for (const c of sim.customers) {
      ledgers[c] = this.ledger(c);
      balances[c] = balanceOf(ledgers[c], sim.end);
    }
    return { balances, ledgers, awardedByOrder, redemptionsAccepted: this.redemptionsAccepted, redemptionsRefused: this.redemptionsRefused };
  }
}

function snapshotOf(payload: unknown): OrderSnapshot {
  const parsed = parseOrderWebhook(payload);
  if (!parsed.ok) throw new Error(`simulated payload rejected: ${parsed.problems.join("; ")}`);
  return parsed.snapshot;
}

/**
 * The reference: each business event applied once, in the order it happened. An order's points are its
 * worth after each event, posted as the difference to what it held before.
 */
export function runOracle(sim: Simulation): SimulationOutcome {
  const books = new Books();
  const orders = new Map<string, { awarded: number; postings: number; customerId: string | null; context: EarningContext }>();
  for (const event of sim.events) {
    if (event.kind === "redemption" || event.kind === "expiry-run") {
      books.apply(event, sim.program);
      continue;
    }
    const snapshot = snapshotOf(event.payload);
    const order = orders.get(event.orderId) ?? { awarded: 0, postings: 0, customerId: event.customerId, context: event.context };
    orders.set(event.orderId, order);
    const worth = pointsWorthForOrder(snapshot, sim.program, order.context).points;
    const points = pointsAdjustmentForOrder(order.awarded, worth);
    if (points === 0 || order.customerId === null) continue;
    order.postings++;
    order.awarded = worth;
    books.append({
      key: `oracle:order:${event.orderId}:${order.postings}`,
      kind: order.postings === 1 ? "earn" : "adjust-order",
      customerId: order.customerId,
      points,
      at: snapshot.updatedAt,
      availableAt: addDays(snapshot.createdAt, sim.program.pendingDays),
      orderId: snapshot.orderId,
      orderCreatedAt: snapshot.createdAt,
    });
  }
  return books.outcome(sim, Object.fromEntries([...orders].map(([id, o]) => [id, o.awarded])));
}

export type OrderEvent = Extract<BusinessEvent, { kind: OrderEventKind }>;

export interface DeliveryOptions {
  /** Seed for the delivery order, independent of the history's seed. */
  seed: number;
  /** Each webhook is delivered between 1 and this many times. */
  maxCopies?: number;
  /** Chance, per delivery, that Shopify also retries a webhook from an earlier stretch of time. */
  lateRetryChance?: number;
  /** Chance, per delivery, that a second worker handles another delivery of the same order at the same time. */
  raceChance?: number;
}

export interface EngineOutcome extends SimulationOutcome {
  deliveries: number;
  /** Racing workers whose entry the ledger refused as a replay of the winner's. */
  duplicatesRefused: number;
  /** Racing workers that lost (key conflict or stale state) and handled their delivery again. */
  conflictsRetried: number;
  /** Deliveries the engine flagged as same-second ties it could not decide (none in a generated history). */
  ambiguousTies: number;
}

/**
 * The engine under realistic delivery. Webhooks of the stretch between two redemptions or expiry runs are
 * delivered 1–`maxCopies` times each in random order, plus late retries of older webhooks; redemptions and
 * expiry runs happen once their stretch is delivered, because their outcome depends on the balance (a
 * redemption the customer makes sees the points of the orders Shopify has told the app about).
 */
export function runEngine(sim: Simulation, options: DeliveryOptions): EngineOutcome {
  const dice = new Dice(seededRandom(options.seed));
  const maxCopies = options.maxCopies ?? 5;
  const lateRetryChance = options.lateRetryChance ?? 0.05;
  const raceChance = options.raceChance ?? 0.1;
  const books = new Books();
  const states = new Map<string, OrderPointsState>();
  const delivered: OrderEvent[] = [];
  let deliveries = 0;
  let duplicatesRefused = 0;
  let conflictsRetried = 0;
  let ambiguousTies = 0;

  // Every delivery is parsed from its own copy of the JSON, as it would be off the wire.
  const snapshotOfDelivery = (event: OrderEvent) => snapshotOf(JSON.parse(JSON.stringify(event.payload)));

  /** One worker handling one delivery: reconcile, append the entry and save the state in one transaction. */
  const process = (event: OrderEvent) => {
    deliveries++;
    const before = states.get(event.orderId) ?? null;
    const result = reconcileOrder(before, snapshotOfDelivery(event), sim.program, event.context);
    if (result.ambiguousTie) ambiguousTies++;
    if (result.entry) books.append(result.entry);
    states.set(event.orderId, result.state);
    return before;
  };

  /**
   * Two workers handling two deliveries of one order at once: both read the same state, the first commits.
   * The second's entry has the same key. A replay of the same webhook is refused as a duplicate and the
   * delivery is done; anything else (a key conflict, or a state write that lost the compare-and-set on the
   * state row) rolls back and the delivery is retried from the committed state.
   */
  const race = (first: OrderEvent, second: OrderEvent) => {
    const before = process(first);
    deliveries++;
    const raced = reconcileOrder(before, snapshotOfDelivery(second), sim.program, second.context);
    const committed = states.get(first.orderId)!;
    if (raced.entry && committed.postings > (before?.postings ?? 0)) {
      const r = postEntry(books.ledger(raced.entry.customerId), raced.entry);
      if (r.outcome === "duplicate") {
        duplicatesRefused++;
        return;
      }
      if (r.outcome !== "key-conflict") throw new Error(`racing worker's ${raced.entry.key} was ${r.outcome}`);
    }
    conflictsRetried++;
    process(second);
  };

  let stretch: OrderEvent[] = [];
  const deliverStretch = () => {
    const queue: OrderEvent[] = [];
    for (const event of stretch) {
      for (let i = dice.int(1, maxCopies); i > 0; i--) queue.push(event);
      if (delivered.length > 0 && dice.chance(lateRetryChance)) queue.push(dice.pick(delivered));
    }
    dice.shuffle(queue);
    while (queue.length > 0) {
      const event = queue.shift()!;
      const rival = dice.chance(raceChance) ? queue.findIndex((e) => e.orderId === event.orderId) : -1;
      if (rival >= 0) race(event, queue.splice(rival, 1)[0]);
      else process(event);
    }
    delivered.push(...stretch);
    stretch = [];
  };

  for (const event of sim.events) {
    if (event.kind === "redemption" || event.kind === "expiry-run") {
      deliverStretch();
      books.apply(event, sim.program);
    } else {
      stretch.push(event);
    }
  }
  deliverStretch();
  const awardedByOrder = Object.fromEntries([...states].map(([id, s]) => [id, s.awarded]));
  return { ...books.outcome(sim, awardedByOrder), deliveries, duplicatesRefused, conflictsRetried, ambiguousTies };
}
