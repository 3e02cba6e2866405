/// <reference path="./fmin.d.ts" />
/**
 * Maximum likelihood with `fmin` (npm) on log-parameters from several starting points: the best
 * start wins, and the fit counts as converged only when the parameters are finite, the gradient at
 * the optimum is flat, and at least two starts agree on the optimum (a lone optimum may be a ridge
 * or an unfinished search).
 *
 * The search runs in chunks of a fixed number of iterations as a generator (`maximiseSteps`): each
 * chunk restarts fmin from the point the last one reached, so where the chunks fall does not depend
 * on time, and a caller may pause between chunks (the worker serves other calls and checks
 * cancellation there) without changing the result.
 */
import { nelderMead } from 'fmin/index.js';

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
const MAX_ITER = 4000;
/** Nelder–Mead iterations per chunk on small data (see `chunkFor`). */
export const CHUNK = 100;
/**
 * Rows (distinct summaries) × iterations per chunk: an evaluation costs ~20 ns per row, so a chunk
 * stays near 75 ms of work unloaded whatever the data size. At 100 iterations on ~75,000 summaries (a
 * 100,000-customer fit sample in weeks) a chunk was ~150 ms unloaded and seconds on a loaded
 * machine, which the worker spent deaf to other calls (2.3–2.9 s measured in the tab). Measured on
 * 63,889 simulated summaries: 50 iterations per chunk cost 3.46 s of CPU against 3.23 s at 100 (31:
 * 5.8 s, each chunk restarts the simplex), with the same fit to 1e-5.
 */
const CHUNK_ROWS = 3_200_000;
/** Fewest iterations per chunk: each chunk restarts the simplex, so very short chunks converge slowly. */
const MIN_CHUNK = 20;

/**
 * Iterations per chunk for an objective over `rows` rows: `CHUNK` up to 20,000 rows (CDNOW and
 * other small data fit exactly as before), fewer above. Depends on the data only, never on time, so
 * a fit is reproducible.
 */
export function chunkFor(rows: number): number {
  return Math.max(MIN_CHUNK, Math.min(CHUNK, Math.round(CHUNK_ROWS / Math.max(rows, 1))));
}
/** Work between pauses, ms: chunks are short on small data, so pause only once this much work has run. */
const SLICE_MS = 40;
/** The first simplex's edge on each log-parameter (±10 %); a restart that does not improve tries a tenth of that. */
const STEP = 0.1;
/** A simplex this small that no longer gains counts as stopped at the optimum. */
const MIN_STEP = 1e-7;
/** A chunk that gains less than this (per customer) is not progress: the next simplex is a tenth the size. */
const MIN_GAIN = 1e-10;
/** fmin's simplex edge: x0 · (NON_ZERO_DELTA − 1) (see `simplexAt`). */
const NON_ZERO_DELTA = 1.05;
/** Stop a chunk when the simplex's values differ by less than this (per customer; fmin uses it for the edge too). */
const MIN_DELTA = 1e-12;
/**
 * A gradient (of the mean log-likelihood per customer, on log-parameters, central differences)
 * this small counts as flat: measured ~1e-7 at CDNOW's optimum.
 */
const FLAT = 1e-5;
/** Central-difference step on the log-parameters. */
const H = 1e-5;
/**
 * The search stays inside e^±23 (1e-10 … 1e10): outside it the log-gamma differences lose all
 * precision and long steps can land on spurious optima (seen: α = 5e-16, a = 8e22).
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

/** Central-difference gradient of `f` at `x`; a side that is not finite counts as not flat. */
function gradientNorm(f: (x: number[]) => number, x: readonly number[]): number {
  const y = x.slice();
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    y[i] = x[i]! + H;
    const up = f(y);
    y[i] = x[i]! - H;
    const down = f(y);
    y[i] = x[i]!;
    const d = (up - down) / (2 * H);
    s += Number.isFinite(d) ? d * d : Infinity;
  }
  return Math.sqrt(s);
}

/**
 * Nelder–Mead from `centre` with a simplex of edge `step` on every coordinate. fmin builds its
 * first simplex as x0 and x0 with one coordinate times `nonZeroDelta`, so the search runs on
 * z = 1 + (x − centre)·(NON_ZERO_DELTA − 1)/step, where z0 = 1 gives exactly that edge.
 * `sigma: 1`: fmin 0.0.4's shrink step assigns an undeclared loop variable, which throws in an ES
 * module; with sigma ≥ 1 fmin stops where it would shrink, and the caller restarts smaller instead.
 */
function simplexAt(f: (x: number[]) => number, centre: readonly number[], step: number, chunk: number): { x: number[]; fx: number } {
  const k = step / (NON_ZERO_DELTA - 1);
  const toX = (z: readonly number[]) => centre.map((c, i) => c + (z[i]! - 1) * k);
  const r = nelderMead(
    (z) => f(toX(z)),
    centre.map(() => 1),
    {
      maxIterations: chunk,
      minErrorDelta: MIN_DELTA,
      nonZeroDelta: NON_ZERO_DELTA,
      sigma: 1,
    },
  );
  return { x: toX(r.x), fx: r.fx };
}

type Found = { x: number[]; fx: number; flat: boolean };

/**
 * One start, in chunks of `chunk` Nelder–Mead iterations, each restarted at the best point so far;
 * yields after a chunk once `sliceMs` of work has run. A chunk that does not gain restarts with a
 * simplex a tenth the size. Stops (`flat`) when the gradient is flat or the simplex is below
 * `MIN_STEP`; unfinished after `MAX_ITER` iterations. `f` is the objective (+∞ where the likelihood
 * is not finite).
 */
function* search(f: (x: number[]) => number, x0: number[], sliceMs: number, chunk: number): Steps<Found | null> {
  let x = x0;
  let fx = f(x0);
  if (!Number.isFinite(fx)) return null;
  let step = STEP;
  let until = performance.now() + sliceMs;
  for (let used = 0; used < MAX_ITER; used += chunk) {
    const r = simplexAt(f, x, step, chunk);
    // a chunk that gains less than `MIN_GAIN` keeps its point but shrinks the next simplex
    if (!(fx - r.fx > MIN_GAIN)) step /= 10;
    if (r.fx < fx) {
      x = r.x;
      fx = r.fx;
    }
    // flat, or no gain at any simplex size down to MIN_STEP: an optimum to within the likelihood's
    // rounding (on a ridge such as a, b → ∞ the finite-difference gradient is mostly rounding noise)
    if (step < MIN_STEP || gradientNorm(f, x) <= FLAT) return { x, fx, flat: true };
    if (performance.now() > until) {
      yield;
      until = performance.now() + sliceMs;
    }
  }
  return { x, fx, flat: false };
}

/**
 * Maximise `ll(params)` over positive parameters, as steps (see `runSteps`). `starts` are
 * natural-scale starting points. A non-finite log-likelihood counts as +∞ in the minimised
 * objective, which the simplex moves away from. `weight` (the number of customers) scales the
 * objective to a mean per customer, so the stopping tolerances do not depend on the data size.
 * `sliceMs`: work between steps; `chunk`: Nelder–Mead iterations per chunk (`chunkFor`).
 */
export function* maximiseSteps(
  ll: (params: number[]) => number,
  starts: readonly number[][],
  weight = 1,
  sliceMs = SLICE_MS,
  chunk = CHUNK,
): Steps<MleResult> {
  const f = (logp: number[]) => {
    if (logp.some((v) => !(Math.abs(v) <= MAX_LOG))) return Infinity;
    const v = ll(logp.map(Math.exp)) / weight;
    return Number.isFinite(v) ? -v : Infinity;
  };
  let best: Found | null = null;
  const optima: number[] = [];
  for (const s of starts) {
    const r = yield* search(f, s.map(Math.log), sliceMs, chunk);
    yield;
    if (!r) continue;
    optima.push(-r.fx * weight);
    if (!best || r.fx < best.fx) best = r;
  }
  if (!best) return { params: [], ll: -Infinity, converged: false, agreeing: 0 };
  const llBest = -best.fx * weight;
  const agreeing = optima.filter((v) => Math.abs(v - llBest) < Math.max(1e-3, AGREE_PER_CUSTOMER * weight)).length;
  const params = best.x.map(Math.exp);
  const converged = best.flat && params.every((p) => Number.isFinite(p) && p > 1e-8 && p < 1e8) && agreeing >= 2;
  return { params, ll: llBest, converged, agreeing };
}

/** `maximiseSteps` run to the end. */
export function maximise(ll: (params: number[]) => number, starts: readonly number[][], weight = 1): MleResult {
  return runSteps(maximiseSteps(ll, starts, weight));
}
