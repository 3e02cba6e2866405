import { describe, it, expect } from 'vitest';
import { sql, ident, num, inline, raw } from '../../src/lib/sql';
import { openDb, query, load } from '../helpers/duckdb';
import { scopedOrders } from '../../src/analysis/scope';

describe('sql tag', () => {
  it('keeps values apart and splices nested fragments', () => {
    const inner = sql`x = ${5}`;
    const q = sql`SELECT * FROM t WHERE ${inner} AND y IN (${['a', "b'c"]}) AND ${ident('we"ird')} > ${num(2)}`;
    expect(q.text).toBe('SELECT * FROM t WHERE x = ? AND y IN (?, ?) AND "we""ird" > 2');
    expect(q.values).toEqual([5, 'a', "b'c"]);
    expect(inline(q)).toBe(`SELECT * FROM t WHERE x = 5 AND y IN ('a', 'b''c') AND "we""ird" > 2`);
  });
  it('refuses non-finite numbers', () => {
    expect(() => num(Number.NaN)).toThrow(/invalid number/);
    expect(() => inline(sql`${Infinity}`)).toThrow();
    expect(raw('1').text).toBe('1');
  });
  it('runs bound scope queries on DuckDB', async () => {
    const db = await openDb();
    await load(db, {
      orders: [
        { customer_id: 'a', ts: '2024-01-01', amount: 10, channel: 'web' },
        { customer_id: 'b', ts: '2024-02-01', amount: 20, channel: "app'); DROP TABLE orders; --" },
        { customer_id: null, ts: '2024-01-05', amount: 5 },
      ],
      customers: [{ customer_id: 'a', region: 'north' }],
    });
    const rows = await query(
      db,
      scopedOrders({ asOf: '2024-03-01', from: null, filters: [{ field: 'channel', values: ["app'); DROP TABLE orders; --"] }] }),
    );
    expect(rows.map((r) => r.customer_id)).toEqual(['b']);
    const byRegion = await query(
      db,
      scopedOrders({ asOf: '2024-03-01', from: '2024-01-01', filters: [{ field: 'region', values: ['north'] }] }),
    );
    expect(byRegion.map((r) => r.customer_id)).toEqual(['a']);
  });
});
