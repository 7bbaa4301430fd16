import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hyp2f1, logBeta, logGamma, logHyp2f1Positive, logSumExp, SeriesDidNotConvergeError } from "./special-functions";

describe("logGamma", () => {
  it("matches factorials and known constants", () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 13);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 10);
    // Γ(−0.5) = −2√π, so log|Γ(−0.5)| = log(2√π)
    expect(logGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-3)).toBe(Number.POSITIVE_INFINITY);
  });

  it("satisfies Γ(x+1) = xΓ(x)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 500, noNaN: true }), (x) => {
        expect(logGamma(x + 1)).toBeCloseTo(Math.log(x) + logGamma(x), 9);
      }),
    );
  });

  it("logBeta(1, b) = −log b", () => {
    expect(logBeta(1, 4)).toBeCloseTo(-Math.log(4), 13);
  });
});

describe("logSumExp", () => {
  it("does not overflow and handles −∞", () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
  });
});

describe("hyp2f1", () => {
  it("matches closed forms", () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 11);
      expect(hyp2f1(2.5, 1.7, 1.7, z)).toBeCloseTo(Math.pow(1 - z, -2.5), 8);
    }
    for (const x of [0.2, 0.7]) {
      expect(hyp2f1(0.5, 0.5, 1.5, x * x)).toBeCloseTo(Math.asin(x) / x, 13);
    }
    expect(hyp2f1(1, 1, 2, -0.5)).toBeCloseTo(Math.log(1.5) / 0.5, 13);
  });

  it("terminates for a non-positive integer parameter (polynomial case)", () => {
    const b = 1.3;
    const c = 2.2;
    const z = 0.4;
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 14);
  });

  it("agrees with Euler's transformation where both series have positive terms", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (a, b, extra, z) => {
          const c = Math.max(a, b) + extra;
          const direct = hyp2f1(a, b, c, z);
          const euler = Math.pow(1 - z, c - a - b) * hyp2f1(c - a, c - b, c, z);
          expect(Math.abs(direct - euler)).toBeLessThanOrEqual(1e-10 * Math.abs(direct));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses |z| ≥ 1 and reports non-convergence instead of a wrong value", () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 0, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, 0.999, { maxTerms: 50 })).toThrow(SeriesDidNotConvergeError);
  });
});

describe("logHyp2f1Positive", () => {
  it("matches the plain series and closed forms, including values beyond the double range", () => {
    expect(logHyp2f1Positive(1, 1, 2, 0.5)).toBeCloseTo(Math.log(-Math.log(0.5) / 0.5), 14);
    expect(logHyp2f1Positive(0.05, 14.4, 5.3, 0.894)).toBeCloseTo(Math.log(hyp2f1(0.05, 14.4, 5.3, 0.894)), 12);
    // ₂F₁(a, b; b; z) = (1−z)^(−a): with a = 400, z = 0.9 that is 10^400
    expect(logHyp2f1Positive(400, 3, 3, 0.9)).toBeCloseTo(400 * Math.log(10), 8);
    expect(logHyp2f1Positive(2, 3, 4, 0)).toBe(0);
  });

  it("refuses arguments outside its domain", () => {
    expect(() => logHyp2f1Positive(-1, 1, 1, 0.5)).toThrow(RangeError);
    expect(() => logHyp2f1Positive(1, 1, 1, 1)).toThrow(RangeError);
  });
});
