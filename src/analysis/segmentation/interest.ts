/**
 * Interest: each customer's top category — by spend (the base's `top_category`), else by number of
 * scoped events with a category. Segments are the K categories that are most often a top
 * category, then `other` and `unknown` (no category at all). Also the category-affinity table.
 */
import { type Sql, sql } from '../../lib/sql';
import { scopedEvents, scopedOrders } from '../scope';
import type { ModelContext, SegmentDef } from '../types';
import { type Model, GREY, assignedModel, checkNumber } from './model';
import type { ParamField } from './editor';

export interface InterestParams {
  /** Number of categories kept as their own segment (1..50). */
  topK: number;
}

function validate(p: InterestParams): InterestParams {
  checkNumber(p.topK, 'top categories', 1, 50, true);
  return p;
}

/** SELECT customer_id, category — the customer's top category or NULL, for every base customer. */
function topCategory(ctx: ModelContext): Sql {
  return sql`WITH ev AS (
  SELECT customer_id, category,
    row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, category) AS rn
  FROM (${scopedEvents(ctx.scope)}) WHERE category IS NOT NULL GROUP BY customer_id, category)
SELECT b.customer_id, coalesce(b.top_category, ev.category) AS category
FROM ${ctx.base} b LEFT JOIN ev ON ev.customer_id = b.customer_id AND ev.rn = 1`;
}

export const interest: Model<InterestParams> = {
  id: 'interest',
  universe: 'all',
  dynamic: true,
  scored: false,
  defaults: { topK: 8 },
  segments: (): SegmentDef[] => [
    { key: 'other', label: 'seg.other', color: '#d3d3d3' },
    { key: 'unknown', label: 'seg.unknown', color: GREY },
  ],
  /** Categories keep the SQL order (customers descending); `other`, `unknown` last. */
  orderKeys: (keys) => [...keys.filter((k) => k !== 'other' && k !== 'unknown'), 'other', 'unknown'],
  validate,
  fields: [
    { kind: 'number', path: 'topK', label: 'seg.param.topK', min: 1, max: 30, width: '4rem' },
  ] satisfies ParamField<InterestParams>[],
  extras: { affinity: (p, ctx, assigned) => categoryAffinity(assignedModel(interest, assigned), p, ctx) },
  assign(p: InterestParams, ctx: ModelContext): Sql {
    validate(p);
    return sql`WITH t AS (${topCategory(ctx)}),
k AS (SELECT category FROM t WHERE category IS NOT NULL GROUP BY category ORDER BY count(*) DESC, category LIMIT ${p.topK})
SELECT t.customer_id,
  CASE WHEN t.category IS NULL THEN 'unknown' WHEN t.category IN (SELECT category FROM k) THEN t.category ELSE 'other' END AS segment,
  t.category AS top_category
FROM t`;
  },
};

/**
 * Segment × category affinity from scoped non-return order lines: buyers of the category in the
 * segment, revenue, `share` = category revenue / segment revenue, and `lift` = share / the
 * category's share of all revenue (1 = same as everyone). Categories limited to the `topK` by revenue.
 */
export function categoryAffinity<P>(model: Model<P>, params: P, ctx: ModelContext, topK = 10): Sql {
  checkNumber(topK, 'top categories', 1, 100, true);
  return sql`WITH a AS (${model.assign(params, ctx)}),
l AS (SELECT a.segment, o.customer_id, o.category, o.amount
  FROM (${scopedOrders(ctx.scope)}) o JOIN a ON a.customer_id = o.customer_id
  WHERE NOT coalesce(o.is_return, false) AND o.category IS NOT NULL),
k AS (SELECT category FROM l GROUP BY category ORDER BY sum(amount) DESC, category LIMIT ${topK}),
seg AS (SELECT segment, sum(amount) AS rev FROM l GROUP BY segment),
cat AS (SELECT category, sum(amount) / (SELECT sum(amount) FROM l) AS overall FROM l GROUP BY category),
c AS (SELECT segment, category, count(DISTINCT customer_id) AS customers, sum(amount) AS revenue FROM l
  WHERE category IN (SELECT category FROM k) GROUP BY segment, category)
SELECT c.segment, c.category, c.customers, round(c.revenue, 2) AS revenue,
  c.revenue / nullif(seg.rev, 0) AS share,
  c.revenue / nullif(seg.rev, 0) / nullif(cat.overall, 0) AS lift
FROM c JOIN seg USING (segment) JOIN cat USING (category)
ORDER BY c.segment, c.revenue DESC, c.category`;
}
