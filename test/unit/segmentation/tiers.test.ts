import { describe, it, expect } from 'vitest';
import { setup, segmentsOf, scopeOf, ordersFor } from './setup';
import { spendTiers } from '../../../src/analysis/segmentation/spend-tiers';
import { valueTiers } from '../../../src/analysis/segmentation/value-tiers';
import { purchaseBehaviour } from '../../../src/analysis/segmentation/purchase-behaviour';

const AS_OF = '2024-04-01';

describe('spend tiers', () => {
  // c_i spends 10·i (c8 ties c9 at 90) with 1 + (i mod 3) orders
  const orders = Array.from({ length: 10 }, (_, k) => {
    const i = k + 1;
    return ordersFor(`c${i}`, AS_OF, i, 1 + (i % 3), i === 8 ? 90 : 10 * i);
  }).flat();
  const tiers = (t: Record<string, string>) =>
    Object.entries(t)
      .sort()
      .map(([c, s]) => `${c}:${s}`)
      .join(' ');

  it('splits by revenue quantiles, ties share the tier', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    // 10 buyers: high when fewer than 2 are ahead, mid when fewer than 5; c8 and c9 tie with one ahead
    expect(await segmentsOf(db, spendTiers, spendTiers.defaults, ctx)).toEqual({
      c10: 'high',
      c9: 'high',
      c8: 'high',
      c7: 'mid',
      c6: 'mid',
      c5: 'low',
      c4: 'low',
      c3: 'low',
      c2: 'low',
      c1: 'low',
    });
  });

  it('puts nobody in the high tier when there are no amounts (no money column)', async () => {
    const free = orders.map((o) => ({ ...o, amount: 0 }));
    const { db, ctx } = await setup({ orders: free }, scopeOf(AS_OF));
    // every buyer spent 0: all tie, and before this rule the tie made all ten "high"
    expect(new Set(Object.values(await segmentsOf(db, spendTiers, spendTiers.defaults, ctx)))).toEqual(new Set(['low']));
    // orders still split (c2 c5 c8 have the most orders)
    const byOrders = await segmentsOf(db, spendTiers, { ...spendTiers.defaults, measure: 'orders' }, ctx);
    expect(byOrders.c2).toBe('high');
  });

  it('splits by orders and by both', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    // 3 orders: c2 c5 c8 (none ahead) → high; 2 orders: c1 c4 c7 c10 (3 ahead) → mid; 1 order → low
    expect(tiers(await segmentsOf(db, spendTiers, { ...spendTiers.defaults, measure: 'orders' }, ctx))).toBe(
      'c1:mid c10:mid c2:high c3:low c4:mid c5:high c6:low c7:mid c8:high c9:low',
    );
    expect(tiers(await segmentsOf(db, spendTiers, { ...spendTiers.defaults, measure: 'both' }, ctx))).toBe(
      'c1:low c10:mid c2:low c3:low c4:low c5:low c6:low c7:mid c8:high c9:low',
    );
  });

  it('splits by fixed thresholds and validates them', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    const p = { ...spendTiers.defaults, method: 'fixed' as const, fixed: { revenue: { mid: 50, high: 90 }, orders: { mid: 2, high: 3 } } };
    expect(tiers(await segmentsOf(db, spendTiers, p, ctx))).toBe(
      'c1:low c10:high c2:low c3:low c4:low c5:mid c6:mid c7:mid c8:high c9:high',
    );
    expect(() => spendTiers.validate({ ...p, fixed: { ...p.fixed, revenue: { mid: 90, high: 50 } } })).toThrow(/revenue high threshold/);
    expect(() => spendTiers.validate({ ...p, top: 0.8, next: 0.3 })).toThrow(/next share/);
  });
});

describe('value tiers', () => {
  const orders = [
    ...ordersFor('v1', AS_OF, 5, 1, 100),
    ...ordersFor('v2', AS_OF, 5, 3, 30),
    ...ordersFor('v3', AS_OF, 5, 1, 1000),
    ...ordersFor('v4', AS_OF, 5, 12, 50),
    ...ordersFor('v5', AS_OF, 5, 3, 1500),
    ...ordersFor('v6', AS_OF, 5, 6, 1000),
  ];
  it('takes the highest level reached by either threshold (default)', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    expect(await segmentsOf(db, valueTiers, valueTiers.defaults, ctx)).toEqual({
      v1: 'bronze',
      v2: 'silver',
      v3: 'gold',
      v4: 'platinum',
      v5: 'gold',
      v6: 'gold',
    });
  });
  it('can require both thresholds', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    expect(await segmentsOf(db, valueTiers, { ...valueTiers.defaults, combine: 'all' }, ctx)).toEqual({
      v1: 'bronze',
      v2: 'bronze',
      v3: 'bronze',
      v4: 'bronze',
      v5: 'silver',
      v6: 'gold',
    });
  });
  it('rejects thresholds that are not ascending', () => {
    expect(() => valueTiers.validate({ ...valueTiers.defaults, gold: { revenue: 100, orders: 6 } })).toThrow(/gold threshold/);
    expect(() => valueTiers.validate({ ...valueTiers.defaults, silver: { revenue: -1, orders: 3 } })).toThrow(/silver revenue/);
  });
});

describe('purchase behaviour', () => {
  const orders = [
    { customer_id: 'p1', order_id: 'a', ts: '2024-03-01', amount: 100, category: 'a' },
    { customer_id: 'p1', order_id: 'b', ts: '2024-03-02', amount: 100, category: 'b' },
    { customer_id: 'p2', order_id: 'c', ts: '2024-03-01', amount: 300, category: 'a' },
    ...['d', 'e', 'f'].map((o) => ({ customer_id: 'p3', order_id: o, ts: '2024-03-03', amount: 10, category: 'a' })),
    { customer_id: 'p4', order_id: 'g', ts: '2024-03-01', amount: 10, category: 'a' },
    { customer_id: 'p4', order_id: 'g', ts: '2024-03-01', amount: 10, category: 'b' },
  ];
  it('splits on 2 orders, the median aov (60) and 2 categories', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    expect(await segmentsOf(db, purchaseBehaviour, purchaseBehaviour.defaults, ctx)).toEqual({
      p1: 'hf_large_multi',
      p2: 'lf_large_single',
      p3: 'hf_small_single',
      p4: 'lf_small_multi',
    });
  });
  it('splits on the mean aov (107.5) or a fixed value', async () => {
    const { db, ctx } = await setup({ orders }, scopeOf(AS_OF));
    expect((await segmentsOf(db, purchaseBehaviour, { ...purchaseBehaviour.defaults, orderValue: 'mean' }, ctx)).p1).toBe('hf_small_multi');
    expect(await segmentsOf(db, purchaseBehaviour, { ...purchaseBehaviour.defaults, orderValue: 'fixed', orderValueMin: 20 }, ctx)).toEqual(
      {
        p1: 'hf_large_multi',
        p2: 'lf_large_single',
        p3: 'hf_small_single',
        p4: 'lf_large_multi',
      },
    );
  });
});
