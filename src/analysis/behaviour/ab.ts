/**
 * The A/B comparison's data: groups from an experiment column — the customers file's
 * (`customers.variant`), the events' (`events.variant`) or the orders' (`orders.variant`) — and
 * per-customer outcomes inside the scope's window: converted (one or more kept orders), revenue and
 * orders per customer, non-buyers counted as 0 (docs/metrics.md, Behaviour → A/B tests).
 */
import { sql, num, ident, type Sql } from '../../lib/sql';
import { scopedCustomers, scopedOrders, type Scope } from '../scope';

/** More distinct groups than this is not an experiment column (an id or free text was mapped). */
export const MAX_GROUPS = 20;
/** A group needs this many customers before a test is run on it. */
export const MIN_GROUP = 30;
/** Per-customer revenues sent to the page's bootstrap, per group at most (a seeded sample beyond). */
export const BOOTSTRAP_SAMPLE = 20_000;

/** Where a customer's group comes from: the table whose `variant` column holds it. */
export const AB_SOURCES = ['customers', 'events', 'orders'] as const;
export type AbSource = (typeof AB_SOURCES)[number];

export const isAbSource = (x: unknown): x is AbSource => (AB_SOURCES as readonly unknown[]).includes(x);

/** One row per source (in AB_SOURCES order) with `has` true when some row of it carries a group. */
export function abSourcesSql(): Sql {
  const has = (t: AbSource) => sql`SELECT ${t} AS source, EXISTS (SELECT 1 FROM ${ident(t)} WHERE variant IS NOT NULL) AS has`;
  return sql`${has('customers')} UNION ALL ${has('events')} UNION ALL ${has('orders')}`;
}

/**
 * Per customer of the source table: their group and how many distinct groups they were seen in
 * (`k`). Events and orders count up to the as-of date, from any time before it: the group is who
 * the customer was, not an outcome, so a window start does not drop an assignment.
 */
function assignments(scope: Scope, source: AbSource): Sql {
  if (source === 'customers') return sql`SELECT customer_id, variant, 1 AS k FROM customers WHERE variant IS NOT NULL`;
  return sql`SELECT customer_id, min(variant) AS variant, count(DISTINCT variant) AS k FROM ${ident(source)}
    WHERE variant IS NOT NULL AND customer_id IS NOT NULL AND ts < CAST(${scope.asOf} AS TIMESTAMP) GROUP BY customer_id`;
}

/** Per-customer outcome rows of the scope's customers that have exactly one group. */
function outcomes(scope: Scope, source: AbSource): Sql {
  return sql`SELECT c.customer_id, a.variant, coalesce(o.orders, 0) AS orders, coalesce(o.revenue, 0) AS revenue
    FROM (${scopedCustomers(scope)}) c
    JOIN (${assignments(scope, source)}) a ON a.customer_id = c.customer_id AND a.k = 1
    LEFT JOIN (SELECT customer_id, count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders, sum(amount) AS revenue
      FROM (${scopedOrders(scope)}) GROUP BY customer_id) o ON o.customer_id = c.customer_id`;
}

/** Customers of the scope seen in more than one group of the source (left out of every group, as PostHog does). */
export function abExcluded(scope: Scope, source: AbSource): Sql {
  return sql`SELECT count(*) AS excluded FROM (${scopedCustomers(scope)}) c
    JOIN (${assignments(scope, source)}) a ON a.customer_id = c.customer_id AND a.k > 1`;
}

/**
 * One row per group (largest first, at most MAX_GROUPS + 1 so the page can tell "too many"):
 * customers, converters, sums and sums of squares of revenue and orders (for Welch's test).
 */
export function abGroups(scope: Scope, source: AbSource = 'customers'): Sql {
  return sql`SELECT variant, count(*) AS customers, count(*) FILTER (WHERE orders > 0) AS converters,
      sum(revenue) AS revenue, coalesce(var_samp(revenue), 0) AS revenue_var,
      sum(orders) AS orders, coalesce(var_samp(orders), 0) AS orders_var
    FROM (${outcomes(scope, source)}) GROUP BY variant ORDER BY customers DESC, variant LIMIT ${num(MAX_GROUPS + 1)}`;
}

/** Per-customer revenue of one group for the bootstrap (a seeded reservoir sample beyond BOOTSTRAP_SAMPLE). */
export function abRevenues(scope: Scope, variant: string, source: AbSource = 'customers'): Sql {
  return sql`SELECT revenue FROM (${outcomes(scope, source)}) WHERE variant = ${variant}
    USING SAMPLE reservoir(${num(BOOTSTRAP_SAMPLE)} ROWS) REPEATABLE (13)`;
}

/** Customers of one group with their outcome (converted ones first, then by revenue). */
export function abMembers(scope: Scope, variant: string, source: AbSource = 'customers'): Sql {
  return sql`SELECT customer_id, variant, orders, round(revenue, 2) AS revenue FROM (${outcomes(scope, source)})
    WHERE variant = ${variant} ORDER BY orders > 0 DESC, revenue DESC, customer_id`;
}
