import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, type BgNbdParameters } from "./bgnbd";
import {
  conditionalExpectedAverageSpend,
  fitGammaGamma,
  gammaGammaCustomerLogLikelihood,
  gammaGammaLogLikelihood,
  predictiveCustomerLifetimeValue,
  type GammaGammaParameters,
} from "./gamma-gamma";
import { simulateGammaGamma } from "../../../tests/support/analytics-simulate";

const spend: GammaGammaParameters = { p: 6.25, q: 3.74, gamma: 15.44 };
const purchases: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("Gamma-Gamma density", () => {
  it("integrates to 1 over the mean spend, for several purchase counts", () => {
    for (const x of [1, 2, 7]) {
      // integrate in log m so the long right tail is covered with few points
      let total = 0;
      const lo = Math.log(1e-3);
      const hi = Math.log(1e5);
      const steps = 20_000;
      const h = (hi - lo) / steps;
      for (let i = 0; i <= steps; i++) {
        const u = lo + i * h;
        const m = Math.exp(u);
        const weight = i === 0 || i === steps ? 0.5 : 1;
        total += weight * Math.exp(gammaGammaCustomerLogLikelihood(spend, x, m)) * m * h;
      }
      expect(total).toBeCloseTo(1, 5);
    }
  });
});

describe("Gamma-Gamma fit", () => {
  it("recovers the parameters of simulated spend", () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const customers = simulateGammaGamma(truth, 3000, 1);
    const fit = fitGammaGamma(customers);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, customers));
    expect(fit.params.p / truth.p).toBeGreaterThan(0.85);
    expect(fit.params.p / truth.p).toBeLessThan(1.15);
    expect(fit.params.q / truth.q).toBeGreaterThan(0.85);
    expect(fit.params.q / truth.q).toBeLessThan(1.15);
    expect(fit.params.gamma / truth.gamma).toBeGreaterThan(0.8);
    expect(fit.params.gamma / truth.gamma).toBeLessThan(1.25);
  });

  it("gives the same p and q whatever the money unit, with γ scaled", () => {
    const customers = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, 800, 2);
    const inCents = customers.map((c) => ({ ...c, monetaryValue: c.monetaryValue * 100 }));
    const a = fitGammaGamma(customers).params;
    const b = fitGammaGamma(inCents).params;
    expect(b.p).toBeCloseTo(a.p, 3);
    expect(b.q).toBeCloseTo(a.q, 3);
    expect(b.gamma / 100).toBeCloseTo(a.gamma, 2);
  });

  it("rejects customers the model cannot describe", () => {
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 10 }])).toThrow(RangeError);
    expect(() => fitGammaGamma([{ frequency: 2, monetaryValue: 0 }])).toThrow(RangeError);
    expect(() => fitGammaGamma([])).toThrow(RangeError);
  });
});

describe("expected spend and CLV", () => {
  it("shrinks a customer's own mean towards the population mean", () => {
    const population = (spend.p * spend.gamma) / (spend.q - 1);
    expect(conditionalExpectedAverageSpend(spend, 0, null).value).toBeCloseTo(population, 12);
    const few = conditionalExpectedAverageSpend(spend, 1, 100).value as number;
    const many = conditionalExpectedAverageSpend(spend, 50, 100).value as number;
    expect(few).toBeGreaterThan(population);
    expect(few).toBeLessThan(many);
    expect(many).toBeLessThan(100);
    expect(conditionalExpectedAverageSpend({ ...spend, q: 0.9 }, 2, 10)).toEqual({
      value: null,
      reason: expect.stringContaining("q ≤ 1"),
    });
  });

  it("undiscounted CLV is expected purchases × expected spend; discounting lowers it", () => {
    const customer = { frequency: 2, recency: 30.43, age: 38.86, monetaryValue: 35 };
    const base = { bgnbd: purchases, gammaGamma: spend, ...customer, horizon: 52 };
    const plain = predictiveCustomerLifetimeValue(base).value as number;
    const expected =
      conditionalExpectedPurchases(purchases, 52, 2, 30.43, 38.86) *
      (conditionalExpectedAverageSpend(spend, 2, 35).value as number);
    expect(plain).toBeCloseTo(expected, 10);
    const split = predictiveCustomerLifetimeValue({ ...base, steps: 12 }).value as number;
    expect(split).toBeCloseTo(plain, 10);
    const discounted = predictiveCustomerLifetimeValue({ ...base, discountRatePerStep: 0.01, steps: 12 }).value as number;
    expect(discounted).toBeLessThan(plain);
    expect(discounted).toBeGreaterThan(plain / 1.01 ** 12);
  });
});

describe("gammaGammaLogLikelihood", () => {
  it("sums exactly what gammaGammaCustomerLogLikelihood gives each customer (log-gamma terms shared per x)", () => {
    let seed = 5;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const customers = Array.from({ length: 300 }, () => ({ frequency: 1 + Math.floor(random() * 9), monetaryValue: 1 + random() * 200 }));
    for (const params of [spend, { p: 0.8, q: 1.3, gamma: 2 }]) {
      let expected = 0;
      for (const c of customers) expected += gammaGammaCustomerLogLikelihood(params, c.frequency, c.monetaryValue);
      expect(gammaGammaLogLikelihood(params, customers)).toBe(expected);
    }
  });
});
