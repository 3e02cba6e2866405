/**
 * Repurchase: how soon after their first order customers buy again. Definitions in
 * docs/metrics.md (Lifecycle and retention).
 */
import { Sql, sql, join, num } from '../../lib/sql';
import type { Scope } from '../scope';
import {
  customerActivity,
  asOfDate,
  days,
  lookback,
  periodStart,
  DEFAULT_ACTIVITY,
  type ActivityParams,
  type PeriodUnit,
  type WeekStart,
} from './activity';

export interface RepurchaseParams extends ActivityParams {
  /** Windows in days for "second order within w days" (ascending, whole days ≥ 1). */
  windows: readonly number[];
  /** Upper bucket edges in days for the time-to-second-order histogram (ascending, ≥ 1). */
  buckets: readonly number[];
  /** Cohort period for the by-cohort rates. */
  unit: PeriodUnit;
  /** First day of a week period (default Monday). */
  weekStart?: WeekStart;
}

export const REPURCHASE_DEFAULTS: RepurchaseParams = {
  ...DEFAULT_ACTIVITY,
  windows: [30, 60, 90],
  buckets: [7, 14, 30, 60, 90, 180, 365],
  unit: 'month',
};

function checkAscending(xs: readonly number[], name: string): Sql[] {
  if (xs.length === 0) throw new Error(`invalid ${name}: empty`);
  return xs.map((x, i) => {
    if (i > 0 && x <= (xs[i - 1] as number)) throw new Error(`invalid ${name}: not ascending`);
    return days(x, name);
  });
}

/**
 * Customers whose first activity day is in the window, with their second activity day (the next
 * distinct activity day; more orders on the first day do not count): customer_id, first_day,
 * second_day (NULL if none before the as-of date), gap (days), cohort.
 */
function firstSecond(p: RepurchaseParams, scope: Scope): Sql {
  const fromCond = scope.from === null ? sql`` : sql`WHERE first_day >= CAST(${scope.from} AS DATE)`;
  return sql`SELECT customer_id, first_day, second_day, second_day - first_day AS gap,
      ${periodStart(p.unit, sql`first_day`, p.weekStart)} AS cohort
    FROM (
      SELECT customer_id, first_day, second_day FROM (${customerActivity(p, lookback(scope))}) c WHERE first_day IS NOT NULL
    ) f ${fromCond}`;
}

/**
 * Share of customers with a second activity day within w days of the first, per window and
 * cohort, plus one total row per window (`is_total`, cohort NULL). Columns: is_total, cohort DATE,
 * window_days, customers (first activity in the window), eligible (first day + w < as-of: the
 * whole w days have been observed), repeaters (eligible, second day − first day ≤ w), rate
 * (repeaters / eligible; NULL when none are eligible).
 */
export function repurchaseRates(p: RepurchaseParams, scope: Scope): Sql {
  const ws = checkAscending(p.windows, 'windows');
  const d = asOfDate(scope.asOf);
  const values = join(ws.map((w) => sql`(${w})`));
  return sql`SELECT GROUPING(cohort) = 1 AS is_total, cohort, w AS window_days, count(*) AS customers,
      count(*) FILTER (WHERE eligible) AS eligible, count(*) FILTER (WHERE eligible AND gap <= w) AS repeaters,
      CASE WHEN count(*) FILTER (WHERE eligible) > 0
        THEN count(*) FILTER (WHERE eligible AND gap <= w) / count(*) FILTER (WHERE eligible) END AS rate
    FROM (
      SELECT f.*, CAST(t.w AS INTEGER) AS w, f.first_day + t.w < ${d} AS eligible
      FROM (${firstSecond(p, scope)}) f, (VALUES ${values}) t(w)
    ) x
    GROUP BY GROUPING SETS ((cohort, w), (w))
    ORDER BY is_total DESC, cohort, window_days`;
}

/**
 * Histogram of days from first to second activity day for customers whose first activity is in
 * the window. One row per bucket: bucket (0…n), lo (exclusive), hi (inclusive; NULL for the open
 * last bucket), customers; then one row with bucket NULL counting customers without a second
 * activity day yet. Bucket i holds gaps in (edge[i−1], edge[i]], with edge[−1] = 0.
 */
export function timeToSecondOrder(p: RepurchaseParams, scope: Scope): Sql {
  const edges = checkAscending(p.buckets, 'buckets');
  const lows = [sql`0`, ...edges];
  const grid = join(lows.map((lo, i) => sql`(${num(i)}, ${lo}, ${edges[i] ?? sql`NULL`})`));
  const index = join(
    edges.map((e) => sql`CASE WHEN gap > ${e} THEN 1 ELSE 0 END`),
    ' + ',
  );
  return sql`WITH f AS (SELECT *, ${index} AS bucket FROM (${firstSecond(p, scope)}) f0)
    SELECT CAST(g.bucket AS INTEGER) AS bucket, CAST(g.lo AS INTEGER) AS lo, CAST(g.hi AS INTEGER) AS hi,
      (SELECT count(*) FROM f WHERE f.second_day IS NOT NULL AND f.bucket = g.bucket) AS customers
    FROM (VALUES ${grid}) g(bucket, lo, hi)
    UNION ALL
    SELECT NULL, NULL, NULL, (SELECT count(*) FROM f WHERE second_day IS NULL)
    ORDER BY bucket NULLS LAST`;
}

/**
 * The customers of one repurchase-rate bar (exactly the `repeaters` of `repurchaseRates` for that
 * window, and cohort when given): eligible (first day + w < as-of) with a second activity day
 * within w days of the first. Columns: customer_id, cohort, first_day, second_day, gap; quickest first.
 */
export function repurchaseMembers(
  p: RepurchaseParams,
  scope: Scope,
  bar: { window: number; cohort: string | null },
  page: { limit: number; offset: number },
): Sql {
  const w = days(bar.window, 'window');
  const d = asOfDate(scope.asOf);
  const cohort = bar.cohort === null ? sql`` : sql`AND cohort = CAST(${bar.cohort} AS DATE)`;
  return sql`SELECT customer_id, CAST(cohort AS VARCHAR) AS cohort, first_day, second_day, gap
    FROM (${firstSecond(p, scope)}) f
    WHERE first_day + ${w} < ${d} AND gap <= ${w} ${cohort}
    ORDER BY gap, customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}

/**
 * The customers of one bar of `timeToSecondOrder`: bucket i (gap in (edge[i−1], edge[i]], the
 * last bucket open), or `null` for customers without a second activity day yet. Columns:
 * customer_id, first_day, second_day, gap; quickest first.
 */
export function gapMembers(p: RepurchaseParams, scope: Scope, bucket: number | null, page: { limit: number; offset: number }): Sql {
  const edges = checkAscending(p.buckets, 'buckets');
  if (bucket !== null && (!Number.isInteger(bucket) || bucket < 0 || bucket > edges.length))
    throw new Error(`invalid bucket: ${String(bucket)}`);
  const lo = bucket === null || bucket === 0 ? sql`0` : (edges[bucket - 1] as Sql);
  const hi = bucket === null ? undefined : edges[bucket];
  const cond =
    bucket === null
      ? sql`second_day IS NULL`
      : hi === undefined
        ? sql`second_day IS NOT NULL AND gap > ${lo}`
        : sql`second_day IS NOT NULL AND gap > ${lo} AND gap <= ${hi}`;
  return sql`SELECT customer_id, first_day, second_day, gap FROM (${firstSecond(p, scope)}) f WHERE ${cond}
    ORDER BY gap NULLS LAST, customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}
