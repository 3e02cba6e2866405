/**
 * The A/B comparison's data: groups from the customers' experiment column (`customers.variant`) and
 * per-customer outcomes inside the scope's window — converted (one or more kept orders), revenue
 * and orders per customer, non-buyers counted as 0 (docs/metrics.md, Behaviour → A/B tests).
 */
import { sql, num, type Sql } from '../../lib/sql';
import { scopedCustomers, scopedOrders, type Scope } from '../scope';

/** More distinct groups than this is not an experiment column (an id or free text was mapped). */
export const MAX_GROUPS = 20;
/** A group needs this many customers before a test is run on it. */
export const MIN_GROUP = 30;
/** Per-customer revenues sent to the page's bootstrap, per group at most (a seeded sample beyond). */
export const BOOTSTRAP_SAMPLE = 20_000;

/** Per-customer outcome rows of the scope's customers that have a group. */
function outcomes(scope: Scope): Sql {
  return sql`SELECT c.customer_id, c.variant, coalesce(o.orders, 0) AS orders, coalesce(o.revenue, 0) AS revenue
    FROM (${scopedCustomers(scope)}) c
    LEFT JOIN (SELECT customer_id, count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders, sum(amount) AS revenue
      FROM (${scopedOrders(scope)}) GROUP BY customer_id) o ON o.customer_id = c.customer_id
    WHERE c.variant IS NOT NULL`;
}

/**
 * One row per group (largest first, at most MAX_GROUPS + 1 so the page can tell "too many"):
 * customers, converters, sums and sums of squares of revenue and orders (for Welch's test).
 */
export function abGroups(scope: Scope): Sql {
  return sql`SELECT variant, count(*) AS customers, count(*) FILTER (WHERE orders > 0) AS converters,
      sum(revenue) AS revenue, coalesce(var_samp(revenue), 0) AS revenue_var,
      sum(orders) AS orders, coalesce(var_samp(orders), 0) AS orders_var
    FROM (${outcomes(scope)}) GROUP BY variant ORDER BY customers DESC, variant LIMIT ${num(MAX_GROUPS + 1)}`;
}

/** Per-customer revenue of one group for the bootstrap (a seeded reservoir sample beyond BOOTSTRAP_SAMPLE). */
export function abRevenues(scope: Scope, variant: string): Sql {
  return sql`SELECT revenue FROM (${outcomes(scope)}) WHERE variant = ${variant}
    USING SAMPLE reservoir(${num(BOOTSTRAP_SAMPLE)} ROWS) REPEATABLE (13)`;
}

/** Customers of one group with their outcome (converted ones first, then by revenue). */
export function abMembers(scope: Scope, variant: string): Sql {
  return sql`SELECT customer_id, variant, orders, round(revenue, 2) AS revenue FROM (${outcomes(scope)})
    WHERE variant = ${variant} ORDER BY orders > 0 DESC, revenue DESC, customer_id`;
}
