/**
 * The plain id-list export with columns the user picks: profile attributes of the customer base and
 * named attributes of the customers file, added to any customer list in the same query (the list's
 * own order kept).
 */
import { type Sql, sql, join, ident, raw } from '../../lib/sql';
import { ATTRIBUTE_TABLE } from '../custom/compile';
import { BUILTIN_ATTRIBUTES } from '../custom/rule';

/** Extra columns of a CSV export. */
export interface ExportColumns {
  /** profile attributes of the customer base (`BUILTIN_ATTRIBUTES`) */
  profile: string[];
  /** named attributes of the customers file, by name (their text as written) */
  named: string[];
}

/** At most this many extra columns (a spreadsheet stays readable; the link is not involved). */
export const MAX_EXPORT_COLUMNS = 40;

/** Throws unless every profile column is a known one and names are short, distinct texts. */
export function checkExportColumns(c: ExportColumns): void {
  if (!Array.isArray(c.profile) || !Array.isArray(c.named)) throw new Error('invalid export columns');
  if (c.profile.length + c.named.length > MAX_EXPORT_COLUMNS) throw new Error(`invalid export columns: more than ${MAX_EXPORT_COLUMNS}`);
  for (const p of c.profile)
    if (!(BUILTIN_ATTRIBUTES as readonly string[]).includes(p)) throw new Error(`invalid profile column: ${String(p)}`);
  for (const n of c.named)
    if (typeof n !== 'string' || n === '' || n.length > 120 || n.includes('\0')) throw new Error('invalid attribute name');
  if (new Set(c.named).size !== c.named.length || new Set(c.profile).size !== c.profile.length)
    throw new Error('invalid export columns: repeated');
}

/**
 * `list` (a SELECT with `customer_id`, in its own order) with the chosen columns after its own:
 * each profile attribute from `base` (`base`'s column of that name), then each named attribute's
 * text as `attr:<name>` (NULL when the customer has none). One query; the order of `list` is kept.
 * A named column whose name equals a list column is still added (its header has the `attr:` prefix).
 */
export function withColumns(list: Sql, base: Sql, c: ExportColumns): Sql {
  checkExportColumns(c);
  if (c.profile.length === 0 && c.named.length === 0) return list;
  const profile = c.profile.map((p) => sql`CAST(b.${ident(p)} AS VARCHAR) AS ${ident(`profile:${p}`)}`);
  const named = c.named.map(
    (n, i) =>
      sql`(SELECT a.text FROM ${raw(ATTRIBUTE_TABLE)} a WHERE a.customer_id = m.customer_id AND a.name = ${n} LIMIT 1) AS ${ident(`attr:${i}`)}`,
  );
  // the list's position is carried through the join and restored at the end
  return sql`SELECT * EXCLUDE (__pos) FROM (
    SELECT m.*, ${join([...profile, ...named])}
    FROM (SELECT *, row_number() OVER () AS __pos FROM (${list}) l0) m
    LEFT JOIN ${base} b ON b.customer_id = m.customer_id
  ) x ORDER BY __pos`;
}

/**
 * The header text of each result column of `withColumns`: the list's own as they are, profile
 * columns by their key, named attributes by their name as written.
 */
export function headerOf(keys: readonly string[], c: ExportColumns): string[] {
  return keys.map((k) =>
    k.startsWith('profile:') ? k.slice('profile:'.length) : k.startsWith('attr:') ? (c.named[Number(k.slice('attr:'.length))] ?? k) : k,
  );
}
