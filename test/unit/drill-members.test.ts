/**
 * Uniform drill-down: for every cell of the transition and migration matrices, every bar of the
 * stages-over-time chart and every bar of the repurchase charts, the members SQL lists exactly
 * the customers the chart counts there (same count; the ids named below are worked out by hand
 * from the lifecycle fixture, see the comments in the lifecycle tests it shares).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../helpers/duckdb';
import { sql } from '../../src/lib/sql';
import { scopedOrders, type Scope } from '../../src/analysis/scope';
import type { ModelContext, SegmentModel } from '../../src/analysis/types';
import { STAGE_DEFAULTS } from '../../src/analysis/lifecycle/stage';
import { migrationMembers, segmentMigration, stageTransitions, transitionMembers } from '../../src/analysis/lifecycle/transitions';
import { flowMembers, stagesOverTime, FLOW_DEFAULTS, type FlowKey } from '../../src/analysis/lifecycle/stages-over-time';
import {
  gapMembers,
  repurchaseMembers,
  repurchaseRates,
  timeToSecondOrder,
  REPURCHASE_DEFAULTS,
} from '../../src/analysis/lifecycle/repurchase';
import { ORDERS, T } from './lifecycle/fixture';

const ALL = { limit: 1_000_000, offset: 0 };
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? null : String(v));
const ids = (rows: Record<string, unknown>[]) => rows.map((r) => String(r.customer_id)).sort();

/** The toy model of the transitions test, on a base that has the member list's columns. */
const toy: SegmentModel<{ min: number }> = {
  id: 'toy',
  universe: 'buyers',
  defaults: { min: 20 },
  segments: () => [],
  assign: (p, ctx) => sql`SELECT customer_id, CASE WHEN revenue >= ${p.min} THEN 'big' ELSE 'small' END AS segment FROM ${ctx.base} b`,
};
const ctx = (scope: Scope): ModelContext => ({
  scope,
  base: sql`(SELECT customer_id, count(*) AS orders, sum(amount) AS revenue, 0 AS recency_days FROM (${scopedOrders(scope)}) o GROUP BY customer_id)`,
});

describe('drill-down members equal the counts they open', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });

  it('every transition-matrix cell', async () => {
    const p = { ...STAGE_DEFAULTS, ...T };
    const scope: Scope = { asOf: '2024-02-01', from: '2024-01-01', filters: [] };
    const cells = await query(db, stageTransitions(p, scope, '2024-01-15', '2024-02-01'));
    expect(cells.length).toBe(8);
    for (const c of cells) {
      const cell = { date1: '2024-01-15', date2: '2024-02-01', from: String(c.from_stage), to: String(c.to_stage) };
      const m = await query(db, transitionMembers(p, scope, cell, ALL));
      expect(m.length, `${cell.from}→${cell.to}`).toBe(Number(c.customers));
      expect(m.reduce((s, r) => s + Number(r.revenue), 0)).toBeCloseTo(Number(c.revenue), 2);
    }
    const dd = await query(
      db,
      transitionMembers(p, scope, { date1: '2024-01-15', date2: '2024-02-01', from: 'dormant', to: 'dormant' }, ALL),
    );
    expect(ids(dd)).toEqual(['edge_dorm', 'returned_item']);
    expect(() => transitionMembers(p, scope, { date1: '2024-01-15', date2: '2024-02-01', from: 'x', to: 'new' }, ALL)).toThrow(/stage/);
  });

  it('every migration cell (with not_yet and gone)', async () => {
    const c1 = ctx({ asOf: '2024-01-15', from: null, filters: [] });
    const c2 = ctx({ asOf: '2024-02-01', from: '2024-01-15', filters: [] });
    const cells = await query(db, segmentMigration(toy, toy.defaults, c1, c2));
    expect(cells.length).toBe(6);
    for (const c of cells) {
      const cell = { from: String(c.from_segment), to: String(c.to_segment) };
      const m = await query(db, migrationMembers(toy, toy.defaults, c1, c2, cell, ALL));
      expect(m.length, `${cell.from}→${cell.to}`).toBe(Number(c.customers));
    }
    // big before 01-15 and no order since: old (gone)
    expect(ids(await query(db, migrationMembers(toy, toy.defaults, c1, c2, { from: 'big', to: 'gone' }, ALL)))).toEqual(['old']);
    // new in the window, small: multi_day 18, boundary 15
    expect(ids(await query(db, migrationMembers(toy, toy.defaults, c1, c2, { from: 'not_yet', to: 'small' }, ALL)))).toEqual([
      'boundary',
      'multi_day',
    ]);
  });

  it('every bar of the stages-over-time chart', async () => {
    const p = { ...FLOW_DEFAULTS, ...T, unit: 'month' as const };
    const scope: Scope = { asOf: '2024-02-01', from: '2023-12-01', filters: [] };
    const bars = await query(db, stagesOverTime(p, scope));
    expect(bars.length).toBe(10);
    for (const b of bars) {
      const m = await query(db, flowMembers(p, scope, day(b.period)!, b.stage as FlowKey, ALL));
      expect(m.length, `${day(b.period)} ${String(b.stage)}`).toBe(Number(b.customers));
      expect(m.reduce((s, r) => s + Number(r.revenue), 0)).toBeCloseTo(Number(b.revenue), 2);
    }
    // January churned: edge_churn (01-31) and edge_dorm (01-18)
    expect(ids(await query(db, flowMembers(p, scope, '2024-01-01', 'churned', ALL)))).toEqual(['edge_churn', 'edge_dorm']);
    // a period before the window is no bar: no members
    expect(await query(db, flowMembers(p, scope, '2023-11-01', 'new', ALL))).toEqual([]);
    expect(() => flowMembers(p, scope, '2024-01-01', 'gone' as FlowKey, ALL)).toThrow(/flow/);
  });

  it('every bar of the repurchase rates (total and per cohort) and of the time-to-second-order histogram', async () => {
    const p = { ...REPURCHASE_DEFAULTS, windows: [10, 30], buckets: [7, 14, 30] };
    const scope: Scope = { asOf: '2024-03-01', from: '2023-11-01', filters: [] };
    const rates = await query(db, repurchaseRates(p, scope));
    for (const r of rates) {
      const bar = { window: Number(r.window_days), cohort: r.is_total ? null : day(r.cohort) };
      const m = await query(db, repurchaseMembers(p, scope, bar, ALL));
      expect(m.length, JSON.stringify(bar)).toBe(Number(r.repeaters));
    }
    // within 30 days: regular (gap 10), gap11 (gap 11)
    expect(ids(await query(db, repurchaseMembers(p, scope, { window: 30, cohort: null }, ALL)))).toEqual(['gap11', 'regular']);
    const gaps = await query(db, timeToSecondOrder(p, scope));
    for (const g of gaps) {
      const bucket = g.bucket === null ? null : Number(g.bucket);
      const m = await query(db, gapMembers(p, scope, bucket, ALL));
      expect(m.length, `bucket ${String(bucket)}`).toBe(Number(g.customers));
    }
    // over 30 days: back 88, edge_churn 32, edge_dorm 32
    expect(ids(await query(db, gapMembers(p, scope, 3, ALL)))).toEqual(['back', 'edge_churn', 'edge_dorm']);
    expect(() => gapMembers(p, scope, 4, ALL)).toThrow(/bucket/);
  });
});
