/**
 * Lifecycle stage of every customer as of a date, and data-driven default thresholds.
 * Rules and precedence are documented in docs/metrics.md (Lifecycle and retention).
 */
import { Sql, sql, raw } from '../../lib/sql';
import { assertDate, type Scope } from '../scope';
import {
  activeDays,
  activityDays,
  asOfDate,
  cacheFits,
  customerActivity,
  days,
  gapStats,
  lookback,
  DEFAULT_ACTIVITY,
  type ActivityCache,
  type ActivityParams,
} from './activity';

/** Stages in display order; every existing customer has exactly one. */
export const STAGES = ['new', 'active', 'reactivated', 'dormant', 'churned'] as const;
export type Stage = (typeof STAGES)[number];

/** Day thresholds of the stage rules. */
export interface StageThresholds {
  /** N: first activity within the last N days → new */
  newDays: number;
  /** A: activity within the last A days → active (or reactivated) */
  activeDays: number;
  /** B: no activity for ≥ B days → churned; A < days since last < B → dormant */
  churnDays: number;
}

export interface StageParams extends ActivityParams, StageThresholds {}

/** Used when the data has no repeat buyers to learn from (see `suggestThresholds`). */
export const FALLBACK_THRESHOLDS: StageThresholds = { newDays: 90, activeDays: 90, churnDays: 180 };

export const STAGE_DEFAULTS: StageParams = { ...DEFAULT_ACTIVITY, ...FALLBACK_THRESHOLDS };

/** Throws unless the thresholds are whole days with B > A. */
export function checkThresholds(t: StageThresholds): void {
  days(t.newDays, 'new days');
  days(t.activeDays, 'active days');
  days(t.churnDays, 'churn days');
  if (t.churnDays <= t.activeDays) throw new Error(`invalid churn days: ${t.churnDays} must exceed active days ${t.activeDays}`);
}

/**
 * SELECT customer_id, stage, first_day, last_day, days_since_last, revenue — one row per customer
 * whose first activity day is before `asOf` (default: the scope's as-of date). History before the
 * window start is used (attribute filters kept). `revenue` is net revenue of all days before `asOf`.
 *
 * Precedence (first match wins), with d = as-of date (exclusive), first/last = first/last activity day:
 * new (first ≥ d − N) → reactivated (first activity in [d − A, d) comes after more than A days
 * without activity, i.e. the customer had become dormant) → active (last ≥ d − A) →
 * dormant (d − last < B) → churned.
 */
export function stageAsOf(params: StageParams, scope: Scope, asOf: string = scope.asOf): Sql {
  assertDate(asOf, 'as-of date');
  checkThresholds(params);
  const d = asOfDate(asOf);
  const N = days(params.newDays, 'new days');
  const A = days(params.activeDays, 'active days');
  const B = days(params.churnDays, 'churn days');
  const c = params.cached;
  if (summariesServe(c, scope, asOf) && asOf === c.asOf) {
    return sql`SELECT customer_id, ${stageRule(params, asOf)} AS stage, first_day, last_day, ${d} - last_day AS days_since_last,
        round(revenue, 2) AS revenue
      FROM ${c.customers} c LEFT JOIN (${recentDays(params, c.days, asOf)}) w ON w.cid IS NOT DISTINCT FROM c.customer_id
      WHERE first_day IS NOT NULL`;
  }
  const act = activityDays(params, lookback(scope, asOf));
  return sql`SELECT customer_id,
      CASE
        WHEN first_day >= ${d} - ${N} THEN 'new'
        WHEN win_first IS NOT NULL AND prev_last IS NOT NULL AND win_first - prev_last > ${A} THEN 'reactivated'
        WHEN win_first IS NOT NULL THEN 'active'
        WHEN ${d} - last_day < ${B} THEN 'dormant'
        ELSE 'churned'
      END AS stage,
      first_day, last_day, ${d} - last_day AS days_since_last, revenue
    FROM (
      SELECT customer_id,
        min(day) FILTER (WHERE active) AS first_day,
        max(day) FILTER (WHERE active) AS last_day,
        min(day) FILTER (WHERE active AND day >= ${d} - ${A}) AS win_first,
        max(day) FILTER (WHERE active AND day < ${d} - ${A}) AS prev_last,
        round(sum(revenue), 2) AS revenue
      FROM (${act}) a GROUP BY customer_id
    ) c WHERE first_day IS NOT NULL`;
}

/** True when the page's per-customer and per-active-day summaries serve stages at `asOf` (same filters, no window start, not after their date). */
function summariesServe(c: ActivityCache | undefined, scope: Scope, asOf: string): c is ActivityCache & { customers: Sql; days: Sql } {
  return !!c?.customers && !!c.days && cacheFits(c, lookback(scope, asOf));
}

/**
 * Per customer with an active day in [asOf − A, summaries' date) of `table` (the kept `dayGaps`, every activity
 * row: read on its active rows): cid; win_gap = the gap before the first active day on/after asOf − A, taken only
 * from days before `asOf` (NULL: no earlier active day); in_win = active days in [asOf − A, asOf); last_before =
 * the last active day before `asOf` when the customer is active on/after it.
 */
function recentDays(params: StageParams, table: Sql, asOf: string): Sql {
  const A = days(params.activeDays, 'active days');
  return sql`SELECT customer_id AS cid, ${recentColumns(asOf, '', sql`TRUE`)} FROM ${table} WHERE active AND day >= ${asOfDate(asOf)} - ${A} GROUP BY customer_id`;
}

/** The aggregates of `recentDays` at `asOf` (named with `suffix`), over the rows where `inWindow` holds. */
function recentColumns(asOf: string, suffix: string, inWindow: Sql): Sql {
  const d = asOfDate(asOf);
  const name = (n: string) => raw(`${n}${suffix}`);
  return sql`arg_min_null(gap, day) FILTER (WHERE ${inWindow} AND day < ${d}) AS ${name('win_gap')},
      count(*) FILTER (WHERE ${inWindow} AND day < ${d}) AS ${name('in_win')},
      arg_min_null(day - CAST(gap AS INTEGER), day) FILTER (WHERE day >= ${d}) AS ${name('last_before')}`;
}

/**
 * The stage rule of `stageAsOf` on the summaries (`c`: first_day, last_day; `w`: `recentDays`). The first
 * active day in the A-day window comes after more than A silent days exactly when its own gap exceeds A (the day
 * before it is the last one before the window); the last active day before the date is the overall last one unless
 * the customer came back on/after it.
 */
function stageRule(params: StageParams, asOf: string, suffix = ''): Sql {
  const d = asOfDate(asOf);
  const N = days(params.newDays, 'new days');
  const A = days(params.activeDays, 'active days');
  const B = days(params.churnDays, 'churn days');
  const w = (n: string) => raw(`w.${n}${suffix}`);
  return sql`CASE
        WHEN c.first_day >= ${d} - ${N} THEN 'new'
        WHEN ${w('in_win')} > 0 AND ${w('win_gap')} > ${A} THEN 'reactivated'
        WHEN ${w('in_win')} > 0 THEN 'active'
        WHEN ${d} - coalesce(${w('last_before')}, c.last_day) < ${B} THEN 'dormant'
        ELSE 'churned'
      END`;
}

/**
 * One row per customer existing at `date2` (the summaries' own date): customer_id, from_stage (the stage at
 * `date1`, or `notYet` for a customer first active on/after it), to_stage, and as `stageAsOf` at `date2`:
 * revenue, first_day, last_day, days_since_last. One grouping of the active days from `date1` − A serves both
 * dates (instead of a stage computation per date and a join of the two); null unless the summaries serve
 * `date2` exactly.
 */
export function stagePairs(params: StageParams, scope: Scope, date1: string, date2: string, notYet: string): Sql | null {
  const c = params.cached;
  if (!summariesServe(c, scope, date2) || date2 !== c.asOf) return null;
  checkThresholds(params);
  const A = days(params.activeDays, 'active days');
  const d1 = asOfDate(date1);
  const d2 = asOfDate(date2);
  // a NULL customer id (guest orders) has no from-stage, as the join of two stage lists on the id gives
  return sql`SELECT c.customer_id,
      CASE WHEN c.customer_id IS NOT NULL AND c.first_day < ${d1} THEN ${stageRule(params, date1, '_1')} ELSE ${notYet} END AS from_stage,
      ${stageRule(params, date2, '_2')} AS to_stage, round(c.revenue, 2) AS revenue, c.first_day, c.last_day,
      ${d2} - c.last_day AS days_since_last
    FROM ${c.customers} c LEFT JOIN (
      SELECT customer_id AS cid, ${recentColumns(date1, '_1', sql`TRUE`)}, ${recentColumns(date2, '_2', sql`day >= ${d2} - ${A}`)}
      FROM ${c.days} WHERE active AND day >= ${d1} - ${A} GROUP BY customer_id
    ) w ON w.cid IS NOT DISTINCT FROM c.customer_id
    WHERE c.first_day IS NOT NULL`;
}

/**
 * SELECT customer_id, stage — `stageAsOf` without its other columns, for any date up to the
 * summaries' own (read from them when they serve the scope: no pass over every activity day).
 */
export function stageOnly(params: StageParams, scope: Scope, asOf: string): Sql {
  assertDate(asOf, 'as-of date');
  checkThresholds(params);
  const c = params.cached;
  if (summariesServe(c, scope, asOf)) {
    return sql`SELECT c.customer_id, ${stageRule(params, asOf)} AS stage
      FROM ${c.customers} c LEFT JOIN (${recentDays(params, c.days, asOf)}) w ON w.cid IS NOT DISTINCT FROM c.customer_id
      WHERE c.first_day < ${asOfDate(asOf)}`;
  }
  return sql`SELECT customer_id, stage FROM (${stageAsOf(params, scope, asOf)}) s`;
}

/** SELECT stage, customers, revenue — one row per stage in `STAGES` order (zeros included). */
export function stageCounts(params: StageParams, scope: Scope, asOf: string = scope.asOf): Sql {
  const stages = STAGES.map((s, i) => sql`(${s}, ${i})`);
  return sql`SELECT k.stage, count(s.customer_id) AS customers, round(coalesce(sum(s.revenue), 0), 2) AS revenue
    FROM (VALUES ${stages}) k(stage, ord)
    LEFT JOIN (${stageAsOf(params, scope, asOf)}) s ON s.stage = k.stage
    GROUP BY k.stage, k.ord ORDER BY k.ord`;
}

/** A page of customers in one stage, most recent activity first. Same columns as `stageAsOf`. */
export function stageMembers(params: StageParams, scope: Scope, stage: Stage, page: { limit: number; offset: number }): Sql {
  if (!(STAGES as readonly string[]).includes(stage)) throw new Error(`invalid stage: ${String(stage)}`);
  return sql`SELECT * FROM (${stageAsOf(params, scope)}) s WHERE stage = ${stage}
    ORDER BY last_day DESC, customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}

/**
 * One row: gaps, repeat_customers, median_gap, p80_gap, p95_gap, new_days, active_days, churn_days.
 * Gaps are the day differences between consecutive activity days of each customer (all history
 * before the as-of date, attribute filters kept; every gap counts once).
 * Rule: A = ceil(p80 gap) clamped to 7…365, B = 2 × A, N = A; with no repeat buyers A = N = 90, B = 180.
 */
export function suggestThresholds(scope: Scope, activity: ActivityParams = DEFAULT_ACTIVITY): Sql {
  const fb = FALLBACK_THRESHOLDS;
  // a repeat customer has a gap, i.e. a second active day
  const c = activity.cached;
  const repeat =
    c?.customers && c.asOf === scope.asOf
      ? sql`(SELECT count(*) FROM (${customerActivity(activity, lookback(scope))}) c WHERE second_day IS NOT NULL)`
      : sql`(SELECT count(DISTINCT customer_id) FROM (${activeDays(activity, lookback(scope))}) g WHERE gap IS NOT NULL)`;
  return sql`WITH s AS (
      SELECT gaps, ${repeat} AS repeat_customers, median_gap, p80_gap, p95_gap FROM (${gapStats(activity, lookback(scope))}) q
    ), a AS (
      SELECT *, CASE WHEN gaps = 0 THEN ${days(fb.activeDays, 'active days')}
        ELSE CAST(least(365, greatest(7, ceil(p80_gap))) AS INTEGER) END AS active_days FROM s
    )
    SELECT gaps, repeat_customers, median_gap, p80_gap, p95_gap,
      active_days AS new_days, active_days, 2 * active_days AS churn_days FROM a`;
}

/** Thresholds from a `suggestThresholds` row. */
export function shapeThresholds(row: Record<string, unknown>): StageThresholds {
  const n = (k: string, fb: number) => (typeof row[k] === 'number' && Number.isFinite(row[k]) ? (row[k] as number) : fb);
  return {
    newDays: n('new_days', FALLBACK_THRESHOLDS.newDays),
    activeDays: n('active_days', FALLBACK_THRESHOLDS.activeDays),
    churnDays: n('churn_days', FALLBACK_THRESHOLDS.churnDays),
  };
}
