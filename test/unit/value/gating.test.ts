/** Bad input gets a plain issue code (translated on the page), never NaN. */
import { describe, it, expect } from 'vitest';
import { openDb, load, query } from '../../helpers/duckdb';
import { dataStats, checkData, type DataStats } from '../../../src/analysis/value/gating';
import { fitValue } from '../../../src/analysis/value/fit';
import { clusterPersonas } from '../../../src/analysis/value/personas';

const scope = { asOf: '2024-04-01', from: null, filters: [] };
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

async function statsOf(orders: { customer_id: string; ts: string; amount: number; is_return?: boolean }[]): Promise<DataStats> {
  const db = await openDb();
  await load(db, { orders });
  return (await query(db, dataStats(scope)))[0] as unknown as DataStats;
}

describe('value gating', () => {
  it('no purchases, a single purchase day, no money, holdout outside', async () => {
    expect(codes(checkData(await statsOf([]), null))).toEqual(['no-purchases']);
    const oneDay = await statsOf([
      { customer_id: 'a', ts: '2024-03-01', amount: 5 },
      { customer_id: 'b', ts: '2024-03-01 12:00:00', amount: 7 },
    ]);
    expect(checkData(oneDay, null)).toEqual([{ code: 'single-day', severity: 'error', params: { date: '2024-03-01' } }]);
    const noMoney = await statsOf([
      { customer_id: 'a', ts: '2024-03-01', amount: 0 },
      { customer_id: 'a', ts: '2024-03-05', amount: 0 },
    ]);
    expect(codes(checkData(noMoney, null))).toEqual(['no-money']);
    expect(codes(checkData(noMoney, '2024-03-05'))).toEqual(['holdout-outside', 'no-money']);
    expect(codes(checkData(noMoney, '2024-03-01'))).toEqual(['no-money']);
  });

  it('all new customers refuse; few repeat customers warn; non-positive spend and correlation are flagged', () => {
    expect(fitValue([{ x: 0, tx: 0, T: 10, n: 50 }], [], true)).toMatchObject({
      bg: null,
      issues: [{ code: 'all-new', severity: 'error' }],
    });
    // 60 repeat customers with varied histories: fitted, with the few-repeat warning
    const groups = [
      { x: 0, tx: 0, T: 30, n: 200 },
      { x: 0, tx: 0, T: 10, n: 100 },
      ...Array.from({ length: 30 }, (_, i) => ({ x: 1 + (i % 4), tx: 2 + i, T: 35, n: 2 })),
    ];
    // spend grows with frequency (strong correlation); two customers with no positive spend
    const spend = groups.flatMap((g) =>
      Array.from({ length: g.x > 0 ? g.n : 0 }, (_, j) => ({ x: g.x, mx: j === 0 && g.x === 1 ? 0 : 10 * g.x + j })),
    );
    const fit = fitValue(groups, spend, true);
    expect(fit.repeatCustomers).toBe(60);
    expect(codes(fit.issues)).toEqual(expect.arrayContaining(['few-repeat', 'non-positive-spend', 'spend-frequency-correlation']));
    expect(fit.issues.find((i) => i.code === 'non-positive-spend')?.params).toEqual({ count: 8 });
    expect(fit.bg).not.toBeNull();
    for (const v of Object.values(fit.bg!.params)) expect(Number.isFinite(v)).toBe(true);
    // without money only purchases are modelled
    expect(fitValue(groups, spend, false).gg).toBeNull();
  });

  it('k larger than the customers is refused', () => {
    expect(() => clusterPersonas([[0], [1], [2]], 4)).toThrow(/4 > 3 customers/);
  });
});
