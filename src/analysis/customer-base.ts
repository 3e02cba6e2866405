/**
 * The customer base: one row per customer in scope with the per-customer numbers every
 * segmentation model reads (see `CustomerBaseRow` and docs/metrics.md). The worker materialises it
 * once per scope as a temp table and passes its name to the models as `ctx.base`.
 */
import { type Sql, sql, raw } from '../lib/sql';
import { type Scope, scopedOrders, scopedCustomers, ageBandExpr } from './scope';

/** `NOT is_return`, treating a missing flag as a sale. */
const SALE = raw('NOT coalesce(is_return, false)');

/**
 * One row per customer passing the customer-attribute filters, plus any buyer in scoped orders.
 * Order-attribute filters (channel, category) only restrict which orders count.
 */
export function customerBase(scope: Scope): Sql {
  return sql`WITH o AS (${scopedOrders(scope)}),
agg AS (
  SELECT customer_id,
    min(ts) FILTER (WHERE ${SALE}) AS first_ts,
    max(ts) FILTER (WHERE ${SALE}) AS last_ts,
    count(DISTINCT order_id) FILTER (WHERE ${SALE}) AS orders,
    round(sum(amount), 2) AS revenue,
    count(DISTINCT category) FILTER (WHERE ${SALE}) AS categories
  FROM o GROUP BY customer_id),
cat AS (
  SELECT customer_id, category,
    row_number() OVER (PARTITION BY customer_id ORDER BY sum(amount) DESC, category) AS rn
  FROM o WHERE ${SALE} AND category IS NOT NULL GROUP BY customer_id, category),
ids AS (
  SELECT customer_id FROM (${scopedCustomers(scope)}) WHERE customer_id IS NOT NULL
  UNION SELECT customer_id FROM agg)
SELECT ids.customer_id, a.first_ts, a.last_ts,
  CASE WHEN a.last_ts IS NULL THEN NULL
    ELSE date_diff('day', CAST(a.last_ts AS DATE), CAST(${scope.asOf} AS DATE)) END AS recency_days,
  coalesce(a.orders, 0) AS orders,
  coalesce(a.revenue, 0) AS revenue,
  CASE WHEN a.orders > 0 THEN round(a.revenue / a.orders, 2) END AS aov,
  coalesce(a.categories, 0) AS categories,
  t.category AS top_category,
  coalesce(c.has_profile, false) AS has_profile,
  c.age, ${ageBandExpr('c')} AS age_band, c.gender, c.region, c.city, c.city_tier, c.occupation, c.income, c.channel
FROM ids
LEFT JOIN agg a ON a.customer_id = ids.customer_id
LEFT JOIN cat t ON t.customer_id = ids.customer_id AND t.rn = 1
LEFT JOIN customers c ON c.customer_id = ids.customer_id`;
}
