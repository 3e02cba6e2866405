/**
 * Historic value: what each buyer has been worth so far (revenue to date, average order value,
 * tenure, revenue per active month), and how concentrated revenue is (Lorenz curve, Gini, "top x %
 * of customers hold y % of revenue"), overall or per segment of any model.
 */
import { type Sql, sql, raw } from '../../lib/sql';
import { type Scope, scopedOrders } from '../scope';

const SALE = raw('NOT coalesce(is_return, false)');

/**
 * One row per buyer (orders > 0) of the customer base `base`: `customer_id, revenue, orders, aov,
 * tenure_days` (first order day → as-of), `active_months` (calendar months with a sale),
 * `revenue_per_active_month`. `months`: a relation `customer_id, active_months` already computed
 * (the Value request's full summary, `rfSummary` with `extras`), so the orders are not read again.
 */
export function historicValue(scope: Scope, base: Sql, months?: Sql): Sql {
  const m = months
    ? sql`SELECT customer_id, active_months FROM (${months})`
    : sql`SELECT customer_id, count(DISTINCT date_trunc('month', ts)) AS active_months
  FROM (${scopedOrders(scope)}) WHERE ${SALE} GROUP BY customer_id`;
  return sql`WITH m AS (${m})
SELECT b.customer_id, b.revenue, b.orders, b.aov,
  date_diff('day', CAST(b.first_ts AS DATE), CAST(${scope.asOf} AS DATE)) AS tenure_days,
  coalesce(m.active_months, 0) AS active_months,
  CASE WHEN m.active_months > 0 THEN b.revenue / m.active_months END AS revenue_per_active_month
FROM ${base} b LEFT JOIN m USING (customer_id)
WHERE b.orders > 0`;
}

/** Averages over the buyers of `historicValue`: one row. */
export function historicSummary(historic: Sql): Sql {
  return sql`SELECT count(*) AS customers, sum(revenue) AS revenue, avg(revenue) AS mean_revenue, median(revenue) AS median_revenue,
  sum(revenue) / nullif(sum(orders), 0) AS aov, avg(tenure_days) AS mean_tenure_days,
  avg(revenue_per_active_month) AS mean_revenue_per_active_month
FROM (${historic})`;
}

/**
 * Lorenz points per segment: for each percentile p = 1 … 100 of customers ranked by revenue (largest
 * first), the share of revenue the top p % hold. `rel` has `customer_id, revenue, segment`; negative
 * revenue (net refunds) counts as 0, since a share of a total needs non-negative parts.
 */
export function lorenz(rel: Sql): Sql {
  return sql`WITH v AS (SELECT segment, greatest(revenue, 0) AS revenue FROM (${rel})),
r AS (
  SELECT segment,
    row_number() OVER (PARTITION BY segment ORDER BY revenue DESC) AS rn,
    count(*) OVER (PARTITION BY segment) AS n,
    sum(revenue) OVER (PARTITION BY segment) AS total,
    sum(revenue) OVER (PARTITION BY segment ORDER BY revenue DESC ROWS UNBOUNDED PRECEDING) AS cum
  FROM v)
SELECT segment, CAST(ceil(100.0 * rn / n) AS INTEGER) AS pct, max(cum) / nullif(any_value(total), 0) AS share
FROM r GROUP BY segment, CAST(ceil(100.0 * rn / n) AS INTEGER) ORDER BY segment, pct`;
}

/**
 * Gini coefficient per segment from revenue sorted ascending:
 * G = 2 Σ i·y_(i) / (n Σ y) − (n + 1) / n; null when the segment has no revenue.
 */
export function gini(rel: Sql): Sql {
  return sql`WITH v AS (SELECT segment, greatest(revenue, 0) AS revenue FROM (${rel})),
r AS (SELECT segment, revenue, row_number() OVER (PARTITION BY segment ORDER BY revenue) AS i FROM v)
SELECT segment, count(*) AS customers, sum(revenue) AS revenue,
  CASE WHEN sum(revenue) > 0 THEN 2 * sum(i * revenue) / (count(*) * sum(revenue)) - (count(*) + 1) / count(*) END AS gini
FROM r GROUP BY segment ORDER BY segment`;
}

export interface LorenzPoint {
  pct: number;
  share: number;
}

/** "Top x % of customers hold y % of revenue" read off Lorenz points (x among 1 … 100). */
export function topShare(points: readonly LorenzPoint[], x: number): number | null {
  const hit = points.find((p) => p.pct >= x);
  return hit ? hit.share : null;
}
