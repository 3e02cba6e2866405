import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import {
  stageAsOf,
  stageCounts,
  stageMembers,
  suggestThresholds,
  shapeThresholds,
  STAGE_DEFAULTS,
  type StageParams,
} from '../../../src/analysis/lifecycle/stage';
import type { Scope } from '../../../src/analysis/scope';
import { ORDERS, T } from './fixture';

const P: StageParams = { ...STAGE_DEFAULTS, ...T };
const scope = (asOf: string, from: string | null = '2024-01-01'): Scope => ({ asOf, from, filters: [] });

async function stages(db: DuckDBConnection, params: StageParams, s: Scope, asOf?: string) {
  const rows = await query(db, stageAsOf(params, s, asOf));
  return Object.fromEntries(rows.map((r) => [r.customer_id as string, r.stage as string]));
}

describe('stageAsOf', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, {
      orders: ORDERS,
      customers: [
        { customer_id: 'single', region: 'north' },
        { customer_id: 'back', region: 'north' },
      ],
    });
  });

  it('classifies every customer as of 2024-02-01 (N = A = 10, B = 30)', async () => {
    // d − N = d − A = 2024-01-22; dormant: last in 2024-01-03 … 01-21; churned: last ≤ 2024-01-02.
    expect(await stages(db, P, scope('2024-02-01'))).toEqual({
      single: 'dormant', // last 01-05: 27 days
      multi_day: 'new', // first 01-25
      regular: 'active', // first in window 01-22 after 01-12: gap 10, not > 10
      back: 'reactivated', // 01-28 after 2023-11-01 (history before the window start is used)
      boundary: 'new', // first 01-22 23:59 = d − N
      old: 'churned',
      returned_item: 'dormant', // the 01-30 return is not activity; last 01-03: 29 days
      edge_churn: 'churned', // last 01-02: exactly 30 days
      edge_dorm: 'dormant', // last 01-21: 11 days
      gap11: 'reactivated', // 01-22 after 01-11: gap 11 > 10
    });
  });

  it('classifies as of 2024-01-15 and ignores later orders', async () => {
    // d − N = d − A = 2024-01-05; churned: last ≤ 2023-12-16.
    expect(await stages(db, P, scope('2024-03-01'), '2024-01-15')).toEqual({
      single: 'new', // first 01-05 = d − N
      regular: 'active', // 01-12 after 01-02: gap 10
      back: 'churned', // only 2023-11-01 so far
      old: 'churned',
      returned_item: 'dormant', // 01-03: 12 days
      edge_churn: 'dormant', // 01-02: 13 days
      edge_dorm: 'dormant', // 2023-12-20: 26 days
      gap11: 'new', // first 01-11
    });
  });

  it('has no customers before the first order', async () => {
    expect(await stages(db, P, scope('2023-06-01', null))).toEqual({});
    expect(await stages(db, P, scope('2023-06-02', null))).toEqual({ old: 'new' });
  });

  it('counts per stage in display order with net revenue', async () => {
    const rows = await query(db, stageCounts(P, scope('2024-02-01')));
    expect(rows).toEqual([
      { stage: 'new', customers: 2, revenue: 33 }, // multi_day 18 + boundary 15
      { stage: 'active', customers: 1, revenue: 80 },
      { stage: 'reactivated', customers: 2, revenue: 104 }, // back 80 + gap11 24
      { stage: 'dormant', customers: 3, revenue: 28 }, // single 10 + returned_item 25 − 25 + edge_dorm 18
      { stage: 'churned', customers: 2, revenue: 216 }, // old 200 + edge_churn 16
    ]);
  });

  it('pages the members of one stage, most recent first', async () => {
    const q = (offset: number) => query(db, stageMembers(P, scope('2024-02-01'), 'dormant', { limit: 2, offset }));
    // dormant: edge_dorm (last 01-21), single (01-05), returned_item (01-03)
    expect((await q(0)).map((r) => [r.customer_id, r.days_since_last])).toEqual([
      ['edge_dorm', 11],
      ['single', 27],
    ]);
    expect((await q(2)).map((r) => r.customer_id)).toEqual(['returned_item']);
  });

  it('keeps attribute filters on the look-back', async () => {
    const s: Scope = { asOf: '2024-02-01', from: '2024-01-15', filters: [{ field: 'region', values: ['north'] }] };
    expect(await stages(db, P, s)).toEqual({ single: 'dormant', back: 'reactivated' });
  });

  it('can take activity from events', async () => {
    const edb = await openDb();
    await load(edb, {
      orders: [{ customer_id: 'x', ts: '2024-01-20', amount: 10 }],
      events: [
        { customer_id: 'x', ts: '2023-12-01', event_type: 'view' },
        { customer_id: 'x', ts: '2024-01-25', event_type: 'share' }, // not a counting type
        { customer_id: 'y', ts: '2024-01-28', event_type: 'cart' },
      ],
    });
    const p: StageParams = { ...P, source: 'events', eventTypes: ['view', 'cart'] };
    // x: only 2023-12-01 counts → 62 days → churned; revenue still comes from orders
    const rows = await query(edb, stageAsOf(p, scope('2024-02-01')));
    expect(rows.map((r) => [r.customer_id, r.stage, r.revenue]).sort()).toEqual([
      ['x', 'churned', 10],
      ['y', 'new', 0],
    ]);
  });

  it('suggests thresholds from the gaps of repeat buyers', async () => {
    // gaps: regular 10,10,7; back 88; old 4; edge_churn 32; edge_dorm 32; gap11 11 → 4,7,10,10,11,32,32,88
    const [row] = await query(db, suggestThresholds(scope('2024-03-01')));
    expect(row).toMatchObject({
      gaps: 8,
      repeat_customers: 6,
      median_gap: 10.5,
      p80_gap: 32,
      new_days: 32,
      active_days: 32,
      churn_days: 64,
    });
    expect(row!.p95_gap as number).toBeCloseTo(68.4, 9); // 32 + 0.65 × 56
    expect(shapeThresholds(row!)).toEqual({ newDays: 32, activeDays: 32, churnDays: 64 });
  });

  it('falls back without repeat buyers and clamps short gaps to 7 days', async () => {
    const [none] = await query(db, suggestThresholds(scope('2023-06-03', null))); // old: one day so far
    expect(none).toMatchObject({ gaps: 0, active_days: 90, new_days: 90, churn_days: 180 });
    const edb = await openDb();
    await load(edb, {
      orders: [
        { customer_id: 'a', ts: '2024-01-01', amount: 1 },
        { customer_id: 'a', ts: '2024-01-03', amount: 1 },
      ],
    });
    const [short] = await query(edb, suggestThresholds(scope('2024-02-01')));
    expect(short).toMatchObject({ gaps: 1, median_gap: 2, active_days: 7, churn_days: 14 });
  });

  it('rejects bad thresholds', () => {
    expect(() => stageAsOf({ ...P, churnDays: 10 }, scope('2024-02-01'))).toThrow(/churn days/);
    expect(() => stageAsOf({ ...P, newDays: 1.5 }, scope('2024-02-01'))).toThrow(/new days/);
    expect(() => stageAsOf(P, scope('2024-02-30'))).toThrow(/as-of/);
  });
});
