/**
 * One customer's page: orders and events for the timeline, named attributes, stage history, and
 * the customer search. Pure SQL builders; the customer id is always a bound value.
 */
import { type Sql, sql, num, join, raw } from '../../lib/sql';
import { type Scope, scopedEvents, scopedOrders } from '../scope';
import { stageAsOf, type StageParams } from '../lifecycle/stage';
import { addDays } from '../../lib/dates';
import { ATTRIBUTE_TABLE } from './compile';

/** Rows the timeline shows at most, per kind. */
export const TIMELINE_ROWS = 500;

/** One row per order (lines summed), newest first: ts, order_id, amount, category, product_id, is_return. */
export function profileOrders(scope: Scope, customerId: string): Sql {
  return sql`SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S') AS ts, order_id, round(sum(amount), 2) AS amount,
  string_agg(DISTINCT category, ', ' ORDER BY category) AS category, string_agg(DISTINCT product_id, ', ' ORDER BY product_id) AS product_id,
  bool_and(coalesce(is_return, false)) AS is_return
FROM (${scopedOrders(scope)}) WHERE customer_id = ${customerId}
GROUP BY order_id ORDER BY min(ts) DESC, order_id LIMIT ${num(TIMELINE_ROWS)}`;
}

/** Events, newest first: ts, event_type, category, product_id. */
export function profileEvents(scope: Scope, customerId: string): Sql {
  return sql`SELECT strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts, event_type, category, product_id
FROM (${scopedEvents(scope)}) WHERE customer_id = ${customerId}
ORDER BY ts DESC LIMIT ${num(TIMELINE_ROWS)}`;
}

/** name, type, value (text as written) of the customer's named attributes, by name. */
export function profileAttributes(customerId: string): Sql {
  return sql`SELECT name, type, text AS value FROM ${raw(ATTRIBUTE_TABLE)} WHERE customer_id = ${customerId} ORDER BY name`;
}

/** The first day of each of the `months` months before the as-of date's month, oldest first, then the as-of date. */
export function historyDates(asOf: string, months = 12): string[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let k = months; k >= 1; k--) {
    const d = new Date(Date.UTC(y, m - 1 - k + 1, 1));
    const iso = d.toISOString().slice(0, 10);
    if (iso < asOf) out.push(iso);
  }
  if (!out.includes(asOf)) out.push(asOf);
  return [...new Set(out)].filter((d) => d <= asOf && d >= addDays(asOf, -400));
}

/** as_of, stage — the customer's stage as of each date (stage NULL before the first activity). */
export function stageHistory(params: StageParams, scope: Scope, customerId: string, dates: readonly string[]): Sql {
  const parts = dates.map(
    (d) =>
      sql`SELECT ${d} AS as_of, (SELECT stage FROM (${stageAsOf(params, { ...scope, from: null }, d)}) s WHERE s.customer_id = ${customerId}) AS stage`,
  );
  return sql`SELECT * FROM (${join(parts, ' UNION ALL ')}) ORDER BY as_of`;
}

/**
 * customer_id, match — ids equal to, starting with, or containing the text (case-insensitive),
 * then customers whose text attributes (e-mail …) contain it; exact matches first, at most 20.
 */
export function customerSearch(text: string): Sql {
  const q = text.trim();
  return sql`SELECT customer_id, any_value(match) AS match, min(rank) AS rank FROM (
  SELECT customer_id, customer_id AS match,
    CASE WHEN lower(customer_id) = lower(${q}) THEN 0 WHEN starts_with(lower(customer_id), lower(${q})) THEN 1 ELSE 2 END AS rank
  FROM customers WHERE contains(lower(customer_id), lower(${q}))
  UNION ALL
  SELECT customer_id, name || ': ' || text AS match, 3 AS rank FROM ${raw(ATTRIBUTE_TABLE)}
  WHERE type = 'text' AND contains(lower(text), lower(${q})))
GROUP BY customer_id ORDER BY rank, length(customer_id), customer_id LIMIT 20`;
}
