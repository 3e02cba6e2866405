import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { raw, inline } from '../../../src/lib/sql';
import { openDb, query, load } from '../../helpers/duckdb';
import { customerBase } from '../../../src/analysis/customer-base';
import { rfm11 } from '../../../src/analysis/segmentation/rfm11';
import { rfm8 } from '../../../src/analysis/segmentation/rfm8';
import { rfmScores } from '../../../src/analysis/segmentation/rfm-scores';
import { breakdown } from '../../../src/analysis/breakdown';
import { scopeOf } from './setup';
import { dataset } from '../../helpers/datasets';

const RFM = dataset('rfm-r-package/rfm_data_orders.csv');
const CDNOW = dataset('cdnow/CDNOW_master.txt');

describe.skipIf(!existsSync(RFM))('rfm R package orders (README: 995 customers, revenue 464,158)', () => {
  it('base and rfm11 breakdown reproduce the README figures', async () => {
    const db = await openDb();
    await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, is_return, source)
      SELECT customer_id, 'r' || row_number() OVER (), CAST(order_date AS TIMESTAMP), revenue, false, 'rfm'
      FROM read_csv('${RFM}', header = true, columns = {'customer_id': 'VARCHAR', 'order_date': 'DATE', 'revenue': 'DOUBLE'})`);
    await db.run(`INSERT INTO customers (customer_id, has_profile) SELECT DISTINCT customer_id, false FROM orders`);
    const scope = scopeOf('2006-12-31');
    await db.run(`CREATE TEMP TABLE base AS ${inline(customerBase(scope))}`);
    const ctx = { scope, base: raw('base') };
    expect(await query(db, 'SELECT count(*) AS n, sum(revenue) AS rev, sum(orders) AS orders FROM base')).toEqual([
      { n: 995, rev: 464_158, orders: 4_906 },
    ]);
    const rows = await query(db, breakdown(rfm11, rfm11.defaults, ctx));
    expect(rows.reduce((s, r) => s + (r.customers as number), 0)).toBe(995);
    expect(rows.reduce((s, r) => s + (r.revenue as number), 0)).toBeCloseTo(464_158, 6);
    expect(rows.reduce((s, r) => s + (r.customer_share as number), 0)).toBeCloseTo(1, 12);
  });
});

describe.skipIf(!existsSync(CDNOW))('CDNOW master (README: 23,570 customers)', () => {
  const AS_OF = '1998-07-01';
  // independent JS parse and per-customer figures (read in beforeAll: the suite may be skipped)
  let tx: { id: string; ts: string; amount: number }[] = [];
  const per = new Map<string, { orders: number; cents: number; last: string }>();
  let custs: { r: number; f: number; m: number }[] = [];
  beforeAll(() => {
    const lines = readFileSync(CDNOW, 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => l.trim());
    tx = lines.map((l) => {
      const [id, d, , dollars] = l.trim().split(/\s+/) as [string, string, string, string];
      return { id, ts: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, amount: Number(dollars) };
    });
    for (const t of tx) {
      const c = per.get(t.id) ?? { orders: 0, cents: 0, last: '' };
      c.orders += 1;
      c.cents += Math.round(t.amount * 100);
      if (t.ts > c.last) c.last = t.ts;
      per.set(t.id, c);
    }
    const days = (d: string) => Math.round((Date.parse(`${AS_OF}T00:00:00Z`) - Date.parse(`${d}T00:00:00Z`)) / 86_400_000);
    custs = [...per.values()].map((c) => ({ r: days(c.last), f: c.orders, m: c.cents / 100 }));
  });

  it('matches an independent calculation', { timeout: 120_000 }, async () => {
    expect(tx).toHaveLength(69_659);
    expect(per.size).toBe(23_570);
    const db = await openDb();
    await load(db, { orders: tx.map((t, i) => ({ customer_id: t.id, order_id: `t${i}`, ts: t.ts, amount: t.amount })) });
    const scope = scopeOf(AS_OF);
    await db.run(`CREATE TEMP TABLE base AS ${inline(customerBase(scope))}`);
    const ctx = { scope, base: raw('base') };
    const totalCents = custs.reduce((s, c) => s + Math.round(c.m * 100), 0);
    const [b] = await query(
      db,
      'SELECT count(*) AS n, sum(orders) AS orders, round(sum(revenue) * 100) AS cents, sum(recency_days) AS rdays FROM base',
    );
    expect(b).toEqual({ n: 23_570, orders: 69_659, cents: totalCents, rdays: custs.reduce((s, c) => s + c.r, 0) });

    // rfm8 with mean thresholds, ties high, computed here from the JS figures
    const mean = (k: 'r' | 'f' | 'm') => custs.reduce((s, c) => s + c[k], 0) / custs.length;
    const [tr, tf, tm] = [mean('r'), mean('f'), mean('m')];
    const expected = new Map<string, number>();
    for (const c of custs) {
      const key = `${c.m >= tm ? 'important' : 'general'}_${c.r <= tr ? (c.f >= tf ? 'value' : 'develop') : c.f >= tf ? 'keep' : 'retain'}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const rows = await query(db, breakdown(rfm8, rfm8.defaults, ctx));
    expect(Object.fromEntries(rows.map((r) => [r.segment, r.customers]))).toEqual(
      Object.fromEntries(rfm8.segments(rfm8.defaults).map((s) => [s.key, expected.get(s.key) ?? 0])),
    );

    // quantile F scores with ties: 1 + floor(5 · (number of customers with fewer orders) / n)
    const fs = custs.map((c) => c.f).sort((x, y) => x - y);
    const below = (v: number) => fs.findIndex((x) => x >= v);
    const fHist = new Map<number, number>();
    for (const c of custs) {
      const s = 1 + Math.floor((5 * below(c.f)) / custs.length);
      fHist.set(s, (fHist.get(s) ?? 0) + 1);
    }
    const sc = await query(db, `SELECT f_score, count(*) AS n FROM (${inline(rfmScores(rfm11.defaults, ctx))}) GROUP BY 1 ORDER BY 1`);
    expect(Object.fromEntries(sc.map((r) => [r.f_score, r.n]))).toEqual(Object.fromEntries([...fHist].sort((a, b) => a[0] - b[0])));
  });
});
