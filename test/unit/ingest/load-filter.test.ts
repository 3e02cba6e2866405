/**
 * The filtered load on native DuckDB with the worker's two-phase SQL: a customer sample keeps whole
 * customers (every one of their orders, in every file), a date range keeps the rows dated in it,
 * rows are numbered before the filter (rejects keep the file's own line numbers), and the share a
 * date range keeps is counted in one pass for the memory guard. Expected figures are counted from
 * the CSV text in JavaScript, not through the builder.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { buildCanonical, keptShareSql } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import { cleanLoadFilter, suggestSample, type LoadFilter } from '../../../src/ingest/load-filter';
import { generateOrders } from '../../../scripts/gen-orders.mjs';

const orders = (f: RawFile, loadFilter?: LoadFilter): FileMapping => ({
  file: f.name,
  table: f.table,
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: null,
  columns: { order_id: 'order_id', customer_id: 'customer_id', order_time: 'timestamp', amount: 'amount', category: 'category' },
  loadFilter,
});

describe('load filter: checking what the page sends', () => {
  it('keeps whole divisors 2…1000 and real, ordered dates; 1 and empty mean no filter', () => {
    expect(cleanLoadFilter({ sampleOneIn: 10 })).toEqual({ sampleOneIn: 10, from: null, to: null });
    expect(cleanLoadFilter({ sampleOneIn: 1 })).toBeNull();
    expect(cleanLoadFilter({ from: '', to: null })).toBeNull();
    expect(cleanLoadFilter({ from: '2024-02-01', to: '2024-02-29' })).toEqual({ sampleOneIn: null, from: '2024-02-01', to: '2024-02-29' });
    expect(() => cleanLoadFilter({ sampleOneIn: 2.5 })).toThrow(/invalid sample/);
    expect(() => cleanLoadFilter({ sampleOneIn: 1001 })).toThrow(/invalid sample/);
    expect(() => cleanLoadFilter({ from: '2024-02-30' })).toThrow(/invalid date range/);
    expect(() => cleanLoadFilter({ from: "2024-01-01' OR 1=1 --" })).toThrow(/invalid date range/);
    expect(() => cleanLoadFilter({ from: '2024-03-01', to: '2024-02-01' })).toThrow(/is after/);
  });

  it('suggests the smallest offered divisor that leaves room for the analyses', () => {
    expect(suggestSample(50, 100)).toBe(1);
    // 100 MB into 30 MB free: 1/4 = 25 MB is within 90 % of 30 MB (27 MB), 1/3 = 33 MB is not
    expect(suggestSample(100, 30)).toBe(4);
    expect(suggestSample(100, 10)).toBe(20);
    expect(suggestSample(10_000, 5)).toBeNull();
  });
});

describe('load filter: the canonical build', () => {
  let path = '';
  let rows: string[][] = [];
  beforeAll(async () => {
    path = ((await generateOrders({ rows: 20_000, out: mkdtempSync(join(tmpdir(), 'load-filter-')) })) as { orders: string }).orders;
    rows = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
  });

  it('a customer sample keeps about one customer in n, each with every one of their orders', async () => {
    const conn = await openEmptyDb();
    const f = await loadTwoPhase(conn, path, 1);
    for (const s of buildCanonical([f], [orders(f, { sampleOneIn: 10 })], DEFAULT_REFUND_RULE).statements) await conn.run(s);
    const kept = await query(conn, 'SELECT customer_id, count(*) AS n FROM orders GROUP BY 1');
    const perCustomer = new Map<string, number>();
    for (const r of rows) perCustomer.set(r[1]!, (perCustomer.get(r[1]!) ?? 0) + 1);
    const share = kept.length / perCustomer.size;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    for (const r of kept) expect(Number(r.n)).toBe(perCustomer.get(String(r.customer_id)));
    // the customers table holds the sample's customers only
    expect(await query(conn, 'SELECT count(*) AS n FROM customers')).toEqual([{ n: kept.length }]);
    // nothing left out became a reject
    expect(await query(conn, 'SELECT count(*) AS n FROM rejects')).toEqual([{ n: 0 }]);
  });

  it('a date range keeps the rows dated in it (both days inclusive); the guard’s share is counted in one pass', async () => {
    const conn = await openEmptyDb();
    const f = await loadTwoPhase(conn, path, 2);
    const filter = { from: '2024-03-01', to: '2024-05-31' };
    const inRange = rows.filter((r) => r[2]!.slice(0, 10) >= filter.from && r[2]!.slice(0, 10) <= filter.to).length;
    expect(inRange).toBeGreaterThan(1000);
    const share = keptShareSql(f, orders(f, filter));
    expect(share).not.toBeNull();
    expect(await query(conn, share!)).toEqual([{ n: rows.length, kept: inRange }]);
    expect(keptShareSql(f, orders(f, { sampleOneIn: 4 }))).toBeNull();
    for (const s of buildCanonical([f], [orders(f, filter)], DEFAULT_REFUND_RULE).statements) await conn.run(s);
    expect(await query(conn, 'SELECT count(*) AS n, min(ts)::DATE::VARCHAR AS lo, max(ts)::DATE::VARCHAR AS hi FROM orders')).toEqual([
      { n: inRange, lo: filter.from, hi: filter.to },
    ]);
  });

  it('rows are numbered before the filter: rejects keep the file’s own line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-filter-lines-'));
    const lines = [
      'order_id,customer_id,order_time,amount,category',
      '1,a,2024-01-01,1,x', // 2: before the range
      '2,b,2024-01-02,2,x,EXTRA', // 3: skipped by the reader
      '3,c,soon,3,x', // 4: no date, so outside any range
      '4,d,2024-01-05,abc,x', // 5: in range, non-numeric amount
      '5,e,2024-01-06,5,x', // 6: kept
    ];
    writeFileSync(join(dir, 'o.csv'), lines.join('\n') + '\n');
    const conn = await openEmptyDb();
    const f = await loadTwoPhase(conn, join(dir, 'o.csv'), 3);
    const m = { ...orders(f, { from: '2024-01-03' }), timestampFormat: { kind: 'strptime' as const, formats: ['%Y-%m-%d'] } };
    for (const s of buildCanonical([f], [m], DEFAULT_REFUND_RULE).statements) await conn.run(s);
    expect(await query(conn, 'SELECT "row", reason FROM rejects')).toEqual([{ row: 5, reason: 'non-numeric amount' }]);
    expect(await query(conn, 'SELECT customer_id, order_id FROM orders')).toEqual([{ customer_id: 'e', order_id: '5' }]);
  });
});
