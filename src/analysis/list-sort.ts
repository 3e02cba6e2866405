/**
 * Sorting a customer list by any of its columns, in SQL (issue 11 §6: "every table sortable by any
 * column"; never in JS over one page). The column must be one the list returns: the caller gives
 * the list's columns (its whitelist) and the name goes in as a quoted identifier.
 */
import { type Sql, sql, raw, num, ident } from '../lib/sql';

/** A sort a member list may ask for: one of the list's own columns, descending or not. */
export interface ListSort {
  by: string;
  desc: boolean;
}

/** Most rows one page may take (a CSV export takes every row in one query). */
const MAX_LIMIT = 2_000_000_000;

/**
 * One page of `list` (every row of a list query) in the order of `sort`: NULLs last either way,
 * ties by customer_id (in the same direction) so pages never overlap. Throws on a column that is
 * not in `columns` (the list's own columns, e.g. from `DESCRIBE`).
 */
export function sortedList(list: Sql, columns: readonly string[], sort: ListSort, page: { limit: number; offset: number }): Sql {
  if (!columns.includes(sort.by)) throw new Error(`invalid sort: ${JSON.stringify(String(sort.by).slice(0, 64))}`);
  if (!columns.includes('customer_id')) throw new Error('invalid list: no customer_id column');
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_LIMIT) throw new Error(`invalid limit: ${page.limit}`);
  if (!Number.isInteger(page.offset) || page.offset < 0) throw new Error(`invalid offset: ${page.offset}`);
  const dir = raw(sort.desc ? 'DESC' : 'ASC');
  const tie = sort.by === 'customer_id' ? raw('') : sql`, customer_id ${dir}`;
  return sql`SELECT * FROM (${list}) l
ORDER BY ${ident(sort.by)} ${dir} NULLS LAST${tie}
LIMIT ${num(page.limit)} OFFSET ${num(page.offset)}`;
}

/** SQL that names the columns of a list query (one row per column, `column_name`). */
export function listColumns(list: Sql): Sql {
  return sql`DESCRIBE ${list}`;
}
