import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type Row } from '../../helpers/duckdb';
import { stagesOverTime, FLOW_DEFAULTS, FLOWS, type FlowParams } from '../../../src/analysis/lifecycle/stages-over-time';
import { ORDERS, T } from './fixture';

const P: FlowParams = { ...FLOW_DEFAULTS, ...T, unit: 'month' };
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const table = (rows: Row[]) => rows.map((r) => [day(r.period), r.stage, r.sign, r.customers, r.revenue]);

describe('stagesOverTime', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });

  it('counts monthly flows, looking back before the window (A = 10, B = 30)', async () => {
    const rows = await query(db, stagesOverTime(P, { asOf: '2024-02-01', from: '2023-12-01', filters: [] }));
    expect(table(rows)).toEqual([
      // December: edge_churn and edge_dorm arrive; edge_churn lapses 12-11 (dormant) and 12-30 (churned); edge_dorm dormant 12-30
      ['2023-12-01', 'new', 1, 2, 17],
      ['2023-12-01', 'returning', 1, 0, 0],
      ['2023-12-01', 'reactivated', 1, 0, 0],
      ['2023-12-01', 'dormant', -1, 2, 17],
      ['2023-12-01', 'churned', -1, 1, 8],
      // January: new single, multi_day, regular, boundary, returned_item (net 0), gap11 = 10+18+80+15+0+24;
      // returning edge_churn, edge_dorm (active in December); back returns after November
      ['2024-01-01', 'new', 1, 6, 147],
      ['2024-01-01', 'returning', 1, 2, 17],
      ['2024-01-01', 'reactivated', 1, 1, 30],
      // dormant: single 01-15 (10), returned_item 01-13 (25), edge_churn 01-12 (8+8), edge_dorm 01-31 (9+9), gap11 01-21 (12)
      ['2024-01-01', 'dormant', -1, 5, 81],
      // churned: edge_churn 01-31 (16), edge_dorm 01-18 after its 12-20 order (9); boundary 02-01 and returned_item 02-01 not yet
      ['2024-01-01', 'churned', -1, 2, 25],
    ]);
    expect(rows.every((r) => r.complete === true)).toBe(true);
    expect(rows.map((r) => r.stage).slice(0, 5)).toEqual(FLOWS.map((f) => f.key));
  });

  it('starts at the first activity when the window is open and marks the running period', async () => {
    const rows = await query(db, stagesOverTime(P, { asOf: '2024-01-20', from: null, filters: [] }));
    const periods = [...new Set(rows.map((r) => day(r.period)))];
    expect(periods).toEqual([
      '2023-06-01',
      '2023-07-01',
      '2023-08-01',
      '2023-09-01',
      '2023-10-01',
      '2023-11-01',
      '2023-12-01',
      '2024-01-01',
    ]);
    const at = (p: string) => table(rows.filter((r) => day(r.period) === p)).filter((r) => r[3] !== 0);
    // old: new in June, dormant 06-15, churned 07-04 (06-05 + 29)
    expect(at('2023-06-01')).toEqual([
      ['2023-06-01', 'new', 1, 1, 200],
      ['2023-06-01', 'dormant', -1, 1, 200],
    ]);
    expect(at('2023-07-01')).toEqual([['2023-07-01', 'churned', -1, 1, 200]]);
    // back: new 11-01, dormant 11-11, churned 11-30
    expect(at('2023-11-01')).toEqual([
      ['2023-11-01', 'new', 1, 1, 50],
      ['2023-11-01', 'dormant', -1, 1, 50],
      ['2023-11-01', 'churned', -1, 1, 50],
    ]);
    const jan = rows.filter((r) => day(r.period) === '2024-01-01');
    expect(jan.every((r) => r.complete === false)).toBe(true);
    // before 01-20: new single, regular, returned_item, gap11; dormant single 01-15, returned_item 01-13, edge_churn 01-12
    expect(at('2024-01-01')).toEqual([
      ['2024-01-01', 'new', 1, 4, 10 + 40 + 25 + 12],
      ['2024-01-01', 'returning', 1, 1, 8], // edge_churn; edge_dorm's 01-21 order is after the as-of date
      ['2024-01-01', 'dormant', -1, 3, 10 + 25 + 16],
      ['2024-01-01', 'churned', -1, 1, 9],
    ]);
  });

  it('counts weekly flows', async () => {
    const rows = await query(db, stagesOverTime({ ...P, unit: 'week' }, { asOf: '2024-01-15', from: '2024-01-08', filters: [] }));
    // week 01-08…01-14: gap11 new (01-11); regular returning (01-12 after 01-02 in the previous week);
    // dormant: returned_item 01-13, edge_churn 01-12; churned: none
    expect(table(rows).filter((r) => r[3] !== 0)).toEqual([
      ['2024-01-08', 'new', 1, 1, 12],
      ['2024-01-08', 'returning', 1, 1, 20],
      ['2024-01-08', 'dormant', -1, 2, 25 + 16],
    ]);
  });
});
