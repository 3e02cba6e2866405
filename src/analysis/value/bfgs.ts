/**
 * BFGS minimisation with a finite-difference gradient: a line-for-line TypeScript port of
 * `numeric.uncmin` and `numeric.gradient` from numeric.js 1.2.6 (Sébastien Loisel, MIT licence).
 * Ported rather than imported because numeric.js builds its array operations with `new Function`
 * when it loads, which the app's Content-Security-Policy (no 'unsafe-eval') forbids in the worker.
 * Only what the value fits need; small dense vectors (3–4 parameters).
 */

export interface UncminResult {
  solution: number[];
  f: number;
  gradient: number[];
  invHessian: number[][];
  iterations: number;
  /** '' when `maxit` ran out in the main loop; otherwise why it stopped (the texts of numeric.js) */
  message: string;
}

const EPSILON = 2.220446049250313e-16;

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const matVec = (m: readonly number[][], v: readonly number[]) => m.map((row) => dot(row, v));
const norm2 = (v: readonly number[]) => Math.sqrt(dot(v, v));
const allFinite = (v: readonly number[]) => v.every((x) => Number.isFinite(x));
const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/**
 * Central-difference gradient with numeric.js's step control: the step starts at max(1e-6·f(x),
 * 1e-8) and shrinks 16-fold until the one-sided and central differences agree (at most 20 tries).
 */
export function gradient(f: (x: number[]) => number, x: readonly number[]): number[] {
  const n = x.length;
  const f0 = f([...x]);
  if (Number.isNaN(f0)) throw new Error('gradient: f(x) is a NaN!');
  const x0 = [...x];
  const J = new Array<number>(n);
  const eps = 1e-3;
  let it = 0;
  for (let i = 0; i < n; i++) {
    let h = Math.max(1e-6 * f0, 1e-8);
    for (;;) {
      ++it;
      if (it > 20) throw new Error('Numerical gradient fails');
      x0[i] = x[i]! + h;
      const f1 = f(x0);
      x0[i] = x[i]! - h;
      const f2 = f(x0);
      x0[i] = x[i]!;
      if (Number.isNaN(f1) || Number.isNaN(f2)) {
        h /= 16;
        continue;
      }
      J[i] = (f1 - f2) / (2 * h);
      const t0 = x[i]! - h;
      const t1 = x[i]!;
      const t2 = x[i]! + h;
      const d1 = (f1 - f0) / h;
      const d2 = (f0 - f2) / h;
      const N = Math.max(Math.abs(J[i]!), Math.abs(f0), Math.abs(f1), Math.abs(f2), Math.abs(t0), Math.abs(t1), Math.abs(t2), 1e-8);
      const errest = Math.min(Math.max(Math.abs(d1 - J[i]!), Math.abs(d2 - J[i]!), Math.abs(d1 - d2)) / N, h / N);
      if (errest > eps) h /= 16;
      else break;
    }
  }
  return J;
}

/**
 * Minimise `f` from `x0` by BFGS with a backtracking (Armijo) line search, as numeric.uncmin does.
 * `callback(it)` runs before each iteration; returning true stops with the current point and
 * inverse Hessian (message 'Callback returned true'), from which a new call resumes exactly.
 * `hinv`: the starting inverse Hessian (identity by default).
 */
export function uncmin(
  f: (x: number[]) => number,
  x0In: readonly number[],
  tolIn = 1e-8,
  maxit = 1000,
  callback?: (it: number) => boolean,
  hinv?: number[][],
): UncminResult {
  let x0 = [...x0In];
  const n = x0.length;
  let f0 = f(x0);
  if (Number.isNaN(f0)) throw new Error('uncmin: f(x0) is a NaN!');
  const tol = Math.max(tolIn, EPSILON);
  let H1 = hinv ? hinv.map((r) => [...r]) : identity(n);
  let it = 0;
  let msg = '';
  let g0 = gradient(f, x0);
  while (it < maxit) {
    if (callback?.(it)) {
      msg = 'Callback returned true';
      break;
    }
    if (!allFinite(g0)) {
      msg = 'Gradient has Infinity or NaN';
      break;
    }
    const step = matVec(H1, g0).map((v) => -v);
    if (!allFinite(step)) {
      msg = 'Search direction has Infinity or NaN';
      break;
    }
    const nstep = norm2(step);
    if (nstep < tol) {
      msg = 'Newton step smaller than tol';
      break;
    }
    let t = 1;
    const df0 = dot(g0, step);
    // line search
    let x1 = x0;
    let f1 = f0;
    let s = step;
    while (it < maxit) {
      if (t * nstep < tol) break;
      s = step.map((v) => v * t);
      x1 = x0.map((v, i) => v + s[i]!);
      f1 = f(x1);
      if (f1 - f0 >= 0.1 * t * df0 || Number.isNaN(f1)) {
        t *= 0.5;
        ++it;
        continue;
      }
      break;
    }
    if (t * nstep < tol) {
      msg = 'Line search step size smaller than tol';
      break;
    }
    if (it === maxit) {
      msg = 'maxit reached during line search';
      break;
    }
    const g1 = gradient(f, x1);
    const y = g1.map((v, i) => v - g0[i]!);
    const ys = dot(y, s);
    const Hy = matVec(H1, y);
    const k = (ys + dot(y, Hy)) / (ys * ys);
    H1 = H1.map((row, i) => row.map((v, j) => v + k * s[i]! * s[j]! - (Hy[i]! * s[j]! + s[i]! * Hy[j]!) / ys));
    x0 = x1;
    f0 = f1;
    g0 = g1;
    ++it;
  }
  return { solution: x0, f: f0, gradient: g0, invHessian: H1, iterations: it, message: msg };
}
