/**
 * Order ids shared between files of the same role (orders, order lines, payments). Two files with
 * the same order ids add their amounts into the same orders: revenue doubles without a word when
 * the same export is loaded twice under another name. This counts, per file, the distinct order
 * ids that an earlier file of its role already has; the mapping's `keepFirstCopy` then drops
 * those rows from the later file (canonical.ts).
 */
import { Sql, sql, raw, join, inline } from '../lib/sql';
import type { FileMapping, FileRole, RawFile } from './mapping';
import { colOf, rc, tableOf, type Mapped } from './canonical-parts';
import { idExpr } from './values';

/** Roles whose rows add up by order id. */
export const ORDER_KEYED_ROLES: readonly FileRole[] = ['orders', 'order_lines', 'payments'];

/** A file whose order ids an earlier file of the same role already has. */
export interface OrderOverlap {
  file: string;
  role: FileRole;
  /** the first earlier file (in load order) that shares ids with it */
  earlier: string;
  /** distinct order ids of `file` found in an earlier file of the same role */
  shared: number;
  /** distinct order ids of `file` */
  total: number;
}

/**
 * One query (SQL text, values inlined and escaped) whose rows are `OrderOverlap`s, in load order;
 * null when no two files of one role have an order id column.
 */
export function overlapSql(files: RawFile[], mappings: FileMapping[]): string | null {
  const keyed: { x: Mapped; pos: number }[] = [];
  mappings.forEach((m, pos) => {
    const file = files.find((f) => f.table === m.table) ?? files.find((f) => f.name === m.file);
    if (file && ORDER_KEYED_ROLES.includes(m.role) && colOf({ file, m }, 'order_id')) keyed.push({ x: { file, m }, pos });
  });
  const roles = new Set(keyed.map((k) => k.x.m.role));
  const pairs = [...roles].filter((r) => keyed.filter((k) => k.x.m.role === r).length > 1);
  const used = keyed.filter((k) => pairs.includes(k.x.m.role));
  if (used.length === 0) return null;
  const ids: Sql[] = used.map(
    ({ x, pos }) =>
      sql`SELECT DISTINCT ${x.file.name} AS file, ${pos} AS pos, ${x.m.role} AS role, ${idExpr(rc(colOf(x, 'order_id')!))} AS oid FROM ${tableOf(x)} r`,
  );
  const q = sql`WITH ids AS (SELECT * FROM (${join(ids, ' UNION ALL ')}) WHERE oid IS NOT NULL),
    hits AS (SELECT b.pos, b.role, b.oid, min(a.pos) AS first_pos FROM ids b JOIN ids a ON a.role = b.role AND a.pos < b.pos AND a.oid = b.oid
      GROUP BY b.pos, b.role, b.oid),
    agg AS (SELECT pos, role, min(first_pos) AS first_pos, count(*) AS shared FROM hits GROUP BY pos, role),
    names AS (SELECT pos, any_value(file) AS file, count(*) AS total FROM ids GROUP BY pos)
    SELECT n.file, agg.role, e.file AS earlier, agg.shared, n.total
    FROM agg JOIN names n ON n.pos = agg.pos JOIN names e ON e.pos = agg.first_pos ORDER BY agg.pos`;
  return inline(q);
}

/** Rows of `overlapSql` as typed overlaps. */
export function shapeOverlaps(rows: Record<string, unknown>[]): OrderOverlap[] {
  return rows.map((r) => ({
    file: String(r.file),
    role: String(r.role) as FileRole,
    earlier: String(r.earlier),
    shared: Number(r.shared),
    total: Number(r.total),
  }));
}

/**
 * `WHERE` condition for a later file's rows when its mapping keeps the first copy: the row's
 * order id is not in `table` (the rows earlier files of this role already put there).
 */
export function notSeenBefore(orderId: Sql, table: string, column = 'order_id'): Sql {
  return sql`NOT EXISTS (SELECT 1 FROM ${raw(table)} seen WHERE seen.${raw(column)} = ${orderId})`;
}
