/**
 * The customer base when every order is one row (`rowPerOrder`, set by the worker when the
 * overview finds no repeated order id: `orderIdsSql`): it skips the per-order grouping of every
 * order line (the costliest step of the base: 2.4–3.3 s → 1.5 s at 5M orders in the tab) and must
 * give the grouped base's rows exactly — returns, guests, order ids missing, categories and their
 * ties, profiles, filters, a window start and hash parts included.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { openDb, load, query, type OrderFixture, type CustomerFixture } from '../../helpers/duckdb';
import { inline } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { partsOf } from '../../../src/analysis/parts';
import type { Scope } from '../../../src/analysis/types';

const scope = (filters: Scope['filters'] = [], from: string | null = null): Scope => ({ asOf: '2024-07-01', from, filters });
const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));

const SCOPES = [
  scope(),
  scope([{ field: 'channel', values: ['web'] }]),
  scope([{ field: 'category', values: ['toys', 'bags'] }]),
  scope([{ field: 'gender', values: ['female'] }]),
  scope([], '2024-03-01'),
];

/** Order rows with unique order ids (or none), from fast-check's draws. */
const orderRows = fc
  .array(
    fc.record({
      c: fc.integer({ min: 0, max: 11 }),
      guest: fc.boolean(),
      noId: fc.boolean(),
      day: fc.integer({ min: 0, max: 200 }),
      cents: fc.integer({ min: -2000, max: 9000 }),
      cat: fc.constantFrom('toys', 'bags', 'shoes', null),
      web: fc.boolean(),
      ret: fc.boolean(),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((rows) =>
    rows.map((r, i): OrderFixture => {
      const d = new Date(Date.UTC(2024, 0, 1 + r.day, (i * 7) % 24));
      return {
        customer_id: r.guest && r.c % 3 === 0 ? null : `c${r.c}`,
        // unique when given; now and then none (the base never counts those as orders): the load
        // helper fills a missing id with `o<n>`, which the test then sets to NULL (so given ids
        // must not look like that: `o${i}` collided with the filled `o${i + 1}`, a repeated id)
        order_id: r.noId && r.c % 4 === 0 ? undefined : `x${i}`,
        ts: d.toISOString().slice(0, 19).replace('T', ' '),
        amount: r.cents / 100,
        category: r.cat,
        channel: r.web ? 'web' : 'app',
        is_return: r.ret && r.cents < 3000,
      };
    }),
  );

const PROFILES: CustomerFixture[] = [
  { customer_id: 'c1', gender: 'female', region: 'north', age: 31 },
  { customer_id: 'c4', gender: 'male', region: 'south', age: 52 },
  { customer_id: 'p1', gender: 'female', region: 'east', age: 24 },
];

describe('the customer base with one row per order', () => {
  it('equals the grouped base row for row, for any orders with unique ids, any scope and in parts', async () => {
    await fc.assert(
      fc.asyncProperty(orderRows, async (orders) => {
        const db = await openDb();
        await load(db, { orders, customers: PROFILES });
        await db.run(`UPDATE orders SET order_id = NULL WHERE order_id LIKE 'o%'`);
        for (const s of SCOPES) {
          const grouped = byId(await query(db, customerBase(s)));
          expect(byId(await query(db, customerBase(s, undefined, { rowPerOrder: true }))), JSON.stringify(s)).toEqual(grouped);
          const parts = [];
          for (const p of partsOf(3, 1)) parts.push(...(await query(db, customerBase(s, p, { rowPerOrder: true }))));
          expect(byId(parts)).toEqual(grouped);
        }
      }),
      { numRuns: 15 },
    );
  }, 180_000);

  it('groups per order only without the option', () => {
    const grouped = inline(customerBase(scope()));
    const rows = inline(customerBase(scope(), undefined, { rowPerOrder: true }));
    expect(grouped).toContain('GROUP BY customer_id, order_id');
    expect(rows).not.toContain('GROUP BY customer_id, order_id');
  });

  it('differs from the grouped base where an order has two lines (why the worker checks first)', async () => {
    const db = await openDb();
    await load(db, {
      orders: [
        { customer_id: 'a', order_id: 'o1', ts: '2024-02-01', amount: 10, category: 'toys' },
        { customer_id: 'a', order_id: 'o1', ts: '2024-02-01', amount: 5, category: 'bags' },
      ],
    });
    const [grouped] = await query(db, customerBase(scope()));
    const [rows] = await query(db, customerBase(scope(), undefined, { rowPerOrder: true }));
    expect(grouped).toMatchObject({ orders: 1, revenue: 15, aov: 15 });
    expect(rows).toMatchObject({ orders: 2, revenue: 15, aov: 7.5 });
  });
});
