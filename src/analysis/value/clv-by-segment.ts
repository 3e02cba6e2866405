/**
 * Predicted CLV against another segmentation (the Value page's "CLV by RFM segment"): for each
 * segment of a model, the distribution of the customers' predicted CLV (mean, 5th/25th/50th/75th/95th
 * percentiles, total) and how many of them fall in each predicted-CLV tier. `clv` is the
 * predicted-CLV tiers model's assignment (`segmentation/clv-tiers.ts`: customer_id, segment, clv),
 * `other` any model's assignment (customer_id, segment); customers in both are counted.
 */
import { type Sql, sql } from '../../lib/sql';

/** Percentiles reported per segment (continuous quantiles, DuckDB `quantile_cont`). */
export const CLV_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/**
 * One row per segment of `other`: `segment, customers, mean, p05, q1, median, q3, p95, total, high,
 * mid, low` (the last three: customers per predicted-CLV tier), largest total CLV first.
 */
export function clvBySegment(clv: Sql, other: Sql): Sql {
  return sql`WITH j AS (SELECT o.segment, c.segment AS tier, c.clv FROM (${clv}) c JOIN (${other}) o USING (customer_id)),
q AS (SELECT segment, count(*) AS customers, avg(clv) AS mean, sum(clv) AS total,
    quantile_cont(clv, [${CLV_QUANTILES[0]}, ${CLV_QUANTILES[1]}, ${CLV_QUANTILES[2]}, ${CLV_QUANTILES[3]}, ${CLV_QUANTILES[4]}]) AS qs,
    count(*) FILTER (WHERE tier = 'high') AS high, count(*) FILTER (WHERE tier = 'mid') AS mid, count(*) FILTER (WHERE tier = 'low') AS low
  FROM j GROUP BY segment)
SELECT segment, customers, mean, qs[1] AS p05, qs[2] AS q1, qs[3] AS median, qs[4] AS q3, qs[5] AS p95, total, high, mid, low
FROM q ORDER BY total DESC, segment`;
}
