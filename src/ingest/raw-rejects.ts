/**
 * Lines DuckDB's CSV reader loads but that must not count: lines over the reader's normal size
 * limit (read again with a larger `max_line_size` so one 10 MB line does not refuse the whole file)
 * and lines holding NUL bytes. Two-phase ingest (`canonical-source.ts`): the sample, the counting
 * pass and the re-read leave them out, and they are written to the reader's rejects table
 * (`rej_<id>`) with a reason and their line number, so the overview, the rejected-rows download
 * and the row counts treat them like any unreadable line. Pure: SQL text only.
 */
import { ident, join, raw, sql, inline, type Sql } from '../lib/sql';

/** DuckDB's default `max_line_size` (bytes): longer lines are rejected as "line too long". */
export const MAX_LINE_BYTES = 2_000_000;
/** The `max_line_size` of the second read: lines up to this load, so they can be rejected one by one. */
export const LINE_SIZE_RETRY = 32 * 1024 * 1024;

/**
 * read_csv options for that read. `buffer_size` is set too: its default is 16 × `max_line_size`
 * (512 MiB per thread here), too much for a browser tab.
 */
export const LONG_LINE_OPTIONS = `max_line_size = ${LINE_SIZE_RETRY}, buffer_size = ${LINE_SIZE_RETRY}`;

/**
 * A full slice without a line break: some line is longer than the slice, so the file is read with
 * the larger line size at once (a failed read at the default size alone takes seconds per MB).
 */
export function hasLongLine(parts: readonly Uint8Array[], minLength = 65536): boolean {
  return parts.some((p) => p.length >= minLength && !p.includes(0x0a) && !p.includes(0x0d));
}

export type RawRejectKind = 'long' | 'nul';

/** Error types written into the rejects table (VARCHAR after `rejectsAsText`). */
export const RAW_REJECT_TYPES: Record<RawRejectKind, string> = { long: 'LINE TOO LONG', nul: 'NUL BYTES' };

/** Statements that turn the reader's rejects table into a plain table whose `error_type` is text (it is an ENUM). */
export function rejectsAsText(rejTable: string): string[] {
  const t = ident(rejTable);
  const tmp = ident(`${rejTable}_text`);
  return [
    inline(sql`CREATE OR REPLACE TEMP TABLE ${tmp} AS SELECT line, line_byte_position, byte_position, column_idx, column_name,
      CAST(error_type AS VARCHAR) AS error_type, csv_line, error_message FROM ${t}`),
    inline(sql`DROP TABLE ${t}`),
    inline(sql`ALTER TABLE ${tmp} RENAME TO ${t}`),
  ];
}

/** The condition (over the file's unqualified columns) for lines of `kind`: too long, or holding NUL bytes. */
function kindWhere(columns: readonly string[], kind: RawRejectKind, prefix = ''): Sql {
  const col = (c: string) => (prefix ? sql`${raw(prefix)}.${ident(c)}` : ident(c));
  return kind === 'long'
    ? sql`(${join(
        columns.map((c) => sql`coalesce(strlen(${col(c)}), 0)`),
        ' + ',
      )}) > ${raw(String(MAX_LINE_BYTES))}`
    : sql`(${join(
        columns.map((c) => sql`coalesce(strpos(${col(c)}, chr(0)), 0) > 0`),
        ' OR ',
      )})`;
}

/**
 * Two-phase ingest (`canonical-source.ts`): the SQL condition, over the file's columns, of the rows
 * the reader loads but that are rejected (`kinds`); null when there is nothing to leave out. The
 * sample, the counting pass and the re-read leave these rows out; their lines keep their numbers.
 */
export function badLineSql(columns: readonly string[], kinds: readonly RawRejectKind[]): string | null {
  if (columns.length === 0 || kinds.length === 0) return null;
  return inline(
    join(
      kinds.map((k) => kindWhere(columns, k)),
      ' OR ',
    ),
  );
}

/**
 * The statement that records the rows of `kinds` in `rejTable` (already text, see `rejectsAsText`)
 * with their line numbers, read from `numbered` (a relation with `__row` = the file's line number,
 * `numberedSourceSql`). A line both too long and holding NUL bytes counts as too long.
 */
export function insertBadLinesSql(
  numbered: string,
  rejTable: string,
  columns: readonly string[],
  kinds: readonly RawRejectKind[],
): string | null {
  if (columns.length === 0 || kinds.length === 0) return null;
  const lineText = sql`concat_ws(',', ${join(columns.map((c) => sql`coalesce(r.${ident(c)}, '')`))})`;
  const long = kinds.includes('long') ? kindWhere(columns, 'long', 'r') : raw('FALSE');
  const any = join(
    kinds.map((k) => kindWhere(columns, k, 'r')),
    ' OR ',
  );
  const type = sql`CASE WHEN ${long} THEN ${raw(`'${RAW_REJECT_TYPES.long}'`)} ELSE ${raw(`'${RAW_REJECT_TYPES.nul}'`)} END`;
  const message = sql`CASE WHEN ${long} THEN 'the line is ' || CAST(strlen(${lineText}) AS VARCHAR) || ' bytes long (the limit is ' || ${raw(`'${MAX_LINE_BYTES}'`)} || ')'
    ELSE 'the line holds NUL bytes' END`;
  const preview = sql`CASE WHEN ${long} THEN left(${lineText}, 200) || '…' ELSE replace(${lineText}, chr(0), '\\0') END`;
  return inline(sql`INSERT INTO ${ident(rejTable)} (line, column_name, error_type, csv_line, error_message)
    SELECT r.__row, NULL, ${type}, ${preview}, ${message} FROM ${raw(numbered)} r WHERE ${any}`);
}
