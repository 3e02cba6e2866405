/**
 * PostHog / Amplitude lifecycle by period. Expected tables are worked out by hand from the rows
 * below (calendar checked: 2024-01-01 is a Monday, 2023-12-31 a Sunday).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type OrderFixture, type Row } from '../../helpers/duckdb';
import {
  periodLifecycle,
  periodLifecycleMembers,
  PERIOD_LIFECYCLE_DEFAULTS,
  PERIOD_STATUSES,
} from '../../../src/analysis/lifecycle/period-lifecycle';

const ORDERS: OrderFixture[] = [
  // x: new (wk 01-01), returning (01-08), dormant (01-15), resurrecting (01-22), dormant (01-29)
  { customer_id: 'x', ts: '2024-01-02 10:00:00', amount: 10 },
  { customer_id: 'x', ts: '2024-01-10 10:00:00', amount: 20 },
  { customer_id: 'x', ts: '2024-01-26 10:00:00', amount: 40 },
  // y: Sunday then Monday — two Monday weeks, one Sunday week
  { customer_id: 'y', ts: '2024-01-07 23:00:00', amount: 5 },
  { customer_id: 'y', ts: '2024-01-08 08:00:00', amount: 7 },
  // z: first bought before the window, back in the first week
  { customer_id: 'z', ts: '2023-12-20 12:00:00', amount: 100 },
  { customer_id: 'z', ts: '2024-01-03 12:00:00', amount: 3 },
];

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
/** Non-zero cells as [period, status, customers, revenue]. */
const cells = (rows: Row[]) => rows.filter((r) => r.customers !== 0).map((r) => [day(r.period), r.status, r.customers, r.revenue]);

describe('periodLifecycle', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
  });

  it('Monday weeks: new, returning, dormant, resurrecting and dormant again in turn', async () => {
    const rows = await query(
      db,
      periodLifecycle({ ...PERIOD_LIFECYCLE_DEFAULTS, unit: 'week' }, { asOf: '2024-02-05', from: '2024-01-01', filters: [] }),
    );
    expect([...new Set(rows.map((r) => day(r.period)))]).toEqual(['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']);
    expect(rows).toHaveLength(5 * PERIOD_STATUSES.length);
    expect(rows.every((r) => r.complete === true)).toBe(true);
    expect(rows.filter((r) => r.status === 'dormant').every((r) => r.sign === -1)).toBe(true);
    expect(cells(rows)).toEqual([
      ['2024-01-01', 'new', 2, 15], // x 10, y 5 (Sunday 01-07 is in the Monday week 01-01)
      ['2024-01-01', 'resurrecting', 1, 3], // z: active before (12-20), not in week 12-25, not new
      ['2024-01-08', 'returning', 2, 27], // x 20, y 7
      ['2024-01-08', 'dormant', 1, 3], // z: active the week before, not now (revenue of that week)
      ['2024-01-15', 'dormant', 2, 27],
      ['2024-01-22', 'resurrecting', 1, 40],
      ['2024-01-29', 'dormant', 1, 40],
    ]);
  });

  it('Sunday weeks put Sunday and Monday in one week and mark the running week', async () => {
    const p = { ...PERIOD_LIFECYCLE_DEFAULTS, unit: 'week' as const, weekStart: 'sunday' as const };
    const rows = await query(db, periodLifecycle(p, { asOf: '2024-02-05', from: '2024-01-01', filters: [] }));
    expect([...new Set(rows.map((r) => day(r.period)))]).toEqual([
      '2023-12-31',
      '2024-01-07',
      '2024-01-14',
      '2024-01-21',
      '2024-01-28',
      '2024-02-04',
    ]);
    expect(rows.filter((r) => day(r.period) === '2024-02-04').every((r) => r.complete === false)).toBe(true);
    expect(cells(rows)).toEqual([
      ['2023-12-31', 'new', 1, 10],
      ['2023-12-31', 'resurrecting', 1, 3],
      ['2024-01-07', 'new', 1, 12], // y: 5 + 7 in one week
      ['2024-01-07', 'returning', 1, 20],
      ['2024-01-07', 'dormant', 1, 3],
      ['2024-01-14', 'dormant', 2, 32],
      ['2024-01-21', 'resurrecting', 1, 40],
      ['2024-01-28', 'dormant', 1, 40],
    ]);
  });

  it('day periods', async () => {
    const rows = await query(
      db,
      periodLifecycle({ ...PERIOD_LIFECYCLE_DEFAULTS, unit: 'day' }, { asOf: '2024-01-11', from: '2024-01-06', filters: [] }),
    );
    expect([...new Set(rows.map((r) => day(r.period)))]).toEqual(['2024-01-06', '2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10']);
    expect(cells(rows)).toEqual([
      ['2024-01-07', 'new', 1, 5],
      ['2024-01-08', 'returning', 1, 7],
      ['2024-01-09', 'dormant', 1, 7],
      ['2024-01-10', 'resurrecting', 1, 20], // x, last active 01-02
    ]);
  });

  it('lists the members of one cell', async () => {
    const p = { ...PERIOD_LIFECYCLE_DEFAULTS, unit: 'week' as const };
    const scope = { asOf: '2024-02-05', from: '2024-01-01', filters: [] };
    const rows = await query(db, periodLifecycleMembers(p, scope, '2024-01-15', 'dormant', { limit: 10, offset: 0 }));
    expect(rows.map((r) => [r.customer_id, r.revenue])).toEqual([
      ['x', 20],
      ['y', 7],
    ]);
    // the page's columns are the CSV export's: customer data only, no helper `total`
    expect(Object.keys(rows[0]!)).toEqual(['customer_id', 'first_day', 'revenue']);
    expect(() => periodLifecycleMembers(p, scope, '2024-01-15', 'churned' as never, { limit: 10, offset: 0 })).toThrow(/invalid status/);
  });

  it('property: the positive statuses of a period add up to the customers active in it', async () => {
    const BASE = Date.UTC(2023, 0, 1);
    const date = (off: number) => new Date(BASE + off * 86_400_000).toISOString().slice(0, 10);
    const world = fc.record({
      orders: fc.array(fc.record({ c: fc.integer({ min: 0, max: 6 }), off: fc.integer({ min: 0, max: 120 }) }), { maxLength: 25 }),
      asOf: fc.integer({ min: 1, max: 130 }),
      unit: fc.constantFrom('day' as const, 'week' as const, 'month' as const),
      weekStart: fc.constantFrom('monday' as const, 'sunday' as const),
    });
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await db.run('DELETE FROM orders; DELETE FROM customers;');
        await load(db, { orders: w.orders.map((o) => ({ customer_id: `c${o.c}`, ts: `${date(o.off)} 12:00:00`, amount: 1 })) });
        const rows = await query(
          db,
          periodLifecycle(
            { ...PERIOD_LIFECYCLE_DEFAULTS, unit: w.unit, weekStart: w.weekStart },
            { asOf: date(w.asOf), from: null, filters: [] },
          ),
        );
        // independent period start in JS
        const start = (off: number) => {
          const t = new Date(BASE + off * 86_400_000);
          if (w.unit === 'day') return t.toISOString().slice(0, 10);
          if (w.unit === 'month') return `${t.toISOString().slice(0, 7)}-01`;
          const back = (t.getUTCDay() + (w.weekStart === 'monday' ? 6 : 0)) % 7;
          return new Date(t.getTime() - back * 86_400_000).toISOString().slice(0, 10);
        };
        const active = new Map<string, Set<number>>();
        for (const o of w.orders) if (o.off < w.asOf) active.set(start(o.off), (active.get(start(o.off)) ?? new Set()).add(o.c));
        const got = new Map<string, number>();
        for (const r of rows) if (r.sign === 1) got.set(day(r.period), (got.get(day(r.period)) ?? 0) + (r.customers as number));
        for (const [pd, n] of got) expect(n).toBe(active.get(pd)?.size ?? 0);
        for (const pd of active.keys()) expect(got.has(pd)).toBe(true);
      }),
      { numRuns: 40 },
    );
    await db.run('DELETE FROM orders; DELETE FROM customers;');
    await load(db, { orders: ORDERS });
  });
});
