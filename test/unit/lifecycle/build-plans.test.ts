/**
 * The plans of the Lifecycle page's table builds (`workers/lifecycle-tables.ts`): `life_days` sorts
 * the activity once for its gaps, next days and 365-day revenue (it sorted twice: one window for the
 * 365-day frame, another for the gaps), takes the previous and next active day by `lag`/`lead`
 * skipping NULLs (a running max/min over the rows before/after kept a segment tree), straight from the grouping of the orders (no customer × day
 * table between); `life_customers` and `life_periods` are one grouping of it each (no join, no window).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import { ORDERS } from './fixture';
import { inline, raw, type Sql } from '../../../src/lib/sql';
import {
  activeDays,
  activityDays,
  customerActivity,
  dayGaps,
  lookback,
  periodStart,
  periodTable,
  DEFAULT_ACTIVITY,
  type PeriodUnit,
  type WeekStart,
} from '../../../src/analysis/lifecycle/activity';
import { filtersKey, type Scope } from '../../../src/analysis/scope';

const scope: Scope = { asOf: '2024-02-01', from: null, filters: [] };

describe('lifecycle build plans', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, {
      orders: [
        ...ORDERS,
        // 364 and 365 days apart (the 365-day revenue's edge), a return-only day between them
        { customer_id: 'year', ts: '2023-01-01', amount: 1, channel: 'web', category: 'toys' },
        { customer_id: 'year', ts: '2023-06-01', amount: -4, channel: 'web', category: 'toys', is_return: true },
        { customer_id: 'year', ts: '2023-12-31', amount: 10, channel: 'web', category: 'toys' },
        { customer_id: 'year', ts: '2024-01-01', amount: 100, channel: 'web', category: 'toys' },
      ],
    });
    await db.run(`CREATE TABLE act AS ${inline(activityDays(DEFAULT_ACTIVITY, lookback(scope)))}`);
  });

  /** The physical operators of a statement's plan, by name. */
  async function operators(q: Sql): Promise<string[]> {
    const [row] = await query(db, `EXPLAIN ${inline(q)}`);
    return [...String(row?.explain_value).matchAll(/│\s*([A-Z_]+(?: [A-Z_]+)*)\s*│/g)].map((m) => m[1]!);
  }

  it('life_days: one window operator (one sort of the customer-days)', async () => {
    const cached = { ...DEFAULT_ACTIVITY, cached: { table: raw('act'), asOf: scope.asOf, filters: filtersKey(scope) } };
    const ops = await operators(activeDays(cached, lookback(scope)));
    expect(ops).toContain('SEQ_SCAN');
    expect(ops.filter((o) => o === 'WINDOW')).toEqual(['WINDOW']);
  });

  it('life_days: previous and next active day by lag/lead over the active days, not a running max/min over a frame', async () => {
    const [row] = await query(db, `EXPLAIN ${inline(dayGaps(DEFAULT_ACTIVITY, lookback(scope)))}`);
    // the WINDOW box's projections, one string (the plan wraps them over lines inside │ … │)
    const box = /WINDOW[\s\S]*?└/.exec(String(row?.explain_value))?.[0] ?? '';
    const text = box
      .split('\n')
      .map((l) => l.replace(/^[\s│]+|[\s│]+$/g, ''))
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(text).toMatch(/LAG\(CASE WHEN \(active\) THEN \(day\) ELSE NULL END IGNORE NULLS\)/);
    expect(text).toMatch(/LEAD\(CASE WHEN \(active\) THEN \(day\) ELSE NULL END IGNORE NULLS\)/);
    expect(text).not.toMatch(/1 PRECEDING|1 FOLLOWING/);
  });

  it('life_days: the same rows as a direct computation (previous and next active day, revenue of the 365 days up to the day)', async () => {
    const cached = { ...DEFAULT_ACTIVITY, cached: { table: raw('act'), asOf: scope.asOf, filters: filtersKey(scope) } };
    const got = await query(db, `SELECT * FROM (${inline(activeDays(cached, lookback(scope)))}) ORDER BY customer_id, day`);
    const direct = await query(
      db,
      `SELECT customer_id, day,
        day - (SELECT max(b.day) FROM act b WHERE b.customer_id = a.customer_id AND b.active AND b.day < a.day) AS gap,
        (SELECT min(b.day) FROM act b WHERE b.customer_id = a.customer_id AND b.active AND b.day > a.day) AS next_day,
        (SELECT sum(b.revenue) FROM act b WHERE b.customer_id = a.customer_id AND b.day BETWEEN a.day - 364 AND a.day) AS rev365
      FROM act a WHERE active ORDER BY customer_id, day`,
    );
    expect(got).toEqual(direct);
    expect(got.filter((r) => r.customer_id === 'year').map((r) => r.rev365)).toEqual([1, 7, 106]);
  });

  it('life_days from the orders: one grouping feeding one window, every activity row kept with its active flag', async () => {
    const ops = await operators(dayGaps(DEFAULT_ACTIVITY, lookback(scope)));
    expect(ops.filter((o) => o === 'WINDOW')).toEqual(['WINDOW']);
    expect(ops.filter((o) => o === 'HASH_GROUP_BY')).toEqual(['HASH_GROUP_BY']);
    const [n] = await query(
      db,
      `SELECT count(*) AS n, count(*) FILTER (WHERE NOT active) AS inactive FROM (${inline(dayGaps(DEFAULT_ACTIVITY, lookback(scope)))})`,
    );
    const [m] = await query(db, `SELECT count(*) AS n, count(*) FILTER (WHERE NOT active) AS inactive FROM act`);
    expect(n).toEqual(m);
    expect(Number(m!.inactive)).toBeGreaterThan(0);
  });

  const kept = () => ({
    ...DEFAULT_ACTIVITY,
    cached: { table: raw('gaps_all'), days: raw('gaps_all'), asOf: scope.asOf, filters: filtersKey(scope) },
  });

  it('life_customers: one grouping of life_days, no join', async () => {
    await db.run(`CREATE OR REPLACE TABLE gaps_all AS ${inline(dayGaps(DEFAULT_ACTIVITY, lookback(scope)))}`);
    const ops = await operators(customerActivity(kept(), lookback(scope)));
    expect(ops.filter((o) => o.includes('GROUP_BY'))).toHaveLength(1);
    expect(ops.filter((o) => o.includes('JOIN') || o === 'WINDOW')).toEqual([]);
  });

  it.each([
    ['month', 'monday'],
    ['week', 'monday'],
    ['week', 'sunday'],
    ['day', 'monday'],
  ] as [PeriodUnit, WeekStart][])(
    'life_periods (%s, %s): prev_day lies in the previous active period, as a window over the periods gives',
    async (unit, weekStart) => {
      await db.run(`CREATE OR REPLACE TABLE gaps_all AS ${inline(dayGaps(DEFAULT_ACTIVITY, lookback(scope)))}`);
      const ps = inline(periodStart(unit, raw('prev_day'), weekStart));
      const got = await query(
        db,
        `SELECT customer_id, period, ${ps} AS prev FROM (${inline(periodTable(kept(), lookback(scope), unit, weekStart))}) WHERE active ORDER BY customer_id, period`,
      );
      const pd = inline(periodStart(unit, raw('day'), weekStart));
      const direct = await query(
        db,
        `SELECT customer_id, period, lag(period) OVER (PARTITION BY customer_id ORDER BY period) AS prev
        FROM (SELECT DISTINCT customer_id, ${pd} AS period FROM act WHERE active) ORDER BY customer_id, period`,
      );
      expect(got).toEqual(direct);
      expect(got.filter((r) => r.prev !== null).length).toBeGreaterThan(0);
    },
  );
});
