/** Historic value, Lorenz curve and Gini on hand-worked fixtures. */
import { describe, it, expect } from 'vitest';
import { openDb, load, query } from '../../helpers/duckdb';
import { sql, raw, inline } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { historicValue, historicSummary, lorenz, gini, topShare } from '../../../src/analysis/value/historic';
import { rfSummary } from '../../../src/analysis/value/summary';
import { dataStats, statsFromSummary } from '../../../src/analysis/value/gating';

const scope = { asOf: '2024-04-01', from: null, filters: [] };

describe('historic value', () => {
  it('revenue, AOV, tenure and revenue per active month by hand', async () => {
    const db = await openDb();
    await load(db, {
      orders: [
        // a: 3 orders in Jan (2) and Mar (1): revenue 60, 2 active months → 30 per month; tenure Jan 10 → Apr 1 = 82 days
        { customer_id: 'a', order_id: 'a1', ts: '2024-01-10', amount: 10 },
        { customer_id: 'a', order_id: 'a2', ts: '2024-01-20', amount: 20 },
        { customer_id: 'a', order_id: 'a3', ts: '2024-03-05', amount: 30 },
        // b: one order, 100, tenure Mar 31 → Apr 1 = 1 day
        { customer_id: 'b', order_id: 'b1', ts: '2024-03-31', amount: 100 },
        // c: a refund only counts against revenue, not as an active month
        { customer_id: 'c', order_id: 'c1', ts: '2024-02-01', amount: 50 },
        { customer_id: 'c', order_id: 'c2', ts: '2024-03-01', amount: -50, is_return: true },
      ],
    });
    await db.run(`CREATE TEMP TABLE base AS ${inline(customerBase(scope))}`);
    const rows = await query(db, sql`${historicValue(scope, raw('base'))} ORDER BY customer_id`);
    expect(rows.map((r) => [r.customer_id, r.revenue, r.orders, r.tenure_days, r.active_months, r.revenue_per_active_month])).toEqual([
      ['a', 60, 3, 82, 2, 30],
      ['b', 100, 1, 1, 1, 100],
      ['c', 0, 1, 60, 1, 0],
    ]);
    // the Value request takes the active months from its full summary instead of another pass over the orders
    const full = rfSummary(scope, { unit: 'day', calibrationEnd: null, extras: true });
    const fromSummary = await query(db, sql`${historicValue(scope, raw('base'), full)} ORDER BY customer_id`);
    expect(fromSummary).toEqual(rows);
    // and the data checks' figures, by hand: purchase days a 3 (Jan 10, Jan 20, Mar 5), b 1, c 1 (the
    // refund is not a purchase); first Jan 10, last Mar 31; every day has an amount
    const want = { purchaseDays: 5, distinctDays: 5, firstDay: '2024-01-10', lastDay: '2024-03-31', moneyDays: 5 };
    expect((await query(db, dataStats(scope)))[0]).toEqual(want);
    expect((await query(db, statsFromSummary(scope, full)))[0]).toEqual(want);
    const [s] = await query(db, historicSummary(historicValue(scope, raw('base'))));
    expect(s).toMatchObject({ customers: 3, revenue: 160, mean_revenue: 160 / 3, median_revenue: 60 });
    expect(s!.aov).toBeCloseTo(160 / 5, 10);
  });
});

describe('Lorenz curve and Gini', () => {
  // revenues 0, 10, 30, 60 (total 100): ascending i·y = 1·0 + 2·10 + 3·30 + 4·60 = 350
  // G = 2·350 / (4·100) − 5/4 = 1.75 − 1.25 = 0.5; top 25 % (1 customer) hold 60 %, top 50 % hold 90 %
  const rel = sql`SELECT * FROM (VALUES ('a', 0.0, 'x'), ('b', 10.0, 'x'), ('c', 30.0, 'x'), ('d', 60.0, 'x'), ('e', 5.0, 'y'), ('f', 5.0, 'y'), ('g', -3.0, 'z')) AS v(customer_id, revenue, segment)`;

  it('Gini by hand; equal spend gives 0; no revenue gives null', async () => {
    const db = await openDb();
    const rows = await query(db, gini(rel));
    expect(rows.find((r) => r.segment === 'x')!.gini as number).toBeCloseTo(0.5, 12);
    expect(rows.find((r) => r.segment === 'y')!.gini as number).toBeCloseTo(0, 12);
    expect(rows.find((r) => r.segment === 'z')!.gini).toBeNull();
  });

  it('top x % hold y %', async () => {
    const db = await openDb();
    const pts = (await query(db, lorenz(rel)))
      .filter((r) => r.segment === 'x')
      .map((r) => ({ pct: r.pct as number, share: r.share as number }));
    expect(pts.map((p) => p.pct)).toEqual([25, 50, 75, 100]);
    expect(topShare(pts, 25)).toBeCloseTo(0.6, 12);
    expect(topShare(pts, 50)).toBeCloseTo(0.9, 12);
    expect(topShare(pts, 20)).toBeCloseTo(0.6, 12);
    expect(topShare(pts, 100)).toBeCloseTo(1, 12);
  });
});
