import { describe, it, expect } from 'vitest';
import { query } from '../../helpers/duckdb';
import { setup, scopeOf } from './setup';

const ORDERS = [
  { customer_id: 'a', order_id: 'o1', ts: '2024-01-10 10:00:00', amount: 30, category: 'toys', channel: 'web' },
  { customer_id: 'a', order_id: 'o1', ts: '2024-01-10 10:00:00', amount: 30, category: 'books', channel: 'web' },
  { customer_id: 'a', order_id: 'o2', ts: '2024-02-28 23:00:00', amount: 20, category: 'books', channel: 'app' },
  { customer_id: 'b', order_id: 'o3', ts: '2024-02-01', amount: 25, category: 'y' },
  { customer_id: 'b', order_id: 'o4', ts: '2024-02-01', amount: 25, category: 'x' },
  { customer_id: 'b', order_id: 'r1', ts: '2024-02-15', amount: -10, category: 'y', is_return: true },
  { customer_id: 'd', order_id: 'o5', ts: '2024-03-05', amount: 99 },
  { customer_id: null, order_id: 'g1', ts: '2024-01-05', amount: 5 },
];
const CUSTOMERS = [
  { customer_id: 'a', region: 'north' },
  { customer_id: 'c', region: 'north', age: 30 },
];

async function baseRows(filters: Parameters<typeof scopeOf>[2] = []) {
  const { db } = await setup({ orders: ORDERS, customers: CUSTOMERS }, scopeOf('2024-03-01', null, filters));
  const rows = await query(db, 'SELECT * FROM base ORDER BY customer_id');
  return Object.fromEntries(rows.map((r) => [r.customer_id as string, r]));
}

describe('customerBase', () => {
  it('computes one row per customer with the documented columns', async () => {
    const b = await baseRows();
    expect(Object.keys(b)).toEqual(['a', 'b', 'c', 'd']);
    // a: two orders (o1 has two lines), 80 total, last order 2024-02-28 → 2 days to 2024-03-01 (leap year)
    expect(b.a).toMatchObject({
      recency_days: 2,
      orders: 2,
      revenue: 80,
      aov: 40,
      categories: 2,
      top_category: 'books',
      has_profile: true,
      region: 'north',
    });
    // b: the return counts in revenue (40) but not in orders; x and y tie at 25 → x by name
    expect(b.b).toMatchObject({ recency_days: 29, orders: 2, revenue: 40, aov: 20, categories: 2, top_category: 'x', has_profile: false });
    // c: profile only; d: only ordered after the as-of date
    expect(b.c).toMatchObject({
      recency_days: null,
      orders: 0,
      revenue: 0,
      aov: null,
      categories: 0,
      top_category: null,
      age_band: '25-34',
    });
    expect(b.d).toMatchObject({ recency_days: null, orders: 0, revenue: 0, aov: null, last_ts: null });
  });

  it('customer filters restrict the customers, order filters only the orders', async () => {
    expect(Object.keys(await baseRows([{ field: 'region', values: ['north'] }]))).toEqual(['a', 'c']);
    const b = await baseRows([{ field: 'channel', values: ['web'] }]);
    expect(Object.keys(b)).toEqual(['a', 'b', 'c', 'd']);
    // only o1 (2024-01-10) counts: 51 days to 2024-03-01
    expect(b.a).toMatchObject({ orders: 1, revenue: 60, recency_days: 51, categories: 2, top_category: 'books' });
    expect(b.b).toMatchObject({ orders: 0, revenue: 0 });
  });
});
