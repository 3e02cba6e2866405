import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sortedList, listColumns } from '../../src/analysis/list-sort';
import { sql, inline } from '../../src/lib/sql';
import { openDb, query, load } from '../helpers/duckdb';
import { periodLifecycleMembers, PERIOD_LIFECYCLE_DEFAULTS } from '../../src/analysis/lifecycle/period-lifecycle';

/**
 * Five customers with hand-picked values: sorting by any column in SQL, NULLs last both ways,
 * ties broken by customer_id so pages never overlap.
 */
const LIST = sql`SELECT * FROM (VALUES ('c', 3, 'x'), ('a', NULL, 'y'), ('e', 1, 'y'), ('b', 3, 'z'), ('d', 2, NULL)) t(customer_id, n, s)`;
const COLS = ['customer_id', 'n', 's'];

describe('sorting a member list by any column', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
  });

  const ids = async (by: string, desc: boolean, limit = 10, offset = 0) =>
    (await query(db, sortedList(LIST, COLS, { by, desc }, { limit, offset }))).map((r) => r.customer_id);

  it('orders by the column, NULLs last either way, ties by customer_id', async () => {
    // n: e 1, d 2, b 3, c 3 (tie b < c), a NULL
    expect(await ids('n', false)).toEqual(['e', 'd', 'b', 'c', 'a']);
    // descending: c 3, b 3 (tie by id, descending too), d 2, e 1, a NULL still last
    expect(await ids('n', true)).toEqual(['c', 'b', 'd', 'e', 'a']);
    // s: x c, y a|e, z b, NULL d
    expect(await ids('s', false)).toEqual(['c', 'a', 'e', 'b', 'd']);
    expect(await ids('customer_id', true)).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('pages cover the list once, in order', async () => {
    const pages = [...(await ids('n', true, 2, 0)), ...(await ids('n', true, 2, 2)), ...(await ids('n', true, 2, 4))];
    expect(pages).toEqual(await ids('n', true));
  });

  it('takes only a column the list has; the name is quoted, never pasted', () => {
    expect(() => sortedList(LIST, COLS, { by: 'revenue', desc: false }, { limit: 10, offset: 0 })).toThrow(/invalid sort/);
    expect(() => sortedList(LIST, COLS, { by: 'n; DROP TABLE orders', desc: false }, { limit: 10, offset: 0 })).toThrow(/invalid sort/);
    const odd = ['customer_id', 'a"b'];
    expect(
      inline(sortedList(sql`SELECT 1 AS customer_id, 2 AS "a""b"`, odd, { by: 'a"b', desc: false }, { limit: 1, offset: 0 })),
    ).toContain('"a""b"');
    expect(() => sortedList(LIST, COLS, { by: 'n', desc: false }, { limit: 0, offset: 0 })).toThrow(/invalid limit/);
  });

  it("reads a real list's columns and sorts it (period lifecycle members)", async () => {
    // x: 20 in week 1 and nothing in week 2; y: 7 in week 1; both dormant in the week of 15 Jan
    await load(db, {
      orders: [
        { customer_id: 'x', ts: '2024-01-08', amount: 20 },
        { customer_id: 'y', ts: '2024-01-09', amount: 7 },
      ],
    });
    const p = { ...PERIOD_LIFECYCLE_DEFAULTS, unit: 'week' as const };
    const scope = { asOf: '2024-02-05', from: '2024-01-01', filters: [] };
    const list = periodLifecycleMembers(p, scope, '2024-01-15', 'dormant', { limit: 1_000_000, offset: 0 });
    const cols = (await query(db, listColumns(list))).map((r) => String(r.column_name));
    expect(cols).toEqual(['customer_id', 'first_day', 'revenue']);
    const byFirst = await query(db, sortedList(list, cols, { by: 'first_day', desc: true }, { limit: 10, offset: 0 }));
    expect(byFirst.map((r) => r.customer_id)).toEqual(['y', 'x']);
  });
});
