import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import { repurchaseRates, timeToSecondOrder, REPURCHASE_DEFAULTS, type RepurchaseParams } from '../../../src/analysis/lifecycle/repurchase';
import { ORDERS } from './fixture';

const P: RepurchaseParams = { ...REPURCHASE_DEFAULTS, windows: [10, 30], buckets: [7, 14, 30] };
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? null : String(v));

describe('repurchase', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });
  // first activity from 2023-11-01: back 11-01 (2nd 01-28, gap 88); edge_churn 12-01 (32); edge_dorm 12-20 (32);
  // regular 01-02 (10); returned_item 01-03 (none: the return is no order); single 01-05 (none);
  // gap11 01-11 (11); boundary 01-22 (none); multi_day 01-25 (three orders one day: none); future 02-01 (none)
  const scope = { asOf: '2024-03-01', from: '2023-11-01', filters: [] };

  it('computes second-order rates with only elapsed windows in the denominator', async () => {
    const rows = await query(db, repurchaseRates(P, scope));
    expect(rows.map((r) => [r.is_total, day(r.cohort), r.window_days, r.customers, r.eligible, r.repeaters, r.rate])).toEqual([
      [true, null, 10, 10, 10, 1, 0.1], // regular
      [true, null, 30, 10, 9, 2, 2 / 9], // future: 02-01 + 30 = 03-02 not elapsed; regular, gap11
      [false, '2023-11-01', 10, 1, 1, 0, 0],
      [false, '2023-11-01', 30, 1, 1, 0, 0],
      [false, '2023-12-01', 10, 2, 2, 0, 0],
      [false, '2023-12-01', 30, 2, 2, 0, 0],
      [false, '2024-01-01', 10, 6, 6, 1, 1 / 6],
      [false, '2024-01-01', 30, 6, 6, 2, 2 / 6],
      [false, '2024-02-01', 10, 1, 1, 0, 0],
      [false, '2024-02-01', 30, 1, 0, 0, null],
    ]);
  });

  it('excludes a first order exactly w days before the as-of date', async () => {
    // future: 02-01 + 10 = 02-11 is not before the as-of 02-11 → not eligible
    const rows = await query(db, repurchaseRates({ ...P, windows: [10] }, { ...scope, asOf: '2024-02-11' }));
    expect(rows[0]).toMatchObject({ is_total: true, customers: 10, eligible: 9 });
  });

  it('builds the time-to-second-order histogram', async () => {
    const rows = await query(db, timeToSecondOrder(P, scope));
    expect(rows.map((r) => [r.bucket, r.lo, r.hi, r.customers])).toEqual([
      [0, 0, 7, 0],
      [1, 7, 14, 2], // 10, 11
      [2, 14, 30, 0],
      [3, 30, null, 3], // 32, 32, 88
      [null, null, null, 5], // no second order yet
    ]);
  });

  it('rejects bad windows and buckets', () => {
    expect(() => repurchaseRates({ ...P, windows: [30, 10] }, scope)).toThrow(/windows/);
    expect(() => timeToSecondOrder({ ...P, buckets: [] }, scope)).toThrow(/buckets/);
    expect(() => repurchaseRates({ ...P, windows: [0] }, scope)).toThrow(/windows/);
  });
});
