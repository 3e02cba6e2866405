/**
 * Load a dataset file into a raw table the way the worker does, and collect its `RawFile`
 * (columns with DuckDB type and 200 text samples). Transcoding (GBK) and whitespace-separated
 * text (CDNOW) are converted to a temporary UTF-8 CSV first, as the worker does in the browser.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RawFile } from '../../src/ingest/mapping';
import { query } from './duckdb';
import { whitespaceLineToCsv } from '../../src/ingest/encoding';

/**
 * read_csv options tried in order: plain sniffing; then `null_padding` (a truncated last line
 * becomes a row with NULLs, which the canonical builder rejects or keeps); then skipping bad lines.
 * `null_padding` cannot be first: it refuses quoted fields with line breaks (Olist reviews).
 */
export const READ_CSV_ATTEMPTS = [
  'auto_detect=true, sample_size=20480',
  'auto_detect=true, sample_size=20480, null_padding=true',
  'auto_detect=true, sample_size=20480, ignore_errors=true',
] as const;

/** Whitespace-separated columns (CDNOW) → CSV, line by line exactly as the worker rewrites them. */
function whitespaceToCsv(text: string): string {
  return text
    .split(/\r?\n/)
    .map(whitespaceLineToCsv)
    .filter((l) => l !== '')
    .join('\n');
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

export interface LoadOptions {
  /** decode from this encoding (e.g. `gbk`) to UTF-8 first */
  encoding?: string;
  /** the file is whitespace-separated (CDNOW) */
  whitespace?: boolean;
  /** name shown in messages; defaults to the file's base name */
  name?: string;
}

/** Load `path` into `table` (with `__row`), returning its RawFile facts. */
export async function loadRaw(conn: DuckDBConnection, path: string, table: string, opts: LoadOptions = {}): Promise<RawFile> {
  let file = path;
  if (opts.encoding || opts.whitespace) {
    let text = opts.encoding ? new TextDecoder(opts.encoding).decode(readFileSync(path)) : readFileSync(path, 'utf8');
    if (opts.whitespace) text = whitespaceToCsv(text);
    file = join(mkdtempSync(join(tmpdir(), 'raw-')), `${basename(path)}.csv`);
    writeFileSync(file, text, 'utf8');
  }
  let lastError: unknown;
  let loaded = false;
  for (const options of READ_CSV_ATTEMPTS) {
    try {
      await conn.run(
        `CREATE OR REPLACE TABLE "${table}" AS SELECT row_number() OVER () AS __row, * FROM read_csv(${lit(file)}, ${options})`,
      );
      loaded = true;
      break;
    } catch (e) {
      lastError = e;
    }
  }
  if (!loaded) throw lastError;
  const described = await query(conn, `DESCRIBE "${table}"`);
  const rows = Number((await query(conn, `SELECT count(*) AS n FROM "${table}"`))[0]?.n);
  const names = described.map((d) => String(d.column_name)).filter((n) => n !== '__row');
  const select = names.map((n, i) => `CAST("${n.replaceAll('"', '""')}" AS VARCHAR) AS c${i}`).join(', ');
  const samples = await query(conn, `SELECT ${select} FROM "${table}" ORDER BY __row LIMIT 200`);
  return {
    name: opts.name ?? basename(path),
    table,
    rows,
    columns: names.map((n, i) => ({
      name: n,
      type: String(described.find((d) => d.column_name === n)?.column_type),
      samples: samples.map((r) => (r[`c${i}`] === null ? null : String(r[`c${i}`]))),
    })),
  };
}
