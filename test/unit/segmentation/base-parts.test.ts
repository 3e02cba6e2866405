/**
 * The customer base built in customer parts (`src/analysis/parts.ts`): over 50M order lines the one
 * statement that groups every line by customer and order needs more memory than DuckDB-WASM has, so
 * the worker builds the base part by part. The parts together are exactly the one-statement base
 * (every customer's row the same, with returns, guests, categories, profiles, profile-only
 * customers and filters), the worker runs one statement per part, and under a memory limit that
 * the one statement exceeds (no spilling, as in the tab) the parts fit.
 */
import { describe, it, expect } from 'vitest';
import { openDb, load, query, type OrderFixture, type CustomerFixture } from '../../helpers/duckdb';
import { compressedOrders, segmentsInParts } from '../../helpers/segments-in-parts';
import { inline, raw } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { inPart, partCount, partsOf } from '../../../src/analysis/parts';
import type { Scope } from '../../../src/analysis/types';
import { roughly } from '../../helpers/roughly';

const scope = (filters: Scope['filters'] = [], from: string | null = null): Scope => ({ asOf: '2024-07-01', from, filters });

/** 120 customers: several lines per order, returns, guest lines, categories, channels; 30 profiles (10 without orders). */
function fixture(): { orders: OrderFixture[]; customers: CustomerFixture[] } {
  const orders: OrderFixture[] = [];
  for (let c = 0; c < 120; c++) {
    for (let o = 0; o < 1 + (c % 4); o++) {
      const ts = `2024-0${1 + ((c + o) % 6)}-${String(1 + ((c * 7 + o) % 27)).padStart(2, '0')} 10:00:00`;
      for (let l = 0; l < 1 + ((c + o) % 3); l++) {
        orders.push({
          customer_id: `c${c}`,
          order_id: `o${c}-${o}`,
          ts,
          amount: 5 + ((c * 13 + o * 7 + l) % 40) + 0.25,
          category: l === 2 ? null : ['shoes', 'bags', 'toys'][(c + l) % 3]!,
          channel: c % 3 ? 'web' : 'app',
          is_return: o === 2 && l === 0,
        });
      }
    }
  }
  orders.push({ customer_id: null, order_id: 'g1', ts: '2024-02-02', amount: 7 });
  orders.push({ customer_id: 'r1', order_id: 'R1', ts: '2024-03-03', amount: -4, is_return: true });
  const customers: CustomerFixture[] = Array.from({ length: 30 }, (_, i) => ({
    customer_id: i < 20 ? `c${i * 5}` : `p${i}`,
    gender: i % 2 ? 'female' : 'male',
    region: `r${i % 4}`,
    age: 20 + i,
  }));
  return { orders, customers };
}

const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));

describe('hash parts', () => {
  it('counts parts by rows and names each row’s part', () => {
    expect(partCount(0, 10)).toBe(1);
    expect(partCount(10, 10)).toBe(1);
    expect(partCount(11, 10)).toBe(2);
    expect(partsOf(25, 10)).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
    expect(inPart(raw('k'), { index: 0, count: 1 })).toBeNull();
    expect(inline(inPart(raw('k'), { index: 2, count: 3 })!)).toBe('hash(k) % 3 = 2');
    expect(() => inPart(raw('k'), { index: 3, count: 3 })).toThrow(/invalid part/);
  });
});

describe('the customer base in parts', () => {
  it('is the one-statement base, row for row, for any number of parts and any scope', async () => {
    const db = await openDb();
    await load(db, fixture());
    for (const s of [
      scope(),
      scope([{ field: 'channel', values: ['web'] }]),
      scope([{ field: 'gender', values: ['female'] }]),
      scope([], '2024-03-01'),
    ]) {
      const whole = byId(await query(db, customerBase(s)));
      expect(whole.length).toBeGreaterThan(10);
      for (const n of [2, 3, 7]) {
        const parts = partsOf(n, 1);
        const rows = [];
        for (const p of parts) {
          const got = await query(db, customerBase(s, p));
          // each part holds only its own customers
          expect(got.length).toBeLessThan(whole.length);
          rows.push(...got);
        }
        expect(byId(rows), `${JSON.stringify(s)} in ${n} parts`).toEqual(whole);
      }
    }
  });

  it('is built by the worker in one statement per part, and the Segments answer is the same', async () => {
    const ask = async (partRows: number) => {
      const { log, result } = await segmentsInParts(fixture(), scope(), partRows, 'parts');
      const statements = log.filter((t) =>
        /^(CREATE OR REPLACE TABLE (atlas_cache\.)?cb_\d+ AS|INSERT INTO (atlas_cache\.)?cb_\d+ )/.test(t),
      );
      const ranks = log.filter((t) => /^CREATE OR REPLACE TABLE \S+_rk AS/.test(t));
      return { rows: result.rows, grid: result.extras.grid, statements, ranks };
    };
    const one = await ask(1_000_000);
    expect(one.statements.length).toBe(1);
    expect(one.statements[0]).not.toContain('hash(');
    expect(one.statements[0]).toMatch(/^CREATE OR REPLACE TABLE cb_\d+ AS/);
    expect(one.ranks[0]).toContain('rank() OVER');
    const lines = fixture().orders.length;
    const parted = await ask(Math.ceil(lines / 4));
    expect(parted.statements.length).toBe(4);
    parted.statements.forEach((t, i) => expect(t).toContain(`hash(customer_id) % 4 = ${i}`));
    // in the compressed cache database, ranks looked up by value (no window sort over every buyer)
    expect(parted.statements[0]).toMatch(/^CREATE OR REPLACE TABLE atlas_cache\.cb_\d+ AS/);
    expect(parted.ranks[0]).not.toContain('rank() OVER');
    // the same answer; shares and means are floating-point sums over rows in another order
    expect(roughly(parted.rows)).toEqual(roughly(one.rows));
    expect(roughly(parted.grid)).toEqual(roughly(one.grid));
  });

  it('fits a memory limit that the one statement exceeds (no spilling, as in the tab)', async () => {
    // 800,000 order lines of 100,000 customers, each line its own order, in compressed storage as
    // the app keeps big loads: one statement groups 800,000 (customer, order) pairs at once
    const db = await compressedOrders(100_000, '(i % 97) + 0.5');
    await db.run('CHECKPOINT store');
    // measured: the one statement needs 100–128 MB here, each of 8 parts less than 64 MB
    await db.run(`SET temp_directory = ''`);
    await db.run(`SET memory_limit = '80MB'`);
    const s = scope();
    await expect(db.run(`CREATE TEMP TABLE whole AS ${inline(customerBase(s))}`)).rejects.toThrow(/out of memory/i);
    const parts = partsOf(800_000, 100_000);
    expect(parts.length).toBe(8);
    await db.run(`CREATE TEMP TABLE parted AS ${inline(customerBase(s, parts[0]))}`);
    for (const p of parts.slice(1)) await db.run(`INSERT INTO parted ${inline(customerBase(s, p))}`);
    await db.run(`SET memory_limit = '1GB'`);
    const [check] = await query(
      db,
      `SELECT count(*) AS n, (SELECT count(*) FROM (${inline(customerBase(s))} EXCEPT ALL SELECT * FROM parted)) AS missing FROM parted`,
    );
    expect(check).toEqual({ n: 100_000, missing: 0 });
  }, 180_000);
});
