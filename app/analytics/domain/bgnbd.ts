/**
 * BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
 * Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2)).
 *
 * While alive, a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out
 * with probability p ~ Beta(a, b). Inputs per customer: x repeat purchases, recency t_x and age T in
 * one time unit (see rfm.ts). α is in that same time unit; r, a and b are unit-free.
 */
import { minimise } from "./optimise";
import { hyp2f1, logGamma, logHyp2f1Positive, logSumExp } from "./special-functions";

export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdCustomer {
  frequency: number;
  recency: number;
  age: number;
}

/** Log-likelihood of one customer's (x, t_x, T): equation (6) of the paper, in log form. */
export function bgNbdCustomerLogLikelihood(params: BgNbdParameters, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  // The second term only exists for customers who bought again (they may have died right after t_x).
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logSumExp(a3, a4);
}

interface DistinctHistories {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  customers: number;
}

// Customers with identical (x, t_x, T) contribute identical terms; with day-resolution data and
// a shared calibration end there are far fewer distinct triples than customers.
function distinctHistories(customers: readonly BgNbdCustomer[]): DistinctHistories {
  const counts = new Map<string, { x: number; tx: number; T: number; n: number }>();
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i];
    validateCustomer(c, i);
    const key = `${c.frequency}|${c.recency}|${c.age}`;
    const hit = counts.get(key);
    if (hit) hit.n++;
    else counts.set(key, { x: c.frequency, tx: c.recency, T: c.age, n: 1 });
  }
  const n = counts.size;
  const out: DistinctHistories = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    weight: new Float64Array(n),
    customers: customers.length,
  };
  let i = 0;
  for (const v of counts.values()) {
    out.x[i] = v.x;
    out.tx[i] = v.tx;
    out.T[i] = v.T;
    out.weight[i] = v.n;
    i++;
  }
  return out;
}

function validateCustomer(c: BgNbdCustomer, i: number): void {
  const ok =
    Number.isInteger(c.frequency) &&
    c.frequency >= 0 &&
    Number.isFinite(c.recency) &&
    Number.isFinite(c.age) &&
    c.recency >= 0 &&
    c.age >= c.recency &&
    (c.frequency > 0 || c.recency === 0);
  if (!ok) {
    throw new RangeError(
      `customer ${i}: needs integer frequency ≥ 0 and 0 ≤ recency ≤ age (recency 0 without repeat purchases), got ${JSON.stringify(c)}`,
    );
  }
}

/**
 * Σ weight × bgNbdCustomerLogLikelihood over the distinct histories. The log-gamma terms depend on x alone, of
 * which there are few, so each is computed once per x (the fit evaluates this thousands of times); every
 * history's term is the same sequence of operations as bgNbdCustomerLogLikelihood's, so the sum is too.
 */
function totalLogLikelihood(params: BgNbdParameters, h: DistinctHistories): number {
  const { r, alpha, a, b } = params;
  const lgR = logGamma(r);
  const rLogAlpha = r * Math.log(alpha);
  const lgAB = logGamma(a + b);
  const lgB = logGamma(b);
  const logA = Math.log(a);
  const heads = new Map<number, { head: number; dropout: number }>();
  let sum = 0;
  for (let i = 0; i < h.x.length; i++) {
    const x = h.x[i];
    let terms = heads.get(x);
    if (!terms) {
      const a1 = logGamma(r + x) - lgR + rLogAlpha;
      const a2 = lgAB + logGamma(b + x) - lgB - logGamma(a + b + x);
      terms = { head: a1 + a2, dropout: x > 0 ? logA - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY };
      heads.set(x, terms);
    }
    const a3 = -(r + x) * Math.log(alpha + h.T[i]);
    const a4 = x > 0 ? terms.dropout - (r + x) * Math.log(alpha + h.tx[i]) : Number.NEGATIVE_INFINITY;
    sum += h.weight[i] * (terms.head + logSumExp(a3, a4));
  }
  return sum;
}

export function bgNbdLogLikelihood(params: BgNbdParameters, customers: readonly BgNbdCustomer[]): number {
  return totalLogLikelihood(params, distinctHistories(customers));
}

export interface BgNbdFit {
  params: BgNbdParameters;
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

export interface BgNbdFitOptions {
  /** Start values; default r = α = a = b = 1. */
  start?: BgNbdParameters;
  tolerance?: number;
  maxIterations?: number;
}

/**
 * Maximum-likelihood fit. Parameters are optimised as logarithms so the optimiser works without
 * bounds and every trial point is a valid model; the objective is the mean negative log-likelihood
 * per customer so its scale (and the finite-difference steps) do not depend on the shop's size.
 */
export function fitBgNbd(customers: readonly BgNbdCustomer[], options: BgNbdFitOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new RangeError("fitBgNbd: no customers to fit");
  const h = distinctHistories(customers);
  if (!h.x.some((x) => x > 0)) {
    throw new RangeError("fitBgNbd: no customer made a repeat purchase, the model cannot be identified");
  }
  const start = options.start ?? { r: 1, alpha: 1, a: 1, b: 1 };
  const fromLog = (v: readonly number[]): BgNbdParameters => ({
    r: Math.exp(v[0]),
    alpha: Math.exp(v[1]),
    a: Math.exp(v[2]),
    b: Math.exp(v[3]),
  });
  const objective = (v: number[]) => -totalLogLikelihood(fromLog(v), h) / h.customers;
  const result = minimise(
    objective,
    [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)],
    { tolerance: options.tolerance ?? 1e-10, maxIterations: options.maxIterations ?? 2000 },
  );
  const params = fromLog(result.x);
  return {
    params,
    logLikelihood: totalLogLikelihood(params, h),
    customers: h.customers,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/**
 * ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z), the hypergeometric part of equations (9) and
 * (10), computed in log form: every series term is positive, so there is no cancellation, and heavy
 * buyers over long horizons cannot overflow.
 */
function hypergeometricPart(params: BgNbdParameters, x: number, z: number): number {
  const { r, a, b } = params;
  const c = a + b + x - 1;
  if (c > 0) return Math.exp((r + x) * Math.log1p(-z) + logHyp2f1Positive(r + x, b + x, c, z));
  // Only for x = 0 with a + b < 1: the plain series (first terms of mixed sign, but few of them).
  return Math.pow(1 - z, r + x) * hyp2f1(r + x, b + x, c, z);
}

// At a = 1 the closed forms are 0/0; the expectation is smooth in a, so we evaluate just either
// side and average (error O(h²), far below the parameters' own uncertainty).
const A_NEAR_ONE = 1e-6;

function smoothAcrossAEqualsOne(params: BgNbdParameters, f: (p: BgNbdParameters) => number): number {
  if (Math.abs(params.a - 1) >= A_NEAR_ONE) return f(params);
  return 0.5 * (f({ ...params, a: 1 + A_NEAR_ONE }) + f({ ...params, a: 1 - A_NEAR_ONE }));
}

function checkParams(params: BgNbdParameters): void {
  for (const [k, v] of Object.entries(params)) {
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`BG/NBD parameter ${k} must be positive and finite, got ${v}`);
  }
}

/** E[X(t)]: expected purchases in (0, t] of a customer just acquired (equation 9). */
export function expectedPurchasesForNewCustomer(params: BgNbdParameters, t: number): number {
  checkParams(params);
  if (!(t >= 0)) throw new RangeError(`t must be ≥ 0, got ${t}`);
  if (t === 0) return 0;
  return smoothAcrossAEqualsOne(params, (p) => {
    const z = t / (p.alpha + t);
    const hyper = hypergeometricPart(p, 0, z);
    return ((p.a + p.b - 1) / (p.a - 1)) * (1 - hyper);
  });
}

/** log of (a/(b+x−1))·((α+T)/(α+t_x))^(r+x): the odds that a repeat buyer has already dropped out. */
function logDropoutOdds(params: BgNbdParameters, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** P(alive | x, t_x, T). A customer with no repeat purchase cannot have dropped out yet (p = 1). */
export function probabilityAlive(params: BgNbdParameters, x: number, tx: number, T: number): number {
  checkParams(params);
  if (x === 0) return 1;
  return 1 / (1 + Math.exp(logDropoutOdds(params, x, tx, T)));
}

/**
 * E[Y(t) | x, t_x, T] (equation 10) for many customers with the same parameters and horizon: the numerator (a
 * hypergeometric series) depends on (x, T) only, so it is computed once per pair and the customer's t_x only
 * enters the cheap denominator. At a = 1 the closed form is 0/0 and both sides are averaged, as in
 * smoothAcrossAEqualsOne.
 */
export function expectedPurchasesScorer(params: BgNbdParameters, t: number): (x: number, tx: number, T: number) => number {
  checkParams(params);
  if (!(t >= 0)) throw new RangeError(`t must be ≥ 0, got ${t}`);
  const variants = Math.abs(params.a - 1) >= A_NEAR_ONE ? [params] : [{ ...params, a: 1 + A_NEAR_ONE }, { ...params, a: 1 - A_NEAR_ONE }];
  const numerators = variants.map(() => new Map<number, Map<number, number>>());
  const one = (k: number, x: number, tx: number, T: number): number => {
    const p = variants[k];
    let byT = numerators[k].get(x);
    if (!byT) numerators[k].set(x, (byT = new Map()));
    let numerator = byT.get(T);
    if (numerator === undefined) {
      const z = t / (p.alpha + T + t);
      const hyper = hypergeometricPart(p, x, z);
      numerator = ((p.a + p.b + x - 1) / (p.a - 1)) * (1 - hyper);
      byT.set(T, numerator);
    }
    const denominator = x > 0 ? 1 + Math.exp(logDropoutOdds(p, x, tx, T)) : 1;
    return numerator / denominator;
  };
  return (x, tx, T) => {
    if (t === 0) return 0;
    return variants.length === 1 ? one(0, x, tx, T) : 0.5 * (one(0, x, tx, T) + one(1, x, tx, T));
  };
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units (equation 10). */
export function conditionalExpectedPurchases(
  params: BgNbdParameters,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return expectedPurchasesScorer(params, t)(x, tx, T);
}
