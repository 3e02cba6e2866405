/**
 * Load a CSV file the way the worker's two-phase ingest does (`workers/files.ts`), with the same
 * SQL builders: one sniff whose dialect every pass reads with, a sample table, one counting pass that stores the
 * reader's rejects, the skipped-line table, and `source` re-reading the file at build time.
 * `extra`: further `read_csv` options for every pass (the worker's `LONG_LINE_OPTIONS`); `kinds`:
 * lines the reader loads that are rejected all the same (too long, NUL bytes; `raw-rejects.ts`).
 */
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RawFile } from '../../src/ingest/mapping';
import { badLineSql, insertBadLinesSql, rejectsAsText, type RawRejectKind } from '../../src/ingest/raw-rejects';
import { sliceReadCsv, sniffedDialect } from '../../src/ingest/slices';
import {
  countPassSql,
  dialectSql,
  headBuffer,
  fileSourceSql,
  headerLinesSql,
  numberedSourceSql,
  readCsvSql,
  rejectOptions,
  sampleTableSql,
  skippedLinesSql,
} from '../../src/ingest/canonical-source';
import { query } from './duckdb';

export async function loadTwoPhase(
  conn: DuckDBConnection,
  path: string,
  id: number,
  name = basename(path),
  extra: string[] = [],
  kinds: RawRejectKind[] = [],
): Promise<RawFile> {
  // one sniff; every pass reads with its dialect and columns (the worker's fallback: each pass sniffs)
  const sniffed = await query(conn, dialectSql(path, extra))
    .then((r) => sniffedDialect(r[0]))
    .catch(() => null);
  const read = (errors: string[]) =>
    sniffed ? sliceReadCsv(path, sniffed.dialect, sniffed.columns, extra, errors) : readCsvSql(path, [...extra, ...errors]);
  const headerLines = sniffed
    ? sniffed.dialect.skip + (sniffed.dialect.header ? 1 : 0)
    : Number((await query(conn, headerLinesSql(path, extra)))[0]?.h);
  const table = `raw_${id}`;
  const reading = read(['ignore_errors = true']);
  // the sample reads the head with a small buffer when the dialect is known (as the worker does)
  await conn.run(sampleTableSql(table, read(['ignore_errors = true', ...(sniffed ? headBuffer(extra) : [])])));
  const cols = (await query(conn, `DESCRIBE ${table}`)).map((c) => String(c.column_name)).filter((c) => c !== '__row');
  const bad = badLineSql(cols, kinds);
  if (bad) await conn.run(`DELETE FROM ${table} WHERE ${bad}`);
  const [count] = await query(conn, countPassSql(read(['ignore_errors = true', ...rejectOptions(id)]), cols, bad));
  const [rej] = await query(conn, `SELECT count(DISTINCT line) AS n FROM rej_${id}`);
  let skipped: string | null = null;
  if (Number(rej?.n) > 0) {
    skipped = `skip_${id}`;
    await conn.run(skippedLinesSql(`rej_${id}`, skipped, headerLines));
  }
  const from = { readCsv: reading, headerLines, skipped };
  if (bad) {
    for (const s of rejectsAsText(`rej_${id}`)) await conn.run(s);
    await conn.run(insertBadLinesSql(numberedSourceSql(from), `rej_${id}`, cols, kinds)!);
  }
  const select = cols.map((c, i) => `CAST("${c.replaceAll('"', '""')}" AS VARCHAR) AS c${i}`).join(', ');
  const sample = await query(conn, `SELECT ${select} FROM ${table} ORDER BY __row LIMIT 200`);
  const n = Number(count?.n);
  return {
    name,
    table,
    rows: n,
    columns: cols.map((c, i) => ({
      name: c,
      type: 'VARCHAR',
      samples: sample.map((r) => (r[`c${i}`] === null ? null : String(r[`c${i}`]))),
    })),
    source: fileSourceSql({ ...from, exclude: bad }),
    sourceParts: { ...from, exclude: bad },
    nulls: Object.fromEntries(cols.map((c, i) => [c, n - Number(count?.[`c${i}`])])),
  };
}
