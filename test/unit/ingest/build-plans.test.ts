/**
 * Query plans of the canonical build's per-row statements: no join over every row of the file.
 * DuckDB turns an `IN` list of five or more constants into a MARK join, which computes the tested
 * value (a cleaned id, a lower-cased event type) for every row, even inside a CASE branch almost no
 * row reaches: the id cleaning of 1M rows took 1.1 s instead of 0.4 s. The builders test
 * membership with `oneOf` (`list_contains`), which keeps the same answers, NULL included.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { buildCanonical } from '../../../src/ingest/canonical';
import { guessMapping } from '../../../src/ingest/roles';
import { DEFAULT_REFUND_RULE } from '../../../src/ingest/mapping';
import { oneOf, raw, sql } from '../../../src/lib/sql';

/** Runs the build of one CSV text; returns the plans of the statements that read the file's rows. */
async function buildPlans(name: string, text: string): Promise<{ plans: string[]; conn: Awaited<ReturnType<typeof openEmptyDb>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'build-plans-'));
  writeFileSync(join(dir, name), text);
  const conn = await openEmptyDb();
  const f = await loadTwoPhase(conn, join(dir, name), 1);
  const m = guessMapping(f);
  const plans: string[] = [];
  // net: a cancelled row stays, marked a return (the default rule's statuses are a long list)
  for (const s of buildCanonical([f], [m], { ...DEFAULT_REFUND_RULE, mode: 'net' }).statements) {
    if (/^(CREATE OR REPLACE TEMP TABLE __slice AS|CREATE TABLE __(orders|events)_part AS|INSERT INTO (orders|events|rejects))/.test(s)) {
      const [p] = await query(conn, `EXPLAIN ${s}`);
      plans.push(String(p?.explain_value));
    }
    await conn.run(s);
  }
  return { plans, conn };
}

describe('canonical build plans', () => {
  it('an orders file: ids, texts and refund statuses are cleaned row by row, without a MARK join', async () => {
    const { plans, conn } = await buildPlans(
      'o.csv',
      [
        'order_id,customer_id,order_time,amount,category,status',
        '1,  NA ,2024-01-01,5,x,paid',
        '2,c2,2024-01-02,6,null,Cancelled',
        '3,="17.0",2024-01-03,7,y,paid',
      ].join('\n') + '\n',
    );
    // the one pass writing the orders (`__orders_part`, renamed `orders`) and the rejects
    expect(plans.length).toBeGreaterThanOrEqual(2);
    expect(plans.some((p) => /READ_CSV/.test(p))).toBe(true);
    for (const p of plans) expect(p).not.toMatch(/MARK/);
    // the answers of the lazy checks: a null marker is no customer, `="17.0"` is 17, a status in the list is a return
    expect(await query(conn, 'SELECT order_id, customer_id, category, is_return FROM orders ORDER BY order_id')).toEqual([
      { order_id: '1', customer_id: null, category: 'x', is_return: false },
      { order_id: '2', customer_id: 'c2', category: null, is_return: true },
      { order_id: '3', customer_id: '17', category: 'y', is_return: false },
    ]);
  });

  it('an events file: event types are read from the vocabulary without a MARK join', async () => {
    const { plans, conn } = await buildPlans(
      'e.csv',
      ['user_id,event_time,event_type', 'u1,2024-01-01 10:00:00,view', 'u1,2024-01-01 10:01:00,Purchase', 'u2,2024-01-02 09:00:00,pv'].join(
        '\n',
      ) + '\n',
    );
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const p of plans) expect(p).not.toMatch(/MARK/);
    expect(await query(conn, 'SELECT customer_id, event_type FROM events ORDER BY ts')).toEqual([
      { customer_id: 'u1', event_type: 'view' },
      { customer_id: 'u1', event_type: 'purchase' },
      { customer_id: 'u2', event_type: 'view' },
    ]);
  });

  // DuckDB's common-subexpression pass computes a subexpression that appears twice for every row,
  // in a projection below the expression, also when it sits in a `coalesce` argument few rows reach:
  // the money regexes and the trims of ids, times and texts ran on every row of a 5M-row file.
  // A plan printing `trim` or a regex below the stage shows such a projection (`values.ts`).
  it.each([
    [
      'orders',
      'o.csv',
      'order_id,customer_id,order_time,amount,quantity,price,category,channel,status\n1,c1,2024-01-01 10:00:00,5.5,1,5.5,x,web,paid\n2, c2 ,2024-01-02,"1,006.00",2,503,y,app,paid\n',
    ],
    ['events', 'e.csv', 'user_id,event_time,event_type,category\nu1,2024-01-01 10:00:00,view,x\nu2,2024-01-02 09:00:00,pv,y\n'],
    [
      'events, epoch seconds',
      'ub.csv',
      'user_id,item_id,category_id,behavior_type,timestamp\n1,21,7,pv,1511544070\n2,22,7,buy,1511561733\n',
    ],
  ])('%s: no cleaning runs on every row before the stage', async (_kind, name, text) => {
    const { plans } = await buildPlans(name, text);
    const reads = plans.filter((p) => /READ_CSV/.test(p));
    expect(reads.length).toBeGreaterThanOrEqual(1);
    for (const p of reads) expect(p).not.toMatch(/"trim"\(|regexp_|lower\(/);
  });

  it('oneOf answers as IN does: TRUE, FALSE, and NULL for NULL', async () => {
    const conn = await openEmptyDb();
    const one = (x: string) => oneOf(raw(x), ['a', 'b', 'c', 'd', 'e', 'f']);
    const [r] = await query(conn, sql`SELECT ${one("'c'")} AS yes, ${one("'z'")} AS no, ${one('CAST(NULL AS VARCHAR)')} AS unknown`);
    expect(r).toEqual({ yes: true, no: false, unknown: null });
    expect(() => oneOf(raw('x'), [])).toThrow(/no values/);
  });
});
