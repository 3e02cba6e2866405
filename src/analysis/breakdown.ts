/**
 * Per-segment summary of a model (customers, revenue, shares, orders per customer, AOV, median
 * recency) and the RFM score grid. Pure SQL builders over the customer base `ctx.base`.
 */
import { type Sql, sql, raw, join } from '../lib/sql';
import type { ModelContext } from './types';
import type { Model } from './segmentation/model';
import { type RfmScoreParams, rfmScores } from './segmentation/rfm-scores';

/** One row of `breakdown()`. */
export interface BreakdownRow {
  segment: string;
  customers: number;
  /** customers / customers of the model's universe */
  customer_share: number | null;
  /** net revenue of the segment's customers in scope, cents-rounded */
  revenue: number;
  /** segment revenue / universe revenue; null when the universe revenue is 0 */
  revenue_share: number | null;
  /** orders / customers; null for an empty segment */
  orders_per_customer: number | null;
  /** revenue / orders; null without orders */
  aov: number | null;
  /** median of recency_days over the segment's buyers (non-buyers ignored); null without buyers */
  median_recency: number | null;
}

/**
 * One row per segment: every segment of `model.segments(params)` (zero rows included, in that
 * order), then any data-driven segment (dynamic models) by customers descending.
 * For dynamic models put the rows in display order with `orderBreakdown`.
 *
 * A model that carries its measures (`measured`) is one grouping of its assignment by segment, and
 * the universe the sum of the segments (each customer is in one): the assignment is read once, so
 * DuckDB keeps no copy of every customer's row for two readers. Summing counts per segment and
 * recency day instead (`fromCounts`, as the breakdown in parts must) saved CPU natively at 5M
 * orders (137 → 104 ms) but cost DuckDB-WASM more in planning than it saved: 1M orders 67 → 25 ms
 * per breakdown in the tab (`docs/benchmarks.md`).
 */
export function breakdown<P>(model: Model<P>, params: P, ctx: ModelContext): Sql {
  if (model.measured && !model.overlapping) {
    return sql`WITH a AS (${model.assign(params, ctx)}),
g AS (SELECT segment, count(*) AS customers, sum(revenue) AS revenue, sum(orders) AS orders, median(recency_days) AS median_recency
  FROM a GROUP BY segment),
tot AS (SELECT sum(customers) AS n, sum(revenue) AS rev FROM g),
${summary(model, params)}`;
  }
  return sql`WITH a AS (${model.assign(params, ctx)}),
j AS (${measures(model, ctx)}),
tot AS (${model.overlapping ? sql`SELECT count(*) AS n, sum(revenue) AS rev FROM ${ctx.base}` : sql`SELECT count(*) AS n, sum(revenue) AS rev FROM j`}),
g AS (SELECT segment, count(*) AS customers, sum(revenue) AS revenue, sum(orders) AS orders,
  median(recency_days) AS median_recency FROM j GROUP BY segment),
${summary(model, params)}`;
}

/**
 * SELECT segment, revenue, orders, recency_days — one row per assigned customer of `a`: read from
 * the assignment when the model carries them (`measured`), else joined from the base on the
 * VARCHAR customer id (about half of a breakdown's time at 1M orders natively).
 */
export function measures<P>(model: Model<P>, ctx: ModelContext): Sql {
  return model.measured && !model.overlapping
    ? sql`SELECT segment, revenue, orders, recency_days FROM a`
    : sql`SELECT a.segment, b.revenue, b.orders, b.recency_days FROM a JOIN ${ctx.base} b ON b.customer_id = a.customer_id`;
}

/**
 * SELECT segment, recency_days, customers, revenue, orders — per segment and recency day (NULL for
 * customers without a sale) of the assigned customers `a`.
 */
export function dayCounts<P>(model: Model<P>, ctx: ModelContext): Sql {
  return sql`SELECT segment, recency_days, count(*) AS customers, sum(revenue) AS revenue, sum(orders) AS orders
FROM (${measures(model, ctx)}) j GROUP BY ALL`;
}

/**
 * The breakdown's rows from `c`, counts per segment and recency day (`dayCounts` rows, of one
 * statement or summed over parts). The median recency of a segment is read from its counts per
 * day: the days at positions ⌊(m − 1) / 2⌋ and ⌊m / 2⌋ of its m buyers in day order, averaged, as
 * `median()` does. Revenue is summed per day first, so shares may differ from one sum over every
 * customer in the last bits.
 */
export function fromCounts<P>(model: Model<P>, params: P): Sql {
  return sql`tot AS (SELECT sum(customers) AS n, sum(revenue) AS rev FROM c),
d AS (SELECT segment, recency_days AS v, sum(customers) AS k FROM c WHERE recency_days IS NOT NULL GROUP BY ALL),
p AS (SELECT segment, v, sum(k) OVER (PARTITION BY segment ORDER BY v) AS upto, sum(k) OVER (PARTITION BY segment) AS m FROM d),
med AS (SELECT segment, (min(v) FILTER (WHERE upto > (m - 1) // 2) + min(v) FILTER (WHERE upto > m // 2)) / 2 AS median_recency
  FROM p GROUP BY segment),
g AS (SELECT segment, CAST(sum(customers) AS BIGINT) AS customers, sum(revenue) AS revenue, sum(orders) AS orders, any_value(med.median_recency) AS median_recency
  FROM c LEFT JOIN med USING (segment) GROUP BY segment),
${summary(model, params)}`;
}

/**
 * The breakdown's rows from `tot` (universe customers `n`, revenue `rev`) and `g` (per segment:
 * customers, revenue, orders, median_recency), every fixed segment included, in display order.
 */
export function summary<P>(model: Model<P>, params: P): Sql {
  const defs = model.segments(params);
  const fixed = defs.length
    ? sql`SELECT * FROM (VALUES ${join(defs.map((d, i) => sql`(${d.key}, ${i})`))}) v(segment, ord)`
    : sql`SELECT NULL::VARCHAR AS segment, 0 AS ord WHERE false`;
  return sql`s AS (${fixed})
SELECT coalesce(s.segment, g.segment) AS segment,
  coalesce(g.customers, 0) AS customers,
  coalesce(g.customers, 0) / nullif(tot.n, 0) AS customer_share,
  round(coalesce(g.revenue, 0), 2) AS revenue,
  coalesce(g.revenue, 0) / nullif(tot.rev, 0) AS revenue_share,
  g.orders / g.customers AS orders_per_customer,
  round(g.revenue / nullif(g.orders, 0), 2) AS aov,
  g.median_recency
FROM s FULL JOIN g ON s.segment = g.segment CROSS JOIN tot
ORDER BY coalesce(s.ord, 1000000), coalesce(g.customers, 0) DESC, 1`;
}

/**
 * Rows in display order: static models keep SQL order; dynamic ones use `model.orderKeys` and
 * leave out their empty data-driven rows (computed age bands nobody falls in), so bands written in
 * a profile (`19-24`, `55-64`) do not stand beside empty computed ones (`15-24`, `55+`);
 * `other` and `unknown` stay.
 */
export function orderBreakdown<P, T extends { segment: string; customers?: number }>(model: Model<P>, rows: readonly T[]): T[] {
  if (!model.orderKeys) return [...rows];
  const kept = rows.filter((r) => r.customers !== 0 || r.segment === 'other' || r.segment === 'unknown');
  const order = model.orderKeys(kept.map((r) => r.segment));
  return kept.sort((a, b) => order.indexOf(a.segment) - order.indexOf(b.segment));
}

/** One cell of `rfmGrid()`. */
export interface RfmGridRow {
  r_score: number;
  f_score: number;
  customers: number;
  mean_monetary: number;
}

/**
 * R score × F score cells (buyers only) with customers and mean monetary value. With
 * `fScore: 'fm'` the F axis is the rounded F/M average used by the 11-segment rules.
 */
export function rfmGrid(params: RfmScoreParams & { fScore?: 'f' | 'fm' }, ctx: ModelContext, scores?: Sql): Sql {
  const f = raw(params.fScore === 'fm' ? '(f_score + m_score + 1) // 2' : 'f_score');
  // `scores`: an already computed relation with r_score, f_score, m_score and monetary (e.g. a
  // materialised rfm11 assignment), so the scores are not ranked twice
  return sql`SELECT r_score, ${f} AS f_score, count(*) AS customers, avg(monetary) AS mean_monetary
FROM (${scores ?? rfmScores(params, ctx)}) GROUP BY 1, 2 ORDER BY 1, 2`;
}
