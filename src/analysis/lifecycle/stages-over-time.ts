/**
 * Lifecycle flows per day, week or month: who arrived (new), stayed (returning), came back
 * (reactivated), and who lapsed (newly dormant / newly churned, drawn below zero).
 * Definitions in docs/metrics.md (Lifecycle and retention).
 */
import { Sql, sql, raw } from '../../lib/sql';
import { assertDate, type Scope } from '../scope';
import {
  activeDays,
  activityPeriods,
  asOfDate,
  firstDays,
  days,
  keptPeriods,
  lookback,
  periodInterval,
  periodStart,
  type PeriodUnit,
  type WeekStart,
} from './activity';
import { checkThresholds, STAGE_DEFAULTS, type StageParams } from './stage';

export type FlowKey = 'new' | 'returning' | 'reactivated' | 'dormant' | 'churned';

export interface FlowDef {
  key: FlowKey;
  /** +1: drawn above zero; -1: customers lost, drawn below zero */
  sign: 1 | -1;
  /** i18n key of the label */
  label: string;
  /** i18n key of the tooltip text stating the rule */
  tip: string;
}

/** Flows in display order. */
export const FLOWS: readonly FlowDef[] = (
  [
    ['new', 1],
    ['returning', 1],
    ['reactivated', 1],
    ['dormant', -1],
    ['churned', -1],
  ] as const
).map(([key, sign]) => ({ key, sign, label: `lifecycle.flow.${key}`, tip: `lifecycle.flow.${key}.tip` }));

export interface FlowParams extends StageParams {
  unit: PeriodUnit;
  /** First day of a week period (default Monday). */
  weekStart?: WeekStart;
}

export const FLOW_DEFAULTS: FlowParams = { ...STAGE_DEFAULTS, unit: 'month' };

/** Longest period of each unit, in days. */
const LONGEST: Readonly<Record<PeriodUnit, number>> = { day: 1, week: 7, month: 31 };

/**
 * True when no customer can lapse twice into the same stage within one period: two lapse days of a
 * customer into one stage are more than A days apart (the second follows a later active day, itself
 * more than A days after the first), so with A ≥ the longest period they fall in different periods
 * and the per-period grouping of the lapses can be skipped.
 */
function oneLapsePerPeriod(unit: PeriodUnit, activeDays: number): boolean {
  return activeDays >= LONGEST[unit];
}

/** The CTEs (`periods`, `flows`: one row per customer, period and flow) that `stagesOverTime` counts and `flowMembers` lists. */
function flowsWith(p: FlowParams, scope: Scope): Sql {
  checkThresholds(p);
  const A = days(p.activeDays, 'active days');
  const B = days(p.churnDays, 'churn days');
  const step = periodInterval(p.unit);
  const d = asOfDate(scope.asOf);
  const ps = (e: string) => periodStart(p.unit, raw(e), p.weekStart);
  const from =
    scope.from === null ? sql`(SELECT min(first_day) FROM (${firstDays(p, lookback(scope))}) f)` : sql`CAST(${scope.from} AS DATE)`;
  // `none` is tested for NULL itself: DuckDB-WASM 1.4.3 took `CAST(date_trunc('month', NULL) AS DATE) IS NULL`
  // inside a CASE for false (native 1.4.4 does not; every new customer was drawn as reactivated)
  const prevStage = (none: Sql, prev: Sql) => sql`CASE WHEN ${none} IS NULL THEN 'new'
             WHEN ${prev} = CAST(period - ${step} AS DATE) THEN 'returning'
             ELSE 'reactivated' END`;
  // per-period activity from the page's shared table when it built one (docs/data-model.md): its
  // prev_day gives the previous active period without a window over the periods; else a
  // customer's first active period is the one without an earlier one (new)
  const kept = keptPeriods(p, lookback(scope), p.unit, p.weekStart);
  const pos = kept
    ? sql`SELECT customer_id, period, revenue, ${prevStage(raw('prev_day'), ps('prev_day'))} AS stage
      FROM ${kept} WHERE active AND customer_id IS NOT NULL`
    : sql`SELECT customer_id, period, revenue, ${prevStage(raw('prev'), raw('prev'))} AS stage
      FROM (SELECT customer_id, period, revenue, lag(period) OVER (PARTITION BY customer_id ORDER BY period) AS prev
        FROM (${activityPeriods(p, lookback(scope), p.unit, p.weekStart)}) ap WHERE active AND customer_id IS NOT NULL) x`;
  return sql`WITH periods AS (
      SELECT CAST(t.p AS DATE) AS period FROM generate_series(
        CAST(${periodStart(p.unit, from, p.weekStart)} AS TIMESTAMP), CAST(${periodStart(p.unit, sql`${d} - 1`, p.weekStart)} AS TIMESTAMP), ${step}) t(p)
    ),
    pos AS (${pos}),
    la AS (SELECT customer_id, day AS last_day, rev365, next_day FROM (${activeDays(p, lookback(scope))}) ad),
    lapses AS (
      SELECT customer_id, 'dormant' AS stage, CAST(last_day + ${A} AS DATE) AS event_day, last_day, rev365 FROM la
      WHERE (next_day IS NULL OR next_day > last_day + ${A}) AND last_day + ${A} < ${d}
      UNION ALL
      SELECT customer_id, 'churned', CAST(last_day + ${B} - 1 AS DATE), last_day, rev365 FROM la
      WHERE (next_day IS NULL OR next_day >= last_day + ${B}) AND last_day + ${B} - 1 < ${d}
    ),
    neg AS (${
      oneLapsePerPeriod(p.unit, p.activeDays)
        ? sql`SELECT customer_id, ${ps('event_day')} AS period, stage, rev365 AS revenue FROM lapses`
        : sql`SELECT customer_id, ${ps('event_day')} AS period, stage, arg_max(rev365, last_day) AS revenue
      FROM lapses GROUP BY customer_id, period, stage`
    }),
    flows AS (SELECT customer_id, period, stage, revenue FROM pos UNION ALL SELECT customer_id, period, stage, revenue FROM neg)`;
}

/**
 * One row per (period, flow) for every period overlapping the window (from the period of the
 * scope's `from`, or of the first activity when `from` is null, to the period containing the day
 * before the as-of date), zeros included, in `FLOWS` order. Columns: period DATE (start),
 * period_end DATE (exclusive), complete BOOLEAN (period_end ≤ as-of), stage (a `FlowKey`),
 * sign (+1 / −1), customers, revenue.
 *
 * Positive flows count customers active in the period: new (first activity in this period),
 * returning (also active in the previous period), reactivated (otherwise); revenue = their net
 * revenue in the period. Negative flows count transitions happening in the period: newly dormant
 * on day last + A and newly churned on day last + B − 1 (the day after which the stage rule
 * applies), when no activity came in between; revenue = the customer's net revenue in the 365
 * days up to and including that last activity day (revenue lost). A customer is counted at most
 * once per flow and period. History before the window is read so the first period is right.
 */
export function stagesOverTime(p: FlowParams, scope: Scope): Sql {
  const step = periodInterval(p.unit);
  const d = asOfDate(scope.asOf);
  const flows = FLOWS.map((f, i) => sql`(${f.key}, ${f.sign}, ${i})`);
  return sql`${flowsWith(p, scope)}
    SELECT pr.period, CAST(pr.period + ${step} AS DATE) AS period_end, CAST(pr.period + ${step} AS DATE) <= ${d} AS complete,
      k.stage, k.sign, coalesce(fl.customers, 0) AS customers, round(coalesce(fl.revenue, 0), 2) AS revenue
    FROM periods pr CROSS JOIN (VALUES ${flows}) k(stage, sign, ord)
    LEFT JOIN (SELECT period, stage, count(customer_id) AS customers, sum(revenue) AS revenue FROM flows GROUP BY period, stage) fl
      ON fl.period = pr.period AND fl.stage = k.stage
    ORDER BY pr.period, k.ord`;
}

/**
 * The customers of one bar of `stagesOverTime` (exactly those it counts for that period and flow):
 * customer_id, period, flow, revenue (as the bar sums it); highest revenue first. `period` is the
 * period's start date as the chart reports it.
 */
export function flowMembers(p: FlowParams, scope: Scope, period: string, flow: FlowKey, page: { limit: number; offset: number }): Sql {
  assertDate(period, 'period');
  if (!FLOWS.some((f) => f.key === flow)) throw new Error(`invalid flow: ${String(flow)}`);
  return sql`${flowsWith(p, scope)}
    SELECT fl.customer_id, CAST(fl.period AS VARCHAR) AS period, fl.stage AS flow, round(fl.revenue, 2) AS revenue
    FROM flows fl JOIN periods pr ON pr.period = fl.period
    WHERE fl.period = CAST(${period} AS DATE) AND fl.stage = ${flow}
    ORDER BY fl.revenue DESC, fl.customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}
