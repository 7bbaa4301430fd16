/**
 * Special functions needed by the probability models (BG/NBD, Gamma-Gamma).
 *
 * Hand-written rather than pulled from a package: they are small, and the models need to know how
 * accurate they are (the hypergeometric series reports non-convergence instead of returning a
 * silently wrong number).
 */

// Lanczos approximation, g = 7, n = 9 (the widely published coefficient set). Relative accuracy
// is about 1e-15 for positive arguments, far below what the likelihood fits can resolve.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Natural log of |Γ(x)|. Poles (0, −1, −2, …) give +Infinity. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in the region where it is accurate.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_G + 2; i++) sum += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Natural log of the Beta function B(a, b) for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** log(exp(x) + exp(y)) without overflow. */
export function logSumExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  const m = Math.max(x, y);
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

export class SeriesDidNotConvergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeriesDidNotConvergeError";
  }
}

export interface Hyp2f1Options {
  /** Stop once the estimated remaining tail is below this fraction of the partial sum. */
  relativeTolerance?: number;
  maxTerms?: number;
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series, for 0 ≤ |z| < 1.
 *
 * Convergence check: the ratio of consecutive terms is (a+n)(b+n)/((c+n)(n+1))·z, which tends to z.
 * Once that ratio is below 1 the remaining tail is bounded by a geometric series, so we stop when
 * |term|·ρ/(1−ρ) (with ρ the larger of the current ratio and |z|) is below the tolerance relative
 * to the sum. A term count cap turns the pathological cases (z → 1 with large parameters) into an
 * explicit error rather than a wrong answer.
 *
 * Terms of mixed sign lose precision to cancellation; for a, b, c > 0 and z ≥ 0 all terms are
 * positive and `logHyp2f1Positive` also avoids overflow.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const tolerance = options.relativeTolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 200_000;
  if (!(Math.abs(z) < 1)) {
    throw new RangeError(`hyp2f1: the series needs |z| < 1, got z = ${z}`);
  }
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`hyp2f1: c must not be zero or a negative integer, got c = ${c}`);
  }
  if (z === 0 || a === 0 || b === 0) return 1;

  let sum = 1;
  let term = 1;
  const absZ = Math.abs(z);
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    term *= ratio;
    sum += term;
    // A zero term means a or b is a non-positive integer: the series is a polynomial and has ended.
    if (term === 0) return sum;
    const nextRatio = Math.abs(((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2)) * z);
    const rho = Math.max(nextRatio, absZ);
    if (rho < 1 && Math.abs(term) * (rho / (1 - rho)) <= tolerance * Math.abs(sum)) {
      if (!Number.isFinite(sum)) break;
      return sum;
    }
  }
  throw new SeriesDidNotConvergeError(
    `hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge within ${maxTerms} terms`,
  );
}

/**
 * log ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, where every term of the series is positive: no
 * cancellation, so the relative error stays near machine precision however the terms grow. The
 * running sum is rescaled when it gets large, so results beyond the double range (heavy buyers over
 * long horizons in BG/NBD) are still exact in log form.
 *
 * (Euler's transformation would shrink the terms but gives parameters of mixed sign and can cancel
 * catastrophically, e.g. ₂F₁(0.05, 14.4; 5.3; 0.89), so we do not use it.)
 */
export function logHyp2f1Positive(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const tolerance = options.relativeTolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  if (!(a > 0 && b > 0 && c > 0)) throw new RangeError(`logHyp2f1Positive needs a, b, c > 0, got ${a}, ${b}, ${c}`);
  if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1Positive needs 0 ≤ z < 1, got z = ${z}`);
  if (z === 0) return 0;
  const RESCALE_ABOVE = 1e250;
  let logScale = 0;
  let sum = 1;
  let term = 1;
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (sum > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += Math.log(RESCALE_ABOVE);
    }
    const nextRatio = (((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z;
    const rho = Math.max(nextRatio, z);
    // Once the ratios are below 1 they only move towards z, so the tail is bounded geometrically.
    if (rho < 1 && term * (rho / (1 - rho)) <= tolerance * sum) return logScale + Math.log(sum);
  }
  throw new SeriesDidNotConvergeError(`logHyp2f1Positive(${a}, ${b}; ${c}; ${z}) did not converge within ${maxTerms} terms`);
}
