/**
 * Retention options: recurring against first-activity cohorts, separate start and return events,
 * day periods. Expected values worked out by hand from the rows below (month periods, as of
 * 2024-04-01, so January's period 2 (March) is the last complete one).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type OrderFixture, type EventFixture, type Row } from '../../helpers/duckdb';
import { cohortRetention, cohortMembers, COHORT_DEFAULTS, type CohortParams } from '../../../src/analysis/lifecycle/cohorts';

const ORDERS: OrderFixture[] = [
  { customer_id: 'a', ts: '2024-01-05', amount: 10 },
  { customer_id: 'a', ts: '2024-02-10', amount: 10 },
  { customer_id: 'a', ts: '2024-02-20', amount: 10 },
  { customer_id: 'a', ts: '2024-03-15', amount: 10 },
  { customer_id: 'b', ts: '2024-01-20', amount: 20 },
  { customer_id: 'b', ts: '2024-03-02', amount: 20 },
  { customer_id: 'c', ts: '2024-02-01', amount: 30 },
  { customer_id: 'd', ts: '2024-03-01', amount: 1 },
  { customer_id: 'd', ts: '2024-03-02', amount: 1 },
  { customer_id: 'd', ts: '2024-03-04', amount: 1 },
];
const EVENTS: EventFixture[] = [
  { customer_id: 'a', ts: '2024-02-03 09:00:00', event_type: 'view' },
  { customer_id: 'b', ts: '2024-01-25 09:00:00', event_type: 'view' },
  { customer_id: 'b', ts: '2024-03-10 09:00:00', event_type: 'view' },
  // before c's first order: not a return (period −1)
  { customer_id: 'c', ts: '2024-01-15 09:00:00', event_type: 'view' },
];

const P: CohortParams = { ...COHORT_DEFAULTS, unit: 'month', periods: 2 };
const SCOPE = { asOf: '2024-04-01', from: null, filters: [] };
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? null : String(v));
/** [cohort, period, size, customers, rolling] of the cohort rows. */
const grid = (rows: Row[]) =>
  rows.filter((r) => !r.is_average).map((r) => [day(r.cohort), r.period, r.cohort_size, r.customers, r.rolling_customers]);

describe('cohort options', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS, events: EVENTS });
  });

  it('first-activity cohorts (unchanged default)', async () => {
    expect(grid(await query(db, cohortRetention(P, SCOPE)))).toEqual([
      ['2024-01-01', 0, 2, 2, 2], // a, b
      ['2024-01-01', 1, 2, 1, 2], // a in Feb; rolling: a (Mar), b (Mar)
      ['2024-01-01', 2, 2, 2, 2], // a, b in March
      ['2024-02-01', 0, 1, 1, 1], // c
      ['2024-02-01', 1, 1, 0, 0], // complete, shown as 0
      ['2024-02-01', 2, 1, null, null], // ends 05-01: incomplete
      ['2024-03-01', 0, 1, 1, 1], // d
      ['2024-03-01', 1, 1, null, null],
      ['2024-03-01', 2, 1, null, null],
    ]);
  });

  it('recurring cohorts: a customer is in every period in which they start', async () => {
    const rows = await query(db, cohortRetention({ ...P, cohortKind: 'recurring' }, SCOPE));
    expect(grid(rows)).toEqual([
      ['2024-01-01', 0, 2, 2, 2], // a, b
      ['2024-01-01', 1, 2, 1, 2],
      ['2024-01-01', 2, 2, 2, 2],
      ['2024-02-01', 0, 2, 2, 2], // a (again), c
      ['2024-02-01', 1, 2, 1, 1], // a in March
      ['2024-02-01', 2, 2, null, null],
      ['2024-03-01', 0, 3, 3, 3], // a, b, d
      ['2024-03-01', 1, 3, null, null],
      ['2024-03-01', 2, 3, null, null],
    ]);
    const members = await query(db, cohortMembers({ ...P, cohortKind: 'recurring' }, SCOPE, '2024-02-01', 1, { limit: 10, offset: 0 }));
    expect(members.map((r) => [r.customer_id, day(r.first_day), r.revenue])).toEqual([['a', '2024-02-10', 10]]);
  });

  it('separate start (orders) and return (views) events', async () => {
    const p = { ...P, startEvent: 'orders' as const, returnEvent: 'view' as const };
    expect(grid(await query(db, cohortRetention(p, SCOPE)))).toEqual([
      ['2024-01-01', 0, 2, 1, 2], // b viewed in January; rolling: a (Feb), b (Mar)
      ['2024-01-01', 1, 2, 1, 2], // a viewed in February; rolling: a (Feb), b (Mar)
      ['2024-01-01', 2, 2, 1, 1], // b viewed in March
      ['2024-02-01', 0, 1, 0, 0], // c's January view is before its cohort
      ['2024-02-01', 1, 1, 0, 0],
      ['2024-02-01', 2, 1, null, null],
      ['2024-03-01', 0, 1, 0, 0], // d never viewed
      ['2024-03-01', 1, 1, null, null],
      ['2024-03-01', 2, 1, null, null],
    ]);
    expect(() => cohortRetention({ ...P, returnEvent: 'swipe' as never }, SCOPE)).toThrow(/invalid event: swipe/);
  });

  it('day cohorts', async () => {
    const rows = await query(
      db,
      cohortRetention({ ...P, unit: 'day', periods: 3 }, { asOf: '2024-03-05', from: '2024-03-01', filters: [] }),
    );
    expect(grid(rows)).toEqual([
      ['2024-03-01', 0, 1, 1, 1], // d
      ['2024-03-01', 1, 1, 1, 1],
      ['2024-03-01', 2, 1, 0, 1],
      ['2024-03-01', 3, 1, 1, 1], // ends 03-05 = as-of: complete
    ]);
  });

  it('recurring: a window starting mid-period keeps a customer whose start day in that period is inside it', async () => {
    // found by the property below (shrunk): orders on Jan 1 and Jan 2, window from Jan 2, months
    await db.run('DELETE FROM orders; DELETE FROM events; DELETE FROM customers;');
    await load(db, {
      orders: [
        { customer_id: 'c0', ts: '2023-01-02', amount: 1 },
        { customer_id: 'c0', ts: '2023-01-01', amount: 1 },
      ],
    });
    const rows = await query(
      db,
      cohortRetention(
        { ...P, unit: 'month', periods: 1, cohortKind: 'recurring' },
        { asOf: '2023-01-03', from: '2023-01-02', filters: [] },
      ),
    );
    expect(rows.filter((r) => !r.is_average && r.period === 0).map((r) => [day(r.cohort), r.cohort_size])).toEqual([['2023-01-01', 1]]);
    await db.run('DELETE FROM orders; DELETE FROM events; DELETE FROM customers;');
    await load(db, { orders: ORDERS, events: EVENTS });
  });

  it('property: recurring cohort sizes add up to the start-event customers of each period', async () => {
    const BASE = Date.UTC(2023, 0, 1);
    const date = (off: number) => new Date(BASE + off * 86_400_000).toISOString().slice(0, 10);
    const world = fc.record({
      orders: fc.array(fc.record({ c: fc.integer({ min: 0, max: 6 }), off: fc.integer({ min: 0, max: 200 }) }), { maxLength: 25 }),
      asOf: fc.integer({ min: 1, max: 210 }),
      from: fc.integer({ min: 0, max: 209 }),
      unit: fc.constantFrom('day' as const, 'week' as const, 'month' as const),
    });
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await db.run('DELETE FROM orders; DELETE FROM events; DELETE FROM customers;');
        await load(db, { orders: w.orders.map((o) => ({ customer_id: `c${o.c}`, ts: date(o.off), amount: 1 })) });
        const from = Math.min(w.from, w.asOf - 1);
        const rows = await query(
          db,
          cohortRetention(
            { ...P, unit: w.unit, periods: 1, cohortKind: 'recurring' },
            { asOf: date(w.asOf), from: date(from), filters: [] },
          ),
        );
        const start = (off: number) => {
          const t = new Date(BASE + off * 86_400_000);
          if (w.unit === 'day') return t.toISOString().slice(0, 10);
          if (w.unit === 'month') return `${t.toISOString().slice(0, 7)}-01`;
          return new Date(t.getTime() - ((t.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
        };
        const pairs = new Map<string, Set<number>>();
        for (const o of w.orders)
          if (o.off >= from && o.off < w.asOf) pairs.set(start(o.off), (pairs.get(start(o.off)) ?? new Set()).add(o.c));
        const got = new Map(rows.filter((r) => !r.is_average && r.period === 0).map((r) => [day(r.cohort), r.cohort_size]));
        expect(got).toEqual(new Map([...pairs].map(([k, s]) => [k, s.size])));
      }),
      { numRuns: 40 },
    );
    await db.run('DELETE FROM orders; DELETE FROM events; DELETE FROM customers;');
    await load(db, { orders: ORDERS, events: EVENTS });
  });
});
