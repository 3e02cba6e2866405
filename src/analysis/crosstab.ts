/** Counts per (segment of model A, segment of model B or customer attribute) cell. */
import { type Sql, sql, ident, num, raw } from '../lib/sql';
import type { ModelContext } from './types';
import type { Model } from './segmentation/model';
import { DEMOGRAPHIC_DIMENSIONS } from './attributes';
import { MAX_ROWS } from './members';

/** Customer-base columns a crosstab can use as its second axis. */
export const CROSSTAB_ATTRIBUTES = [...DEMOGRAPHIC_DIMENSIONS, 'top_category'] as const;
export type CrosstabAttribute = (typeof CROSSTAB_ATTRIBUTES)[number];

/** The other side: a model, a base attribute, or a named attribute of the customers file (`named`, text form). */
export type CrosstabSide<P> = { model: Model<P>; params: P } | { attribute: CrosstabAttribute } | { named: string };

/** How a link names a named attribute as the cross-tab's other side. */
export const NAMED_PREFIX = 'attr:';

/**
 * SELECT a, b, customers, revenue — customers of model A's universe (inner join with model B's
 * universe when B is a model); a missing attribute value is `unknown`.
 */
export function crosstab<A, B>(modelA: Model<A>, paramsA: A, b: CrosstabSide<B>, ctx: ModelContext): Sql {
  return sql`SELECT c.a, c.b, count(*) AS customers, round(sum(base.revenue), 2) AS revenue
FROM (${crosstabCells(modelA, paramsA, b, ctx)}) c JOIN ${ctx.base} base ON base.customer_id = c.customer_id
GROUP BY 1, 2 ORDER BY 1, 2`;
}

/**
 * One page of the customers in a cross-tab cell (segment `a` of model A × `b` of the other side):
 * customer_id, recency_days, orders, revenue, aov, last_ts, total.
 */
export function crosstabMembers<A, B>(
  modelA: Model<A>,
  paramsA: A,
  b: CrosstabSide<B>,
  ctx: ModelContext,
  cell: { a: string; b: string },
  page: { limit: number; offset: number },
): Sql {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_ROWS) throw new Error(`invalid limit: ${page.limit}`);
  if (!Number.isInteger(page.offset) || page.offset < 0) throw new Error(`invalid offset: ${page.offset}`);
  const cells = crosstabCells(modelA, paramsA, b, ctx);
  return sql`SELECT base.customer_id, base.recency_days, base.orders, base.revenue, base.aov, base.last_ts, count(*) OVER () AS total
FROM (${cells}) c JOIN ${ctx.base} base ON base.customer_id = c.customer_id
WHERE c.a = ${cell.a} AND c.b = ${cell.b}
ORDER BY base.revenue DESC NULLS LAST, base.customer_id
LIMIT ${num(page.limit)} OFFSET ${num(page.offset)}`;
}

/** customer_id, a, b for every customer in the cross-tab (the cells' members). */
function crosstabCells<A, B>(modelA: Model<A>, paramsA: A, b: CrosstabSide<B>, ctx: ModelContext): Sql {
  let right: Sql;
  if ('named' in b) {
    // the attribute's text as written (a list attribute splits by its whole text); no value → unknown
    right = sql`SELECT b.customer_id, coalesce((SELECT a.text FROM ${raw('customer_attributes')} a
      WHERE a.customer_id = b.customer_id AND a.name = ${b.named}), 'unknown') AS segment FROM ${ctx.base} b`;
  } else if ('attribute' in b) {
    if (!(CROSSTAB_ATTRIBUTES as readonly string[]).includes(b.attribute)) throw new Error(`invalid attribute: ${String(b.attribute)}`);
    right = sql`SELECT customer_id, coalesce(CAST(${ident(b.attribute)} AS VARCHAR), 'unknown') AS segment FROM ${ctx.base}`;
  } else right = b.model.assign(b.params, ctx);
  return sql`SELECT x.customer_id, x.segment AS a, y.segment AS b FROM (${modelA.assign(paramsA, ctx)}) x JOIN (${right}) y ON y.customer_id = x.customer_id`;
}
