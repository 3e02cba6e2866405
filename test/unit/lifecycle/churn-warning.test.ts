import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import { churnRiskList, churnRiskSummary, CHURN_WARNING_DEFAULTS } from '../../../src/analysis/lifecycle/churn-warning';
import { ORDERS, T } from './fixture';

const page = { limit: 50, offset: 0 };
/** B far away: nobody in the fixture has churned, so the rhythm rule alone decides. */
const D = { ...CHURN_WARNING_DEFAULTS, churnDays: 3650 };

describe('churn warning', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });
  // as of 2024-02-01, all gaps: regular 10,10,7; back 88; old 4; edge_churn 32; edge_dorm 32; gap11 11
  // → population median 10.5 (reference for one-day customers)
  const scope = { asOf: '2024-02-01', from: null, filters: [] };

  it('flags silences longer than k × own (or population) median gap', async () => {
    const rows = await query(db, churnRiskList(D, scope, page));
    expect(rows.map((r) => [r.customer_id, r.days_since_last, r.ref_gap, r.value])).toEqual([
      ['old', 241, 4, 200], // 241 > 2 × 4; tenure 245 days < 1 year → value = revenue
      ['single', 27, 10.5, 10], // 27 > 21
      ['returned_item', 29, 10.5, 0], // 29 > 21; net revenue 25 − 25
    ]);
    expect(rows[0]!.own_gap).toBe(4);
    expect(rows[1]!.own_gap).toBeNull();
  });

  it('summarises counts and value at risk', async () => {
    const [s] = await query(db, churnRiskSummary(D, scope));
    // value of everyone: 10 + 18 + 80 + 80 + 15 + 200 + 0 + 16 + 18 + 24 (nobody over a year)
    expect(s).toEqual({
      customers: 10,
      at_risk: 3,
      value_at_risk: 210,
      churned: 0,
      value_churned: 0,
      total_value: 461,
      pop_gap: 10.5,
    });
  });

  it('takes k from the params and lists only customers last active in the window', async () => {
    const k3 = await query(db, churnRiskList({ ...D, k: 3 }, scope, page));
    expect(k3.map((r) => r.customer_id)).toEqual(['old']); // single 27 ≤ 31.5, returned_item 29 ≤ 31.5
    const win = await query(db, churnRiskList(D, { ...scope, from: '2024-01-01' }, page));
    expect(win.map((r) => r.customer_id)).toEqual(['single', 'returned_item']);
    expect(() => churnRiskList({ ...D, k: 0 }, scope, page)).toThrow(/k/);
  });

  it('spreads revenue over years of tenure for the yearly value', async () => {
    const edb = await openDb();
    await load(edb, {
      orders: [
        { customer_id: 'z', ts: '2022-01-01', amount: 100 },
        { customer_id: 'z', ts: '2023-01-01', amount: 100 },
      ],
    });
    const s = { asOf: '2024-01-01', from: null, filters: [] };
    // own gap 365, silence 365: not > 2 × 365; with k = 0.5: 365 > 182.5
    expect(await query(edb, churnRiskList(D, s, page))).toEqual([]);
    const [y] = await query(edb, churnRiskList({ ...D, k: 0.5 }, s, page));
    expect(y!.value).toBe(100); // 200 over 730 days = 2 years
    const [t] = await query(edb, churnRiskList({ ...D, k: 0.5, value: 'total' }, s, page));
    expect(t!.value).toBe(200);
  });

  it('keeps churned customers (silent ≥ B days) off the at-risk list and puts them on the win-back list', async () => {
    const p = { ...D, churnDays: T.churnDays }; // B = 30
    const risk = await query(db, churnRiskList(p, scope, page));
    // old: 241 days ≥ 30 → churned, no longer at risk; single 27 and returned_item 29 are < 30
    expect(risk.map((r) => r.customer_id)).toEqual(['single', 'returned_item']);
    const winback = await query(db, churnRiskList(p, scope, page, 'winback'));
    // churned = days since last ≥ 30, whatever the rhythm: old (241, value 200), edge_churn (30 days exactly,
    // own gap 32 so not overdue; value 8 + 8 = 16)
    expect(winback.map((r) => [r.customer_id, r.days_since_last, r.value])).toEqual([
      ['old', 241, 200],
      ['edge_churn', 30, 16],
    ]);
    const [s] = await query(db, churnRiskSummary(p, scope));
    expect(s).toEqual({
      customers: 10,
      at_risk: 2,
      value_at_risk: 10,
      churned: 2,
      value_churned: 216,
      total_value: 461,
      pop_gap: 10.5,
    });
    expect(() => churnRiskList(p, scope, page, 'all' as 'winback')).toThrow(/list/);
    expect(() => churnRiskList({ ...p, churnDays: 0 }, scope, page)).toThrow(/churn days/);
  });

  it('never flags one-time buyers when nobody bought twice', async () => {
    const edb = await openDb();
    await load(edb, { orders: [{ customer_id: 'a', ts: '2020-01-01', amount: 5 }] });
    const [s] = await query(edb, churnRiskSummary(D, { asOf: '2024-01-01', from: null, filters: [] }));
    expect(s).toMatchObject({ customers: 1, at_risk: 0, pop_gap: null });
  });
});
