/**
 * Movement between two dates: lifecycle stage transitions and segment migration for any
 * segmentation model.
 */
import { Sql, sql } from '../../lib/sql';
import { assertDate, type Scope } from '../scope';
import type { ModelContext, SegmentModel } from '../types';
import { stageAsOf, STAGES, type StageParams } from './stage';

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
  assertDate(date1, 'first date');
  assertDate(date2, 'second date');
  if (date1 >= date2) throw new Error(`invalid dates: ${date1} must be before ${date2}`);
  const order = [NOT_YET, ...STAGES];
  return sql`SELECT from_stage, to_stage, count(*) AS customers, round(sum(revenue), 2) AS revenue FROM (
      SELECT coalesce(a.stage, ${NOT_YET}) AS from_stage, b.stage AS to_stage, b.revenue
      FROM (${stageAsOf(params, scope, date2)}) b LEFT JOIN (${stageAsOf(params, scope, date1)}) a USING (customer_id)
    ) t GROUP BY from_stage, to_stage
    ORDER BY list_position([${order}], from_stage), list_position([${order}], to_stage)`;
}

/**
 * SELECT from_segment, to_segment, customers — one row per non-empty pair, ordered by segment
 * key. Each side is `model.assign(params, ctx)`; customers only in the second assignment come
 * from `not_yet`, customers only in the first go to `gone` (e.g. outside the universe or the
 * filters at the second date).
 */
export function segmentMigration<P>(model: SegmentModel<P>, params: P, ctx1: ModelContext, ctx2: ModelContext): Sql {
  return sql`SELECT coalesce(a.segment, ${NOT_YET}) AS from_segment, coalesce(b.segment, ${GONE}) AS to_segment, count(*) AS customers
    FROM (SELECT customer_id, segment FROM (${model.assign(params, ctx1)}) x) a
    FULL OUTER JOIN (SELECT customer_id, segment FROM (${model.assign(params, ctx2)}) y) b USING (customer_id)
    GROUP BY ALL ORDER BY from_segment, to_segment`;
}
