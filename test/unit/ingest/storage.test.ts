/**
 * Compressed storage on native DuckDB (the same storage code as DuckDB-WASM): the canonical build
 * run with the worker's storage steps (`src/ingest/storage.ts`) gives exactly the tables of the plain
 * build, in far less memory, reached through views under the usual names; switching back to plain
 * and to compressed again keeps working, and a failed compressed build leaves the earlier tables.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { buildCanonical } from '../../../src/ingest/canonical';
import { canonicalView, emptyLayout } from '../../../src/ingest/canonical-in-place';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import {
  storageFor,
  runStoredBuild,
  storeName,
  isPlainDdl,
  COMPRESSED_SHARE,
  SLICE_SHARE,
  type StorageMode,
} from '../../../src/ingest/storage';
import { generateOrders } from '../../../scripts/gen-orders.mjs';

const mapping = (f: RawFile): FileMapping => ({
  file: f.name,
  table: f.table,
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: null,
  columns: {
    order_id: 'order_id',
    customer_id: 'customer_id',
    order_time: 'timestamp',
    amount: 'amount',
    category: 'category',
    channel: 'channel',
  },
});

let builds = 0;

/** The worker's sequence (`runStoredBuild`, shared with `workers/storage.ts`) into a new store; returns its name. */
async function build(conn: DuckDBConnection, groups: string[][], mode: StorageMode, previous: string | null): Promise<string> {
  const store = storeName(++builds);
  await runStoredBuild({ exec: (s) => conn.run(s), mode, store, previous, main: 'memory', groups });
  return store;
}

/** A connection without the test helpers' canonical tables: the build's views take those names. */
async function bare(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
}

const SUMMARY = `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM customers) AS customers,
  (SELECT round(sum(amount), 2) FROM orders) AS revenue, (SELECT count(*) FROM rejects) AS rejects,
  (SELECT md5(string_agg(customer_id || order_id || ts::VARCHAR || amount::VARCHAR, ',' ORDER BY order_id, customer_id)) FROM orders) AS digest`;
const BYTES = `SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()`;

describe('compressed storage', () => {
  let path = '';
  beforeAll(async () => {
    path = ((await generateOrders({ rows: 100_000, out: mkdtempSync(join(tmpdir(), 'storage-')) })) as { orders: string }).orders;
  });

  it('chooses plain while it fits, compressed while the tables at rest plus one slice being built fit, else nothing', () => {
    expect(storageFor(100, 100)).toBe('plain');
    expect(storageFor(120, 100)).toBe('compressed');
    // at rest a fifth of the plain size, and a slice twice over: 0.2 × p + 2 × 12.5 ≤ 100 while p ≤ 375
    const most = ((1 - 2 * SLICE_SHARE) * 100) / COMPRESSED_SHARE;
    expect(most).toBeCloseTo(375, 6);
    expect(storageFor(most, 100)).toBe('compressed');
    expect(storageFor(most + 1, 100)).toBeNull();
  });

  it('sends the statements that only declare or drop tables in one call per run of them', async () => {
    const conn = await bare();
    const f = await loadTwoPhase(conn, path, 1);
    const groups = buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE).groups;
    const execs: string[] = [];
    const admins: string[] = [];
    let steps = 0;
    await runStoredBuild({
      exec: (s) => (execs.push(s), conn.run(s)),
      admin: (s) => (admins.push(s), conn.run(s)),
      mode: 'plain',
      store: storeName(++builds),
      previous: null,
      main: 'memory',
      groups,
      step: () => steps++,
    });
    // every statement still counts for progress and Cancel
    expect(steps).toBe(groups.flat().length);
    expect(execs.filter(isPlainDdl)).toEqual([]);
    // the canonical tables are declared in one call
    expect(admins.filter((a) => /CREATE TABLE __orders_p0 \(/.test(a) && /CREATE TABLE customers \(/.test(a))).toHaveLength(1);
    expect(execs.length + admins.length).toBeLessThan(groups.flat().length);
    expect(await query(conn, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 100_000 }]);
    expect(isPlainDdl('CREATE OR REPLACE TEMP TABLE __alias AS SELECT alias FROM x')).toBe(false);
    expect(isPlainDdl('CREATE TABLE t (a INT)')).toBe(true);
    expect(isPlainDdl('DROP TABLE IF EXISTS t')).toBe(true);
    expect(isPlainDdl('ALTER TABLE __orders_part DROP COLUMN "row"')).toBe(true);
    expect(isPlainDdl('ALTER TABLE __orders_part RENAME TO orders')).toBe(true);
    expect(isPlainDdl('DELETE FROM __orders_part WHERE x')).toBe(false);
    // the view over a table's parts reads nothing either; any other view may
    expect(isPlainDdl('CREATE OR REPLACE VIEW orders AS SELECT * FROM __orders_p0 UNION ALL SELECT * FROM __orders_p1')).toBe(true);
    expect(isPlainDdl('CREATE OR REPLACE VIEW orders AS SELECT * FROM __orders_p0 WHERE amount > 0')).toBe(false);
    // the canonical view: the stored columns, the others typed NULLs
    const layout = { ...emptyLayout('orders', ['customer_id', 'ts']), parts: 2 };
    expect(isPlainDdl(canonicalView('orders', layout))).toBe(true);
    expect(isPlainDdl(canonicalView('orders', layout).replace('CAST(NULL AS DOUBLE)', 'CAST(amount + 1 AS DOUBLE)'))).toBe(false);
    expect(isPlainDdl('CREATE OR REPLACE VIEW orders AS SELECT customer_id, lower(ts) AS ts FROM __orders_p0')).toBe(false);
    expect(isPlainDdl('CREATE OR REPLACE VIEW v AS SELECT * FROM (SELECT 1)')).toBe(false);
  }, 120_000);

  it('gives the plain build’s tables exactly, through views, in a fraction of the memory', async () => {
    const plain = await bare();
    const f1 = await loadTwoPhase(plain, path, 1);
    const [empty] = await query(plain, BYTES);
    await build(plain, buildCanonical([f1], [mapping(f1)], DEFAULT_REFUND_RULE).groups, 'plain', null);
    const want = await query(plain, SUMMARY);
    const [plainBytes] = await query(plain, BYTES);

    const packed = await bare();
    const f2 = await loadTwoPhase(packed, path, 1);
    const [before] = await query(packed, BYTES);
    await build(packed, buildCanonical([f2], [mapping(f2)], DEFAULT_REFUND_RULE).groups, 'compressed', null);
    expect(await query(packed, SUMMARY)).toEqual(want);
    expect(
      await query(packed, `SELECT table_type FROM information_schema.tables WHERE table_catalog = 'memory' AND table_name = 'orders'`),
    ).toEqual([{ table_type: 'VIEW' }]);
    const [after] = await query(packed, BYTES);
    // memory of the tables: compressed is well under half of plain (measured ~1/6 here)
    expect(Number(after!.b) - Number(before!.b)).toBeLessThan((Number(plainBytes!.b) - Number(empty!.b)) / 2);
  }, 120_000);

  it('switches plain → compressed → plain → compressed on one connection, frees the old store, and a failed build keeps the tables', async () => {
    const conn = await bare();
    const f = await loadTwoPhase(conn, path, 1);
    const groups = buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE).groups;
    let store = await build(conn, groups, 'plain', null);
    const want = await query(conn, SUMMARY);
    store = await build(conn, groups, 'compressed', store);
    expect(await query(conn, SUMMARY)).toEqual(want);
    store = await build(conn, groups, 'plain', store);
    expect(await query(conn, SUMMARY)).toEqual(want);
    store = await build(conn, groups, 'compressed', store);
    // only the live store is attached
    const stores = async () =>
      (await query(conn, `SELECT database_name AS d FROM duckdb_databases() WHERE database_name LIKE 'atlas_store%'`)).map((r) => r.d);
    expect(await stores()).toEqual([store]);
    await expect(build(conn, [...groups, ['SELECT * FROM no_such_table']], 'compressed', store)).rejects.toThrow(/no_such_table/);
    expect(await query(conn, SUMMARY)).toEqual(want);
    expect(await stores()).toEqual([store]);
    // the connection is back on the main database
    expect(await query(conn, 'SELECT current_database() AS d')).toEqual([{ d: 'memory' }]);
  }, 240_000);
});
