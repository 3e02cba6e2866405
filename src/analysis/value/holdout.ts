/**
 * Calibration / holdout check, as lifetimes' `plot_calibration_purchases_vs_holdout_purchases`:
 * customers grouped by calibration repeat purchases (0 … 6, 7+), mean actual holdout purchases
 * against the mean the fitted BG/NBD predicts for the holdout length.
 */
import { type Sql, sql } from '../../lib/sql';
import { type BgNbdParams, expectedPurchases } from './bgnbd';

/** A distinct (x, t_x, T, x_star) with its customer count. */
export interface HoldoutGroup {
  x: number;
  tx: number;
  T: number;
  xStar: number;
  n: number;
}

export interface HoldoutBucket {
  /** calibration repeat purchases: `0` … `6`, or `7+` */
  label: string;
  customers: number;
  actual: number;
  predicted: number;
}

export interface HoldoutResult {
  buckets: HoldoutBucket[];
  /** total holdout purchases, actual and predicted */
  actualTotal: number;
  predictedTotal: number;
  /** (predicted − actual) / actual of the totals; null when no holdout purchase happened */
  totalError: number | null;
  /** mean absolute error per customer, in purchases */
  mae: number;
}

/** Distinct (x, t_x, T, x_star) of a summary relation, with counts. */
export function holdoutGroups(summary: Sql): Sql {
  return sql`SELECT x, t_x AS tx, T, x_star AS "xStar", count(*) AS n FROM (${summary}) GROUP BY x, t_x, T, x_star`;
}

/** Compare actual and predicted holdout purchases for a holdout of length `tStar` (model time unit). */
export function holdoutCheck(p: BgNbdParams, groups: readonly HoldoutGroup[], tStar: number, maxBucket = 7): HoldoutResult {
  const acc = new Map<number, { n: number; actual: number; predicted: number }>();
  let actualTotal = 0;
  let predictedTotal = 0;
  let absErr = 0;
  let n = 0;
  for (const g of groups) {
    const pred = expectedPurchases(p, tStar, g.x, g.tx, g.T);
    const k = Math.min(g.x, maxBucket);
    const b = acc.get(k) ?? { n: 0, actual: 0, predicted: 0 };
    b.n += g.n;
    b.actual += g.n * g.xStar;
    b.predicted += g.n * pred;
    acc.set(k, b);
    actualTotal += g.n * g.xStar;
    predictedTotal += g.n * pred;
    absErr += g.n * Math.abs(g.xStar - pred);
    n += g.n;
  }
  const buckets = [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, b]) => ({
      label: k === maxBucket ? `${maxBucket}+` : String(k),
      customers: b.n,
      actual: b.actual / b.n,
      predicted: b.predicted / b.n,
    }));
  return {
    buckets,
    actualTotal,
    predictedTotal,
    totalError: actualTotal > 0 ? (predictedTotal - actualTotal) / actualTotal : null,
    mae: n > 0 ? absErr / n : 0,
  };
}
