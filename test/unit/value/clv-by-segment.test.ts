/** Predicted CLV per segment of another model (`clv-by-segment.ts`), by hand and on the real models. */
import { describe, it, expect } from 'vitest';
import { openDb, query, type OrderFixture } from '../../helpers/duckdb';
import { raw, sql } from '../../../src/lib/sql';
import { clvBySegment } from '../../../src/analysis/value/clv-by-segment';
import { setup, scopeOf } from '../segmentation/setup';
import { clvTiers } from '../../../src/analysis/segmentation/clv-tiers';
import { rfm11 } from '../../../src/analysis/segmentation/rfm11';

describe('CLV by segment', () => {
  it('percentiles, mean, total and tier counts by hand; only customers in both models count', async () => {
    const db = await openDb();
    // segment A: CLV 10, 20, 30, 40, 50 → mean 30, total 150; quantile_cont at p = (n − 1)·q:
    //   5 % → 10 + 0.2·10 = 12, 25 % → 20, 50 % → 30, 75 % → 40, 95 % → 40 + 0.8·10 = 48
    // segment B: one customer with CLV 100 → every percentile 100
    // z has a CLV but no segment, y a segment but no CLV: neither counts
    const clv =
      raw(`(VALUES ('a1','low',10.0),('a2','low',20.0),('a3','mid',30.0),('a4','mid',40.0),('a5','high',50.0),('b1','high',100.0),('z','high',999.0))
      AS c(customer_id, segment, clv)`);
    const other = raw(`(VALUES ('a1','A'),('a2','A'),('a3','A'),('a4','A'),('a5','A'),('b1','B'),('y','B')) AS o(customer_id, segment)`);
    // CLV is DOUBLE in the model (`round(clv, 2)`)
    const rows = await query(
      db,
      clvBySegment(sql`SELECT customer_id, segment, CAST(clv AS DOUBLE) AS clv FROM ${clv}`, sql`SELECT * FROM ${other}`),
    );
    const want = [
      { segment: 'A', customers: 5, mean: 30, p05: 12, q1: 20, median: 30, q3: 40, p95: 48, total: 150, high: 1, mid: 2, low: 2 },
      { segment: 'B', customers: 1, mean: 100, p05: 100, q1: 100, median: 100, q3: 100, p95: 100, total: 100, high: 1, mid: 0, low: 0 },
    ];
    expect(rows.map((r) => r.segment)).toEqual(['A', 'B']);
    rows.forEach((r, i) => {
      for (const [k, v] of Object.entries(want[i]!)) {
        if (typeof v === 'number') expect(r[k] as number, `${String(r.segment)} ${k}`).toBeCloseTo(v, 9);
        else expect(r[k]).toBe(v);
      }
    });
  });

  it('on the real models: RFM segments × the CLV model, every buyer once, means equal the joined rows', async () => {
    const asOf = '2024-04-01';
    const day = (d: number) => new Date(Date.parse(`${asOf}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
    const orders: OrderFixture[] = [];
    // 12 customers with 1–6 purchases at different recencies and amounts
    for (let c = 0; c < 12; c++) {
      for (let k = 0; k <= c % 6; k++)
        orders.push({ customer_id: `c${c}`, order_id: `c${c}-${k}`, ts: day(5 + 9 * c + 21 * k), amount: 10 + 7 * c });
    }
    const { db, ctx } = await setup({ orders }, scopeOf(asOf));
    const clvParams = {
      ...clvTiers.defaults,
      fit: { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } },
    };
    const clv = clvTiers.assign(clvParams, ctx);
    const rfm = rfm11.assign(rfm11.validate(structuredClone(rfm11.defaults)), ctx);
    const rows = await query(db, clvBySegment(clv, rfm));
    expect(rows.reduce((s, r) => s + (r.customers as number), 0)).toBe(12);
    const joined = await query(db, sql`SELECT o.segment, c.clv, c.segment AS tier FROM (${clv}) c JOIN (${rfm}) o USING (customer_id)`);
    for (const r of rows) {
      const mine = joined.filter((j) => j.segment === r.segment);
      expect(r.customers).toBe(mine.length);
      expect(r.mean as number).toBeCloseTo(mine.reduce((s, j) => s + (j.clv as number), 0) / mine.length, 9);
      expect((r.high as number) + (r.mid as number) + (r.low as number)).toBe(mine.length);
      expect(r.p05 as number).toBeLessThanOrEqual(r.median as number);
      expect(r.median as number).toBeLessThanOrEqual(r.p95 as number);
    }
  });
});
