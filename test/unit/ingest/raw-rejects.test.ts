/**
 * One 10 MB line and lines with NUL bytes (issue 16 items 6, 8): read as the worker reads CSV on
 * native DuckDB (two-phase ingest, `test/helpers/two-phase.ts`), the bad lines go to the reader's
 * rejects with their real line numbers, the sample, the row count and the canonical build leave
 * them out, and later lines keep their numbers. Fixtures are generated here: 59 data rows
 * `c<i>,o<i>,2024-01-<d>,<i>` after a header; expected line numbers are counted from the fixture.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { query } from '../../helpers/duckdb';
import { hasLongLine, LONG_LINE_OPTIONS } from '../../../src/ingest/raw-rejects';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import { loadTwoPhase } from '../../helpers/two-phase';
import { readerRejectReason, readerRejectsSql } from '../../../src/ingest/overview';
import { isLineSizeError, isSniffError, withoutInternalName } from '../../../src/ingest/reader-errors';

const HEADER = 'customer_id,order_id,order_date,amount\n';
const row = (i: number) => `c${i},o${i},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i}\n`;

let conn: DuckDBConnection;
let dir: string;
beforeAll(async () => {
  conn = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  dir = mkdtempSync(join(tmpdir(), 'raw-rejects-'));
});

function file(name: string, lines: (string | Buffer)[]): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([Buffer.from(HEADER), ...lines.map((l) => (typeof l === 'string' ? Buffer.from(l) : l))]));
  return p;
}

const read = (path: string, id: number, extra = '') =>
  conn.run(
    `CREATE OR REPLACE TABLE raw_${id} AS SELECT row_number() OVER () AS __row, * FROM read_csv('${path}', all_varchar = true, sample_size = 20480, store_rejects = true, rejects_table = 'rej_${id}', rejects_scan = 'rejs_${id}'${extra})`,
  );

const mapping = (f: RawFile): FileMapping => ({
  file: f.name,
  table: f.table,
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d'] },
  columns: { customer_id: 'customer_id', order_id: 'order_id', order_date: 'timestamp', amount: 'amount' },
});

/** Build the canonical tables from `f`; returns the rows kept and the build's rejects. */
async function build(f: RawFile): Promise<{ orders: number; c: string[]; rejects: Record<string, unknown>[] }> {
  for (const s of buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE).statements) await conn.run(s);
  const [o] = await query(conn, 'SELECT count(*) AS n FROM orders');
  const c = (await query(conn, 'SELECT customer_id FROM orders ORDER BY customer_id')).map((r) => String(r.customer_id));
  return { orders: Number(o?.n), c, rejects: await query(conn, 'SELECT "row", reason FROM rejects ORDER BY "row"') };
}

describe('one very long line (item 6)', () => {
  it('refuses the whole file at the default size, then only that line, numbered as in the file', async () => {
    const lines = Array.from({ length: 59 }, (_, k) => row(k + 1));
    // 3 MB (the reader's limit is 2 MB): a 10 MB line behaves the same, only slower to refuse
    lines[50] = `c51,o51,2024-01-05,${'9'.repeat(3 * 1024 * 1024)}\n`; // data row 51 = file line 52
    const p = file('long.csv', lines);
    const err = await read(p, 1).then(
      () => '',
      (e: unknown) => String(e instanceof Error ? e.message : e),
    );
    expect(isLineSizeError(err)).toBe(true);
    lines[55] = 'c56,o56,2024-01-05,56,surplus\n'; // file line 57, skipped by the reader (ragged)
    lines[57] = 'c58,o58,someday,58\n'; // file line 59, rejected by the build
    const f = await loadTwoPhase(conn, file('long2.csv', lines), 5, 'long.csv', [LONG_LINE_OPTIONS], ['long']);
    expect(f.rows).toBe(57); // 59 − the long line − the ragged one
    expect(await query(conn, "SELECT count(*) AS n, count(*) FILTER (WHERE customer_id = 'c51') AS c51 FROM raw_5")).toEqual([
      { n: 57, c51: 0 },
    ]);
    const rej = await query(conn, 'SELECT line, error_type, error_message, strlen(csv_line) AS len FROM rej_5 ORDER BY line');
    expect(rej.map((r) => [r.line, r.error_type])).toEqual([
      [52, 'LINE TOO LONG'],
      [57, 'TOO MANY COLUMNS'],
    ]);
    expect(String(rej[0]?.error_message)).toMatch(/^the line is 31457\d\d bytes long/);
    expect(Number(rej[0]?.len)).toBeLessThan(300);
    const b = await build(f);
    expect(b.orders).toBe(56);
    expect(b.c).not.toContain('c51');
    expect(b.rejects).toEqual([{ row: 59, reason: 'unparseable timestamp' }]);
  });
});

describe('long-line hint', () => {
  it('a full slice without a line break means some line is long', () => {
    expect(hasLongLine([new Uint8Array(65536).fill(0x39)])).toBe(true);
    expect(hasLongLine([new TextEncoder().encode(row(1).repeat(3000))])).toBe(false);
    expect(hasLongLine([new Uint8Array(100).fill(0x39)])).toBe(false);
  });
});

describe('NUL bytes (item 8)', () => {
  it('the rows holding NUL bytes are rejected with that reason; the others load', async () => {
    const lines: (string | Buffer)[] = Array.from({ length: 59 }, (_, k) => row(k + 1));
    lines[2] = Buffer.from([...Buffer.from('c3,o3,2024-01-04,'), 0, 0, ...Buffer.from('12\n')]); // file line 4
    lines[9] = 'c10,o10,2024-01-11,10,surplus\n'; // a ragged line before: file line 11, rejected by the reader
    lines[19] = Buffer.from([...Buffer.from('c2'), 0, ...Buffer.from('0,o20,2024-01-21,20\n')]); // file line 21
    lines[30] = 'c31,o31,someday,31\n'; // file line 32, rejected by the build
    const f = await loadTwoPhase(conn, file('nul.csv', lines), 2, 'nul.csv', [], ['nul']);
    expect(await query(conn, 'SELECT line, error_type FROM rej_2 ORDER BY line')).toEqual([
      { line: 4, error_type: 'NUL BYTES' },
      { line: 11, error_type: 'TOO MANY COLUMNS' },
      { line: 21, error_type: 'NUL BYTES' },
    ]);
    expect(f.rows).toBe(56);
    expect(await query(conn, 'SELECT count(*) AS n FROM raw_2')).toEqual([{ n: 56 }]);
    const [r] = await query(conn, 'SELECT csv_line FROM rej_2 WHERE line = 4');
    expect(r?.csv_line).toBe('c3,o3,2024-01-04,\\0\\012');
    const b = await build(f);
    expect(b.orders).toBe(55);
    expect(b.c).not.toContain('c3');
    expect(b.rejects).toEqual([{ row: 32, reason: 'unparseable timestamp' }]);
  });
});

describe('mixed line ends (item 5)', () => {
  it('the sniffer refuses CRLF mixed with LF; the message never shows the internal name', async () => {
    const lines = Array.from({ length: 59 }, (_, k) => row(k + 1).replace('\n', k % 2 ? '\r\n' : '\n'));
    const p = file('f7.csv', lines);
    const err = await read(p, 3).then(
      () => '',
      (e: unknown) => String(e instanceof Error ? e.message : e),
    );
    expect(isSniffError(err)).toBe(true);
    const shown = withoutInternalName(err.split('\n')[0]!, p, 'orders march.csv');
    expect(shown).toContain('orders march.csv');
    expect(shown).not.toMatch(/f\d+\.csv/);
    expect(withoutInternalName('Error when sniffing file "f1.csv".', 'f1.csv', 'x.csv')).toBe('Error when sniffing file "x.csv".');
    // the worker's rewrite (LF only) reads every row
    await read(
      file(
        'lf.csv',
        lines.map((l) => l.replace('\r\n', '\n')),
      ),
      3,
    );
    expect(await query(conn, 'SELECT count(*) AS n FROM raw_3')).toEqual([{ n: 59 }]);
  });
});

describe('invalid UTF-8 (item 9)', () => {
  it('a line with an invalid byte is rejected as invalid UTF-8, not as ragged or broken quotes', async () => {
    const lines: (string | Buffer)[] = Array.from({ length: 59 }, (_, k) => row(k + 1));
    lines[5] = 'zoë,o6,2024-01-07,6\n';
    lines[40] = Buffer.from([...Buffer.from('c4'), 0xff, ...Buffer.from('1,o41,2024-01-14,41\n')]); // file line 42
    await read(file('utf8.csv', lines), 4);
    expect(await query(conn, 'SELECT line FROM rej_4')).toEqual([{ line: 42 }]);
    expect((await query(conn, readerRejectsSql('rej_4'))).map((x) => readerRejectReason(String(x.error_type)))).toEqual([
      'invalid UTF-8 byte sequence',
    ]);
    expect(await query(conn, "SELECT customer_id FROM raw_4 WHERE order_id = 'o6'")).toEqual([{ customer_id: 'zoë' }]);
  });
});
