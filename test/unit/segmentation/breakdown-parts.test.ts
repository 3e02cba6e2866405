/**
 * The Segments breakdown in customer parts (`src/analysis/breakdown-parts.ts`): over a base built in
 * parts with cached RFM ranks, the worker breaks down each part's customers in its own statement and
 * sums the parts' counts per segment and recency day (median recency included), so no statement
 * holds every customer's rows at once. The answer is the one-statement answer, and under a memory
 * limit that the one statement joining the base exceeds (+0.76 GB at 50M order lines natively) the
 * parts fit, and so does the one statement reading its measures from the ranks.
 */
import { describe, it, expect } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, load, query, type OrderFixture } from '../../helpers/duckdb';
import { compressedOrders, segmentsInParts } from '../../helpers/segments-in-parts';
import { inline, raw } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { partsOf } from '../../../src/analysis/parts';
import { rfmRanks } from '../../../src/analysis/segmentation/rfm-ranks';
import { rfm11, rfm11Rules, type Rfm11Params } from '../../../src/analysis/segmentation/rfm11';
import { breakdown } from '../../../src/analysis/breakdown';
import { breakdownFromParts, breakdownPart, partContext } from '../../../src/analysis/breakdown-parts';
import type { ModelContext, Scope } from '../../../src/analysis/types';
import { roughly } from '../../helpers/roughly';
import { chained, rowidRanges } from '../../helpers/rowid-ranges';

const scope = (): Scope => ({ asOf: '2024-07-01', from: null, filters: [] });

/** 300 customers, 1–6 orders on few days and amounts, a refund-only customer (no sale: no recency). */
function orders(): OrderFixture[] {
  let x = 3;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const out: OrderFixture[] = [];
  for (let c = 0; c < 300; c++) {
    for (let i = 0; i < 1 + rnd(6); i++) {
      const day = new Date(Date.UTC(2024, 0, 1 + 3 * rnd(60))).toISOString().slice(0, 10);
      out.push({ customer_id: `c${c}`, order_id: `o${c}-${i}`, ts: day, amount: 5 + rnd(90) + 0.5, channel: c % 3 ? 'web' : 'app' });
    }
  }
  out.push({ customer_id: 'ret', order_id: 'r1', ts: '2024-03-02', amount: -20, is_return: true });
  return out;
}

/** The breakdown of `ctx` written in `n` parts into `seg_parts`, as the worker runs it. */
async function inParts(db: DuckDBConnection, p: Rfm11Params, ctx: ModelContext, n: number) {
  for (const part of partsOf(n, 1)) {
    const q = inline(breakdownPart(rfm11, p, partContext(ctx, part)));
    await db.run(part.index === 0 ? `CREATE OR REPLACE TABLE seg_parts AS ${q}` : `INSERT INTO seg_parts ${q}`);
  }
  return query(db, breakdownFromParts(rfm11, p, raw('seg_parts')));
}

describe('the breakdown in customer parts', () => {
  it('is the one-statement breakdown for any number of parts, bins and M measure', async () => {
    const db = await openDb();
    await load(db, { orders: orders() });
    await db.run(`CREATE TABLE base AS ${inline(customerBase(scope()))}`);
    await db.run(`CREATE TABLE rk AS ${inline(rfmRanks(raw('base')))}`);
    const ctx: ModelContext = { scope: scope(), base: raw('base'), ranks: raw('rk') };
    for (const p of [rfm11.defaults, { ...rfm11.defaults, bins: 3 as const, rules: rfm11Rules(3), monetary: 'aov' as const }]) {
      const whole = await query(db, breakdown(rfm11, p, ctx));
      expect(whole.reduce((s, r) => s + Number(r.customers), 0)).toBe(300);
      // even and odd segment sizes, so both forms of the median occur
      expect(new Set(whole.filter((r) => Number(r.customers) > 1).map((r) => Number(r.customers) % 2)).size).toBe(2);
      for (const n of [1, 2, 3, 7]) expect(roughly(await inParts(db, p, ctx, n)), `${n} parts`).toEqual(roughly(whole));
    }
  });

  it('is run by the worker in one statement per part over a base built in parts', async () => {
    const ask = async (partRows: number) => {
      const { log, result } = await segmentsInParts({ orders: orders() }, scope(), partRows, 'breakdown-parts');
      return { log, rows: result.rows, grid: result.extras.grid };
    };
    const one = await ask(1_000_000);
    expect(one.log.some((t) => t.includes('seg_parts'))).toBe(false);
    const parted = await ask(Math.ceil(orders().length / 3));
    const parts = parted.log.filter((t) => /^(CREATE OR REPLACE TABLE|INSERT INTO) seg_parts_\d+ /.test(t));
    expect(parts).toHaveLength(3);
    // each part reads its customers' rows of the ranks (RFM 11 carries its measures there, no base)
    // by the rowid range they were written to: the three ranges follow one another from row 0
    const ranges = parts.map(rowidRanges);
    for (const r of ranges) expect(r).toHaveLength(1);
    expect(chained(ranges.map((r) => r[0]!))).toBe(true);
    for (const t of parts) expect(t).not.toContain('hash(');
    expect(parted.log.filter((t) => /^WITH c AS \(SELECT \* FROM seg_parts_\d+\)/.test(t))).toHaveLength(1);
    // the counts are dropped afterwards
    expect(parted.log.some((t) => /^DROP TABLE IF EXISTS seg_parts_\d+$/.test(t))).toBe(true);
    expect(roughly(parted.rows)).toEqual(roughly(one.rows));
    expect(roughly(parted.grid)).toEqual(roughly(one.grid));
  });

  it('fits a memory limit that the one statement exceeds (no spilling, as in the tab)', async () => {
    // 400,000 buyers, their base and ranks in compressed storage as the worker keeps them over
    // 5M order lines: the one statement joins 400,000 assigned customers with the base at once
    const db = await compressedOrders(400_000, '((i * 7919) % 100003) / 100.0');
    await db.run(`CREATE TABLE base AS ${inline(customerBase(scope()))}`);
    await db.run(`CREATE TABLE rk AS ${inline(rfmRanks(raw('base')))}`);
    await db.run('CHECKPOINT store');
    const ctx: ModelContext = { scope: scope(), base: raw('base'), ranks: raw('rk') };
    const p = rfm11.defaults;
    // measured: the one statement joining the base fails under an 80 MB limit (runs under 110 MB);
    // the 8 parts fit in 55 MB, and so does the one statement that reads revenue from the ranks
    await db.run(`SET temp_directory = ''`);
    await db.run(`SET memory_limit = '70MB'`);
    await expect(query(db, breakdown({ ...rfm11, measured: false }, p, ctx))).rejects.toThrow(/out of memory/i);
    const parted = await inParts(db, p, ctx, 8);
    const whole = await query(db, breakdown(rfm11, p, ctx));
    await db.run(`SET memory_limit = '1GB'`);
    // a part scores only its own customers: the 400,000 ranks rows are read, and filtered before the assignment
    const [plan] = await query(db, `EXPLAIN ANALYZE ${inline(breakdownPart(rfm11, p, partContext(ctx, { index: 0, count: 8 })))}`);
    expect(String(plan?.explain_value).match(/\b400,000 rows/g)).toHaveLength(1);
    expect(roughly(parted)).toEqual(roughly(whole));
  }, 240_000);
});
