/**
 * Customer activity days: the input of every lifecycle analysis. One row per customer and day on
 * which the customer has order rows (or counting events), with whether the day counts as activity
 * and the net order revenue of that day.
 */
import { Sql, sql, num, str, raw } from '../../lib/sql';
import { filtersKey, scopedEvents, scopedOrders, type Scope } from '../scope';
import { queryInPart, tableInPart, type Part } from '../parts';

/** What counts as "activity" for lifecycle stages. */
export interface ActivityParams {
  /** `orders`: a day with at least one non-return order row; `events`: a day with an event of `eventTypes`. */
  source: 'orders' | 'events';
  /** Canonical event types that count as activity when `source` is `events` (ignored otherwise). */
  eventTypes: readonly string[];
  /**
   * A materialised `activityDays(p, lookback(scope))` to read instead of recomputing it (the
   * lifecycle page runs ~9 queries on the same activity). Used only for calls with the same
   * filters, no window start and an as-of date up to the cached one.
   */
  cached?: ActivityCache;
}

export const DEFAULT_ACTIVITY: ActivityParams = { source: 'orders', eventTypes: ['view', 'cart', 'fav', 'purchase'] };

/** A table holding `activityDays` for one scope (see `ActivityParams.cached`). */
export interface ActivityCache {
  /** every activity row (`activityDays` columns; it may carry more, e.g. the `dayGaps` table itself) */
  table: Sql;
  /** the as-of date the table was built for */
  asOf: string;
  /** `filtersKey` of the scope it was built with */
  filters: string;
  /**
   * optional: a materialised `dayGaps(p, lookback(scope))` of the same activity (every activity row
   * with its gap, next day and 365-day revenue; read for as-of dates up to `asOf`). The page keeps
   * one table for both: it is also `table`.
   */
  days?: Sql;
  /** optional: a materialised `customerActivity(p, lookback(scope))` (read only at exactly `asOf`) */
  customers?: Sql;
  /** optional: a materialised `gapStats(p, lookback(scope))` (read only at exactly `asOf`) */
  gaps?: Sql;
  /**
   * optional: a materialised `periodTable(p, lookback(scope), unit, weekStart)` (read only at
   * exactly `asOf`, for that unit and week start)
   */
  periods?: { table: Sql; unit: PeriodUnit; weekStart: WeekStart };
}

/** True when the cache was built for this scope's rows: same filters, no window start, as-of date up to the cached one. */
export function cacheFits(c: ActivityCache | undefined, scope: Scope): c is ActivityCache {
  return !!c && scope.from === null && scope.asOf <= c.asOf && filtersKey(scope) === c.filters;
}

/**
 * The same scope without the window start: lifecycle needs history before `from` to know who is
 * new, who returns and who comes back. Attribute filters and the as-of date are kept.
 */
export function lookback(scope: Scope, asOf: string = scope.asOf): Scope {
  return { ...scope, asOf, from: null };
}

/**
 * SELECT customer_id, day DATE, active BOOLEAN, revenue DOUBLE — one row per customer and day with
 * order rows or counting events, before the scope's as-of date (the window start of `scope` is
 * applied as given; pass `lookback(scope)` for full history). Revenue is always net order revenue
 * (returns included as negative rows), also when activity comes from events, so revenue figures
 * mean the same in both modes. With `part`, only the customers whose id hashes to that part
 * (`parts.ts`): the parts together are every row, each customer's rows the same.
 */
export function activityDays(p: ActivityParams, scope: Scope, part?: Part): Sql {
  const c = p.cached;
  if (cacheFits(c, scope)) {
    // same rows as recomputing: every activity day is before its scope's as-of date
    return sql`SELECT customer_id, day, active, revenue FROM ${tableInPart(c.table, part)} WHERE day < CAST(${scope.asOf} AS DATE)`;
  }
  const orders = queryInPart(scopedOrders(scope), part);
  if (p.source === 'orders') {
    return sql`SELECT customer_id, CAST(ts AS DATE) AS day, bool_or(NOT coalesce(is_return, false)) AS active,
      sum(amount) AS revenue FROM (${orders}) o GROUP BY customer_id, CAST(ts AS DATE)`;
  }
  if (p.eventTypes.length === 0) throw new Error('invalid event types: none chosen');
  return sql`SELECT customer_id, day, bool_or(active) AS active, sum(revenue) AS revenue FROM (
      SELECT customer_id, CAST(ts AS DATE) AS day, true AS active, 0.0 AS revenue
        FROM (${queryInPart(scopedEvents(scope), part)}) e WHERE event_type IN (${[...p.eventTypes]})
      UNION ALL
      SELECT customer_id, CAST(ts AS DATE) AS day, false AS active, amount AS revenue FROM (${orders}) o
    ) a GROUP BY customer_id, day`;
}

/**
 * SELECT customer_id, day, active, revenue, gap, next_day, rev365, first_day — every row of
 * `activityDays(p, scope)` with, read on its active rows: gap = days since the customer's previous
 * active day (NULL on the first), next_day = the next active day (NULL on the last), rev365 = net
 * revenue of the customer's activity rows (active or not) in the 365 days up to and including this
 * day; and on every row first_day = the customer's first active day (NULL without one). The page
 * builds it once (`ActivityCache.days`, also its `table`: the grouping of the orders feeds the
 * window directly, no customer × day table is written and read back). A cached table serves any
 * earlier as-of date: gap and rev365 look back only, a next day on or after the as-of date is no
 * next day yet, and a first active day on or after it no first active day. With `part`, the rows
 * of that part's customers only (every window is one customer's, so each row is the same).
 */
export function dayGaps(p: ActivityParams, scope: Scope, part?: Part): Sql {
  const c = p.cached;
  if (cacheFits(c, scope) && c.days) {
    const d = sql`CAST(${scope.asOf} AS DATE)`;
    return sql`SELECT customer_id, day, active, revenue, gap, CASE WHEN next_day < ${d} THEN next_day END AS next_day, rev365,
        CASE WHEN first_day < ${d} THEN first_day END AS first_day
      FROM ${tableInPart(c.days, part)} WHERE day < ${d}`;
  }
  // one sort for the four: the previous and next active day are the nearest active day before and
  // after the row (`lag`/`lead` skipping the inactive rows' NULLs: one step each, where a running
  // max/min over the frame before/after kept a segment tree; days are ascending and distinct per
  // customer), the 365 days a range over the same DATE order (a range of INTERVAL 364 DAY would
  // order by a TIMESTAMP cast: a second sort), the first active day a minimum over the whole partition
  return sql`SELECT customer_id, day, active, revenue,
      day - lag(CASE WHEN active THEN day END IGNORE NULLS) OVER w AS gap,
      lead(CASE WHEN active THEN day END IGNORE NULLS) OVER w AS next_day,
      sum(revenue) OVER (w RANGE BETWEEN 364 PRECEDING AND CURRENT ROW) AS rev365,
      min(CASE WHEN active THEN day END) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_day
    FROM (${activityDays(p, scope, part)}) a WINDOW w AS (PARTITION BY customer_id ORDER BY day)`;
}

/**
 * SELECT customer_id, day, gap, next_day, rev365 — the active rows of `dayGaps(p, scope)`.
 * Lifecycle suggestions, churn warning, repurchase and stage flows all read these.
 */
export function activeDays(p: ActivityParams, scope: Scope): Sql {
  return sql`SELECT customer_id, day, gap, next_day, rev365 FROM (${dayGaps(p, scope)}) x WHERE active`;
}

/**
 * SELECT customer_id, orders, first_day, last_day, revenue, own_gap, second_day — one row per
 * customer with activity rows in `activityDays(p, scope)`: orders = active days, first/last
 * active day (NULL without one), revenue = net revenue of all rows, own_gap = median of the
 * customer's gaps between consecutive active days (NULL with fewer than two), second_day = the
 * second active day (NULL without one). One grouping of `dayGaps` (every row carries its gap). A
 * cached table (`ActivityCache.customers`) serves only its own as-of date.
 */
export function customerActivity(p: ActivityParams, scope: Scope): Sql {
  const c = p.cached;
  if (cacheFits(c, scope) && c.customers && scope.asOf === c.asOf) {
    return sql`SELECT customer_id, orders, first_day, last_day, revenue, own_gap, second_day FROM ${c.customers}`;
  }
  return sql`SELECT customer_id, count(*) FILTER (WHERE active) AS orders, min(day) FILTER (WHERE active) AS first_day,
      max(day) FILTER (WHERE active) AS last_day, sum(revenue) AS revenue, quantile_cont(gap, 0.5) FILTER (WHERE active) AS own_gap,
      min(day) FILTER (WHERE active AND gap IS NOT NULL) AS second_day
    FROM (${dayGaps(p, scope)}) d GROUP BY customer_id`;
}

/**
 * SELECT customer_id, first_day, last_day — the first and last active day of every customer with
 * one in `activityDays(p, scope)` (read from the per-customer summary when it serves this scope).
 */
export function firstDays(p: ActivityParams, scope: Scope): Sql {
  const c = p.cached;
  if (cacheFits(c, scope) && c.customers && scope.asOf === c.asOf) {
    return sql`SELECT customer_id, first_day, last_day FROM ${c.customers} WHERE first_day IS NOT NULL`;
  }
  return sql`SELECT customer_id, min(day) FILTER (WHERE active) AS first_day, max(day) FILTER (WHERE active) AS last_day
    FROM (${activityDays(p, scope)}) a GROUP BY customer_id HAVING first_day IS NOT NULL`;
}

/**
 * One row: gaps (number of gaps between consecutive active days, all customers), median_gap,
 * p80_gap, p95_gap (`quantile_cont` of those gaps; one sort for the three). Suggested thresholds and
 * the churn warning's population gap read it; the page builds it once (`ActivityCache.gaps`).
 */
export function gapStats(p: ActivityParams, scope: Scope): Sql {
  const c = p.cached;
  if (cacheFits(c, scope) && c.gaps && scope.asOf === c.asOf) {
    return sql`SELECT gaps, median_gap, p80_gap, p95_gap FROM ${c.gaps}`;
  }
  return sql`SELECT gaps, q[1] AS median_gap, q[2] AS p80_gap, q[3] AS p95_gap FROM (
      SELECT count(gap) AS gaps, quantile_cont(gap, [0.5, 0.8, 0.95]) AS q FROM (${activeDays(p, scope)}) g
    ) s`;
}

/** True when the cache holds the customer × period table of this scope, unit and week start. */
function periodsFit(
  c: ActivityCache | undefined,
  scope: Scope,
  unit: PeriodUnit,
  weekStart: WeekStart,
): c is ActivityCache & Required<Pick<ActivityCache, 'periods'>> {
  return cacheFits(c, scope) && !!c.periods && scope.asOf === c.asOf && c.periods.unit === unit && c.periods.weekStart === weekStart;
}

/**
 * SELECT customer_id, period, active, revenue — one row per customer and period (start date, see
 * `periodStart`) with rows in `activityDays(p, scope)`: active = some day of it is active, revenue =
 * net revenue of its days. Stage flows, period statuses and cohorts read it; the page builds it once
 * for its period (`ActivityCache.periods`).
 */
export function activityPeriods(p: ActivityParams, scope: Scope, unit: PeriodUnit, weekStart: WeekStart = 'monday'): Sql {
  const c = p.cached;
  if (periodsFit(c, scope, unit, weekStart)) return sql`SELECT customer_id, period, active, revenue FROM ${c.periods.table}`;
  return sql`SELECT customer_id, ${periodStart(unit, raw('day'), weekStart)} AS period, bool_or(active) AS active, sum(revenue) AS revenue
    FROM (${activityDays(p, scope)}) a GROUP BY customer_id, period`;
}

/**
 * SELECT customer_id, period, active, revenue, prev_day, first_day — `activityPeriods` with
 * prev_day = the customer's last active day before the period (NULL when the period has no active
 * day or holds the customer's first one): the gap of the period's first active day reaches back
 * before the period start, no other active day's does; first_day = the customer's first active day.
 * The page's `life_periods` table (one grouping of `dayGaps`); stage flows read prev_day instead of
 * a window over the periods, first-activity cohorts read first_day instead of a join with the cohorts.
 */
export function periodTable(p: ActivityParams, scope: Scope, unit: PeriodUnit, weekStart: WeekStart = 'monday'): Sql {
  const ps = periodStart(unit, raw('day'), weekStart);
  return sql`SELECT customer_id, ${ps} AS period, bool_or(active) AS active, sum(revenue) AS revenue,
      min(day - CAST(gap AS INTEGER)) FILTER (WHERE active AND gap > day - ${ps}) AS prev_day, min(first_day) AS first_day
    FROM (${dayGaps(p, scope)}) a GROUP BY customer_id, period`;
}

/** The kept `periodTable` of this scope, unit and week start, or null when the cache has none (then group `activityPeriods`). */
export function keptPeriods(p: ActivityParams, scope: Scope, unit: PeriodUnit, weekStart: WeekStart = 'monday'): Sql | null {
  return periodsFit(p.cached, scope, unit, weekStart) ? p.cached.periods.table : null;
}

/** A whole number of days ≥ `min`, as SQL text (DuckDB cannot bind interval arithmetic well). */
export function days(n: number, name: string, min = 1): Sql {
  if (!Number.isInteger(n) || n < min) throw new Error(`invalid ${name}: ${String(n)}`);
  return num(n);
}

/** Calendar period used by time series and cohorts. */
export type PeriodUnit = 'day' | 'week' | 'month';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month'];

/** First day of a calendar week: ISO/European Monday (default) or US Sunday. */
export type WeekStart = 'monday' | 'sunday';
export const WEEK_STARTS: readonly WeekStart[] = ['monday', 'sunday'];

/** The SQL interval of one period (program text, never user input). */
export function periodInterval(unit: PeriodUnit): Sql {
  if (unit === 'day') return sql`INTERVAL 1 DAY`;
  if (unit === 'week') return sql`INTERVAL 7 DAY`;
  if (unit === 'month') return sql`INTERVAL 1 MONTH`;
  throw new Error(`invalid period: ${String(unit)}`);
}

/**
 * Start of the period containing `expr` as a DATE. Weeks start on Monday, or on Sunday with
 * `weekStart: 'sunday'` (the Monday week of the next day, minus one day).
 */
export function periodStart(unit: PeriodUnit, expr: Sql, weekStart: WeekStart = 'monday'): Sql {
  periodInterval(unit);
  if (weekStart !== 'monday' && weekStart !== 'sunday') throw new Error(`invalid week start: ${String(weekStart)}`);
  if (unit === 'day') return sql`CAST(${expr} AS DATE)`;
  if (unit === 'week' && weekStart === 'sunday') return sql`CAST(CAST(date_trunc('week', CAST(${expr} AS DATE) + 1) AS DATE) - 1 AS DATE)`;
  return sql`CAST(date_trunc(${str(unit)}, ${expr}) AS DATE)`;
}

/** Most periods a time series or cohort table draws; finer periods over longer data are refused. */
export const MAX_PERIODS = 400;

/** Number of periods of `unit` from the period of `first` to the period of `last` (`YYYY-MM-DD`, inclusive), approximately for months. */
export function periodCount(unit: PeriodUnit, first: string, last: string): number {
  const days = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
  if (!Number.isFinite(days) || days < 0) return 1;
  if (unit === 'day') return days + 1;
  if (unit === 'week') return Math.floor(days / 7) + 1;
  return Math.floor(days / 30.4375) + 1;
}

/**
 * The period to suggest for data spanning `first` … `last`: day up to 31 days, week up to ~3
 * months (92 days), else month (monthly cohorts of nine days of data are all empty).
 */
export function suggestPeriod(first: string, last: string): PeriodUnit {
  const n = periodCount('day', first, last);
  return n <= 31 ? 'day' : n <= 92 ? 'week' : 'month';
}

/**
 * Null when `unit` draws at most `MAX_PERIODS` periods over `first` … `last`; else how many it
 * would draw and the finest coarser period that fits (day over 10 years → month; month when
 * nothing fits, then the window has to shrink).
 */
export function tooFine(unit: PeriodUnit, first: string, last: string): { periods: number; suggest: PeriodUnit } | null {
  const periods = periodCount(unit, first, last);
  if (periods <= MAX_PERIODS) return null;
  const coarser = PERIOD_UNITS.slice(PERIOD_UNITS.indexOf(unit) + 1);
  const suggest = coarser.find((u) => periodCount(u, first, last) <= MAX_PERIODS) ?? 'month';
  return { periods, suggest };
}

/** Throws `period too fine: …` when `unit` over `first` … `last` would draw more than `MAX_PERIODS` periods. */
export function checkPeriodCount(unit: PeriodUnit, first: string, last: string): void {
  const t = tooFine(unit, first, last);
  if (t) throw new Error(`period too fine: ${t.periods} ${unit} periods from ${first} to ${last}; use ${t.suggest} or a shorter window`);
}

/** The as-of date as a DATE expression. */
export function asOfDate(asOf: string): Sql {
  return sql`CAST(${asOf} AS DATE)`;
}
