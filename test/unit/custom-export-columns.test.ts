/**
 * The plain id-list export with chosen columns: profile attributes and named attributes added to a
 * customer list in one query, the list's order kept, missing values empty, names bound, unknown
 * profile columns refused. Expected rows worked out by hand from the fixture.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from '../helpers/duckdb';
import { setup, scopeOf } from './segmentation/setup';
import { CANONICAL_DDL } from '../../src/ingest/canonical-parts';
import { withColumns, headerOf, checkExportColumns } from '../../src/analysis/audience/export-columns';
import { sql } from '../../src/lib/sql';
import type { ModelContext } from '../../src/analysis/types';

let db: DuckDBConnection;
let ctx: ModelContext;

beforeAll(async () => {
  ({ db, ctx } = await setup(
    {
      orders: [
        { customer_id: 'a', order_id: 'a1', ts: '2024-12-01 10:00:00', amount: 300 },
        { customer_id: 'b', order_id: 'b1', ts: '2024-12-02 10:00:00', amount: 100 },
        { customer_id: 'c', order_id: 'c1', ts: '2024-12-03 10:00:00', amount: 200 },
      ],
      customers: [{ customer_id: 'a', city: 'Shanghai', gender: 'F' }, { customer_id: 'b', city: 'Beijing' }, { customer_id: 'c' }],
    },
    scopeOf('2025-01-01'),
  ));
  await db.run(CANONICAL_DDL.find((d) => d.includes('customer_attributes')) as string);
  await db.run(`INSERT INTO customer_attributes VALUES
    ('a', 'email', 'text', 'a@x.com', NULL, NULL, NULL),
    ('c', 'email', 'text', '=HYPERLINK("x")', NULL, NULL, NULL),
    ('a', 'revenue', 'text', 'not the metric', NULL, NULL, NULL),
    ('b', 'tags', 'list', 'vip;new', NULL, NULL, ['vip', 'new'])`);
});

describe('export with chosen columns', () => {
  it('adds profile and named attributes in the list order, in one query', async () => {
    // every buyer, revenue high to low: a 300, c 200, b 100
    const all = sql`SELECT customer_id, revenue FROM ${ctx.base} ORDER BY revenue DESC`;
    const cols = { profile: ['city', 'gender'], named: ['email', 'tags', 'revenue'] };
    const rows = await query(db, withColumns(all, ctx.base, cols));
    const keys = Object.keys(rows[0]!);
    expect(headerOf(keys, cols)).toEqual(['customer_id', 'revenue', 'city', 'gender', 'email', 'tags', 'revenue']);
    expect(rows.map((r) => keys.map((k) => r[k]))).toEqual([
      ['a', 300, 'Shanghai', 'F', 'a@x.com', null, 'not the metric'],
      ['c', 200, null, null, '=HYPERLINK("x")', null, null],
      ['b', 100, 'Beijing', null, null, 'vip;new', null],
    ]);
  });

  it('keeps the list as it is without extra columns, and binds names', async () => {
    const all = sql`SELECT customer_id FROM ${ctx.base} ORDER BY customer_id`;
    expect(withColumns(all, ctx.base, { profile: [], named: [] })).toBe(all);
    const rows = await query(db, withColumns(all, ctx.base, { profile: [], named: ["email' OR 1=1 --"] }));
    expect(rows.map((r) => Object.values(r)[1])).toEqual([null, null, null]);
  });

  it('refuses unknown profile columns and repeated names', () => {
    expect(() => checkExportColumns({ profile: ['password'], named: [] })).toThrow(/profile column/);
    expect(() => checkExportColumns({ profile: [], named: ['email', 'email'] })).toThrow(/repeated/);
    expect(() => checkExportColumns({ profile: [], named: [''] })).toThrow(/name/);
  });
});
