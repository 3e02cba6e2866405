import { describe, it, expect } from 'vitest';
import { query } from '../../helpers/duckdb';
import { setup, segmentsOf, scopeOf, ordersFor } from './setup';
import { rfm11, rfm11Rules } from '../../../src/analysis/segmentation/rfm11';
import { rfm8 } from '../../../src/analysis/segmentation/rfm8';
import { rfmScores } from '../../../src/analysis/segmentation/rfm-scores';
import { rfmGrid, breakdown } from '../../../src/analysis/breakdown';
import { sql, raw } from '../../../src/lib/sql';
import { members } from '../../../src/analysis/members';
import { crosstab } from '../../../src/analysis/crosstab';
import { orderProfileRows, segmentProfile } from '../../../src/analysis/segment-profile';

const AS_OF = '2024-04-01';
// [customer, recency days, orders, revenue]; ten buyers so quantile score = 1 + floor((rank - 1) / 2)
const BUYERS: [string, number, number, number][] = [
  ['c1', 1, 10, 1000],
  ['c2', 2, 1, 50],
  ['c3', 5, 6, 600],
  ['c4', 10, 1, 20],
  ['c5', 20, 3, 300],
  ['c6', 40, 1, 10],
  ['c7', 60, 8, 700],
  ['c8', 100, 2, 150],
  ['c9', 200, 9, 900],
  ['c10', 300, 1, 5],
];
const ORDERS = [
  ...BUYERS.flatMap(([c, d, n, t]) => ordersFor(c, AS_OF, d, n, t)),
  // a return lowers c1 to 950 (still the highest), and a profile-only customer is not a buyer
  { customer_id: 'c1', order_id: 'ret', ts: '2024-03-01', amount: -50, is_return: true },
];
const data = { orders: ORDERS, customers: [{ customer_id: 'p1', gender: 'female' }] };

describe('RFM scores', () => {
  it('scores quantiles with ties sharing a score, recency inverted', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rows = await query(db, rfmScores(rfm11.defaults, ctx));
    const s = Object.fromEntries(rows.map((r) => [r.customer_id, `${r.r_score}${r.f_score}${r.m_score}`]));
    // R by days desc rank; F: four customers tie at 1 order (rank 1 → 1), 2 orders rank 5 → 3, 3 → 3, 6 → 4, 8 → 4, 9 → 5, 10 → 5
    expect(s).toEqual({
      c1: '555',
      c2: '512',
      c3: '444',
      c4: '412',
      c5: '333',
      c6: '311',
      c7: '244',
      c8: '233',
      c9: '155',
      c10: '111',
    });
  });

  it('scores fixed breaks', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const p = {
      ...rfm11.defaults,
      method: 'breaks' as const,
      breaks: { recency: [7, 30, 90, 180], frequency: [2, 3, 5, 9], monetary: [10, 100, 500, 900] },
    };
    const rows = await query(db, rfmScores(p, ctx));
    const s = Object.fromEntries(rows.map((r) => [r.customer_id, `${r.r_score}${r.f_score}${r.m_score}`]));
    expect(s).toEqual({
      c1: '555',
      c2: '512',
      c3: '544',
      c4: '412',
      c5: '433',
      c6: '312',
      c7: '344',
      c8: '223',
      c9: '155',
      c10: '111',
    });
  });

  it('rejects bad parameters', () => {
    const ctx = { scope: scopeOf(AS_OF), base: rfm11.defaults as never };
    expect(() => rfmScores({ ...rfm11.defaults, bins: 6 as 5 }, ctx)).toThrow(/invalid bins/);
    expect(() =>
      rfmScores(
        { ...rfm11.defaults, method: 'breaks', breaks: { recency: [30, 20, 40, 50], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] } },
        ctx,
      ),
    ).toThrow(/recency breaks/);
    expect(() => rfm11.validate({ ...rfm11.defaults, rules: [{ key: 'lost', r: [0, 2], f: [1, 1] }] })).toThrow(/lost r lower bound/);
    expect(() => rfm11.validate({ ...rfm11.defaults, rules: [{ key: 'lost', r: [3, 2], f: [1, 1] }] })).toThrow(/upper bound/);
  });
});

describe('rfm11', () => {
  it('assigns with the F/M average (default)', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, rfm11, rfm11.defaults, ctx)).toEqual({
      c1: 'champions',
      c2: 'potential_loyalist',
      c3: 'loyal',
      c4: 'potential_loyalist',
      c5: 'need_attention',
      c6: 'about_to_sleep',
      c7: 'at_risk',
      c8: 'at_risk',
      c9: 'cant_lose',
      c10: 'lost',
    });
  });

  it('assigns with the frequency score, and falls back to others', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, rfm11, { ...rfm11.defaults, fScore: 'f' }, ctx)).toEqual({
      c1: 'champions',
      c2: 'new_customers',
      c3: 'loyal',
      c4: 'promising',
      c5: 'need_attention',
      c6: 'about_to_sleep',
      c7: 'at_risk',
      c8: 'at_risk',
      c9: 'cant_lose',
      c10: 'lost',
    });
    // only one rule left: everybody else goes to the fallback
    const only = {
      ...rfm11.defaults,
      fScore: 'f' as const,
      rules: [{ key: 'lost' as const, r: [1, 2] as [number, number], f: [1, 3] as [number, number] }],
    };
    const seg = await segmentsOf(db, rfm11, only, ctx);
    expect(
      Object.entries(seg)
        .filter(([, s]) => s === 'lost')
        .map(([c]) => c)
        .sort(),
    ).toEqual(['c10', 'c8']);
    expect(Object.values(seg).filter((s) => s === 'others')).toHaveLength(8);
  });

  it('scales the default rules to 3 bins', () => {
    expect(rfm11Rules(3).find((r) => r.key === 'at_risk')).toEqual({ key: 'at_risk', r: [1, 2], f: [2, 3] });
  });

  it('breaks down per segment with zero rows and shares', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rows = await query(db, breakdown(rfm11, rfm11.defaults, ctx));
    expect(rows.map((r) => r.segment)).toEqual(rfm11.segments(rfm11.defaults).map((s) => s.key));
    const at = rows.find((r) => r.segment === 'at_risk');
    // c7 (60 days, 8 orders, 700) + c8 (100 days, 2 orders, 150); total revenue 3685 (3735 less the 50 return)
    expect(at).toMatchObject({ customers: 2, customer_share: 0.2, revenue: 850, orders_per_customer: 5, aov: 85, median_recency: 80 });
    expect(at?.revenue_share).toBeCloseTo(850 / 3685, 12);
    expect(rows.find((r) => r.segment === 'hibernating')).toMatchObject({ customers: 0, revenue: 0, aov: null, median_recency: null });
  });

  it('builds the R × F grid', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rows = await query(db, rfmGrid(rfm11.defaults, ctx));
    // R1: c9 (F5, 900) and c10 (F1, 5); R2: c7 (F4, 700), c8 (F3, 150)
    expect(rows.slice(0, 4)).toEqual([
      { r_score: 1, f_score: 1, customers: 1, mean_monetary: 5 },
      { r_score: 1, f_score: 5, customers: 1, mean_monetary: 900 },
      { r_score: 2, f_score: 3, customers: 1, mean_monetary: 150 },
      { r_score: 2, f_score: 4, customers: 1, mean_monetary: 700 },
    ]);
    // the worker reads a materialised rfm11 assignment instead of ranking again: same grid
    await query(db, sql`CREATE TABLE assigned AS ${rfm11.assign(rfm11.defaults, ctx)}`);
    expect(await query(db, rfmGrid(rfm11.defaults, ctx, raw('SELECT * FROM assigned')))).toEqual(rows);
  });
});

describe('rfm8', () => {
  it('splits on the mean with ties counting as high', async () => {
    // means over the ten buyers: recency 73.8 days, orders 4.2, revenue 368.5 (c1 is 950 after the return)
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, rfm8, rfm8.defaults, ctx)).toEqual({
      c1: 'important_value',
      c2: 'general_develop',
      c3: 'important_value',
      c4: 'general_develop',
      c5: 'general_develop',
      c6: 'general_develop',
      c7: 'important_value',
      c8: 'general_retain',
      c9: 'important_keep',
      c10: 'general_retain',
    });
  });

  it('splits on the median', async () => {
    // medians: recency (20 + 40) / 2 = 30, orders (2 + 3) / 2 = 2.5, revenue (150 + 300) / 2 = 225
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, rfm8, { threshold: 'median', monetary: 'revenue' }, ctx)).toEqual({
      c1: 'important_value',
      c2: 'general_develop',
      c3: 'important_value',
      c4: 'general_develop',
      c5: 'important_value',
      c6: 'general_retain',
      c7: 'important_keep',
      c8: 'general_retain',
      c9: 'important_keep',
      c10: 'general_retain',
    });
  });

  it('counts equality as high', async () => {
    // two buyers: 10 and 30 days, 1 and 3 orders, 100 and 300 → means 20 days, 2 orders, 200; a third at exactly the means
    const orders = [...ordersFor('x', AS_OF, 10, 1, 100), ...ordersFor('y', AS_OF, 30, 3, 300), ...ordersFor('z', AS_OF, 20, 2, 200)];
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    expect(await segmentsOf(db, rfm8, rfm8.defaults, ctx)).toEqual({ x: 'general_develop', y: 'important_keep', z: 'important_value' });
  });
});

describe('members, crosstab, profile', () => {
  it('pages members with a whitelisted sort and the total', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const page = await query(
      db,
      members(rfm11, rfm11.defaults, ctx, { segment: 'at_risk', sort: 'revenue', desc: true, limit: 1, offset: 1 }),
    );
    // at_risk = c7 (700) and c8 (150): the second page of one row is c8
    expect(page).toMatchObject([
      { customer_id: 'c8', revenue: 150, orders: 2, recency_days: 100, r_score: 2, f_score: 3, m_score: 3, total: 2 },
    ]);
    expect(() =>
      members(rfm11, rfm11.defaults, ctx, { segment: 'x', sort: 'revenue; DROP' as 'revenue', desc: true, limit: 1, offset: 0 }),
    ).toThrow(/invalid sort/);
    expect(() => members(rfm8, rfm8.defaults, ctx, { segment: 'x', sort: 'r_score', desc: true, limit: 1, offset: 0 })).toThrow(
      /invalid sort/,
    );
  });

  it('crosses two models', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rows = await query(db, crosstab(rfm11, rfm11.defaults, { model: rfm8, params: rfm8.defaults }, ctx));
    // at_risk: c7 (60 days ≤ 73.8, 8 orders, 700) → important_value; c8 (100 days, 2 orders, 150) → general_retain
    expect(rows.filter((r) => r.a === 'at_risk')).toEqual([
      { a: 'at_risk', b: 'general_retain', customers: 1, revenue: 150 },
      { a: 'at_risk', b: 'important_value', customers: 1, revenue: 700 },
    ]);
    const g = await query(db, crosstab(rfm8, rfm8.defaults, { attribute: 'gender' }, ctx));
    expect(g.reduce((s, r) => s + (r.customers as number), 0)).toBe(10);
  });

  it('profiles a segment against all customers', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const p = segmentProfile(rfm11, rfm11.defaults, ctx, 'at_risk');
    const rec = await query(db, p.recency);
    // at_risk recency 60 and 100 days → buckets 31-61 and 91-181; all ten buyers: 1,2,5,10,20 | 40,60 | 100 | 200,300
    expect(
      rec
        .filter((r) => r.grp === 'segment')
        .map((r) => `${r.key}=${r.n}`)
        .sort(),
    ).toEqual(['31-61=1', '91-181=1']);
    expect(
      rec
        .filter((r) => r.grp === 'all')
        .map((r) => `${r.key}=${r.n}`)
        .sort(),
    ).toEqual(['0-31=5', '181-366=2', '31-61=2', '91-181=1']);
    // display order: buckets in their natural order (not by share), the segment's rows first
    expect(orderProfileRows('recency', rec as { grp: string; key: string; n: number }[]).map((r) => `${r.grp}:${r.key}`)).toEqual([
      'segment:31-61',
      'segment:91-181',
      'all:0-31',
      'all:31-61',
      'all:91-181',
      'all:181-366',
    ]);
    // a nominal part goes by everyone's count, `other`/`unknown` last
    const nominal = [
      { grp: 'all', key: 'unknown', n: 9 },
      { grp: 'all', key: 'b', n: 2 },
      { grp: 'all', key: 'a', n: 5 },
      { grp: 'segment', key: 'b', n: 1 },
    ];
    expect(orderProfileRows('channels', nominal).map((r) => `${r.grp}:${r.key}`)).toEqual(['segment:b', 'all:a', 'all:b', 'all:unknown']);
    for (const q of Object.values(p)) await query(db, q);
  });
});
