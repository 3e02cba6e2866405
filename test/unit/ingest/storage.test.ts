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
import { openDb, query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import { storageFor, storageSteps, BUILD_PEAK_SHARE, COMPRESSED_SHARE, type StorageMode } from '../../../src/ingest/storage';
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

/** The worker's sequence (`workers/storage.ts`): steps around one transaction. */
async function build(conn: DuckDBConnection, statements: string[], mode: StorageMode, previous: StorageMode): Promise<void> {
  const steps = storageSteps(mode, previous, 'memory');
  for (const s of steps.before) await conn.run(s);
  try {
    await conn.run('BEGIN TRANSACTION');
    for (const s of [...steps.first, ...statements]) await conn.run(s);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  } finally {
    for (const s of steps.reset) await conn.run(s);
  }
  for (const group of steps.after) {
    if (group.length === 1 && group[0]!.startsWith('CHECKPOINT')) {
      await conn.run(group[0]!);
      continue;
    }
    await conn.run('BEGIN TRANSACTION');
    for (const s of group) await conn.run(s);
    await conn.run('COMMIT');
  }
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

  it('chooses plain while it fits, compressed while the build’s plain-sized peak fits 1.25 × the budget, else nothing', () => {
    expect(storageFor(100, 100)).toBe('plain');
    expect(storageFor(120, 100)).toBe('compressed');
    expect(storageFor(100 * BUILD_PEAK_SHARE, 100)).toBe('compressed');
    expect(storageFor(100 * BUILD_PEAK_SHARE + 1, 100)).toBeNull();
    expect(120 * COMPRESSED_SHARE).toBeLessThan(100);
  });

  it('gives the plain build’s tables exactly, through views, in a fraction of the memory', async () => {
    const plain = await openDb();
    const f1 = await loadTwoPhase(plain, path, 1);
    await build(plain, buildCanonical([f1], [mapping(f1)], DEFAULT_REFUND_RULE).statements, 'plain', 'plain');
    const want = await query(plain, SUMMARY);
    const [plainBytes] = await query(plain, BYTES);

    const packed = await openDb();
    const f2 = await loadTwoPhase(packed, path, 1);
    const [before] = await query(packed, BYTES);
    await build(packed, buildCanonical([f2], [mapping(f2)], DEFAULT_REFUND_RULE).statements, 'compressed', 'plain');
    expect(await query(packed, SUMMARY)).toEqual(want);
    expect(
      await query(packed, `SELECT table_type FROM information_schema.tables WHERE table_catalog = 'memory' AND table_name = 'orders'`),
    ).toEqual([{ table_type: 'VIEW' }]);
    const [after] = await query(packed, BYTES);
    // memory of the tables: compressed is well under half of plain (measured ~1/6 here)
    expect(Number(after!.b) - Number(before!.b)).toBeLessThan(Number(plainBytes!.b) / 2);
  }, 120_000);

  it('switches plain → compressed → plain → compressed on one connection, and a failed build keeps the tables', async () => {
    const conn = await openDb();
    const f = await loadTwoPhase(conn, path, 1);
    const statements = buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE).statements;
    await build(conn, statements, 'plain', 'plain');
    const want = await query(conn, SUMMARY);
    await build(conn, statements, 'compressed', 'plain');
    expect(await query(conn, SUMMARY)).toEqual(want);
    await build(conn, statements, 'plain', 'compressed');
    expect(await query(conn, SUMMARY)).toEqual(want);
    expect(await query(conn, `SELECT count(*) AS n FROM duckdb_databases() WHERE database_name = 'atlas_store'`)).toEqual([{ n: 0 }]);
    await build(conn, statements, 'compressed', 'plain');
    await expect(build(conn, [...statements, 'SELECT * FROM no_such_table'], 'compressed', 'compressed')).rejects.toThrow(/no_such_table/);
    expect(await query(conn, SUMMARY)).toEqual(want);
    // the connection is back on the main database
    expect(await query(conn, 'SELECT current_database() AS d')).toEqual([{ d: 'memory' }]);
  }, 240_000);
});
