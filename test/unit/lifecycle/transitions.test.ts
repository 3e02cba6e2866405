import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import { inline, raw, sql } from '../../../src/lib/sql';
import { filtersKey, scopedOrders, type Scope } from '../../../src/analysis/scope';
import { activityDays, customerActivity, dayGaps, lookback, DEFAULT_ACTIVITY } from '../../../src/analysis/lifecycle/activity';
import type { ModelContext, SegmentModel } from '../../../src/analysis/types';
import { stageTransitions, stagesWithTransitions, segmentMigration } from '../../../src/analysis/lifecycle/transitions';
import { STAGE_DEFAULTS, stageCounts } from '../../../src/analysis/lifecycle/stage';
import { ORDERS, T } from './fixture';

/** A toy model: big when net revenue in scope ≥ `min`, read from the customer-base relation. */
const toy: SegmentModel<{ min: number }> = {
  id: 'toy',
  universe: 'buyers',
  defaults: { min: 20 },
  segments: () => [
    { key: 'big', label: 'big', color: '#000' },
    { key: 'small', label: 'small', color: '#999' },
  ],
  assign: (p, ctx) => sql`SELECT customer_id, CASE WHEN revenue >= ${p.min} THEN 'big' ELSE 'small' END AS segment FROM ${ctx.base} b`,
};
const base = (scope: Scope) => sql`(SELECT customer_id, sum(amount) AS revenue FROM (${scopedOrders(scope)}) o GROUP BY customer_id)`;
const ctx = (scope: Scope): ModelContext => ({ scope, base: base(scope) });

describe('transitions', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });

  it('counts stage transitions between two dates', async () => {
    const q = stageTransitions(
      { ...STAGE_DEFAULTS, ...T },
      { asOf: '2024-02-01', from: '2024-01-01', filters: [] },
      '2024-01-15',
      '2024-02-01',
    );
    const rows = await query(db, q);
    // stages from the stage test: 01-15 → 02-01
    expect(rows.map((r) => [r.from_stage, r.to_stage, r.customers])).toEqual([
      ['not_yet', 'new', 2], // multi_day, boundary
      ['new', 'reactivated', 1], // gap11
      ['new', 'dormant', 1], // single
      ['active', 'active', 1], // regular
      ['dormant', 'dormant', 2], // returned_item, edge_dorm
      ['dormant', 'churned', 1], // edge_churn
      ['churned', 'reactivated', 1], // back
      ['churned', 'churned', 1], // old
    ]);
    expect(rows[0]!.revenue).toBe(33); // 18 + 15
    expect(rows[4]!.revenue).toBe(18); // returned_item 25 − 25 + edge_dorm 9 + 9
  });

  it('refuses dates out of order', () => {
    const s: Scope = { asOf: '2024-02-01', from: null, filters: [] };
    expect(() => stageTransitions({ ...STAGE_DEFAULTS, ...T }, s, '2024-02-01', '2024-01-15')).toThrow(/dates/);
  });

  it('counts segment migration of any model, with not_yet and gone', async () => {
    const c1 = ctx({ asOf: '2024-01-15', from: null, filters: [] });
    const c2 = ctx({ asOf: '2024-02-01', from: '2024-01-15', filters: [] });
    const rows = await query(db, segmentMigration(toy, toy.defaults, c1, c2));
    // before 01-15: big regular 40, back 50, old 200, returned_item 25; small single 10, edge_churn 16, edge_dorm 9, gap11 12
    // 01-15…01-31: big regular 40, back 30; small multi_day 18, boundary 15, returned_item −25, edge_dorm 9, gap11 12
    expect(rows.map((r) => [r.from_segment, r.to_segment, r.customers])).toEqual([
      ['big', 'big', 2],
      ['big', 'gone', 1],
      ['big', 'small', 1],
      ['not_yet', 'small', 2],
      ['small', 'gone', 2],
      ['small', 'small', 2],
    ]);
  });
});

describe('transitions at the summaries’ own date (one pass for both dates)', () => {
  it('counts as the two stage lists joined, a guest (no customer id) included', async () => {
    const db = await openDb();
    const guest = [
      { customer_id: null, ts: '2023-12-20', amount: 5, channel: 'web', category: 'toys' },
      { customer_id: null, ts: '2024-01-25', amount: 7, channel: 'web', category: 'toys' },
    ] satisfies typeof ORDERS;
    await load(db, { orders: [...ORDERS, ...guest] });
    const scope: Scope = { asOf: '2024-02-01', from: null, filters: [] };
    const plain = { ...DEFAULT_ACTIVITY };
    await query(db, `CREATE TABLE a AS ${inline(activityDays(plain, lookback(scope)))}`);
    const withAct = { table: raw('a'), asOf: scope.asOf, filters: filtersKey(scope) };
    await query(db, `CREATE TABLE d AS ${inline(dayGaps({ ...plain, cached: withAct }, lookback(scope)))}`);
    await query(db, `CREATE TABLE c AS ${inline(customerActivity({ ...plain, cached: { ...withAct, days: raw('d') } }, lookback(scope)))}`);
    const cached = { ...plain, cached: { ...withAct, days: raw('d'), customers: raw('c') } };
    for (const date1 of ['2023-12-25', '2024-01-15', '2024-01-31']) {
      const one = stageTransitions({ ...cached, ...T }, scope, date1, '2024-02-01');
      expect(one.text).not.toMatch(/\bstage\b.*LEFT JOIN.*USING/s);
      const rows = await query(db, one);
      expect(rows).toEqual(await query(db, stageTransitions({ ...plain, ...T }, scope, date1, '2024-02-01')));
      expect(rows.length).toBeGreaterThan(2);
    }
  });
});

describe('stage counts and transitions in one statement (the page’s default request)', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });

  /** The summaries the worker keeps for `scope` (as `lifecycle-tables.ts` builds them). */
  async function summaries(scope: Scope, n: number) {
    const plain = { ...DEFAULT_ACTIVITY };
    const withAct = { table: raw(`d${n}`), asOf: scope.asOf, filters: filtersKey(scope) };
    await query(db, `CREATE TABLE d${n} AS ${inline(dayGaps(plain, lookback(scope)))}`);
    const days = { ...withAct, days: raw(`d${n}`) };
    await query(db, `CREATE TABLE c${n} AS ${inline(customerActivity({ ...plain, cached: days }, lookback(scope)))}`);
    return { ...plain, cached: { ...days, customers: raw(`c${n}`) } };
  }

  const scopes: Scope[] = [
    { asOf: '2024-02-01', from: null, filters: [] },
    { asOf: '2024-03-01', from: '2024-01-15', filters: [{ field: 'channel', values: ['web', 'app'] }] },
  ];

  it.each(scopes.map((s, i) => [i, s] as const))('answers as stageCounts and stageTransitions apart (scope %i)', async (i, scope) => {
    const cached = await summaries(scope, i);
    for (const params of [{ ...DEFAULT_ACTIVITY }, cached]) {
      for (const date1 of ['2023-12-25', '2024-01-15', '2024-01-31']) {
        const rows = await query(db, stagesWithTransitions({ ...params, ...T }, scope, date1));
        const stages = rows.filter((r) => r.is_stage).map((r) => ({ stage: r.to_stage, customers: r.customers, revenue: r.revenue }));
        const cells = rows
          .filter((r) => !r.is_stage)
          .map((r) => ({ from_stage: r.from_stage, to_stage: r.to_stage, customers: r.customers, revenue: r.revenue }));
        expect(stages).toEqual(await query(db, stageCounts({ ...params, ...T }, scope)));
        expect(cells).toEqual(await query(db, stageTransitions({ ...params, ...T }, scope, date1, scope.asOf)));
        // every stage is listed (zeros included) before the first cell, and the fixture has customers in several
        expect(rows.slice(0, 5).every((r) => r.is_stage)).toBe(true);
        expect(stages.filter((r) => Number(r.customers) > 0).length).toBeGreaterThan(1);
        expect(cells.length).toBeGreaterThan(1);
      }
    }
  });
});
