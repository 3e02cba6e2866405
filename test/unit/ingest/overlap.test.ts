/**
 * Order ids shared between files of one role: counted per file, and dropped from the later file
 * when its mapping keeps one copy. Expected values worked out by hand from the rows below:
 * a.csv has O1 (10 + 5, two lines) and O2 (20) = 35; b.csv repeats O2 (20) and adds O3 (7 + 1) = 28;
 * c.csv repeats O1 (10). Added up: 73, O2 counted at 40. Keeping one copy: 35 + 8 = 43.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { buildCanonical } from '../../../src/ingest/canonical';
import { overlapSql, shapeOverlaps } from '../../../src/ingest/overlap';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';

const TABLES: Record<string, [number, string, string, string, string][]> = {
  raw_a: [
    [1, 'U1', 'O1', '2024-01-01', '10'],
    [2, 'U1', 'O1', '2024-01-01', '5'],
    [3, 'U2', 'O2', '2024-01-02', '20'],
  ],
  raw_b: [
    [1, 'U2', 'O2', '2024-01-02', '20'],
    [2, 'U3', 'O3', '2024-01-03', '7'],
    [3, 'U3', 'O3', '2024-01-03', '1'],
  ],
  raw_c: [[1, 'U1', ' O1', '2024-01-01', '10']],
};

const COLS = ['cust', 'oid', 'day', 'amt'];
const raw = (name: string, table: string): RawFile => ({
  name,
  table,
  rows: TABLES[table]!.length,
  columns: COLS.map((c) => ({ name: c, type: 'VARCHAR', samples: TABLES[table]!.map((r) => r[COLS.indexOf(c) + 1] as string) })),
});
const files = [raw('a.csv', 'raw_a'), raw('b.csv', 'raw_b'), raw("c'.csv", 'raw_c')];
const mapping = (f: RawFile, keepFirstCopy = false): FileMapping => ({
  file: f.name,
  table: f.table,
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d'] },
  columns: { cust: 'customer_id', oid: 'order_id', day: 'timestamp', amt: 'amount' },
  keepFirstCopy,
});

let conn: DuckDBConnection;
beforeEach(async () => {
  conn = await openEmptyDb();
  for (const [t, rows] of Object.entries(TABLES)) {
    const values = rows
      .map(
        (r) =>
          `(${r[0]}, ${r
            .slice(1)
            .map((v) => `'${v}'`)
            .join(', ')})`,
      )
      .join(', ');
    await conn.run(`CREATE TABLE ${t} AS SELECT * FROM (VALUES ${values}) t(__row, ${COLS.join(', ')})`);
  }
});

async function build(mappings: FileMapping[]) {
  for (const s of buildCanonical(files, mappings, DEFAULT_REFUND_RULE).statements) await conn.run(s);
  const [r] = await query(conn, 'SELECT sum(amount) AS revenue, count(DISTINCT order_id) AS orders FROM orders');
  const per = await query(conn, 'SELECT order_id, sum(amount) AS amount FROM orders GROUP BY order_id ORDER BY order_id');
  return { revenue: r!.revenue, orders: r!.orders, per: Object.fromEntries(per.map((x) => [x.order_id, x.amount])) };
}

describe('order ids shared between files of one role', () => {
  it('are counted per later file, naming the earlier file (ids cleaned as in the tables: " O1" is O1)', async () => {
    const q = overlapSql(
      files,
      files.map((f) => mapping(f)),
    )!;
    expect(shapeOverlaps(await query(conn, q))).toEqual([
      { file: 'b.csv', role: 'orders', earlier: 'a.csv', shared: 1, total: 2 },
      { file: "c'.csv", role: 'orders', earlier: 'a.csv', shared: 1, total: 1 },
    ]);
  });

  it('nothing to count with one file per role', () => {
    expect(overlapSql(files.slice(0, 1), [mapping(files[0]!)])).toBeNull();
    expect(overlapSql(files.slice(0, 2), [mapping(files[0]!), { ...mapping(files[1]!), role: 'events' }])).toBeNull();
  });

  it('add up by default (the page shows the count), keep one copy when asked', async () => {
    expect(await build(files.map((f) => mapping(f)))).toEqual({ revenue: 73, orders: 3, per: { O1: 25, O2: 40, O3: 8 } });
    // the later files drop the ids an earlier file has; their own new orders keep every line
    expect(await build(files.map((f, i) => mapping(f, i > 0)))).toEqual({ revenue: 43, orders: 3, per: { O1: 15, O2: 20, O3: 8 } });
  });

  it('the same file loaded twice does not double revenue when one copy is kept', async () => {
    await conn.run('CREATE TABLE raw_a2 AS SELECT * FROM raw_a');
    const twice = [files[0]!, { ...files[0]!, name: 'a.csv (2)', table: 'raw_a2' }];
    const m = [mapping(twice[0]!), { ...mapping(twice[1]!), keepFirstCopy: true }];
    for (const s of buildCanonical(twice, m, DEFAULT_REFUND_RULE).statements) await conn.run(s);
    const [r] = await query(conn, 'SELECT sum(amount) AS revenue, count(*) AS lines FROM orders');
    expect(r).toEqual({ revenue: 35, lines: 3 });
    expect(shapeOverlaps(await query(conn, overlapSql(twice, m)!))).toEqual([
      { file: 'a.csv (2)', role: 'orders', earlier: 'a.csv', shared: 2, total: 2 },
    ]);
  });
});
