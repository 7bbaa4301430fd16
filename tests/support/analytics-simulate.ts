/**
 * Seeded simulators for the model tests: data drawn from a model with known parameters lets a test
 * check that the fit recovers them, which a hand-computed example cannot do.
 */
import type { BgNbdCustomer, BgNbdParameters } from "~/analytics/domain/bgnbd";
import type { GammaGammaParameters, SpendHistory } from "~/analytics/domain/gamma-gamma";

/** mulberry32: tiny, fast, good enough for test data; deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang, with the usual boost for shape < 1. */
export function sampleGamma(random: () => number, shape: number, rate: number): number {
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = random();
    return sampleGamma(random, shape + 1, rate) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(random);
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function sampleBeta(random: () => number, a: number, b: number): number {
  const x = sampleGamma(random, a, 1);
  const y = sampleGamma(random, b, 1);
  return x / (x + y);
}

/** Customers observed for T between minAge and maxAge time units after their first purchase. */
export function simulateBgNbd(
  params: BgNbdParameters,
  customers: number,
  seed: number,
  minAge = 26,
  maxAge = 52,
): BgNbdCustomer[] {
  const random = seededRandom(seed);
  const out: BgNbdCustomer[] = [];
  for (let i = 0; i < customers; i++) {
    const lambda = sampleGamma(random, params.r, params.alpha);
    const p = sampleBeta(random, params.a, params.b);
    const T = minAge + (maxAge - minAge) * random();
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - random()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (random() < p) break; // drops out right after this purchase
    }
    out.push({ frequency: x, recency: tx, age: T });
  }
  return out;
}

/** Repeat customers' mean spend: values ~ Gamma(p, ν), ν ~ Gamma(q, γ). */
export function simulateGammaGamma(params: GammaGammaParameters, customers: number, seed: number): SpendHistory[] {
  const random = seededRandom(seed);
  const out: SpendHistory[] = [];
  for (let i = 0; i < customers; i++) {
    const nu = sampleGamma(random, params.q, params.gamma);
    const x = 1 + Math.floor(random() * 8);
    let total = 0;
    for (let k = 0; k < x; k++) total += sampleGamma(random, params.p, nu);
    out.push({ frequency: x, monetaryValue: total / x });
  }
  return out;
}
