/**
 * Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value
 * Curves for Customer Base Analysis", JMR 42(4); likelihood as in Fader & Hardie's note "The
 * Gamma-Gamma Model of Monetary Value").
 *
 * A customer's purchase values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers. Fitted on
 * repeat customers only (x ≥ 1) using their mean repeat purchase value m̄. γ is in the money unit of
 * m̄ (fit in currency units and γ is in currency units); p and q are unit-free.
 *
 * The model assumes spend is independent of purchase frequency; check that on the shop's data
 * before trusting its CLV (the correlation between x and m̄ should be small).
 */
import type { BgNbdParameters } from "./bgnbd";
import { conditionalExpectedPurchases } from "./bgnbd";
import { minimise } from "./optimise";
import { logGamma } from "./special-functions";

export interface GammaGammaParameters {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendHistory {
  /** Number of repeat purchases (x ≥ 1). */
  frequency: number;
  /** Mean value of those repeat purchases (> 0). */
  monetaryValue: number;
}

/** log f(m̄ | p, q, γ; x): density of a customer's mean spend over x purchases. */
export function gammaGammaCustomerLogLikelihood(params: GammaGammaParameters, x: number, m: number): number {
  const { p, q, gamma } = params;
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + m * x)
  );
}

/**
 * Σ gammaGammaCustomerLogLikelihood. Its log-gamma terms depend on x alone, of which there are few, so each is
 * computed once per x (the fit evaluates this thousands of times); each customer's term is the same sequence
 * of operations as gammaGammaCustomerLogLikelihood's.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParameters, customers: readonly SpendHistory[]): number {
  const { p, q, gamma } = params;
  const lgQ = logGamma(q);
  const qLogGamma = q * Math.log(gamma);
  const heads = new Map<number, number>();
  let sum = 0;
  for (const c of customers) {
    const x = c.frequency;
    const m = c.monetaryValue;
    let head = heads.get(x);
    if (head === undefined) {
      head = logGamma(p * x + q) - logGamma(p * x) - lgQ + qLogGamma;
      heads.set(x, head);
    }
    sum += head + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + m * x);
  }
  return sum;
}

export interface GammaGammaFit {
  params: GammaGammaParameters;
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

/**
 * Maximum-likelihood fit on customers with at least one repeat purchase and a positive mean spend.
 * Anyone else must be filtered out by the caller (the density is not defined for them), so we
 * reject them loudly instead of silently dropping them.
 */
export function fitGammaGamma(
  customers: readonly SpendHistory[],
  options: { start?: GammaGammaParameters; tolerance?: number; maxIterations?: number } = {},
): GammaGammaFit {
  if (customers.length === 0) throw new RangeError("fitGammaGamma: no repeat customers to fit");
  customers.forEach((c, i) => {
    if (!(Number.isInteger(c.frequency) && c.frequency >= 1 && c.monetaryValue > 0 && Number.isFinite(c.monetaryValue))) {
      throw new RangeError(`fitGammaGamma: customer ${i} needs frequency ≥ 1 and a positive mean spend, got ${JSON.stringify(c)}`);
    }
  });
  // Start γ near the typical spend so the first steps are in a sensible region whatever the currency.
  const meanSpend = customers.reduce((s, c) => s + c.monetaryValue, 0) / customers.length;
  const start = options.start ?? { p: 1, q: 1, gamma: meanSpend };
  const fromLog = (v: readonly number[]): GammaGammaParameters => ({
    p: Math.exp(v[0]),
    q: Math.exp(v[1]),
    gamma: Math.exp(v[2]),
  });
  const objective = (v: number[]) => -gammaGammaLogLikelihood(fromLog(v), customers) / customers.length;
  const result = minimise(objective, [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)], {
    tolerance: options.tolerance ?? 1e-10,
    maxIterations: options.maxIterations ?? 2000,
  });
  const params = fromLog(result.x);
  return {
    params,
    logLikelihood: gammaGammaLogLikelihood(params, customers),
    customers: customers.length,
    iterations: result.iterations,
    converged: result.converged,
  };
}

export type ExpectedSpend = { value: number; reason?: undefined } | { value: null; reason: string };

/**
 * E[M | p, q, γ, m̄, x]: expected value of a customer's future purchases, a weighted mix of the
 * population mean pγ/(q−1) and the customer's own mean. Customers without repeat purchases get the
 * population mean. Undefined for q ≤ 1 (the population mean is infinite).
 */
export function conditionalExpectedAverageSpend(
  params: GammaGammaParameters,
  frequency: number,
  monetaryValue: number | null,
): ExpectedSpend {
  const { p, q, gamma } = params;
  if (!(q > 1)) return { value: null, reason: "q ≤ 1: the fitted spend distribution has no finite mean" };
  if (frequency === 0 || monetaryValue === null) return { value: (p * gamma) / (q - 1) };
  return { value: (p * (gamma + frequency * monetaryValue)) / (p * frequency + q - 1) };
}

export interface CustomerLifetimeValueInput {
  bgnbd: BgNbdParameters;
  gammaGamma: GammaGammaParameters;
  frequency: number;
  recency: number;
  age: number;
  monetaryValue: number | null;
  /** Forecast horizon, in the BG/NBD time unit. */
  horizon: number;
  /** Discount rate per step (e.g. monthly rate with monthly steps). 0 = undiscounted. */
  discountRatePerStep?: number;
  /** Number of equal steps the horizon is split into for discounting. Default 1 when undiscounted. */
  steps?: number;
}

/**
 * CLV over a horizon = expected purchases × expected spend per purchase. With a discount rate the
 * horizon is cut into equal steps and the purchases expected in step k are discounted by (1+d)^k,
 * which is how the `lifetimes` package discounts; an undiscounted value is simply E[Y(h)]·E[M].
 */
export function predictiveCustomerLifetimeValue(input: CustomerLifetimeValueInput): ExpectedSpend {
  const spend = conditionalExpectedAverageSpend(input.gammaGamma, input.frequency, input.monetaryValue);
  if (spend.value === null) return spend;
  const d = input.discountRatePerStep ?? 0;
  if (!(d >= 0)) throw new RangeError(`discount rate must be ≥ 0, got ${d}`);
  const steps = input.steps ?? (d === 0 ? 1 : 12);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const expected = (t: number) =>
    conditionalExpectedPurchases(input.bgnbd, t, input.frequency, input.recency, input.age);
  let value = 0;
  let previous = 0;
  for (let k = 1; k <= steps; k++) {
    const cumulative = expected((input.horizon * k) / steps);
    value += (cumulative - previous) / Math.pow(1 + d, k);
    previous = cumulative;
  }
  return { value: value * spend.value };
}
