/** Counts per (segment of model A, segment of model B or customer attribute) cell. */
import { type Sql, sql, ident } from '../lib/sql';
import type { ModelContext } from './types';
import type { Model } from './segmentation/model';

/** Customer-base columns a crosstab can use as its second axis. */
export const CROSSTAB_ATTRIBUTES = ['age_band', 'gender', 'region', 'city', 'city_tier', 'occupation', 'income', 'channel', 'top_category'] as const;
export type CrosstabAttribute = (typeof CROSSTAB_ATTRIBUTES)[number];

export type CrosstabSide<P> = { model: Model<P>; params: P } | { attribute: CrosstabAttribute };

/**
 * SELECT a, b, customers, revenue — customers of model A's universe (inner join with model B's
 * universe when B is a model); a missing attribute value is `unknown`.
 */
export function crosstab<A, B>(modelA: Model<A>, paramsA: A, b: CrosstabSide<B>, ctx: ModelContext): Sql {
  let right: Sql;
  if ('attribute' in b) {
    if (!(CROSSTAB_ATTRIBUTES as readonly string[]).includes(b.attribute)) throw new Error(`invalid attribute: ${String(b.attribute)}`);
    right = sql`SELECT customer_id, coalesce(CAST(${ident(b.attribute)} AS VARCHAR), 'unknown') AS segment FROM ${ctx.base}`;
  } else right = b.model.assign(b.params, ctx);
  return sql`SELECT x.segment AS a, y.segment AS b, count(*) AS customers, round(sum(base.revenue), 2) AS revenue
FROM (${modelA.assign(paramsA, ctx)}) x JOIN (${right}) y ON y.customer_id = x.customer_id
JOIN ${ctx.base} base ON base.customer_id = x.customer_id
GROUP BY 1, 2 ORDER BY 1, 2`;
}
