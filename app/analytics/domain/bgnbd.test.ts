import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bgNbdCustomerLogLikelihood,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesScorer,
  expectedPurchasesForNewCustomer,
  fitBgNbd,
  probabilityAlive,
  type BgNbdParameters,
} from "./bgnbd";
import { hyp2f1, logBeta, logGamma } from "./special-functions";
import { sampleBeta, sampleGamma, seededRandom, simulateBgNbd } from "../../../tests/support/analytics-simulate";

const cdnow: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("BG/NBD log-likelihood", () => {
  it("equals the paper's equation (6) written with Beta and Gamma functions", () => {
    const { r, alpha, a, b } = cdnow;
    const x = 3;
    const tx = 20;
    const T = 35;
    const common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    const survived = Math.exp(logBeta(a, b + x) - logBeta(a, b) + common - (r + x) * Math.log(alpha + T));
    const died = Math.exp(logBeta(a + 1, b + x - 1) - logBeta(a, b) + common - (r + x) * Math.log(alpha + tx));
    expect(bgNbdCustomerLogLikelihood(cdnow, x, tx, T)).toBeCloseTo(Math.log(survived + died), 12);
  });

  it("has no dropout term for customers without repeat purchases", () => {
    const { r, alpha } = cdnow;
    // x = 0: L = (α/(α+T))^r, the Gamma-Poisson zero probability
    expect(bgNbdCustomerLogLikelihood(cdnow, 0, 0, 30)).toBeCloseTo(r * Math.log(alpha / (alpha + 30)), 12);
  });

  it("rejects impossible histories", () => {
    expect(() => bgNbdLogLikelihood(cdnow, [{ frequency: 1, recency: 5, age: 4 }])).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(cdnow, [{ frequency: 0, recency: 2, age: 4 }])).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(cdnow, [{ frequency: 1.5, recency: 2, age: 4 }])).toThrow(RangeError);
  });
});

describe("BG/NBD fit", () => {
  it("recovers the parameters of simulated customers", () => {
    const truth = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const customers = simulateBgNbd(truth, 3000, 1);
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(truth, customers));
    expect(fit.params.r / truth.r).toBeGreaterThan(0.9);
    expect(fit.params.r / truth.r).toBeLessThan(1.1);
    expect(fit.params.alpha / truth.alpha).toBeGreaterThan(0.85);
    expect(fit.params.alpha / truth.alpha).toBeLessThan(1.15);
    // a and b are weakly identified with one cohort: only the order of magnitude is checked
    expect(fit.params.a / truth.a).toBeGreaterThan(0.7);
    expect(fit.params.a / truth.a).toBeLessThan(1.4);
    expect(fit.params.b / truth.b).toBeGreaterThan(0.7);
    expect(fit.params.b / truth.b).toBeLessThan(1.4);
  });

  it("refuses data without any repeat purchase", () => {
    expect(() => fitBgNbd([{ frequency: 0, recency: 0, age: 10 }])).toThrow(/repeat purchase/);
    expect(() => fitBgNbd([])).toThrow(/no customers/);
  });
});

describe("BG/NBD predictions", () => {
  it("P(alive) is 1 without repeat purchases and falls as the last purchase ages", () => {
    expect(probabilityAlive(cdnow, 0, 0, 38)).toBe(1);
    const recent = probabilityAlive(cdnow, 4, 37, 38);
    const old = probabilityAlive(cdnow, 4, 10, 38);
    expect(recent).toBeGreaterThan(old);
    expect(old).toBeGreaterThan(0);
    expect(recent).toBeLessThan(1);
  });

  it("conditional expectation for a brand-new customer equals E[X(t)]", () => {
    for (const t of [1, 10, 39, 200]) {
      expect(conditionalExpectedPurchases(cdnow, t, 0, 0, 0)).toBeCloseTo(expectedPurchasesForNewCustomer(cdnow, t), 12);
    }
    expect(expectedPurchasesForNewCustomer(cdnow, 0)).toBe(0);
  });

  it("matches equation (10) written out with the plain hypergeometric series", () => {
    const { r, alpha, a, b } = cdnow;
    const [x, tx, T, t] = [5, 25, 38, 39];
    const z = t / (alpha + T + t);
    const hyper = Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
    const direct =
      (((a + b + x - 1) / (a - 1)) * (1 - hyper)) /
      (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
    expect(conditionalExpectedPurchases(cdnow, t, x, tx, T)).toBeCloseTo(direct, 10);
  });

  it("stays finite and sensible for heavy buyers and long horizons", () => {
    const heavy = conditionalExpectedPurchases(cdnow, 520, 150, 38, 38.5);
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(10);
    const lapsed = conditionalExpectedPurchases(cdnow, 39, 150, 1, 38.5);
    expect(lapsed).toBeGreaterThanOrEqual(0);
    expect(lapsed).toBeLessThan(1e-6);
  });

  it("E[X(t)] agrees with a simulation of the model", () => {
    const p = { r: 0.4, alpha: 3, a: 0.3, b: 0.5 }; // a + b < 1 on purpose: the least usual branch
    const random = seededRandom(11);
    const customers = 40_000;
    const t = 20;
    let purchases = 0;
    for (let i = 0; i < customers; i++) {
      const lambda = sampleGamma(random, p.r, p.alpha);
      const dropout = sampleBeta(random, p.a, p.b);
      for (let clock = 0; ; ) {
        clock += -Math.log(1 - random()) / lambda;
        if (clock > t) break;
        purchases++;
        if (random() < dropout) break;
      }
    }
    expect(purchases / customers / expectedPurchasesForNewCustomer(p, t)).toBeCloseTo(1, 1);
  });

  it("handles a + b < 1 (hypergeometric c ≤ 0 for customers without repeat purchases)", () => {
    const p = { r: 0.4, alpha: 3, a: 0.3, b: 0.5 };
    const newcomer = expectedPurchasesForNewCustomer(p, 20);
    expect(Number.isFinite(newcomer)).toBe(true);
    expect(newcomer).toBeGreaterThan(0);
    expect(conditionalExpectedPurchases(p, 20, 0, 0, 0)).toBeCloseTo(newcomer, 12);
    expect(conditionalExpectedPurchases(p, 20, 3, 10, 15)).toBeGreaterThan(0);
  });

  it("is continuous across a = 1, where the closed form is 0/0", () => {
    const at = (a: number) => conditionalExpectedPurchases({ ...cdnow, a }, 39, 2, 30, 38);
    expect(Number.isFinite(at(1))).toBe(true);
    expect(at(1)).toBeCloseTo((at(1 - 1e-3) + at(1 + 1e-3)) / 2, 5);
  });

  it("grows with the horizon and never goes negative", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (x, recencyShare, T, t) => {
          const tx = x === 0 ? 0 : recencyShare * T;
          const shorter = conditionalExpectedPurchases(cdnow, t, x, tx, T);
          const longer = conditionalExpectedPurchases(cdnow, t * 1.5, x, tx, T);
          expect(shorter).toBeGreaterThanOrEqual(0);
          expect(longer).toBeGreaterThanOrEqual(shorter - 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("expectedPurchasesScorer", () => {
  it("gives each customer what a scorer made for that customer alone gives (the cache changes nothing), a = 1 included", () => {
    let seed = 17;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const params of [{ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { r: 1.2, alpha: 30, a: 1, b: 5 }, { r: 0.5, alpha: 2, a: 3.5, b: 0.7 }]) {
      const score = expectedPurchasesScorer(params, 52);
      for (let i = 0; i < 400; i++) {
        const T = Math.floor(random() * 160) / 7;
        const x = Math.floor(random() * 12);
        const tx = x === 0 ? 0 : Math.floor(random() * T * 7) / 7;
        expect(score(x, tx, T)).toBe(expectedPurchasesScorer(params, 52)(x, tx, T));
        expect(score(x, tx, T)).toBe(conditionalExpectedPurchases(params, 52, x, tx, T));
      }
    }
    expect(expectedPurchasesScorer({ r: 1, alpha: 1, a: 2, b: 2 }, 0)(3, 1, 2)).toBe(0);
  });
});

describe("bgNbdLogLikelihood", () => {
  it("is the weighted sum of bgNbdCustomerLogLikelihood over distinct histories, each term computed the same way", () => {
    let seed = 9;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    // Distinct histories only, so the grouping adds nothing and the sums are taken in the same order.
    const customers = Array.from({ length: 400 }, (_, i) => {
      const age = 1 + i / 7;
      const frequency = Math.floor(random() * 8);
      return { frequency, recency: frequency === 0 ? 0 : Math.floor(random() * age * 7) / 7, age };
    });
    for (const params of [cdnow, { r: 1.5, alpha: 20, a: 1.2, b: 0.9 }]) {
      let expected = 0;
      for (const c of customers) expected += 1 * bgNbdCustomerLogLikelihood(params, c.frequency, c.recency, c.age);
      expect(bgNbdLogLikelihood(params, customers)).toBe(expected);
    }
  });
});
