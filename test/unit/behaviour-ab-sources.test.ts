/**
 * A/B groups from the events or the orders (issue 13 §6): the experiment and source columns of an
 * event or order file are guessed and carried into the canonical tables; a customer's group is
 * their group in that table, and a customer seen in more than one group is left out and counted.
 * Expected figures are worked out by hand from the fixtures (comments).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, openEmptyDb, query } from '../helpers/duckdb';
import { abGroups, abExcluded, abMembers, abRevenues, abSourcesSql } from '../../src/analysis/behaviour/ab';
import { buildCanonical } from '../../src/ingest/canonical';
import { guessMapping } from '../../src/ingest/roles';
import { DEFAULT_REFUND_RULE, type RawFile } from '../../src/ingest/mapping';
import type { Scope } from '../../src/analysis/scope';

const SCOPE: Scope = { asOf: '2024-03-01', from: '2024-01-01', filters: [] };

const rawFile = (name: string, table: string, cols: [string, (string | null)[]][], rows: number): RawFile => ({
  name,
  table,
  rows,
  columns: cols.map(([n, samples]) => ({ name: n, type: 'VARCHAR', samples })),
});

describe('experiment and source columns of event and order files', () => {
  it('are guessed from their headers (utm_source, referrer, 来源, signup_channel → channel; ab_group → variant)', () => {
    const ev = guessMapping(
      rawFile(
        'events.csv',
        'raw_e',
        [
          ['user_id', ['u1', 'u2']],
          ['event_time', ['2024-01-01 10:00:00', '2024-01-01 11:00:00']],
          ['event_type', ['view', 'cart']],
          ['utm_source', ['google', 'newsletter']],
          ['ab_group', ['control', 'test']],
        ],
        2,
      ),
    );
    expect(ev.role).toBe('events');
    expect(ev.columns.utm_source).toBe('channel');
    expect(ev.columns.ab_group).toBe('variant');
    for (const h of ['referrer', '来源', 'Traffic Source']) {
      const m = guessMapping(
        rawFile(
          'e.csv',
          'raw_e',
          [
            ['user_id', ['u1']],
            ['event_time', ['2024-01-01 10:00:00']],
            ['event_type', ['view']],
            [h, ['x']],
          ],
          1,
        ),
      );
      expect(m.columns[h], h).toBe('channel');
    }
    const prof = guessMapping(
      rawFile(
        'customers.csv',
        'raw_c',
        [
          ['customer_id', ['1']],
          ['gender', ['F']],
          ['signup_channel', ['app']],
        ],
        1,
      ),
    );
    expect(prof.columns.signup_channel).toBe('channel');
  });

  it('reach events.channel, events.variant and orders.variant in the canonical build', async () => {
    const conn = await openEmptyDb();
    await conn.run(`CREATE TABLE raw_e AS SELECT * FROM (VALUES
      (1, 'u1', '2024-01-01 10:00:00', 'view', 'google', 'control'),
      (2, 'u1', '2024-01-01 10:05:00', 'purchase', NULL, 'control'),
      (3, 'u2', '2024-01-02 09:00:00', 'view', 'newsletter', 'test')) t(__row, user_id, event_time, event_type, utm_source, ab_group)`);
    await conn.run(`CREATE TABLE raw_o AS SELECT * FROM (VALUES
      (1, 'o1', 'u1', '2024-01-01 10:05:00', '10.00', 'app', 'B'),
      (2, 'o2', 'u2', '2024-01-03 10:00:00', '5.00', 'web', NULL)) t(__row, order_id, customer_id, order_time, amount, channel, variant)`);
    const files = [
      rawFile(
        'events.csv',
        'raw_e',
        [
          ['user_id', ['u1', 'u1', 'u2']],
          ['event_time', ['2024-01-01 10:00:00', '2024-01-01 10:05:00', '2024-01-02 09:00:00']],
          ['event_type', ['view', 'purchase', 'view']],
          ['utm_source', ['google', null, 'newsletter']],
          ['ab_group', ['control', 'control', 'test']],
        ],
        3,
      ),
      rawFile(
        'orders.csv',
        'raw_o',
        [
          ['order_id', ['o1', 'o2']],
          ['customer_id', ['u1', 'u2']],
          ['order_time', ['2024-01-01 10:05:00', '2024-01-03 10:00:00']],
          ['amount', ['10.00', '5.00']],
          ['channel', ['app', 'web']],
          ['variant', ['B', null]],
        ],
        2,
      ),
    ];
    const { statements } = buildCanonical(files, files.map(guessMapping), DEFAULT_REFUND_RULE);
    for (const s of statements) await conn.run(s);
    expect(await query(conn, 'SELECT customer_id, event_type, channel, variant FROM events ORDER BY ts')).toEqual([
      { customer_id: 'u1', event_type: 'view', channel: 'google', variant: 'control' },
      { customer_id: 'u1', event_type: 'purchase', channel: null, variant: 'control' },
      { customer_id: 'u2', event_type: 'view', channel: 'newsletter', variant: 'test' },
    ]);
    expect(await query(conn, 'SELECT order_id, channel, variant FROM orders ORDER BY order_id')).toEqual([
      { order_id: 'o1', channel: 'app', variant: 'B' },
      { order_id: 'o2', channel: 'web', variant: null },
    ]);
  });
});

/*
 * Events source. 40 customers `a*` seen only in `control`, 40 `b*` only in `test`, 3 `m*` seen in
 * both (left out: excluded = 3), 1 `late` seen in `control` before the as-of date and in `test`
 * only after it (counted in control: assignments end at the as-of date). Orders in the window:
 * 10 of a* for 100 (+ `late` for 30), 20 of b* for 50, every m* for 1,000 (must not show anywhere).
 * control: 41 customers, 11 converters, revenue 1,030; test: 40 customers, 20 converters, 1,000.
 * Orders source: o1…o30 carry `X` on their orders, p1…p30 `Y`; p1 also has an order marked `X`
 * (excluded = 1): X 30 customers, Y 29.
 */
describe('A/B groups from the events or the orders', () => {
  let conn: DuckDBConnection;
  beforeAll(async () => {
    conn = await openDb();
    const ev: string[] = [];
    const ord: string[] = [];
    const cust = new Set<string>();
    const e = (c: string, ts: string, variant: string) => {
      cust.add(c);
      ev.push(`('${c}', TIMESTAMP '${ts}', 'view', 'view', 'f', '${variant}')`);
    };
    const o = (c: string, id: string, ts: string, amount: number, variant: string | null = null) => {
      cust.add(c);
      ord.push(`('${c}', '${id}', TIMESTAMP '${ts}', ${amount}, FALSE, 'f', ${variant === null ? 'NULL' : `'${variant}'`})`);
    };
    for (let i = 0; i < 40; i++) {
      e(`a${i}`, '2024-01-05 10:00:00', 'control');
      e(`a${i}`, '2023-12-20 10:00:00', 'control'); // before the window: still their group
      e(`b${i}`, '2024-01-06 10:00:00', 'test');
      if (i < 10) o(`a${i}`, `oa${i}`, '2024-01-10 12:00:00', 100);
      if (i < 20) o(`b${i}`, `ob${i}`, '2024-01-11 12:00:00', 50);
    }
    for (let i = 0; i < 3; i++) {
      e(`m${i}`, '2024-01-05 10:00:00', 'control');
      e(`m${i}`, '2024-01-07 10:00:00', 'test');
      o(`m${i}`, `om${i}`, '2024-01-12 12:00:00', 1000);
    }
    e('late', '2024-02-01 10:00:00', 'control');
    e('late', '2024-03-02 10:00:00', 'test');
    o('late', 'olate', '2024-02-02 10:00:00', 30);
    for (let i = 1; i <= 30; i++) {
      o(`o${i}`, `ox${i}`, '2023-11-01 10:00:00', 10, 'X');
      o(`p${i}`, `py${i}`, '2023-11-01 10:00:00', 10, 'Y');
    }
    o('p1', 'py1b', '2023-11-02 10:00:00', 10, 'X');
    o('o1', 'ox1b', '2024-01-20 10:00:00', 25); // o1 buys again in the window (no group on this order)
    await conn.run(`INSERT INTO events (customer_id, ts, event_type, raw_type, source, variant) VALUES ${ev.join(',')}`);
    await conn.run(`INSERT INTO orders (customer_id, order_id, ts, amount, is_return, source, variant) VALUES ${ord.join(',')}`);
    await conn.run(
      `INSERT INTO customers (customer_id, has_profile) SELECT unnest(${JSON.stringify([...cust]).replaceAll('"', "'")}), FALSE`,
    );
  });

  const groups = async (source: 'events' | 'orders') =>
    (await query(conn, abGroups(SCOPE, source))).map((r) => [r.variant, r.customers, r.converters, r.revenue, r.orders]);

  it('lists the tables that hold groups', async () => {
    expect(await query(conn, abSourcesSql())).toEqual([
      { source: 'customers', has: false },
      { source: 'events', has: true },
      { source: 'orders', has: true },
    ]);
  });
  it('events: control 41 / 11 converters / 1,030, test 40 / 20 / 1,000; the 3 mixed customers left out', async () => {
    expect(await groups('events')).toEqual([
      ['control', 41, 11, 1030, 11],
      ['test', 40, 20, 1000, 20],
    ]);
    expect(await query(conn, abExcluded(SCOPE, 'events'))).toEqual([{ excluded: 3 }]);
    const members = await query(conn, abMembers(SCOPE, 'control', 'events'));
    expect(members.length).toBe(41);
    expect(members.some((m) => String(m.customer_id).startsWith('m'))).toBe(false);
    const revs = (await query(conn, abRevenues(SCOPE, 'test', 'events'))).map((r) => Number(r.revenue));
    expect(revs.reduce((s, x) => s + x, 0)).toBe(1000);
  });
  it('orders: X 30 customers (1 converter in the window: o1, 25), Y 29; p1 left out', async () => {
    expect(await groups('orders')).toEqual([
      ['X', 30, 1, 25, 1],
      ['Y', 29, 0, 0, 0],
    ]);
    expect(await query(conn, abExcluded(SCOPE, 'orders'))).toEqual([{ excluded: 1 }]);
  });
});
