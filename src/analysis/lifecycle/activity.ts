/**
 * Customer activity days: the input of every lifecycle analysis. One row per customer and day on
 * which the customer has order rows (or counting events), with whether the day counts as activity
 * and the net order revenue of that day.
 */
import { Sql, sql, num, str } from '../../lib/sql';
import { scopedEvents, scopedOrders, type Scope } from '../scope';

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
  table: Sql;
  /** the as-of date the table was built for */
  asOf: string;
  /** JSON of the scope filters it was built with */
  filters: string;
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
 * mean the same in both modes.
 */
export function activityDays(p: ActivityParams, scope: Scope): Sql {
  const c = p.cached;
  if (c && scope.from === null && scope.asOf <= c.asOf && JSON.stringify(scope.filters) === c.filters) {
    // same rows as recomputing: every activity day is before its scope's as-of date
    return sql`SELECT customer_id, day, active, revenue FROM ${c.table} WHERE day < CAST(${scope.asOf} AS DATE)`;
  }
  const orders = scopedOrders(scope);
  if (p.source === 'orders') {
    return sql`SELECT customer_id, CAST(ts AS DATE) AS day, bool_or(NOT coalesce(is_return, false)) AS active,
      sum(amount) AS revenue FROM (${orders}) o GROUP BY customer_id, CAST(ts AS DATE)`;
  }
  if (p.eventTypes.length === 0) throw new Error('invalid event types: none chosen');
  return sql`SELECT customer_id, day, bool_or(active) AS active, sum(revenue) AS revenue FROM (
      SELECT customer_id, CAST(ts AS DATE) AS day, true AS active, 0.0 AS revenue
        FROM (${scopedEvents(scope)}) e WHERE event_type IN (${[...p.eventTypes]})
      UNION ALL
      SELECT customer_id, CAST(ts AS DATE) AS day, false AS active, amount AS revenue FROM (${orders}) o
    ) a GROUP BY customer_id, day`;
}

/** A whole number of days ≥ `min`, as SQL text (DuckDB cannot bind interval arithmetic well). */
export function days(n: number, name: string, min = 1): Sql {
  if (!Number.isInteger(n) || n < min) throw new Error(`invalid ${name}: ${String(n)}`);
  return num(n);
}

/** Calendar period used by time series and cohorts. */
export type PeriodUnit = 'week' | 'month';

/** The SQL interval of one period (program text, never user input). */
export function periodInterval(unit: PeriodUnit): Sql {
  if (unit === 'week') return sql`INTERVAL 7 DAY`;
  if (unit === 'month') return sql`INTERVAL 1 MONTH`;
  throw new Error(`invalid period: ${String(unit)}`);
}

/** Start of the period containing `expr` (weeks start on Monday). */
export function periodStart(unit: PeriodUnit, expr: Sql): Sql {
  periodInterval(unit);
  return sql`CAST(date_trunc(${str(unit)}, ${expr}) AS DATE)`;
}

/** The as-of date as a DATE expression. */
export function asOfDate(asOf: string): Sql {
  return sql`CAST(${asOf} AS DATE)`;
}
