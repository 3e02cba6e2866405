/**
 * Two-phase ingest, the SQL side: a dropped file stays registered with DuckDB and every full pass
 * (the row count with the reader's rejects at load, the canonical build at each mapping change)
 * reads it again with the same `read_csv` options. Only a small sample is kept as a table, for
 * the guessers. The relation built here numbers each row by the file's own line number, also
 * after lines the reader skipped (ragged or broken quotes), so every reject names a real line.
 */
import { ident, literal } from '../lib/sql';

/** Rows kept as a table for the guessers and the mapping panel (they read 200). */
export const SAMPLE_ROWS = 20_000;

/** `read_csv` of a registered file: every column as text, the dialect sniffed from 20,480 rows. */
export function readCsvSql(vname: string, extra: string[] = []): string {
  return `read_csv(${[literal(vname), 'all_varchar = true', 'sample_size = 20480', ...extra].join(', ')})`;
}

/** The reader options of the counting pass: bad lines go to `rejects_table` with their line number. */
export function rejectOptions(id: number): string[] {
  return ['store_rejects = true', `rejects_table = 'rej_${id}'`, `rejects_scan = 'rejs_${id}'`];
}

/** The sample kept as `table` for the guessers: the first rows, numbered 1, 2, … (the reader stops early). */
export function sampleTableSql(table: string, readCsv: string, rows = SAMPLE_ROWS): string {
  return `CREATE OR REPLACE TABLE ${table} AS SELECT row_number() OVER () AS __row, * FROM ${readCsv} LIMIT ${Math.max(1, Math.floor(rows))}`;
}

/**
 * The full pass at load: rows read and, per column, non-empty values (`c0`, `c1`, …). Counting
 * every column makes the reader parse every field, so its rejects are complete; nothing is kept.
 * Rows matching `exclude` (lines the reader loads but that are rejected: `raw-rejects.ts`) are not counted.
 */
export function countPassSql(readCsv: string, columns: readonly string[], exclude: string | null = null): string {
  const counts = columns.map((c, i) => `count(${ident(c).text}) AS c${i}`);
  return `SELECT ${['count(*) AS n', ...counts].join(', ')} FROM ${readCsv}${exclude ? ` WHERE NOT (${exclude})` : ''}`;
}

/**
 * Lines before the first data row: DuckDB's sniffer answer (skipped rows plus the header). `extra`:
 * the reader options of the other passes (a larger `max_line_size`), so the sniffer reads as they do.
 */
export function headerLinesSql(vname: string, extra: string[] = []): string {
  const options = [literal(vname), 'all_varchar = true', 'sample_size = 20480', ...extra].join(', ');
  return `SELECT SkipRows + CASE WHEN HasHeader THEN 1 ELSE 0 END AS h FROM sniff_csv(${options})`;
}

/**
 * The buffer the sniffer reads the head of a file with. DuckDB's default (32 MB) made one sniff of a
 * registered file take 0.4–0.8 s in the tab against 0.1–0.26 s with 2–4 MB (1M orders, 58 MB); a full
 * pass keeps the default, which reads fastest (docs/benchmarks.md). Options that set their own buffer
 * (`LONG_LINE_OPTIONS`) win.
 */
export const SNIFF_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * The buffer option of a read of a file's head (the sniff, the sample): `SNIFF_BUFFER_BYTES`, unless
 * the reader options `extra` set their own (`LONG_LINE_OPTIONS`, whose lines may be longer than it;
 * before session 12 the sniff missed that one inside the combined option string and named both). With DuckDB's default buffer the
 * 20,000-row sample of a 1M-order file took 139 ms in DuckDB-WASM, with 4 MB 33 ms (it reads whole
 * buffers before the LIMIT stops it; `docs/benchmarks.md`, session 12).
 */
export function headBuffer(extra: readonly string[]): string[] {
  // an option string may hold several options (`LONG_LINE_OPTIONS`: max_line_size, buffer_size)
  return extra.some((o) => /(^|,)\s*buffer_size\s*=/.test(o)) ? [] : [`buffer_size = ${SNIFF_BUFFER_BYTES}`];
}

/** Separates the column names in `dialectSql`'s `names` (a name holding it makes the dialect unusable). */
export const NAME_SEPARATOR = '\x1f';

/**
 * The dialect DuckDB's reader settles on for the full passes (the same options, `ignore_errors`
 * included: without it the sniffer may choose another delimiter on a file with ragged lines): every
 * pass over the file then reads it with exactly this dialect and these column names
 * (`sliceReadCsv`), so no pass sniffs again and none can read the file otherwise, whole or in slices
 * (`slices.ts`). `n` is its number of columns, `names` their names joined by `NAME_SEPARATOR`.
 */
export function dialectSql(vname: string, extra: string[] = []): string {
  const options = [
    literal(vname),
    ...headBuffer(extra),
    'all_varchar = true',
    'sample_size = 20480',
    ...extra,
    'ignore_errors = true',
  ].join(', ');
  return `SELECT SkipRows AS skip, HasHeader AS header, Delimiter AS delim, Quote AS quote, Escape AS escape, Comment AS comment, len(Columns) AS n,
  array_to_string(list_transform(Columns, lambda c: c.name), chr(31)) AS names FROM sniff_csv(${options})`;
}

/**
 * A table of where the reader's skipped lines fall among the data rows: data row `k` comes after
 * `c` skipped lines when `p ≤ k` for the largest such `p`. For the i-th skipped line `L` (1-based,
 * ascending) `p = L − headerLines − (i − 1)`: the data rows before it plus one.
 */
export function skippedLinesSql(rejTable: string, posTable: string, headerLines: number): string {
  return `CREATE OR REPLACE TEMP TABLE ${posTable} AS SELECT p, max(c) AS c FROM (
    SELECT line - ${headerLines} - (row_number() OVER (ORDER BY line) - 1) AS p, row_number() OVER (ORDER BY line) AS c
    FROM (SELECT DISTINCT line FROM ${rejTable} WHERE line IS NOT NULL)) GROUP BY p`;
}

export interface FileSource {
  /** a `read_csv(…)` call (see `readCsvSql`) that skips bad lines */
  readCsv: string;
  /** lines before the first data row (0 numbers rows 1, 2, …) */
  headerLines: number;
  /** the table from `skippedLinesSql`, when the reader skipped lines */
  skipped?: string | null;
  /** rows the reader loads but that are rejected (`raw-rejects.ts`): left out, their line numbers kept */
  exclude?: string | null;
  /**
   * a SQL expression for the data rows the reader returned before this relation's first row: a
   * slice of the file (`slices.ts`) is numbered after the slices before it; absent: 0
   */
  rowOffset?: string | null;
}

/**
 * A relation (in parentheses) with `__row` = the file's line number of each row, then every column
 * of the file. Row numbers come from a streaming `row_number()` (no copy); DuckDB pushes the
 * projection of the outer query down into the CSV scan, so only the mapped columns are parsed.
 */
export function fileSourceSql(s: FileSource): string {
  const numbered = numberedSourceSql(s);
  return s.exclude ? `(SELECT * FROM ${numbered} WHERE NOT (${s.exclude}))` : numbered;
}

/** `fileSourceSql` without leaving out the `exclude` rows: every row the reader returns, numbered. */
export function numberedSourceSql(s: FileSource): string {
  const h = Math.max(0, Math.floor(s.headerLines));
  const k = s.rowOffset ? `row_number() OVER () + ${s.rowOffset}` : 'row_number() OVER ()';
  if (!s.skipped) return `(SELECT ${k} + ${h} AS __row, * FROM ${s.readCsv})`;
  return `(SELECT s.__k + ${h} + coalesce(x.c, 0) AS __row, s.* EXCLUDE (__k)
    FROM (SELECT ${k} AS __k, * FROM ${s.readCsv}) s ASOF LEFT JOIN ${s.skipped} x ON s.__k >= x.p)`;
}
