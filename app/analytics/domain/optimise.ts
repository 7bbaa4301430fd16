/**
 * Thin adapter around the numerical optimiser so the models do not depend on its API.
 *
 * We use `numeric`'s `uncmin` (BFGS quasi-Newton with an Armijo back-tracking line search and
 * finite-difference gradients). See docs/decisions/003-clv-models.md for why this package.
 * Swapping the optimiser means changing only this file.
 */
import numeric from "numeric";

export interface MinimiseOptions {
  /** Stop when the quasi-Newton step is shorter than this (in the parameter space used). */
  tolerance?: number;
  maxIterations?: number;
}

export interface MinimiseResult {
  x: number[];
  value: number;
  iterations: number;
  /** True when the optimiser stopped because its step became negligible, not because of a limit. */
  converged: boolean;
  message: string;
}

/**
 * Minimise an unconstrained function of a vector. The objective may return NaN or Infinity for
 * unreachable points: the line search treats those as "too far" and backs off.
 */
export function minimise(
  objective: (x: number[]) => number,
  start: readonly number[],
  options: MinimiseOptions = {},
): MinimiseResult {
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 1000;
  const initial = objective([...start]);
  if (!Number.isFinite(initial)) {
    throw new RangeError(`minimise: the objective is not finite at the start point (${start.join(", ")})`);
  }
  // numeric's finite differences misbehave when the objective returns Infinity (it then produces
  // NaN gradients and stops); mapping non-finite values to a huge finite penalty keeps them usable.
  const guarded = (x: number[]): number => {
    const v = objective(x);
    return Number.isFinite(v) ? v : 1e300;
  };
  const result = numeric.uncmin(guarded, [...start], tolerance, undefined, maxIterations);
  const message = String(result.message ?? "");
  const converged =
    message === "Newton step smaller than tol" || message === "Line search step size smaller than tol";
  return {
    x: Array.from(result.solution as number[]),
    value: Number(result.f),
    iterations: Number(result.iterations),
    converged,
    message,
  };
}
