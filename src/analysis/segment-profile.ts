/**
 * A segment compared with all customers of the model's universe: demographic composition, top
 * categories, channels, order value histogram and recency distribution. Every query returns rows
 * `grp` ('segment' | 'all'), `key`, `n`, `share` (n / group total).
 */
import { type Sql, sql, ident, join } from '../lib/sql';
import { scopedOrders } from './scope';
import type { ModelContext } from './types';
import { checkAscending, orderSegmentKeys } from './segmentation/model';
import type { Model } from './segmentation/model';
import type { Attribute } from './attributes';

export interface ProfileOptions {
  /** Customer attribute for the demographic composition. */
  attribute: Attribute;
  /** Order value bucket lower bounds (ascending, from 0). */
  orderValueEdges: number[];
  /** Recency bucket lower bounds in days (ascending, from 0). */
  recencyEdges: number[];
  /** Categories/channels listed (the rest are summed as `other`). */
  topK: number;
}

export const PROFILE_DEFAULTS: ProfileOptions = {
  attribute: 'age_band',
  orderValueEdges: [0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
  recencyEdges: [0, 31, 61, 91, 181, 366],
  topK: 8,
};

export interface SegmentProfile {
  demographics: Sql;
  categories: Sql;
  channels: Sql;
  orderValue: Sql;
  recency: Sql;
}

/** Bucket label `lo-hi` / `lo+` of a value against ascending lower bounds. */
function bucket(v: Sql, edges: readonly number[]): Sql {
  const whens = edges.map((e, i) => {
    const next = edges[i + 1];
    return next === undefined ? sql`WHEN ${v} >= ${e} THEN ${`${e}+`}` : sql`WHEN ${v} >= ${e} AND ${v} < ${next} THEN ${`${e}-${next}`}`;
  });
  return sql`CASE ${join(whens.reverse(), ' ')} ELSE ${`<${edges[0] ?? 0}`} END`;
}

/** The five profile queries for `segment` of the model. */
export function segmentProfile<P>(
  model: Model<P>,
  params: P,
  ctx: ModelContext,
  segment: string,
  opts: ProfileOptions = PROFILE_DEFAULTS,
): SegmentProfile {
  checkAscending(opts.orderValueEdges, 'order value edges');
  checkAscending(opts.recencyEdges, 'recency edges');
  const a = model.assign(params, ctx);
  // both groups: the segment's customers and every customer the model assigns
  const groups = sql`SELECT customer_id, 'segment' AS grp FROM (${a}) WHERE segment = ${segment}
  UNION ALL SELECT customer_id, 'all' AS grp FROM (${a})`;
  const shape = (rows: Sql) =>
    sql`SELECT grp, key, n, n / sum(n) OVER (PARTITION BY grp) AS share FROM (${rows}) ORDER BY grp DESC, n DESC, key`;
  const top = (col: 'category' | 'channel') =>
    shape(sql`WITH g AS (${groups}),
l AS (SELECT g.grp, coalesce(o.${ident(col)}, 'unknown') AS key, count(DISTINCT o.customer_id) AS n
  FROM (${scopedOrders(ctx.scope)}) o JOIN g ON g.customer_id = o.customer_id
  WHERE NOT coalesce(o.is_return, false) GROUP BY 1, 2),
r AS (SELECT *, row_number() OVER (PARTITION BY grp ORDER BY n DESC, key) AS rn FROM l)
SELECT grp, CASE WHEN rn <= ${opts.topK} THEN key ELSE 'other' END AS key, sum(n) AS n FROM r GROUP BY 1, 2`);
  return {
    demographics: shape(sql`SELECT g.grp, coalesce(CAST(b.${ident(opts.attribute)} AS VARCHAR), 'unknown') AS key, count(*) AS n
FROM (${groups}) g JOIN ${ctx.base} b ON b.customer_id = g.customer_id GROUP BY 1, 2`),
    categories: top('category'),
    channels: top('channel'),
    orderValue: shape(sql`WITH g AS (${groups}),
ord AS (SELECT customer_id, order_id, sum(amount) AS v FROM (${scopedOrders(ctx.scope)})
  WHERE NOT coalesce(is_return, false) GROUP BY 1, 2)
SELECT g.grp, ${bucket(sql`ord.v`, opts.orderValueEdges)} AS key, count(*) AS n
FROM ord JOIN g ON g.customer_id = ord.customer_id GROUP BY 1, 2`),
    recency: shape(sql`SELECT g.grp, ${bucket(sql`b.recency_days`, opts.recencyEdges)} AS key, count(*) AS n
FROM (${groups}) g JOIN ${ctx.base} b ON b.customer_id = g.customer_id WHERE b.recency_days IS NOT NULL GROUP BY 1, 2`),
  };
}

/** The profile's parts, in display order. */
export const PROFILE_PARTS = ['demographics', 'categories', 'channels', 'orderValue', 'recency'] as const;
export type ProfilePart = (typeof PROFILE_PARTS)[number];

/** Attributes whose values are bands with a natural order (`19-24`, `Under 15K`, tier `1` … `5`). */
const ORDINAL_ATTRIBUTES: readonly ProfileOptions['attribute'][] = ['age_band', 'income', 'city_tier'];

const LAST = ['other', 'unknown'];

/**
 * Rows of one profile part in display order: the segment's rows, then everyone's, each by key.
 * Ordered dimensions (order value and recency buckets, age / income bands, city tiers) keep their
 * natural order (`orderSegmentKeys`); nominal ones (categories, channels, gender, region …) go by
 * everyone's count, largest first; `other` and `unknown` always last.
 */
export function orderProfileRows<T extends { grp: string; key: string; n: number }>(
  part: ProfilePart,
  rows: readonly T[],
  attribute: ProfileOptions['attribute'] = PROFILE_DEFAULTS.attribute,
): T[] {
  const keys = [...new Set(rows.map((r) => r.key))];
  const ordinal = part === 'orderValue' || part === 'recency' || (part === 'demographics' && ORDINAL_ATTRIBUTES.includes(attribute));
  let order: string[];
  if (ordinal) order = orderSegmentKeys(keys);
  else {
    const all = new Map(rows.filter((r) => r.grp === 'all').map((r) => [r.key, r.n]));
    const rank = (k: string) => (LAST.includes(k) ? 1 + LAST.indexOf(k) : 0);
    order = keys.sort((a, b) => rank(a) - rank(b) || (all.get(b) ?? 0) - (all.get(a) ?? 0) || a.localeCompare(b));
  }
  const pos = new Map(order.map((k, i) => [k, i]));
  const grpRank = (g: string) => (g === 'segment' ? 0 : 1);
  return [...rows].sort((a, b) => grpRank(a.grp) - grpRank(b.grp) || (pos.get(a.key) ?? 0) - (pos.get(b.key) ?? 0));
}
