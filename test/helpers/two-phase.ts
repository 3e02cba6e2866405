/**
 * Load a CSV file the way the worker's two-phase ingest does (`workers/files.ts`), with the same
 * SQL builders: header lines from the sniffer, a sample table, one counting pass that stores the
 * reader's rejects, the skipped-line table, and `source` re-reading the file at build time.
 */
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RawFile } from '../../src/ingest/mapping';
import {
  countPassSql,
  fileSourceSql,
  headerLinesSql,
  readCsvSql,
  rejectOptions,
  sampleTableSql,
  skippedLinesSql,
} from '../../src/ingest/canonical-source';
import { query } from './duckdb';

export async function loadTwoPhase(conn: DuckDBConnection, path: string, id: number, name = basename(path)): Promise<RawFile> {
  const [h] = await query(conn, headerLinesSql(path));
  const headerLines = Number(h?.h);
  const table = `raw_${id}`;
  const reading = readCsvSql(path, ['ignore_errors = true']);
  await conn.run(sampleTableSql(table, reading));
  const cols = (await query(conn, `DESCRIBE ${table}`)).map((c) => String(c.column_name)).filter((c) => c !== '__row');
  const [count] = await query(conn, countPassSql(readCsvSql(path, rejectOptions(id)), cols));
  const [rej] = await query(conn, `SELECT count(DISTINCT line) AS n FROM rej_${id}`);
  let skipped: string | null = null;
  if (Number(rej?.n) > 0) {
    skipped = `skip_${id}`;
    await conn.run(skippedLinesSql(`rej_${id}`, skipped, headerLines));
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
    source: fileSourceSql({ readCsv: reading, headerLines, skipped }),
    nulls: Object.fromEntries(cols.map((c, i) => [c, n - Number(count?.[`c${i}`])])),
  };
}
