/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):
 * log-likelihood, maximum-likelihood fit and the conditional expected spend per purchase. Reads
 * customers with at least one repeat purchase: x repeat purchases with mean spend m_x > 0.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { maximiseSteps, runSteps, chunkFor, type Steps } from './optimise';

export interface SpendSummary {
  /** repeat purchases (> 0) */
  x: number;
  /** mean spend of the repeat purchases (> 0) */
  mx: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  ll: number;
  converged: boolean;
}

/** Log-likelihood of one customer's mean spend (Fader & Hardie 2013, eq. 3, taken to logs). */
export function ggLogLik({ p, q, gamma }: GammaGammaParams, x: number, mx: number): number {
  return (
    gammaln(p * x + q) -
    gammaln(p * x) -
    gammaln(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(mx) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + mx * x)
  );
}

/** Total log-likelihood. */
export function ggTotalLogLik(params: GammaGammaParams, rows: readonly SpendSummary[]): number {
  return ggLikelihood(rows)(params);
}

/**
 * The total log-likelihood as a function of the parameters, with the data prepared once: the
 * log-gamma terms depend only on x (a few dozen distinct values), so they are computed once per
 * distinct x; each customer then costs one logarithm.
 */
export function ggLikelihood(rows: readonly SpendSummary[]): (params: GammaGammaParams) => number {
  const xs = [...new Set(rows.map((r) => r.x))];
  const index = new Map(xs.map((x, i) => [x, i]));
  const n = rows.length;
  const xi = Int32Array.from(rows, (r) => index.get(r.x)!);
  const x = Float64Array.from(rows, (r) => r.x);
  const lnM = Float64Array.from(rows, (r) => Math.log(r.mx));
  const lnX = Float64Array.from(rows, (r) => Math.log(r.x));
  const xm = Float64Array.from(rows, (r) => r.x * r.mx);
  const perX = new Float64Array(xs.length);
  return ({ p, q, gamma }) => {
    const c = -gammaln(q) + q * Math.log(gamma);
    for (let i = 0; i < xs.length; i++) perX[i] = c + gammaln(p * xs[i]! + q) - gammaln(p * xs[i]!);
    let s = 0;
    for (let k = 0; k < n; k++) {
      const px = p * x[k]!;
      s += perX[xi[k]!]! + (px - 1) * lnM[k]! + px * lnX[k]! - (px + q) * Math.log(gamma + xm[k]!);
    }
    return s;
  };
}

/** Fit p, q, γ by maximum likelihood from several starts, as steps; γ's starts scale with the mean spend. */
export function* fitGammaGammaSteps(rows: readonly SpendSummary[]): Steps<GammaGammaFit> {
  const mean = rows.reduce((s, row) => s + row.mx, 0) / Math.max(rows.length, 1);
  const m = Math.max(mean, 1e-6);
  const starts = [
    [1, 1, m],
    [5, 3, m],
    [2, 5, m / 2],
    [10, 2, m / 5],
  ];
  const ll = ggLikelihood(rows);
  // each evaluation reads every repeat customer: shorter chunks on big data keep the pauses frequent
  const res = yield* maximiseSteps(
    (v) => ll({ p: v[0]!, q: v[1]!, gamma: v[2]! }),
    starts,
    Math.max(rows.length, 1),
    undefined,
    chunkFor(rows.length),
  );
  const [p = NaN, q = NaN, gamma = NaN] = res.params;
  // E(M) = pγ/(q − 1) is finite only for q > 1
  return { params: { p, q, gamma }, ll: res.ll, converged: res.converged && q > 1 };
}

/** `fitGammaGammaSteps` run to the end. */
export function fitGammaGamma(rows: readonly SpendSummary[]): GammaGammaFit {
  return runSteps(fitGammaGammaSteps(rows));
}

/**
 * Expected spend per purchase given x repeat purchases with mean m_x (Fader & Hardie 2013, eq. 5):
 * a weighted mean of the population mean pγ/(q − 1) and the customer's own mean. A customer
 * without repeat purchases gets the population mean.
 */
export function expectedSpend({ p, q, gamma }: GammaGammaParams, x: number, mx: number | null): number {
  if (x <= 0 || mx === null) return (p * gamma) / (q - 1);
  return (p * (gamma + x * mx)) / (p * x + q - 1);
}

/** Pearson correlation of x and m_x (Gamma-Gamma assumes they are independent); null below 3 customers. */
export function spendFrequencyCorrelation(rows: readonly SpendSummary[]): number | null {
  const n = rows.length;
  if (n < 3) return null;
  const mx = rows.reduce((s, r) => s + r.x, 0) / n;
  const mm = rows.reduce((s, r) => s + r.mx, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const r of rows) {
    sxy += (r.x - mx) * (r.mx - mm);
    sxx += (r.x - mx) ** 2;
    syy += (r.mx - mm) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
