/**
 * Statistics of the A/B comparison (docs/metrics.md, Behaviour → A/B tests). Distributions come from
 * @stdlib (the same family as the gammaln/hyp2f1 the value models use); the formulas here are the
 * textbook ones, each checked against scipy in test/unit/behaviour-ab-stats.test.ts.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';

const zOf = (p: number) => normalQuantile(p, 0, 1);
const phi = (x: number) => normalCdf(x, 0, 1);

/** An effect (variant − control) with its interval and two-sided p-value. */
export interface Effect {
  control: number;
  variant: number;
  diff: number;
  /** diff ÷ control (null when the control is 0) */
  relative: number | null;
  lo: number;
  hi: number;
  /** z or t statistic */
  stat: number;
  p: number;
  /** Welch's degrees of freedom (t-test only) */
  df?: number;
}

/**
 * Two-proportion z-test: z from the pooled standard error (the null has one rate), the interval of
 * the difference from the unpooled one (Wald), as statsmodels' `proportions_ztest` and `confint`.
 */
export function twoProportion(x1: number, n1: number, x2: number, n2: number, level = 0.95): Effect {
  if (n1 <= 0 || n2 <= 0) throw new Error('invalid group: no customers');
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const diff = p2 - p1;
  const pool = (x1 + x2) / (n1 + n2);
  const se0 = Math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2));
  const z = se0 === 0 ? 0 : diff / se0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const q = zOf(1 - (1 - level) / 2);
  return {
    control: p1,
    variant: p2,
    diff,
    relative: p1 === 0 ? null : diff / p1,
    lo: diff - q * se,
    hi: diff + q * se,
    stat: z,
    p: 2 * (1 - phi(Math.abs(z))),
  };
}

/** Group summary for Welch's test. */
export interface Moments {
  n: number;
  mean: number;
  /** sample variance (n − 1) */
  variance: number;
}

/** Welch's unequal-variance t-test on the difference of means, with its t interval. */
export function welch(a: Moments, b: Moments, level = 0.95): Effect {
  if (a.n < 2 || b.n < 2) throw new Error('invalid group: fewer than 2 customers');
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const diff = b.mean - a.mean;
  const df = se === 0 ? a.n + b.n - 2 : (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = se === 0 ? 0 : diff / se;
  const q = tQuantile(1 - (1 - level) / 2, df);
  return {
    control: a.mean,
    variant: b.mean,
    diff,
    relative: a.mean === 0 ? null : diff / a.mean,
    lo: diff - q * se,
    hi: diff + q * se,
    stat: t,
    p: 2 * (1 - tCdf(Math.abs(t), df)),
    df,
  };
}

/** Mean and sample variance of values. */
export function moments(xs: readonly number[]): Moments {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / (n || 1);
  const variance = n < 2 ? 0 : xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

/** A small seeded generator (mulberry32): the same seed gives the same interval on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap interval of mean(b) − mean(a): resample each group with replacement
 * `iterations` times (seeded), take the (1−level)/2 and (1+level)/2 quantiles (linear interpolation,
 * like numpy's default). Revenue is heavy-tailed, so this interval is shown beside Welch's.
 */
export function bootstrapDiff(
  a: readonly number[],
  b: readonly number[],
  iterations = 2000,
  seed = 13,
  level = 0.95,
): { lo: number; hi: number } {
  if (a.length === 0 || b.length === 0) throw new Error('invalid group: no customers');
  const rnd = mulberry32(seed);
  const mean = (xs: readonly number[]) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rnd() * xs.length)]!;
    return s / xs.length;
  };
  const diffs = Array.from({ length: iterations }, () => {
    const ma = mean(a);
    return mean(b) - ma;
  }).sort((x, y) => x - y);
  return { lo: quantile(diffs, (1 - level) / 2), hi: quantile(diffs, (1 + level) / 2) };
}

/** Quantile of sorted values, linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Sample-ratio-mismatch check: Pearson chi-square of the group sizes against the expected split. */
export function srm(observed: readonly number[], expectedShares: readonly number[]): { chi2: number; df: number; p: number } {
  if (observed.length !== expectedShares.length || observed.length < 2) throw new Error('invalid split: needs two or more groups');
  const total = observed.reduce((s, x) => s + x, 0);
  const shareSum = expectedShares.reduce((s, x) => s + x, 0);
  let chi2 = 0;
  observed.forEach((o, i) => {
    const e = (total * expectedShares[i]!) / shareSum;
    chi2 += (o - e) ** 2 / e;
  });
  const df = observed.length - 1;
  return { chi2, df, p: 1 - chisqCdf(chi2, df) };
}

/**
 * Customers per group to detect an absolute change `mde` in a conversion rate `p0` with a two-sided
 * test at `alpha` and the given power: ((z₁₋α/₂·√(2p̄q̄) + z_power·√(p₀q₀ + p₁q₁)) / mde)², rounded up
 * (Fleiss, without continuity correction).
 */
export function sampleSize(p0: number, mde: number, alpha = 0.05, power = 0.8): number {
  const p1 = p0 + mde;
  if (!(p0 > 0 && p0 < 1 && p1 > 0 && p1 < 1 && mde !== 0)) throw new Error('invalid rates: both must be between 0 and 1 and differ');
  const pbar = (p0 + p1) / 2;
  const a = zOf(1 - alpha / 2) * Math.sqrt(2 * pbar * (1 - pbar));
  const b = zOf(power) * Math.sqrt(p0 * (1 - p0) + p1 * (1 - p1));
  return Math.ceil(((a + b) / mde) ** 2);
}

/** Smallest absolute lift of `p0` that `n` customers per group detect (the inverse of sampleSize, by bisection). */
export function minimumDetectable(p0: number, n: number, alpha = 0.05, power = 0.8): number | null {
  if (!(p0 > 0 && p0 < 1) || n < 2) return null;
  let lo = 1e-9;
  let hi = 1 - p0 - 1e-9;
  if (hi <= lo || sampleSize(p0, hi, alpha, power) > n) return null;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (sampleSize(p0, mid, alpha, power) > n) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The verdict in plain words: the interval excludes 0 one way or the other, or it does not. */
export type Verdict = 'better' | 'worse' | 'inconclusive';
export function verdict(e: Effect, alpha = 0.05): Verdict {
  if (e.p < alpha && e.lo > 0) return 'better';
  if (e.p < alpha && e.hi < 0) return 'worse';
  return 'inconclusive';
}
