/**
 * Movement between two dates: lifecycle stage transitions and segment migration for any
 * segmentation model.
 */
import { Sql, sql } from '../../lib/sql';
import { assertDate, type Scope } from '../scope';
import type { ModelContext, SegmentModel } from '../types';
import { stageAsOf, stageOnly, stagePairs, STAGES, type Stage, type StageParams } from './stage';
import { days } from './activity';

/** Pseudo-stage / pseudo-segment of customers who did not exist (or were not classified) at the first date. */
export const NOT_YET = 'not_yet';
/** Pseudo-segment of customers classified at the first date but not at the second. */
export const GONE = 'gone';

/**
 * SELECT from_stage, to_stage, customers, revenue — one row per non-empty pair, ordered by the
 * stage order of `STAGES` (with `not_yet` first). Stages as of `date1` and `date2` (both
 * exclusive, `date1` < `date2`); customers whose first activity is on/after `date1` come from
 * `not_yet`. Revenue is net revenue before `date2`. Customers not yet existing at `date2` are absent.
 */
export function stageTransitions(params: StageParams, scope: Scope, date1: string, date2: string): Sql {
  const order = [NOT_YET, ...STAGES];
  return sql`SELECT from_stage, to_stage, count(*) AS customers, round(sum(revenue), 2) AS revenue FROM (
      ${transitionPairs(params, scope, date1, date2)}
    ) t GROUP BY from_stage, to_stage
    ORDER BY list_position([${order}], from_stage), list_position([${order}], to_stage)`;
}

/**
 * `stageCounts` at the scope's as-of date and `stageTransitions` from `date1` to it, from one
 * pass over the customers (the transition pairs' `to_stage` is the stage at the as-of date, their
 * revenue `stageAsOf`'s): is_stage, from_stage (NULL on stage rows), to_stage, customers, revenue.
 * First one row per stage in `STAGES` order (zeros included), as `stageCounts`; then the
 * transition cells in `stageTransitions` order. The Lifecycle page's default request reads both.
 */
export function stagesWithTransitions(params: StageParams, scope: Scope, date1: string): Sql {
  const order = [NOT_YET, ...STAGES];
  const stages = STAGES.map((s, i) => sql`(${s}, ${i})`);
  return sql`WITH t AS (${transitionPairs(params, scope, date1, scope.asOf)}),
g AS (SELECT GROUPING(from_stage) = 1 AS is_stage, from_stage, to_stage, count(*) AS customers, sum(revenue) AS revenue
  FROM t GROUP BY GROUPING SETS ((to_stage), (from_stage, to_stage)))
SELECT is_stage, from_stage, to_stage, customers, revenue FROM (
  SELECT true AS is_stage, CAST(NULL AS VARCHAR) AS from_stage, k.stage AS to_stage, coalesce(g.customers, 0) AS customers,
    round(coalesce(g.revenue, 0), 2) AS revenue, 0 AS part, k.ord AS o1, 0 AS o2
  FROM (VALUES ${stages}) k(stage, ord) LEFT JOIN g ON g.is_stage AND g.to_stage = k.stage
  UNION ALL
  SELECT false, from_stage, to_stage, customers, round(revenue, 2), 1, list_position([${order}], from_stage), list_position([${order}], to_stage)
  FROM g WHERE NOT g.is_stage
) r ORDER BY part, o1, o2`;
}

/** One row per customer existing at `date2`: customer_id, from_stage, to_stage, revenue (the rows `stageTransitions` counts). */
function transitionPairs(params: StageParams, scope: Scope, date1: string, date2: string): Sql {
  assertDate(date1, 'first date');
  assertDate(date2, 'second date');
  if (date1 >= date2) throw new Error(`invalid dates: ${date1} must be before ${date2}`);
  // at the page's own date, one pass over the summaries gives both stages
  const one = stagePairs(params, scope, date1, date2, NOT_YET);
  if (one) return one;
  return sql`SELECT b.customer_id, coalesce(a.stage, ${NOT_YET}) AS from_stage, b.stage AS to_stage, b.revenue,
      b.first_day, b.last_day, b.days_since_last
    FROM (${stageAsOf(params, scope, date2)}) b LEFT JOIN (${stageOnly(params, scope, date1)}) a USING (customer_id)`;
}

/**
 * The customers of one transition-matrix cell (exactly those `stageTransitions` counts there):
 * customer_id, from_stage, to_stage, revenue (net, before `date2`), first_day, last_day,
 * days_since_last (as of `date2`); highest revenue first.
 */
export function transitionMembers(
  params: StageParams,
  scope: Scope,
  cell: { date1: string; date2: string; from: string; to: string },
  page: { limit: number; offset: number },
): Sql {
  if (![NOT_YET, ...STAGES].includes(cell.from as Stage)) throw new Error(`invalid stage: ${cell.from}`);
  if (!(STAGES as readonly string[]).includes(cell.to)) throw new Error(`invalid stage: ${cell.to}`);
  return sql`SELECT * FROM (${transitionPairs(params, scope, cell.date1, cell.date2)}) t
    WHERE from_stage = ${cell.from} AND to_stage = ${cell.to}
    ORDER BY revenue DESC, customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}

/**
 * SELECT from_segment, to_segment, customers — one row per non-empty pair, ordered by segment
 * key. Each side is `model.assign(params, ctx)`; customers only in the second assignment come
 * from `not_yet`, customers only in the first go to `gone` (e.g. outside the universe or the
 * filters at the second date).
 */
export function segmentMigration<P>(model: SegmentModel<P>, params: P, ctx1: ModelContext, ctx2: ModelContext): Sql {
  return sql`SELECT from_segment, to_segment, count(*) AS customers
    FROM (${migrationPairs(model, params, ctx1, ctx2)}) m
    GROUP BY ALL ORDER BY from_segment, to_segment`;
}

/** One row per (customer, from, to) pair: the rows `segmentMigration` counts. */
function migrationPairs<P>(model: SegmentModel<P>, params: P, ctx1: ModelContext, ctx2: ModelContext): Sql {
  return sql`SELECT customer_id, coalesce(a.segment, ${NOT_YET}) AS from_segment, coalesce(b.segment, ${GONE}) AS to_segment
    FROM (SELECT customer_id, segment FROM (${model.assign(params, ctx1)}) x) a
    FULL OUTER JOIN (SELECT customer_id, segment FROM (${model.assign(params, ctx2)}) y) b USING (customer_id)`;
}

/**
 * The customers of one migration cell (exactly those `segmentMigration` counts there):
 * customer_id, from_segment, to_segment, and orders, revenue, recency_days from the customer base
 * at the second date (NULL when the customer is not in it); highest revenue first.
 */
export function migrationMembers<P>(
  model: SegmentModel<P>,
  params: P,
  ctx1: ModelContext,
  ctx2: ModelContext,
  cell: { from: string; to: string },
  page: { limit: number; offset: number },
): Sql {
  return sql`SELECT m.customer_id, m.from_segment, m.to_segment, c.orders, c.revenue, c.recency_days
    FROM (${migrationPairs(model, params, ctx1, ctx2)}) m LEFT JOIN ${ctx2.base} c USING (customer_id)
    WHERE m.from_segment = ${cell.from} AND m.to_segment = ${cell.to}
    ORDER BY c.revenue DESC NULLS LAST, m.customer_id LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}
