import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type OrderFixture } from '../../helpers/duckdb';
import { stageCounts, STAGE_DEFAULTS } from '../../../src/analysis/lifecycle/stage';
import { cohortRetention, COHORT_DEFAULTS } from '../../../src/analysis/lifecycle/cohorts';
import { stagesOverTime, FLOW_DEFAULTS } from '../../../src/analysis/lifecycle/stages-over-time';
import type { Scope } from '../../../src/analysis/scope';

const BASE = Date.UTC(2023, 0, 1);
const date = (off: number) => new Date(BASE + off * 86_400_000).toISOString().slice(0, 10);

const order = fc.record({
  c: fc.integer({ min: 0, max: 7 }),
  off: fc.integer({ min: 0, max: 400 }),
  hour: fc.integer({ min: 0, max: 23 }),
  ret: fc.boolean(),
  amount: fc.integer({ min: 1, max: 100 }),
});
const world = fc.record({
  orders: fc.array(order, { maxLength: 30 }),
  asOf: fc.integer({ min: 1, max: 450 }),
  from: fc.option(fc.integer({ min: 0, max: 449 })),
});

function fixtures(orders: { c: number; off: number; hour: number; ret: boolean; amount: number }[]): OrderFixture[] {
  return orders.map((o) => ({
    customer_id: `c${o.c}`,
    ts: `${date(o.off)} ${String(o.hour).padStart(2, '0')}:00:00`,
    amount: o.ret ? -o.amount : o.amount,
    is_return: o.ret,
  }));
}

/** First non-return order offset per customer (independent of the SQL). */
function firstOffsets(orders: { c: number; off: number; ret: boolean }[], before: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const o of orders) if (!o.ret && o.off < before) m.set(o.c, Math.min(m.get(o.c) ?? Infinity, o.off));
  return m;
}

describe('lifecycle properties', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
  });
  const reset = async (orders: OrderFixture[]) => {
    await db.run('DELETE FROM orders; DELETE FROM customers;');
    await load(db, { orders });
  };

  it('stage counts add up to the customers that exist at the as-of date', async () => {
    const thresholds = fc.record({
      a: fc.integer({ min: 1, max: 60 }),
      extra: fc.integer({ min: 1, max: 100 }),
      n: fc.integer({ min: 1, max: 90 }),
    });
    await fc.assert(
      fc.asyncProperty(world, thresholds, async (w, t) => {
        await reset(fixtures(w.orders));
        const p = { ...STAGE_DEFAULTS, newDays: t.n, activeDays: t.a, churnDays: t.a + t.extra };
        const rows = await query(
          db,
          stageCounts(p, { asOf: date(w.asOf), from: w.from === null ? null : date(Math.min(w.from, w.asOf - 1)), filters: [] }),
        );
        const total = rows.reduce((s, r) => s + (r.customers as number), 0);
        expect(rows).toHaveLength(5);
        expect(total).toBe(firstOffsets(w.orders, w.asOf).size);
      }),
      { numRuns: 40 },
    );
  });

  it('cohort sizes add up to the customers first active in the window; retention ≤ 100 %', async () => {
    await fc.assert(
      fc.asyncProperty(world, fc.constantFrom('week' as const, 'month' as const), async (w, unit) => {
        await reset(fixtures(w.orders));
        const from = w.from === null ? null : Math.min(w.from, w.asOf - 1);
        const scope: Scope = { asOf: date(w.asOf), from: from === null ? null : date(from), filters: [] };
        const rows = await query(db, cohortRetention({ ...COHORT_DEFAULTS, unit, periods: 6 }, scope));
        const cells = rows.filter((r) => !r.is_average);
        const sizes = cells.filter((r) => r.period === 0).reduce((s, r) => s + (r.cohort_size as number), 0);
        const expected = [...firstOffsets(w.orders, w.asOf).values()].filter((off) => from === null || off >= from).length;
        expect(sizes).toBe(expected);
        for (const r of rows) {
          for (const k of ['retention', 'rolling_retention'] as const) {
            if (r[k] !== null) {
              expect(r[k] as number).toBeGreaterThanOrEqual(0);
              expect(r[k] as number).toBeLessThanOrEqual(1);
            }
          }
          if (r.customers !== null && r.rolling_customers !== null)
            expect(r.rolling_customers as number).toBeGreaterThanOrEqual(r.customers as number);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('positive flows of a month add up to the customers active in it', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await reset(fixtures(w.orders));
        const rows = await query(
          db,
          stagesOverTime({ ...FLOW_DEFAULTS, activeDays: 20, churnDays: 50 }, { asOf: date(w.asOf), from: null, filters: [] }),
        );
        const active = new Map<string, Set<number>>();
        for (const o of w.orders) {
          if (o.ret || o.off >= w.asOf) continue;
          const m = `${date(o.off).slice(0, 7)}-01`;
          active.set(m, (active.get(m) ?? new Set()).add(o.c));
        }
        const got = new Map<string, number>();
        for (const r of rows) {
          const m = (r.period as Date).toISOString().slice(0, 10);
          if (r.sign === 1) got.set(m, (got.get(m) ?? 0) + (r.customers as number));
          expect(r.customers as number).toBeGreaterThanOrEqual(0);
        }
        for (const [m, n] of got) expect(n).toBe(active.get(m)?.size ?? 0);
        for (const m of active.keys()) expect(got.has(m)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
