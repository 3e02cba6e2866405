/**
 * Queries for the overview shown after ingest: headline figures (with what reconciles the Data
 * page's revenue with the customer views: revenue of orders without a customer id), events by
 * type, profile coverage, NULLs per mapped column per file, rejects by file and reason, and
 * customers without a kept order.
 */
import { Sql, sql, ident, inline, join, raw } from '../lib/sql';
import type { FileMapping } from './mapping';
import { plausibleEnd } from './canonical-parts';

import { ATTRIBUTES, COVERAGE_FIELDS } from '../analysis/attributes';
import { inPart, partsOf } from '../analysis/parts';

const PROFILE_FIELDS = ['age', ...ATTRIBUTES.map((a) => a.key)] as const;
/** Profile fields the Data page reports coverage for (besides age). */
export const COVERAGE_ALL = COVERAGE_FIELDS;

/** The reason shown for lines the CSV reader rejected, by the reader's error type. */
/** Distinct event-type values listed in the mapping panel (most frequent first). */
export const EVENT_VALUES = 300;

export function readerRejectReason(errorType: string): string {
  switch (errorType.toUpperCase()) {
    case 'INVALID ENCODING':
      return 'invalid UTF-8 byte sequence';
    case 'LINE TOO LONG':
    case 'LINE SIZE OVER MAXIMUM':
      return 'line too long';
    case 'NUL BYTES':
      return 'NUL bytes in the line';
    default:
      return 'unreadable CSV row (ragged or broken quotes)';
  }
}

/** Lines the CSV reader rejected from one file, per error type (`rej_<id>` of `workers/files.ts`). */
export function readerRejectsSql(rejTable: string): string {
  return inline(
    sql`SELECT CAST(error_type AS VARCHAR) AS error_type, count(DISTINCT line) AS n FROM ${ident(rejTable)} GROUP BY 1 ORDER BY 1`,
  );
}

/** Flagged rows listed per kind in the overview. */
export const FLAG_ROWS = 20;
/**
 * Customers whose only order rows are returns or cancellations (excluded, or kept as negative rows
 * in net mode): they exist but never bought, so they are not buyers. The kept rows are looked up
 * only for customers with a return (`IN`): `EXCEPT` over every kept order row built a hash table of
 * all of them (+1.2 GB at 20M order lines natively; at 50M more than the tab has).
 */
const NO_KEPT_ORDER = `WITH r AS (SELECT customer_id FROM returns_excluded WHERE customer_id IS NOT NULL
    UNION SELECT customer_id FROM orders WHERE is_return AND customer_id IS NOT NULL)
  SELECT customer_id FROM r
  EXCEPT SELECT customer_id FROM orders WHERE NOT is_return AND customer_id IN (SELECT customer_id FROM r)`;

/** How many customers without a kept order the overview lists by id. */
export const NO_KEPT_ORDER_LIST = 100;

/**
 * The distinct kept orders, counted in hash parts of the order id when there are more order lines
 * than one part holds (`parts.ts`): one statement per part, whose counts add up to
 * `count(DISTINCT order_id)` — a distinct count over 50M order ids in one statement needs more
 * memory than the tab has.
 */
export function keptOrdersSql(orderLines: number, perPart?: number): string[] {
  return partsOf(orderLines, perPart).map((p) => {
    const mine = inPart(raw('order_id'), p);
    return inline(sql`SELECT count(DISTINCT order_id) AS n FROM orders WHERE NOT is_return${mine ? sql` AND ${mine}` : raw('')}`);
  });
}

/** Order lines the first check of `orderIdsSql` looks at (`orderIdsHeadSql`). */
export const ORDER_IDS_HEAD = 100_000;

/**
 * Whether the first order lines repeat an order id: lines of one order usually sit together, so a
 * line-level file shows it here and the whole-table check (`orderIdsSql`) is skipped.
 */
export function orderIdsHeadSql(): string {
  return `SELECT count(order_id) AS ids, count(DISTINCT order_id) AS distinct_ids FROM (SELECT order_id FROM orders LIMIT ${ORDER_IDS_HEAD})`;
}

/**
 * Per hash part of the order id (equal ids fall in one part, so the parts add up): the order ids,
 * the distinct ones, and those of kept rows (not returns). When no id repeats (ids = distinct ids
 * over all parts) the kept ids are the distinct kept orders — `keptOrdersSql`'s count without a
 * second pass — and every order is one row (the customer base then skips its per-order grouping).
 */
export function orderIdsSql(orderLines: number, perPart?: number): string[] {
  return partsOf(orderLines, perPart).map((p) => {
    const mine = inPart(raw('order_id'), p);
    return inline(
      sql`SELECT count(order_id) AS ids, count(DISTINCT order_id) AS distinct_ids, count(order_id) FILTER (WHERE NOT is_return) AS kept_ids
        FROM orders${mine ? sql` WHERE ${mine}` : raw('')}`,
    );
  });
}

/**
 * Named overview queries (SQL text, values inlined). `nullsByColumn` is empty without mappings.
 * With `countOrders` false the headline's `orders` is NULL: `keptOrdersSql` counts them in parts.
 */
export function overviewSql(mappings: readonly FileMapping[] = [], countOrders = true): Record<string, string> {
  const coverage = PROFILE_FIELDS.map((f) => `count(${f}) AS ${f}`).join(', ');
  const perColumn: Sql[] = [];
  for (const m of mappings) {
    if (m.role === 'ignore') continue;
    for (const [col, role] of Object.entries(m.columns)) {
      if (role === 'ignore') continue;
      perColumn.push(sql`SELECT ${m.file} AS file, ${col} AS column_name, ${role} AS role, count(*) AS rows,
        count(*) - count(${ident(col)}) AS nulls FROM ${ident(m.table)}`);
    }
  }
  return {
    headline: `SELECT (SELECT count(*) FROM customers) AS customers,
      (SELECT count(DISTINCT customer_id) FROM orders WHERE NOT is_return) AS buyers,
      ${countOrders ? '(SELECT count(DISTINCT order_id) FROM orders WHERE NOT is_return)' : 'NULL'} AS orders,
      (SELECT count(*) FROM orders) AS order_lines,
      (SELECT coalesce(round(sum(amount), 2), 0) FROM orders) AS revenue,
      (SELECT max(ts) FROM orders WHERE ts < ${plausibleEnd()} + INTERVAL 1 DAY) AS last_order_ts,
      (SELECT count(DISTINCT customer_id) FROM events) AS event_customers,
      (SELECT count(*) FROM orders WHERE is_return) + (SELECT count(*) FROM returns_excluded) AS return_rows,
      (SELECT coalesce(round(sum(amount), 2), 0) FROM orders WHERE customer_id IS NULL) AS guest_revenue,
      (SELECT count(DISTINCT order_id) FROM orders WHERE customer_id IS NULL AND NOT is_return) AS guest_orders,
      (SELECT count(*) FROM (${NO_KEPT_ORDER})) AS no_kept_order,
      (SELECT count(*) FROM orders WHERE amount <> 0) AS amount_rows,
      (SELECT count(category) FROM orders) + (SELECT count(category) FROM events) AS category_rows,
      (SELECT count(*) FROM events) AS events,
      (SELECT min(ts) FROM (SELECT ts FROM orders UNION ALL SELECT ts FROM events)) AS first_ts,
      (SELECT max(ts) FROM (SELECT ts FROM orders UNION ALL SELECT ts FROM events)) AS last_ts,
      (SELECT max(ts) FROM (SELECT ts FROM orders UNION ALL SELECT ts FROM events) WHERE ts < ${plausibleEnd()} + INTERVAL 1 DAY) AS last_plausible_ts`,
    eventsByType:
      'SELECT event_type, count(*) AS events, count(DISTINCT customer_id) AS customers FROM events GROUP BY event_type ORDER BY events DESC',
    // each file's event-type values as written, with their canonical type (the mapping panel's value map)
    eventValues: `SELECT source AS file, raw_type, any_value(event_type) AS event_type, count(*) AS n FROM events
      GROUP BY source, raw_type ORDER BY n DESC, raw_type LIMIT ${EVENT_VALUES}`,
    profileCoverage: `SELECT count(*) AS profiles, ${coverage} FROM customers WHERE has_profile`,
    // the Data page's coverage: share of ALL customers (profile or not) with each field; an age
    // band counts as an age
    coverageAll: `SELECT count(*) AS customers, count(coalesce(CAST(age AS VARCHAR), age_band)) AS age, ${COVERAGE_ALL.map((f) => `count(${f}) AS ${f}`).join(', ')} FROM customers`,
    nullsByColumn: perColumn.length ? inline(join(perColumn, ' UNION ALL ')) : inline(raw('SELECT NULL AS file WHERE FALSE')),
    // flagged far-off dates and huge amounts (value_flags): counts per kind and file, then the first rows
    flags:
      'SELECT kind, file, count(*) AS n, CAST(min(lo) AS VARCHAR) AS lo, CAST(max(hi) AS VARCHAR) AS hi FROM value_flags GROUP BY kind, file ORDER BY kind, file',
    flagRows: `SELECT kind, file, "row", value FROM (SELECT *, row_number() OVER (PARTITION BY kind ORDER BY file, "row") AS k FROM value_flags)
      WHERE k <= ${FLAG_ROWS} ORDER BY kind, file, "row"`,
    // customers without a kept order: id, return rows and their amount, largest first
    noKeptOrder: `SELECT n.customer_id, count(r.customer_id) AS return_rows, coalesce(round(sum(abs(r.amount)), 2), 0) AS amount
      FROM (${NO_KEPT_ORDER}) n LEFT JOIN (SELECT customer_id, amount FROM returns_excluded UNION ALL
        SELECT customer_id, amount FROM orders WHERE is_return) r ON r.customer_id = n.customer_id
      GROUP BY n.customer_id ORDER BY return_rows DESC, n.customer_id LIMIT ${NO_KEPT_ORDER_LIST}`,
    rejects:
      'SELECT file, reason, count(*) AS rows, min("row") AS first_row, arg_min(value, "row") AS first_value FROM rejects GROUP BY file, reason ORDER BY file, reason',
  };
}
