/**
 * Hash parts: a grouping over every order line holds one entry per group until it ends, and
 * DuckDB-WASM cannot spill (about 3.1 GiB in all). Grouping 50M order lines by customer and order
 * (one order per line in many exports) or counting 50M distinct order ids needs more than that
 * (docs/data-model.md, "Memory of the analyses"). Such a statement is run once per part instead:
 * each reads only the rows whose key hashes to its part, so it holds about `rows / parts` groups,
 * and every key's rows are in exactly one part, so per-key answers and distinct counts are the
 * same. DuckDB's `hash` is the same in the browser and in native DuckDB.
 */
import { type Sql, sql, num, raw } from '../lib/sql';

/** Order lines one part may group: ~0.5 GB of groups at ~100 B each, beside ~1 GB of compressed tables. */
export const PART_ROWS = 5_000_000;

/** Part `index` of `count` (0 ≤ index < count). */
export interface Part {
  index: number;
  count: number;
}

/** How many parts `rows` rows need so that each groups at most `perPart` of them (1: no parts). */
export function partCount(rows: number, perPart = PART_ROWS): number {
  if (!(perPart > 0)) throw new Error(`invalid part size: ${perPart}`);
  return Math.max(1, Math.ceil(Math.max(0, rows) / perPart));
}

/** The parts of `rows` rows, in order; one part (`count` 1) when they fit in one. */
export function partsOf(rows: number, perPart = PART_ROWS): Part[] {
  const count = partCount(rows, perPart);
  return Array.from({ length: count }, (_, index) => ({ index, count }));
}

/** The condition that `key` falls in part `p` (null when there is one part: every row). */
export function inPart(key: Sql, p: Part | null | undefined): Sql | null {
  if (!p || p.count <= 1) return null;
  if (!Number.isInteger(p.index) || p.index < 0 || p.index >= p.count) throw new Error(`invalid part: ${p.index} of ${p.count}`);
  return sql`hash(${key}) % ${num(p.count)} = ${num(p.index)}`;
}

/** The rows of query `q` whose `customer_id` falls in part `p`, as a query (`q` itself without parts). */
export function queryInPart(q: Sql, p: Part | null | undefined): Sql {
  const mine = inPart(raw('customer_id'), p);
  return mine ? sql`SELECT * FROM (${q}) WHERE ${mine}` : q;
}

/**
 * How a statement in parts reads a kept table's rows of one customer part, as a FROM item. The
 * default filters on the hash (`tableInPart`: right for any table, but it reads every row); the
 * worker knows where a table written part by part keeps each part's rows and reads only those.
 */
export type PartReader = (table: Sql, p: Part) => Sql;

/** The rows of table `table` whose `customer_id` falls in part `p`, as a FROM item (the table itself without parts). */
export function tableInPart(table: Sql, p: Part | null | undefined): Sql {
  const mine = inPart(raw('customer_id'), p);
  return mine ? sql`(SELECT * FROM ${table} WHERE ${mine})` : table;
}
