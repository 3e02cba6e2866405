/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing
 * Science 24(2)): log-likelihood, maximum-likelihood fit, P(alive) and conditional expected
 * purchases. Pure math on a per-customer summary (x, t_x, T), grouped with a count `n` so a
 * million customers collapse to their distinct summaries.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { maximiseSteps, runSteps, chunkFor, type Steps } from './optimise';

/** One distinct summary and how many customers share it. */
export interface RfSummary {
  /** repeat purchases (distinct purchase days − 1) in calibration */
  x: number;
  /** time from first to last calibration purchase, in the model's time unit */
  tx: number;
  /** time from first purchase to the end of calibration */
  T: number;
  /** customers with this summary */
  n: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** maximised log-likelihood (sum over customers) */
  ll: number;
  converged: boolean;
}

/** Log-likelihood of one summary (FHL 2005, eq. 6, taken to logs). */
export function bgnbdLogLik({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  // log(e^a3 + e^a4) without overflow
  const m = Math.max(a3, a4);
  return a1 + a2 + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
}

/**
 * Total log-likelihood of grouped summaries. The log-gamma terms depend only on x, so they are
 * computed once per distinct x (a few hundred at most) rather than once per summary.
 */
export function bgnbdTotalLogLik(p: BgNbdParams, rows: readonly RfSummary[]): number {
  return bgnbdLikelihood(rows)(p);
}

/**
 * The total log-likelihood as a function of the parameters, with the data prepared once: the
 * log-gamma terms depend only on x, ln(α + T) only on T and ln(α + t_x) only on t_x, so each is
 * computed once per distinct value (a few thousand at most) rather than once per summary.
 */
export function bgnbdLikelihood(rows: readonly RfSummary[]): (p: BgNbdParams) => number {
  const distinct = (vals: Iterable<number>) => {
    const list = [...new Set(vals)];
    return { list, index: new Map(list.map((v, i) => [v, i])) };
  };
  const X = distinct(rows.map((row) => row.x));
  const Ts = distinct(rows.map((row) => row.T));
  const Tx = distinct(rows.map((row) => row.tx));
  const m = rows.length;
  const xi = Int32Array.from(rows, (row) => X.index.get(row.x)!);
  const ti = Int32Array.from(rows, (row) => Ts.index.get(row.T)!);
  const txi = Int32Array.from(rows, (row) => Tx.index.get(row.tx)!);
  const n = Float64Array.from(rows, (row) => row.n);
  const xs = Float64Array.from(X.list);
  const perX = new Float64Array(xs.length);
  const lnBx = new Float64Array(xs.length);
  const lnT = new Float64Array(Ts.list.length);
  const lnTx = new Float64Array(Tx.list.length);
  return ({ r, alpha, a, b }) => {
    const lnA = Math.log(a);
    const c = -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      perX[i] = c + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
      lnBx[i] = x > 0 ? lnA - Math.log(b + x - 1) : 0;
    }
    for (let i = 0; i < lnT.length; i++) lnT[i] = Math.log(alpha + Ts.list[i]!);
    for (let i = 0; i < lnTx.length; i++) lnTx[i] = Math.log(alpha + Tx.list[i]!);
    let s = 0;
    for (let k = 0; k < m; k++) {
      const i = xi[k]!;
      const x = xs[i]!;
      const a3 = -(r + x) * lnT[ti[k]!]!;
      let v = a3;
      if (x > 0) {
        const a4 = lnBx[i]! - (r + x) * lnTx[txi[k]!]!;
        // log(e^a3 + e^a4) without overflow
        v = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
      }
      s += n[k]! * (perX[i]! + v);
    }
    return s;
  };
}

/**
 * Fit by maximum likelihood on log-parameters from several starts, as steps a caller may pause
 * between (`optimise.ts`). `alpha` starts scale with the mean age T so the same starts work in
 * days and weeks.
 */
export function* fitBgNbdSteps(rows: readonly RfSummary[]): Steps<BgNbdFit> {
  const n = rows.reduce((s, row) => s + row.n, 0);
  const meanT = rows.reduce((s, row) => s + row.n * row.T, 0) / Math.max(n, 1);
  const s = Math.max(meanT, 1);
  const starts = [
    [1, s, 1, 1],
    [0.5, s / 4, 0.5, 2],
    [0.25, s / 8, 1, 3],
    [2, s, 0.5, 0.5],
  ];
  const ll = bgnbdLikelihood(rows);
  // each evaluation reads every distinct summary: shorter chunks on big data keep the pauses frequent
  const res = yield* maximiseSteps(
    (v) => ll({ r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! }),
    starts,
    Math.max(n, 1),
    undefined,
    chunkFor(rows.length),
  );
  const [r = NaN, alpha = NaN, a = NaN, b = NaN] = res.params;
  return { params: { r, alpha, a, b }, ll: res.ll, converged: res.converged };
}

/** `fitBgNbdSteps` run to the end. */
export function fitBgNbd(rows: readonly RfSummary[]): BgNbdFit {
  return runSteps(fitBgNbdSteps(rows));
}

/** P(alive | x, t_x, T) (FHL 2005, eq. 13; 1 for customers without repeat purchases). */
export function pAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))));
}

/**
 * Expected purchases in the next `t` time units for a customer with (x, t_x, T) (FHL 2005,
 * eq. 10), with the Gaussian hypergeometric function from @stdlib.
 */
export function expectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const lead = (a + b + x - 1) / (a - 1);
  const num = 1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * f;
  const den = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 1;
  return (lead * num) / den;
}

/** Expected purchases of a new customer in a period of length t (FHL 2005, eq. 9). */
export function expectedPurchasesNew({ r, alpha, a, b }: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const f = hyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * f);
}
