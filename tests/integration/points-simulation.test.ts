// Proof that webhook delivery order and duplicates do not change anyone's points: a seeded random
// history of orders, partial refunds and cancellations is made in the stand-in with its webhooks held,
// then delivered shuffled and partly duplicated over real HTTP. The balances the app ends with must equal
// an oracle computed with the domain from the stand-in's final orders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { earningContextFor, pointsWorthForOrder } from "../../app/points/domain/earning";
import { parseOrderWebhook } from "../../app/points/domain/order-snapshot";
import { parseLoyaltyProgram } from "../../app/points/domain/program";
import { seededRandom } from "../../app/points/domain/simulation";
import type { PreparedWebhook } from "../shopify-standin/index";
import { startTreue, TEST_SHOP, type TreueHarness } from "../support/treue-harness";

const SEED = Number(process.env.POINTS_SIM_SEED ?? 20261123);
const CUSTOMERS = 25;
const ORDERS = 800;

// Rules that make every branch of pricing matter: a rate that rounds, a minimum, a punch, a bonus product.
const PROGRAM_INPUT = {
  earnRate: { points: 3, perCurrencyUnits: 2 },
  minimumOrderMinor: 1500,
  pointsPerOrder: 5,
  productBonuses: [],
  signupBonus: 50,
};

let t: TreueHarness;

beforeAll(async () => {
  t = await startTreue({ appEnv: { WEBHOOK_WORKER: "1" } });
});
afterAll(async () => {
  await t?.close();
});

describe("points under shuffled, duplicated delivery", () => {
  it(`ends with the oracle's balances (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const parsed = parseLoyaltyProgram(PROGRAM_INPUT);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const program = parsed.program;
    await t.db.prisma.loyaltyProgram.create({ data: { shop: TEST_SHOP, settings: JSON.parse(JSON.stringify(program)) } });

    // GIVEN customers and a random history, every webhook held back
    const random = seededRandom(SEED);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const customers = [];
    for (let i = 0; i < CUSTOMERS; i++) customers.push(await t.standin.createCustomer({ email: `sim${i}@example.com` }, { webhooks: "hold" }));
    const open: { id: number; units: Map<string, number> }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const customer = customers[int(0, customers.length - 1)];
      const lines = Array.from({ length: int(1, 3) }, (_, j) => ({ sku: `SKU${j}`, quantity: int(1, 4), unitPriceMinor: int(199, 4999) }));
      const order = await t.standin.createOrder({ customerId: customer.id, lines }, { webhooks: "hold" });
      open.push({ id: order.id, units: new Map(lines.map((l) => [l.sku, l.quantity])) });
      // Now and then a refund or cancellation of an earlier order, so events of one order interleave with others'.
      if (random() < 0.35 && open.length > 0) {
        const k = int(0, open.length - 1);
        const target = open[k];
        if (random() < 0.25) {
          await t.standin.cancelOrder(target.id, {}, { webhooks: "hold" });
          open.splice(k, 1);
        } else {
          const kept = [...target.units].filter(([, q]) => q > 0);
          if (kept.length > 0) {
            const [sku, q] = kept[int(0, kept.length - 1)];
            const back = int(1, q);
            await t.standin.refundOrder(target.id, { lines: [{ sku, quantity: back }] }, { webhooks: "hold" });
            target.units.set(sku, q - back);
          }
        }
      }
    }
    const held = t.standin.takeHeldWebhooks();
    // Shopify retries a delivery with the same event id: a fifth of them arrive twice.
    const withDuplicates: PreparedWebhook[] = [...held, ...held.filter(() => random() < 0.2)];

    // WHEN they arrive shuffled
    const deliveries = await t.standin.deliverWebhooks(withDuplicates, { order: "shuffled", seed: SEED });
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
    await expect
      .poll(() => t.db.prisma.webhookEvent.count({ where: { shop: TEST_SHOP, status: { not: "processed" } } }), { timeout: 60_000, interval: 250 })
      .toBe(0);

    // THEN every customer holds what the final orders are worth, plus the sign-up bonus
    const expected = new Map<string, number>(customers.map((c) => [String(c.id), program.signupBonus]));
    for (const order of t.standin.state.shops[TEST_SHOP].orders) {
      const snapshot = parseOrderWebhook(t.standin.orderPayload(order.id));
      if (!snapshot.ok) throw new Error(snapshot.problems.join("; "));
      const s = snapshot.snapshot;
      const worth = pointsWorthForOrder(s, program, earningContextFor(program, s.createdAt)).points;
      expected.set(s.customerId!, (expected.get(s.customerId!) ?? 0) + worth);
    }
    const members = await t.db.prisma.member.findMany({ where: { shop: TEST_SHOP } });
    const actual = new Map(members.map((m) => [m.customerId, m.points]));
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));

    // The cached balances are what the ledger adds up to.
    const sums = await t.db.prisma.ledgerEntry.groupBy({ by: ["customerId"], where: { shop: TEST_SHOP }, _sum: { points: true } });
    expect(Object.fromEntries(sums.map((s) => [s.customerId, s._sum.points]))).toEqual(Object.fromEntries(expected));
    console.log(`[points-simulation] ${held.length} webhooks (+${withDuplicates.length - held.length} duplicates), ${expected.size} customers, total ${[...expected.values()].reduce((a, b) => a + b, 0)} points`);
  });
});
