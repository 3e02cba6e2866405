/**
 * Lines DuckDB's CSV reader loads but that must not count: lines over the reader's normal size
 * limit (read again with a larger `max_line_size` so one 10 MB line does not refuse the whole file)
 * and lines holding NUL bytes. They move from the raw table to the reader's rejects table
 * (`rej_<id>`), with a reason and their line number, so the overview, the rejected-rows download
 * and the row counts treat them like any unreadable line. Pure: SQL text only.
 */
import { ident, join, raw, sql, inline } from '../lib/sql';

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

/**
 * Statements that move the raw rows of `kind` into `rejTable` (already text, see `rejectsAsText`)
 * and delete them from `table`. Line numbers: the data row plus the header line plus the lines the
 * reader rejected before it (exact unless a quoted field spans lines).
 */
export function moveRawRejects(
  table: string,
  rejTable: string,
  columns: readonly string[],
  kind: RawRejectKind,
  header: boolean,
): string[] {
  if (columns.length === 0) return [];
  const cols = columns.map((c) => sql`coalesce(r.${ident(c)}, '')`);
  const where =
    kind === 'long'
      ? sql`(${join(
          columns.map((c) => sql`coalesce(strlen(r.${ident(c)}), 0)`),
          ' + ',
        )}) > ${raw(String(MAX_LINE_BYTES))}`
      : sql`(${join(
          columns.map((c) => sql`coalesce(strpos(r.${ident(c)}, chr(0)), 0) > 0`),
          ' OR ',
        )})`;
  const t = ident(table);
  const rej = ident(rejTable);
  const before = sql`(SELECT count(DISTINCT j.line) FROM ${rej} j WHERE j.line <= r.__row + ${raw(header ? '1' : '0')})`;
  const lineText = sql`concat_ws(',', ${join(cols)})`;
  const message =
    kind === 'long'
      ? sql`'the line is ' || CAST(strlen(${lineText}) AS VARCHAR) || ' bytes long (the limit is ' || ${raw(`'${MAX_LINE_BYTES}'`)} || ')'`
      : raw(`'the line holds NUL bytes'`);
  const preview = kind === 'long' ? sql`left(${lineText}, 200) || '…'` : sql`replace(${lineText}, chr(0), '\\0')`;
  return [
    inline(sql`INSERT INTO ${rej} (line, column_name, error_type, csv_line, error_message)
      SELECT r.__row + ${raw(header ? '1' : '0')} + ${before}, NULL, ${raw(`'${RAW_REJECT_TYPES[kind]}'`)}, ${preview}, ${message} FROM ${t} r WHERE ${where}`),
    inline(sql`DELETE FROM ${t} WHERE __row IN (SELECT r.__row FROM ${t} r WHERE ${where})`),
  ];
}
