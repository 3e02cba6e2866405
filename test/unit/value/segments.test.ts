/** The value segmentation models: value score, P(alive) bands, predicted-CLV tiers, personas. */
import { describe, it, expect } from 'vitest';
import { query } from '../../helpers/duckdb';
import { inline } from '../../../src/lib/sql';
import { setup, segmentsOf, scopeOf } from '../segmentation/setup';
import type { OrderFixture } from '../../helpers/duckdb';
import { valueScore } from '../../../src/analysis/segmentation/value-score';
import { pAliveBands } from '../../../src/analysis/segmentation/p-alive';
import { clvTiers } from '../../../src/analysis/segmentation/clv-tiers';
import { personas } from '../../../src/analysis/segmentation/personas';
import { pAlive, expectedPurchases } from '../../../src/analysis/value/bgnbd';
import { personaFeatures } from '../../../src/analysis/value/persona-features';
import { standardise, clusterPersonas, nearest, personaWords, suggestK } from '../../../src/analysis/value/personas';

const AS_OF = '2024-04-01';
const day = (d: number) => new Date(Date.parse(`${AS_OF}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
const o = (c: string, daysBefore: number, amount: number, i: number): OrderFixture => ({
  customer_id: c,
  order_id: `${c}${i}`,
  ts: day(daysBefore),
  amount,
  category: `k${i % 3}`,
});

describe('value score', () => {
  // a: revenue 300, 3 orders, last 1 day ago, first 30 days ago
  // b: revenue 100, 1 order, 10 days ago
  // c: revenue 50, 2 orders, last 60 days ago, first 90 days ago
  const orders = [o('a', 30, 100, 1), o('a', 10, 100, 2), o('a', 1, 100, 3), o('b', 10, 100, 1), o('c', 90, 25, 1), o('c', 60, 25, 2)];

  it('percent ranks and tiers by hand', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    // contribution (revenue asc): c 0, b 50, a 100; activity (recency desc): c 0, b 50, a 100
    // loyalty = (rank(orders) + rank(tenure)) / 2: orders c 50, b 0, a 100; tenure (90/10/30 days) c 100, b 0, a 50
    //   → a 75, b 0, c 75
    // score 0.5·C + 0.3·A + 0.2·L: a 50 + 30 + 15 = 95, b 25 + 15 + 0 = 40, c 0 + 0 + 15 = 15
    const rows = await query(db, `${inline(valueScore.assign(valueScore.defaults, ctx))} ORDER BY customer_id`);
    expect(rows.map((r) => [r.customer_id, r.segment, r.score])).toEqual([
      ['a', 'high_value', 95],
      ['b', 'ordinary', 40],
      ['c', 'low_value', 15],
    ]);
    // activity alone: b has activity 50 < 60; with the cut at 50 it is potential
    const seg = await segmentsOf(db, valueScore, { ...valueScore.defaults, activeCut: 50 }, ctx);
    expect(seg).toEqual({ a: 'high_value', b: 'potential', c: 'low_value' });
    expect(() => valueScore.validate({ ...valueScore.defaults, weights: { contribution: 0, activity: 0, loyalty: 0 } })).toThrow(/weights/);
  });
});

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('P(alive) bands and predicted-CLV tiers', () => {
  // purchase days (weeks before as-of): a every 2 weeks recently, b twice long ago, c once, d busy long ago
  const orders = [
    ...[20, 18, 16, 14, 12, 10, 8, 6, 4, 2].map((w, i) => o('a', w * 7, 30, i)),
    o('b', 40 * 7, 20, 1),
    o('b', 38 * 7, 20, 2),
    o('c', 5 * 7, 80, 1),
    ...[50, 49, 48, 47, 46, 45, 44, 43].map((w, i) => o('d', w * 7, 50, i)),
  ];

  it('P(alive) equals the JS formula and bands follow it', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    const params = { ...pAliveBands.defaults, fit: BG };
    const rows = await query(db, `${inline(pAliveBands.assign(params, ctx))} ORDER BY customer_id`);
    // T is measured to the day before as-of (the last day of the data window)
    const T = (w: number) => (w * 7 - 1) / 7;
    const want = {
      a: pAlive(BG, 9, 18, T(20)),
      b: pAlive(BG, 1, 2, T(40)),
      c: 1,
      d: pAlive(BG, 7, 7, T(50)),
    };
    for (const r of rows) expect(r.p_alive as number).toBeCloseTo(want[r.customer_id as keyof typeof want], 4);
    const band = (p: number) => (p >= 0.7 ? 'likely_alive' : p >= 0.3 ? 'at_risk' : 'likely_lost');
    expect(Object.fromEntries(rows.map((r) => [r.customer_id, r.segment]))).toEqual(
      Object.fromEntries(Object.entries(want).map(([k, v]) => [k, band(v)])),
    );
    expect(want.d).toBeLessThan(0.3);
    expect(() => pAliveBands.assign(pAliveBands.defaults, ctx)).toThrow(/not fitted/);
  });

  it('CLV tiers rank by predicted CLV: top 25 % high', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    const params = { ...clvTiers.defaults, fit: { bg: BG, gg: GG }, top: 0.25, next: 0.25 };
    const rows = await query(db, `${inline(clvTiers.assign(params, ctx))} ORDER BY clv DESC`);
    expect(rows.map((r) => r.segment)).toEqual(['high', 'mid', 'low', 'low']);
    // a (recent, frequent) is worth most; d (busy, then silent for 43 weeks) little
    expect(rows[0]!.customer_id).toBe('a');
    expect(rows.at(-1)!.customer_id).toBe('d');
    // a's expected purchases over 12 months agree with the JS formula, CLV > 0
    expect(expectedPurchases(BG, (12 * 30.4375) / 7, 9, 18, (20 * 7 - 1) / 7)).toBeGreaterThan(5);
    expect(rows[0]!.clv as number).toBeGreaterThan(0);
  });
});

describe('personas', () => {
  // two obvious groups: frequent big spenders bought recently, one-off small buyers long ago
  const orders: OrderFixture[] = [];
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) orders.push(o(`big${i}`, 2 + j * 5 + i, 200 + i, j));
  for (let i = 0; i < 6; i++) orders.push(o(`small${i}`, 200 + i * 3, 10 + i, 0));

  it('k-means in JS, nearest centroid in SQL: the same assignment, reproducible, plain words', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    const features = ['recency', 'frequency', 'monetary'] as const;
    const rows = await query(db, `${inline(personaFeatures(ctx.scope, ctx.base, [...features]))} ORDER BY customer_id`);
    const raw = rows.map((r) => features.map((f) => r[f] as number));
    const mean = (j: number) => raw.reduce((s, x) => s + x[j]!, 0) / raw.length;
    const means = features.map((_, j) => mean(j));
    const sds = features.map((_, j) => Math.sqrt(raw.reduce((s, x) => s + (x[j]! - means[j]!) ** 2, 0) / raw.length));
    const z = standardise(raw, { means, sds });
    const cl = clusterPersonas(z, 2);
    expect(clusterPersonas(z, 2)).toEqual(cl);
    expect(cl.sizes).toEqual([6, 6]);
    const params = { k: 2, features: [...features], means, sds, centroids: cl.centroids };
    const seg = await segmentsOf(db, personas, params, ctx);
    rows.forEach((r, i) => expect(seg[r.customer_id as string]).toBe(`p${nearest(z[i]!, cl.centroids) + 1}`));
    expect(seg.big0).not.toBe(seg.small0);
    const bigCentroid = cl.centroids[Number(seg.big0!.slice(1)) - 1]!;
    expect(personaWords(bigCentroid, features)).toEqual(expect.arrayContaining(['recency.low', 'frequency.high', 'monetary.high']));
    expect(suggestK(z, 4).best).toBe(2);
    expect(() => clusterPersonas(z, 13)).toThrow(/13 > 12 customers/);
  });
});
