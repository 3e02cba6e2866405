/**
 * Period-based lifecycle as PostHog and Amplitude define it: each day, week or month a customer is
 * new, returning, resurrecting or (counted negative) dormant, judged only by activity in that
 * period and the one before. No day thresholds; compare the threshold-based `stagesOverTime`.
 * Definitions and a worked example in docs/metrics.md ("Lifecycle by period").
 */
import { Sql, sql, raw } from '../../lib/sql';
import { assertDate, type Scope } from '../scope';
import {
  activityPeriods,
  asOfDate,
  firstDays,
  days,
  lookback,
  periodInterval,
  periodStart,
  DEFAULT_ACTIVITY,
  type ActivityParams,
  type PeriodUnit,
  type WeekStart,
} from './activity';

export const PERIOD_STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

/** +1: active in the period (drawn above zero); −1: active in the previous period only (below zero). */
export const STATUS_SIGN: Readonly<Record<PeriodStatus, 1 | -1>> = { new: 1, returning: 1, resurrecting: 1, dormant: -1 };

export interface PeriodLifecycleParams extends ActivityParams {
  unit: PeriodUnit;
  weekStart?: WeekStart;
}

export const PERIOD_LIFECYCLE_DEFAULTS: PeriodLifecycleParams = { ...DEFAULT_ACTIVITY, unit: 'week' };

/**
 * CTEs: `periods` (the reported periods, oldest first) and `st` (customer_id, period, status,
 * revenue): one row per customer and reported period in which the customer is new, returning,
 * resurrecting or dormant.
 */
function statusCtes(p: PeriodLifecycleParams, scope: Scope): Sql {
  const step = periodInterval(p.unit);
  const d = asOfDate(scope.asOf);
  const ps = (e: Sql) => periodStart(p.unit, e, p.weekStart);
  const from = scope.from === null ? sql`(SELECT min(first_day) FROM firsts)` : sql`CAST(${scope.from} AS DATE)`;
  return sql`WITH firsts AS (${firstDays(p, lookback(scope))}),
    periods AS (
      SELECT CAST(t.p AS DATE) AS period FROM generate_series(
        CAST(${ps(from)} AS TIMESTAMP), CAST(${ps(sql`${d} - 1`)} AS TIMESTAMP), ${step}) t(p)
    ),
    pa AS (SELECT customer_id, period, revenue FROM (${activityPeriods(p, lookback(scope), p.unit, p.weekStart)}) ap WHERE active),
    pos AS (
      SELECT a.customer_id, a.period, a.revenue,
        CASE WHEN a.period = ${ps(raw('f.first_day'))} THEN 'new'
             WHEN prev.customer_id IS NOT NULL THEN 'returning'
             ELSE 'resurrecting' END AS status
      FROM pa a JOIN firsts f USING (customer_id)
      LEFT JOIN pa prev ON prev.customer_id = a.customer_id AND prev.period = CAST(a.period - ${step} AS DATE)
    ),
    neg AS (
      SELECT a.customer_id, CAST(a.period + ${step} AS DATE) AS period, a.revenue, 'dormant' AS status
      FROM pa a LEFT JOIN pa nxt ON nxt.customer_id = a.customer_id AND nxt.period = CAST(a.period + ${step} AS DATE)
      WHERE nxt.customer_id IS NULL AND CAST(a.period + ${step} AS DATE) < ${d}
    ),
    st AS (
      SELECT x.* FROM (SELECT customer_id, period, status, revenue FROM pos UNION ALL SELECT customer_id, period, status, revenue FROM neg) x
      JOIN periods USING (period)
    )`;
}

/**
 * One row per (period, status) for every period from the period of the window start (or of the
 * first activity when there is none) to the period containing the day before the as-of date,
 * zeros included, in `PERIOD_STATUSES` order. Columns: period DATE, period_end DATE (exclusive),
 * complete BOOLEAN (period_end ≤ as-of), status, sign, customers, revenue.
 *
 * new = active in the period of their first activity; returning = active in this period and the
 * previous one; resurrecting = active in this period, not the previous one, not new; dormant =
 * active in the previous period, not in this one (sign −1). Revenue: net revenue in the period
 * (dormant: in the previous period, i.e. what stopped). History before the window is read.
 */
export function periodLifecycle(p: PeriodLifecycleParams, scope: Scope): Sql {
  const step = periodInterval(p.unit);
  const d = asOfDate(scope.asOf);
  const kinds = PERIOD_STATUSES.map((k, i) => sql`(${k}, ${STATUS_SIGN[k]}, ${i})`);
  return sql`${statusCtes(p, scope)}
    SELECT pr.period, CAST(pr.period + ${step} AS DATE) AS period_end, CAST(pr.period + ${step} AS DATE) <= ${d} AS complete,
      k.status, k.sign, count(s.customer_id) AS customers, round(coalesce(sum(s.revenue), 0), 2) AS revenue
    FROM periods pr CROSS JOIN (VALUES ${kinds}) k(status, sign, ord)
    LEFT JOIN st s ON s.period = pr.period AND s.status = k.status
    GROUP BY pr.period, k.status, k.sign, k.ord ORDER BY pr.period, k.ord`;
}

/**
 * A page of the customers with one status in one period (`YYYY-MM-DD`, the period start):
 * customer_id, first_day, revenue (as in `periodLifecycle`), most revenue first, then id. These
 * are the CSV export's columns too: no helper column (a `total` column leaked into the export).
 */
export function periodLifecycleMembers(
  p: PeriodLifecycleParams,
  scope: Scope,
  period: string,
  status: PeriodStatus,
  page: { limit: number; offset: number },
): Sql {
  if (!(PERIOD_STATUSES as readonly string[]).includes(status)) throw new Error(`invalid status: ${String(status)}`);
  assertDate(period, 'period');
  return sql`${statusCtes(p, scope)}
    SELECT s.customer_id, f.first_day, round(s.revenue, 2) AS revenue
    FROM st s JOIN firsts f USING (customer_id)
    WHERE s.period = CAST(${period} AS DATE) AND s.status = ${status}
    ORDER BY revenue DESC, s.customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}
