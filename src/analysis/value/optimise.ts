/// <reference path="./fmin.d.ts" />
/**
 * Maximum likelihood by Nelder–Mead (`fmin`) on log-parameters from several starting points: the
 * best start wins, and the fit counts as converged only when the parameters are finite and at
 * least two starts agree on the optimum (a lone optimum may be a ridge or an unfinished search).
 */
import { nelderMead } from 'fmin';

export interface MleResult {
  /** Fitted parameters (positive, on the natural scale). */
  params: number[];
  /** Maximised log-likelihood. */
  ll: number;
  converged: boolean;
  /** How many starts reached the best log-likelihood (within 1e-3). */
  agreeing: number;
}

const MAX_ITER = 4000;

/**
 * Maximise `ll(params)` over positive parameters. `starts` are natural-scale starting points.
 * A non-finite log-likelihood counts as -Infinity, so the simplex walks away from it. `weight`
 * (the number of customers) scales the objective to a mean per customer.
 */
export function maximise(ll: (params: number[]) => number, starts: readonly number[][], weight = 1): MleResult {
  let best: { x: number[]; fx: number } | null = null;
  const optima: number[] = [];
  for (const s of starts) {
    // the mean log-likelihood per customer, so the stopping tolerance does not depend on the data size
    const f = (logp: number[]) => {
      const v = ll(logp.map(Math.exp)) / weight;
      return Number.isFinite(v) ? -v : Number.MAX_VALUE;
    };
    const r = nelderMead(f, s.map(Math.log), { maxIterations: MAX_ITER, minErrorDelta: 1e-9 });
    if (!Number.isFinite(r.fx) || r.fx === Number.MAX_VALUE) continue;
    optima.push(-r.fx * weight);
    if (!best || r.fx < best.fx) best = { x: [...r.x], fx: r.fx };
  }
  if (!best) return { params: [], ll: -Infinity, converged: false, agreeing: 0 };
  const llBest = -best.fx * weight;
  const agreeing = optima.filter((v) => Math.abs(v - llBest) < Math.max(1e-3, 1e-7 * Math.abs(llBest))).length;
  const params = best.x.map(Math.exp);
  const converged = params.every((p) => Number.isFinite(p) && p > 1e-8 && p < 1e8) && agreeing >= 2;
  return { params, ll: llBest, converged, agreeing };
}
