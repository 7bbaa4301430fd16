import { describe, expect, it } from "vitest";
import { rebuildBalance } from "./ledger";
import { generateBusinessEvents, runEngine, runOracle, seededRandom } from "./simulation";

describe("simulation", () => {
  it("is deterministic for a seed", () => {
    const a = generateBusinessEvents({ seed: 7, events: 300, customers: 10 });
    const b = generateBusinessEvents({ seed: 7, events: 300, customers: 10 });
    expect(b).toEqual(a);
    expect(generateBusinessEvents({ seed: 8, events: 300, customers: 10 }).events).not.toEqual(a.events);
    expect(runEngine(a, { seed: 1 })).toEqual(runEngine(a, { seed: 1 }));
    const r = seededRandom(42);
    expect([r(), r()]).toEqual([seededRandom(42)(), (() => { const s = seededRandom(42); s(); return s(); })()]);
  });

  it("thousands of events: webhooks delivered 1–5 times, shuffled, retried late and raced end with the oracle's balances", () => {
    const sim = generateBusinessEvents({ seed: 20251, events: 4000, customers: 40 });
    const kinds = new Map<string, number>();
    for (const e of sim.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    // The history exercises what it claims to.
    for (const kind of ["order-placed", "order-edited", "order-refunded", "order-cancelled", "redemption", "expiry-run"]) expect(kinds.get(kind)).toBeGreaterThan(50);

    const oracle = runOracle(sim);
    const engine = runEngine(sim, { seed: 1 });
    expect(engine.balances).toEqual(oracle.balances);
    expect(engine.awardedByOrder).toEqual(oracle.awardedByOrder);
    expect([engine.redemptionsAccepted, engine.redemptionsRefused]).toEqual([oracle.redemptionsAccepted, oracle.redemptionsRefused]);
    const webhooks = sim.events.filter((e) => e.kind.startsWith("order-")).length;
    expect(engine.deliveries).toBeGreaterThan(2.5 * webhooks);
    expect(engine.duplicatesRefused).toBeGreaterThan(50);
    expect(engine.conflictsRetried).toBeGreaterThan(50);
    expect(engine.ambiguousTies).toBe(0);

    // The history also reached the rules that matter: pending points, expiry, refunds after spending.
    const entries = Object.values(oracle.ledgers).flat();
    const has = (kind: string, sign: number) => entries.some((e) => e.kind === kind && Math.sign(e.points) === sign);
    expect(has("expire", -1)).toBe(true);
    expect(has("adjust-order", -1)).toBe(true);
    expect(has("adjust-order", 1)).toBe(true);
    expect(oracle.redemptionsAccepted).toBeGreaterThan(100);
    expect(oracle.redemptionsRefused).toBeGreaterThan(10);
    for (const [customer, ledger] of Object.entries(oracle.ledgers)) {
      const b = oracle.balances[customer];
      expect(b.balance + b.pending).toBe(rebuildBalance(ledger).points);
    }
  });

  it("works in zero- and three-decimal shop currencies", () => {
    for (const currency of ["JPY", "KWD"]) {
      const sim = generateBusinessEvents({ seed: 99, events: 800, customers: 10, currency });
      expect(runEngine(sim, { seed: 3 }).balances).toEqual(runOracle(sim).balances);
    }
  });
});
