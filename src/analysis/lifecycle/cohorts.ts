/**
 * Cohort retention: customers grouped by the day, week or month of their first (or every) start event, followed
 * through periods 0…N. Definitions in docs/metrics.md (Lifecycle and retention).
 */
import { Sql, sql, raw, num } from '../../lib/sql';
import { scopedOrders, scopedCustomers, type Scope } from '../scope';
import { EVENT_TYPES } from '../../ingest/event-types';
import {
  activityDays,
  activityPeriods,
  asOfDate,
  firstDays,
  days,
  keptPeriods,
  lookback,
  periodStart,
  DEFAULT_ACTIVITY,
  type ActivityParams,
  type PeriodUnit,
  type WeekStart,
} from './activity';

/** What cohorts can be split by (each resolves to one canonical column). */
export const SPLIT_FIELDS = ['none', 'channel', 'category', 'region', 'segment'] as const;
export type SplitField = (typeof SPLIT_FIELDS)[number];

/**
 * What starts a cohort or counts as a return: `activity` (the lifecycle activity setting), `orders`
 * (a day with a non-return order), or one canonical event type.
 */
export type EventChoice = 'activity' | 'orders' | (typeof EVENT_TYPES)[number];
export const EVENT_CHOICES: readonly EventChoice[] = ['activity', 'orders', ...EVENT_TYPES];

/** `first`: a customer's cohort is the period of their first start event; `recurring`: every period with a start event. */
export type CohortKind = 'first' | 'recurring';
export const COHORT_KINDS: readonly CohortKind[] = ['first', 'recurring'];

export interface CohortParams extends ActivityParams {
  unit: PeriodUnit;
  /** First day of a week period (default Monday). */
  weekStart?: WeekStart;
  /** Default `first`. */
  cohortKind?: CohortKind;
  /** What puts a customer in a cohort (default `activity`). */
  startEvent?: EventChoice;
  /** What counts as being back in period k (default `activity`). */
  returnEvent?: EventChoice;
  /** Last period index shown (periods 0…periods). */
  periods: number;
  splitBy: SplitField;
  /**
   * For `splitBy: 'segment'`: SELECT customer_id, segment — a segmentation model's assignment
   * (e.g. `MODELS.rfm11.assign(params, ctx)`); customers it does not cover have an unknown split.
   */
  segments?: Sql;
  /**
   * Channel / category / region splits keep this many values (most customers in the reported
   * cohorts first, ties by name); the rest are one group `other`. Segment splits keep every segment.
   */
  topSplits?: number;
}

/** Split groups kept by default: more make 120 interleaved rows and overlapping curve labels. */
export const TOP_SPLITS = 5;

export const COHORT_DEFAULTS: CohortParams = { ...DEFAULT_ACTIVITY, unit: 'month', periods: 12, splitBy: 'none', topSplits: TOP_SPLITS };

/** Period index of `day` relative to the cohort start (both already period starts). */
function periodIndex(unit: PeriodUnit, cohort: Sql, start: Sql): Sql {
  if (unit === 'day') return sql`CAST(${start} - ${cohort} AS INTEGER)`;
  return unit === 'week'
    ? sql`CAST((${start} - ${cohort}) // 7 AS INTEGER)`
    : sql`CAST((year(${start}) - year(${cohort})) * 12 + month(${start}) - month(${cohort}) AS INTEGER)`;
}

/** Exclusive end of period `k` of a cohort. */
function periodEnd(unit: PeriodUnit, cohort: Sql, k: Sql): Sql {
  if (unit === 'day') return sql`CAST(${cohort} + (${k} + 1) AS DATE)`;
  return unit === 'week' ? sql`CAST(${cohort} + 7 * (${k} + 1) AS DATE)` : sql`CAST(${cohort} + to_months(${k} + 1) AS DATE)`;
}

/**
 * The activity definition of a start or return choice. Only `activity` may read the page's cached
 * activity table (it was built for that definition).
 */
export function choiceActivity(p: ActivityParams, choice: EventChoice = 'activity'): ActivityParams {
  if (!(EVENT_CHOICES as readonly string[]).includes(choice)) throw new Error(`invalid event: ${String(choice)}`);
  if (choice === 'activity') return p;
  if (choice === 'orders') return { source: 'orders', eventTypes: p.eventTypes };
  return { source: 'events', eventTypes: [choice] };
}

/**
 * Per-customer split value: channel / category of the first non-return order row (earliest time,
 * then order id), region from `customers`. NULL when unknown or when not split.
 */
function splitExpr(p: CohortParams, scope: Scope): Sql {
  switch (p.splitBy) {
    case 'none':
      return sql`SELECT customer_id, CAST(NULL AS VARCHAR) AS split FROM customers WHERE false`;
    case 'channel':
    case 'category': {
      const col = raw(p.splitBy);
      return sql`SELECT customer_id, first(${col} ORDER BY ts, order_id, ${col}) AS split
        FROM (${scopedOrders(lookback(scope))}) o WHERE NOT coalesce(is_return, false) GROUP BY customer_id`;
    }
    case 'region':
      return sql`SELECT customer_id, region AS split FROM (${scopedCustomers(scope)}) c`;
    case 'segment':
      if (!p.segments) throw new Error('invalid split: segment needs a segmentation');
      return sql`SELECT customer_id, CAST(segment AS VARCHAR) AS split FROM (${p.segments}) s`;
    default:
      throw new Error(`invalid split: ${String(p.splitBy)}`);
  }
}

/**
 * CTEs shared by the table and the members: `coh` (customer_id, first_day, cohort, split, last_k),
 * one row per customer and cohort, and `ck` (customer_id, cohort, split, k, active, revenue) for
 * k ≥ 0. Start days come from `startEvent`, return days and revenue from `returnEvent`; with
 * both `activity` and kind `first` this is the classic first-activity cohort.
 */
function cohortCtes(p: CohortParams, scope: Scope): Sql {
  days(p.periods, 'periods', 0);
  const kind = p.cohortKind ?? 'first';
  if (kind !== 'first' && kind !== 'recurring') throw new Error(`invalid cohort kind: ${String(kind)}`);
  const startAct = choiceActivity(p, p.startEvent);
  const returnAct = choiceActivity(p, p.returnEvent);
  const d = asOfDate(scope.asOf);
  const fromCond = scope.from === null ? sql`` : sql`AND first_day >= CAST(${scope.from} AS DATE)`;
  // recurring: a period's start day is its first start day inside the window (a mid-period window
  // start must not hide a customer whose earlier start day that period lies before it)
  const dayFrom = scope.from === null ? sql`` : sql`AND day >= CAST(${scope.from} AS DATE)`;
  // first: one cohort per customer (first start day); recurring: one per period with a start day
  const starts =
    kind === 'first'
      ? firstDays(startAct, lookback(scope))
      : sql`SELECT customer_id, min(day) AS first_day FROM st WHERE active ${dayFrom} GROUP BY customer_id, ${periodStart(p.unit, raw('day'), p.weekStart)}`;
  // segment splits are few and named by the model: keep them all
  const top = p.splitBy === 'segment' ? num(1_000_000) : days(p.topSplits ?? TOP_SPLITS, 'top splits');
  // the return side reads one row per customer and period (a period starts on/after the cohort's start exactly when its days do)
  // one cohort per customer and the same days start and return: the last period with a return is
  // the period of the customer's last active day (no grouping of the customer × period rows)
  const lastKnown = kind === 'first' && (p.startEvent ?? 'activity') === (p.returnEvent ?? 'activity');
  // unsplit first-activity cohorts on the page's customer × period table: each row carries the
  // customer's first active day, so its cohort needs no join with the cohorts (the same rows:
  // coh0 holds exactly the customers with a first active day before the as-of date, in the window)
  const kept = lastKnown && p.splitBy === 'none' ? keptPeriods(returnAct, lookback(scope), p.unit, p.weekStart) : null;
  const cohortOf = periodStart(p.unit, raw('a.first_day'), p.weekStart);
  const ck = kept
    ? sql`SELECT a.customer_id, ${cohortOf} AS cohort, CAST(NULL AS VARCHAR) AS split, ${periodIndex(p.unit, cohortOf, raw('a.period'))} AS k,
        a.active, a.revenue
      FROM ${kept} a WHERE a.customer_id IS NOT NULL AND a.first_day < ${d} ${fromCond} AND a.period >= ${cohortOf}`
    : sql`SELECT a.customer_id, c.cohort, c.split, ${periodIndex(p.unit, raw('c.cohort'), raw('a.period'))} AS k, a.active, a.revenue
      FROM (${activityPeriods(returnAct, lookback(scope), p.unit, p.weekStart)}) a JOIN coh0 c USING (customer_id) WHERE a.period >= c.cohort`;
  const st = kind === 'recurring' ? sql`st AS NOT MATERIALIZED (${activityDays(startAct, lookback(scope))}),` : sql``;
  return sql`WITH ${st}
    firsts AS (${starts}),
    coh_all AS (
      SELECT f.customer_id, f.first_day, ${lastKnown ? sql`f.last_day,` : sql``} ${periodStart(p.unit, raw('f.first_day'), p.weekStart)} AS cohort, s.split
      FROM firsts f LEFT JOIN (${splitExpr(p, scope)}) s USING (customer_id)
      WHERE first_day IS NOT NULL AND first_day < ${d} ${fromCond}
    ),
    top_splits AS (
      SELECT split FROM coh_all WHERE split IS NOT NULL GROUP BY split ORDER BY count(*) DESC, split LIMIT ${top}
    ),
    coh0 AS (
      SELECT customer_id, first_day, ${lastKnown ? sql`last_day,` : sql``} cohort,
        CASE WHEN split IS NULL OR split IN (SELECT split FROM top_splits) THEN split ELSE 'other' END AS split
      FROM coh_all
    ),
    ck AS (${ck}),
    coh AS (${
      lastKnown
        ? sql`SELECT c.customer_id, c.first_day, c.cohort, c.split,
        CASE WHEN c.customer_id IS NOT NULL THEN ${periodIndex(p.unit, raw('c.cohort'), periodStart(p.unit, raw('c.last_day'), p.weekStart))} END AS last_k
      FROM coh0 c`
        : sql`SELECT c.*, l.last_k FROM coh0 c
      LEFT JOIN (SELECT customer_id, cohort, max(k) FILTER (WHERE active) AS last_k FROM ck GROUP BY customer_id, cohort) l
        USING (customer_id, cohort)`
    })`;
}

/**
 * One row per (cohort, split, period 0…periods), cohorts oldest first, then one weighted-average
 * row per (split, period) with `is_average` true and `cohort` NULL. Columns: is_average, cohort
 * DATE, split VARCHAR (NULL when not split or unknown), period INTEGER, period_end DATE (exclusive),
 * complete BOOLEAN (period_end ≤ as-of), cohort_size, customers (active in exactly period k),
 * retention, rolling_customers (active in period k or any later period), rolling_retention,
 * revenue (net, in period k), revenue_retention (revenue k / revenue of period 0). Everything after
 * cohort_size is NULL when the period is incomplete. Averages use only cohorts whose period k is
 * complete: Σcustomers / Σsize (size-weighted) and Σrevenue k / Σrevenue 0.
 */
export function cohortRetention(p: CohortParams, scope: Scope): Sql {
  const asOf = asOfDate(scope.asOf);
  const end = periodEnd(p.unit, raw('g.cohort'), raw('g.period'));
  return sql`${cohortCtes(p, scope)},
    sizes AS (SELECT cohort, split, count(*) AS cohort_size FROM coh GROUP BY cohort, split),
    grid AS (
      SELECT s.cohort, s.split, s.cohort_size, CAST(k.period AS INTEGER) AS period FROM sizes s, range(0, ${days(p.periods, 'periods', 0)} + 1) k(period)
    ),
    ex AS (SELECT cohort, split, k, count(*) FILTER (WHERE active) AS n_exact, sum(revenue) AS rev FROM ck GROUP BY cohort, split, k),
    lk AS (SELECT cohort, split, last_k, count(*) AS n FROM coh GROUP BY cohort, split, last_k),
    rl AS (
      SELECT g.cohort, g.split, g.period, coalesce(sum(lk.n), 0) AS n_rolling FROM grid g
      LEFT JOIN lk ON lk.cohort = g.cohort AND lk.split IS NOT DISTINCT FROM g.split AND lk.last_k >= g.period
      GROUP BY g.cohort, g.split, g.period
    ),
    cells AS (
      SELECT g.cohort, g.split, g.period, ${end} AS period_end, ${end} <= ${asOf} AS complete, g.cohort_size,
        coalesce(e.n_exact, 0) AS n_exact, rl.n_rolling, coalesce(e.rev, 0) AS rev, coalesce(e0.rev, 0) AS rev0
      FROM grid g
      JOIN rl ON rl.cohort = g.cohort AND rl.split IS NOT DISTINCT FROM g.split AND rl.period = g.period
      LEFT JOIN ex e ON e.cohort = g.cohort AND e.split IS NOT DISTINCT FROM g.split AND e.k = g.period
      LEFT JOIN ex e0 ON e0.cohort = g.cohort AND e0.split IS NOT DISTINCT FROM g.split AND e0.k = 0
    ),
    avg AS (
      SELECT split, period, sum(cohort_size) FILTER (WHERE complete) AS size, sum(n_exact) FILTER (WHERE complete) AS n_exact,
        sum(n_rolling) FILTER (WHERE complete) AS n_rolling, sum(rev) FILTER (WHERE complete) AS rev, sum(rev0) FILTER (WHERE complete) AS rev0
      FROM cells GROUP BY split, period
    )
    SELECT false AS is_average, cohort, split, period, period_end, complete, cohort_size,
      CASE WHEN complete THEN n_exact END AS customers,
      CASE WHEN complete THEN n_exact / cohort_size END AS retention,
      CASE WHEN complete THEN n_rolling END AS rolling_customers,
      CASE WHEN complete THEN n_rolling / cohort_size END AS rolling_retention,
      CASE WHEN complete THEN round(rev, 2) END AS revenue,
      CASE WHEN complete AND rev0 <> 0 THEN rev / rev0 END AS revenue_retention
    FROM cells
    UNION ALL
    SELECT true, NULL, split, period, NULL, size IS NOT NULL, coalesce(size, 0),
      n_exact, n_exact / size, n_rolling, n_rolling / size, round(rev, 2), CASE WHEN rev0 <> 0 THEN rev / rev0 END
    FROM avg
    ORDER BY is_average, cohort, split NULLS LAST, period`;
}

/**
 * A page of the customers in one cell: SELECT customer_id, first_day, revenue (net revenue in
 * period k), ordered by revenue descending then id. `cohort` is the period start `YYYY-MM-DD`;
 * `rolling` selects "active in period k or later" instead of "active in exactly period k";
 * `split` (when the params split) selects one split value (null = unknown).
 */
export function cohortMembers(
  p: CohortParams,
  scope: Scope,
  cohort: string,
  period: number,
  opts: { split?: string | null; rolling?: boolean; limit: number; offset: number },
): Sql {
  const k = days(period, 'period', 0);
  const splitCond = p.splitBy !== 'none' && opts.split !== undefined ? sql`AND c.split IS NOT DISTINCT FROM ${opts.split}` : sql``;
  const activeCond = opts.rolling
    ? sql`c.last_k >= ${k}`
    : sql`EXISTS (SELECT 1 FROM ck WHERE ck.customer_id = c.customer_id AND ck.cohort = c.cohort AND ck.k = ${k} AND ck.active)`;
  return sql`${cohortCtes(p, scope)}
    SELECT c.customer_id, c.first_day, round(coalesce((SELECT sum(revenue) FROM ck WHERE ck.customer_id = c.customer_id AND ck.cohort = c.cohort AND ck.k = ${k}), 0), 2) AS revenue
    FROM coh c WHERE c.cohort = CAST(${cohort} AS DATE) ${splitCond} AND ${activeCond}
    ORDER BY revenue DESC, c.customer_id LIMIT ${days(opts.limit, 'limit')} OFFSET ${days(opts.offset, 'offset', 0)}`;
}
