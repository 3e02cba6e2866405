/**
 * Maximum likelihood by BFGS (`bfgs.ts`: numeric.js's `uncmin`, finite-difference gradient) on log-parameters from
 * several starting points: the best start wins, and the fit counts as converged only when the
 * parameters are finite, the search stopped on a small step, and at least two starts agree on the
 * optimum (a lone optimum may be a ridge or an unfinished search).
 *
 * The search runs in time slices as a generator (`maximiseSteps`): `uncmin` resumes exactly from the
 * returned point and inverse Hessian, so a caller can pause between slices (the worker serves other
 * calls and checks cancellation there) without changing the result.
 */
import { uncmin, type UncminResult } from './bfgs';

export interface MleResult {
  /** Fitted parameters (positive, on the natural scale). */
  params: number[];
  /** Maximised log-likelihood. */
  ll: number;
  converged: boolean;
  /** How many starts reached the best log-likelihood (see `AGREE_PER_CUSTOMER`). */
  agreeing: number;
}

/** A fit that can pause: each `yield` is a point where a caller may wait or stop. */
export type Steps<T> = Generator<void, T, void>;

/** Iterations per start, in all. */
const MAX_ITER = 2000;
/**
 * Work between pauses, ms: short enough that other calls wait little, long enough that the
 * gradient each resumed slice recomputes costs little.
 */
const SLICE_MS = 150;
/**
 * A gradient (of the mean log-likelihood per customer, on log-parameters) this small counts as
 * flat: measured ~1e-8 at CDNOW's optimum, 0.3 where a start had stalled.
 */
const FLAT = 1e-6;
/** Restarts from the identity per start, at most. */
const MAX_RESTARTS = 20;
/** Stop when the BFGS step on the log-parameters is shorter than this. */
const TOL = 1e-9;
/**
 * The search stays inside e^±23 (1e-10 … 1e10): outside it the log-gamma differences lose all
 * precision and BFGS's long steps can land on spurious optima (seen: α = 5e-16, a = 8e22).
 */
const MAX_LOG = 23;
/**
 * Starts agree when their mean log-likelihood per customer differs by less than this (or the total
 * by less than 1e-3): on a flat ridge (a, b → ∞ with a/b fixed when no drop-out shows) starts stop
 * at different points with the same fit to 1e-5 nats per customer.
 */
const AGREE_PER_CUSTOMER = 1e-5;

/** Run a stepped computation to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Run a stepped computation, awaiting `pause` at every step: it may wait (so other messages are served) or throw to stop. */
export async function runStepsAsync<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}

/**
 * One start: BFGS in slices of about `SLICE_MS`. The slice ends from `uncmin`'s per-iteration
 * callback, between two iterations, and the next slice resumes from the returned point and inverse
 * Hessian, so the result does not depend on where the slices fall.
 */
function* search(f: (x: number[]) => number, x0: number[], sliceMs: number): Steps<{ x: number[]; fx: number; stopped: boolean } | null> {
  let x = x0;
  let hinv: number[][] | undefined;
  let used = 0;
  let restarts = 0;
  while (used < MAX_ITER) {
    const until = performance.now() + sliceMs;
    let r: UncminResult;
    try {
      // the callback runs before each iteration; never end a slice before its first iteration
      // (uncmin evaluates f and its gradient before that, which alone may take longer than a slice)
      r = uncmin(f, x, TOL, MAX_ITER - used, (it) => it > 0 && performance.now() > until, hinv);
    } catch {
      // f(x0) is not finite, or the finite-difference gradient failed: this start is lost
      return null;
    }
    used += r.iterations;
    // this BFGS (numeric.js's) keeps updating the inverse Hessian even when it stops being positive
    // definite, and then its line search fails away from the optimum: restart from the identity
    // (steepest descent) while the gradient is not yet flat. At the optimum the line search fails
    // too (finite-difference noise); the gradient is flat there and the search stops.
    if (r.message.startsWith('Line search') && restarts < MAX_RESTARTS && Math.max(...r.gradient.map(Math.abs)) > FLAT) {
      restarts++;
      x = r.solution;
      hinv = undefined;
      yield;
      continue;
    }
    if (r.message !== 'Callback returned true') {
      // '' or 'maxit …': out of iterations; otherwise a small step (converged) or a NaN gradient
      const stopped = r.message !== '' && !r.message.startsWith('maxit') && !r.message.includes('Infinity or NaN');
      return { x: r.solution, fx: r.f, stopped };
    }
    x = r.solution;
    hinv = r.invHessian;
    yield;
  }
  return { x, fx: f(x), stopped: false };
}

/**
 * Maximise `ll(params)` over positive parameters, as steps (see `runSteps`). `starts` are
 * natural-scale starting points. A non-finite log-likelihood counts as NaN, which the line search
 * steps back from. `weight` (the number of customers) scales the objective to a mean per customer,
 * so the stopping tolerance does not depend on the data size. `sliceMs`: work between steps.
 */
export function* maximiseSteps(
  ll: (params: number[]) => number,
  starts: readonly number[][],
  weight = 1,
  sliceMs = SLICE_MS,
): Steps<MleResult> {
  const f = (logp: number[]) => {
    if (logp.some((v) => !(Math.abs(v) <= MAX_LOG))) return NaN;
    const v = ll(logp.map(Math.exp)) / weight;
    return Number.isFinite(v) ? -v : NaN;
  };
  let best: { x: number[]; fx: number; stopped: boolean } | null = null;
  const optima: number[] = [];
  for (const s of starts) {
    const r = yield* search(f, s.map(Math.log), sliceMs);
    yield;
    if (!r || !Number.isFinite(r.fx)) continue;
    optima.push(-r.fx * weight);
    if (!best || r.fx < best.fx) best = r;
  }
  if (!best) return { params: [], ll: -Infinity, converged: false, agreeing: 0 };
  const llBest = -best.fx * weight;
  const agreeing = optima.filter((v) => Math.abs(v - llBest) < Math.max(1e-3, AGREE_PER_CUSTOMER * weight)).length;
  const params = best.x.map(Math.exp);
  const converged = best.stopped && params.every((p) => Number.isFinite(p) && p > 1e-8 && p < 1e8) && agreeing >= 2;
  return { params, ll: llBest, converged, agreeing };
}

/** `maximiseSteps` run to the end. */
export function maximise(ll: (params: number[]) => number, starts: readonly number[][], weight = 1): MleResult {
  return runSteps(maximiseSteps(ll, starts, weight));
}
