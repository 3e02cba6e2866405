import { describe, it, expect, beforeEach } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { buildCanonical, validateMapping, overviewSql } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile, type RefundRule } from '../../../src/ingest/mapping';

/** RawFile facts for a table created in the test (types as given, samples from the literal rows). */
const rawFile = (name: string, table: string, cols: [string, string, (string | null)[]][]): RawFile => ({
  name,
  table,
  rows: cols[0]?.[2].length ?? 0,
  columns: cols.map(([n, type, samples]) => ({ name: n, type, samples })),
});

const ORDERS_SQL = `CREATE TABLE raw_o AS SELECT * FROM (VALUES
  (1, '17850.0', '100', '2024-01-05 10:00:00', 2, 3.5, 'UK'),
  (2, '17850.0', 'C101', '2024-01-06 10:00:00', -1, 3.5, 'UK'),
  (3, NULL, '102', '2024-01-07 10:00:00', 1, 10.0, 'FR'),
  (4, '12583', '103', 'garbage', 1, 1.0, 'DE'),
  (5, '12583', NULL, '2024-02-01 09:30:00', 3, 2.0, NULL),
  (6, NULL, NULL, '2024-02-02 00:00:00', 1, 1.0, 'UK')) t(__row, cust, inv, "when", qty, price, country)`;
const PAY_SQL = `CREATE TABLE raw_p AS SELECT * FROM (VALUES (1, 'a', '2024-03-01', '12.50元'), (2, 'b', '2024-03-02', 'abc'), (3, 'c', '2024-03-03', '')) t(__row, who, d, amt)`;
const PROFILE_SQL = `CREATE TABLE raw_c AS SELECT * FROM (VALUES (1, 'U1', 'a', '女', '1990-06-15'), (2, 'U1', 'b', '女', '1990-06-15')) t(__row, uid, alias, sex, born)`;

const files: RawFile[] = [
  rawFile('o.csv', 'raw_o', [
    ['cust', 'VARCHAR', ['17850.0', null]],
    ['inv', 'VARCHAR', ['100']],
    ['when', 'VARCHAR', ['2024-01-05 10:00:00']],
    ['qty', 'BIGINT', ['2']],
    ['price', 'DOUBLE', ['3.5']],
    ['country', 'VARCHAR', ['UK']],
  ]),
  rawFile('p.csv', 'raw_p', [
    ['who', 'VARCHAR', ['a']],
    ['d', 'VARCHAR', ['2024-03-01']],
    ['amt', 'VARCHAR', ['12.50元', 'abc', '']],
  ]),
  rawFile('c.csv', 'raw_c', [
    ['uid', 'VARCHAR', ['U1']],
    ['alias', 'VARCHAR', ['a']],
    ['sex', 'VARCHAR', ['女']],
    ['born', 'VARCHAR', ['1990-06-15']],
  ]),
];
const mappings: FileMapping[] = [
  {
    file: 'o.csv',
    table: 'raw_o',
    role: 'orders',
    tzOffsetMinutes: 0,
    timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] },
    columns: { cust: 'customer_id', inv: 'order_id', when: 'timestamp', qty: 'quantity', price: 'unit_price', country: 'region' },
  },
  {
    file: 'p.csv',
    table: 'raw_p',
    role: 'orders',
    tzOffsetMinutes: 0,
    timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d'] },
    columns: { who: 'customer_id', d: 'timestamp', amt: 'amount' },
  },
  {
    file: 'c.csv',
    table: 'raw_c',
    role: 'customers',
    tzOffsetMinutes: 0,
    timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d'] },
    columns: { uid: 'customer_id', alias: 'customer_alias', sex: 'gender', born: 'birth_date' },
  },
];

let conn: DuckDBConnection;
beforeEach(async () => {
  conn = await openEmptyDb();
  for (const s of [ORDERS_SQL, PAY_SQL, PROFILE_SQL]) await conn.run(s);
});

async function build(rule: RefundRule, f = files, m = mappings) {
  const { statements, issues } = buildCanonical(f, m, rule);
  for (const s of statements) await conn.run(s);
  return issues;
}

describe('buildCanonical', () => {
  it('exclude mode: returns and bad rows dropped; quantity × unit price; id and order-id fallbacks; alias translated', async () => {
    expect(await build(DEFAULT_REFUND_RULE)).toEqual([]);
    const rows = await query(
      conn,
      `SELECT customer_id, order_id, strftime(ts, '%Y-%m-%d %H:%M') AS ts, amount, region, is_return, source FROM orders ORDER BY source, ts`,
    );
    expect(rows).toEqual([
      { customer_id: '17850', order_id: '100', ts: '2024-01-05 10:00', amount: 7, region: 'UK', is_return: false, source: 'o.csv' },
      { customer_id: null, order_id: '102', ts: '2024-01-07 10:00', amount: 10, region: 'FR', is_return: false, source: 'o.csv' },
      {
        customer_id: '12583',
        order_id: '12583|2024-02-01 09:30:00',
        ts: '2024-02-01 09:30',
        amount: 6,
        region: null,
        is_return: false,
        source: 'o.csv',
      },
      { customer_id: null, order_id: 'o.csv#6', ts: '2024-02-02 00:00', amount: 1, region: 'UK', is_return: false, source: 'o.csv' },
      { customer_id: 'U1', order_id: 'p.csv#1', ts: '2024-03-01 00:00', amount: 12.5, region: null, is_return: false, source: 'p.csv' },
      { customer_id: 'c', order_id: 'p.csv#3', ts: '2024-03-03 00:00', amount: 0, region: null, is_return: false, source: 'p.csv' },
    ]);
    expect(await query(conn, 'SELECT file, "row", reason, value FROM rejects ORDER BY file')).toEqual([
      { file: 'o.csv', row: 4, reason: 'unparseable timestamp', value: 'garbage' },
      { file: 'p.csv', row: 2, reason: 'non-numeric amount', value: 'abc' },
    ]);
    // U1 is 33 on 2024-03-03, the last day in the data; 17850 gets the region of its latest order.
    expect(await query(conn, 'SELECT customer_id, has_profile, age, gender, region FROM customers ORDER BY customer_id')).toEqual([
      { customer_id: '12583', has_profile: false, age: null, gender: null, region: null },
      { customer_id: '17850', has_profile: false, age: null, gender: null, region: 'UK' },
      { customer_id: 'U1', has_profile: true, age: 33, gender: 'female', region: null },
      { customer_id: 'c', has_profile: false, age: null, gender: null, region: null },
    ]);
  });

  it('net mode keeps returns with negative amount', async () => {
    await build({ ...DEFAULT_REFUND_RULE, mode: 'net' });
    expect(await query(conn, 'SELECT order_id, amount, is_return FROM orders WHERE is_return')).toEqual([
      { order_id: 'C101', amount: -3.5, is_return: true },
    ]);
    expect(await query(conn, "SELECT sum(amount) AS s FROM orders WHERE source = 'o.csv'")).toEqual([{ s: 7 - 3.5 + 10 + 6 + 1 }]);
  });

  it('events: canonical types, rejects, orders derived from purchases when no order file', async () => {
    await conn.run(`CREATE TABLE raw_e AS SELECT * FROM (VALUES (1, 'u1', 'pv', '2024-01-01 00:00:00'), (2, NULL, 'buy', '2024-01-01 01:00:00'),
      (3, 'u2', '加购', 'bad'), (4, 'u2', 'buy', '2024-01-02 00:00:00'), (5, 'u3', 'weird', '2024-01-03 00:00:00')) t(__row, uid, kind, "at")`);
    const f = [
      rawFile('e.csv', 'raw_e', [
        ['uid', 'VARCHAR', ['u1']],
        ['kind', 'VARCHAR', ['pv']],
        ['at', 'VARCHAR', ['2024-01-01 00:00:00']],
      ]),
    ];
    const m: FileMapping[] = [
      {
        file: 'e.csv',
        table: 'raw_e',
        role: 'events',
        tzOffsetMinutes: 0,
        timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] },
        columns: { uid: 'customer_id', kind: 'event_type', at: 'timestamp' },
      },
    ];
    await build(DEFAULT_REFUND_RULE, f, m);
    expect(await query(conn, 'SELECT customer_id, event_type, raw_type FROM events ORDER BY ts')).toEqual([
      { customer_id: 'u1', event_type: 'view', raw_type: 'pv' },
      { customer_id: 'u2', event_type: 'purchase', raw_type: 'buy' },
      { customer_id: 'u3', event_type: 'other', raw_type: 'weird' },
    ]);
    expect(await query(conn, 'SELECT "row", reason FROM rejects ORDER BY "row"')).toEqual([
      { row: 2, reason: 'missing customer id' },
      { row: 3, reason: 'unparseable timestamp' },
    ]);
    expect(await query(conn, 'SELECT customer_id, order_id, amount FROM orders')).toEqual([
      { customer_id: 'u2', order_id: 'u2|2024-01-02 00:00:00', amount: 0 },
    ]);
    expect(await query(conn, 'SELECT count(*) AS n FROM customers')).toEqual([{ n: 3 }]);
  });

  it('overview queries run and agree with the hand count', async () => {
    await build(DEFAULT_REFUND_RULE);
    const q = overviewSql(mappings);
    expect(await query(conn, q.headline as string)).toEqual([
      // C101 (a cancellation) is left out of orders but counted as a return row; orders 102 (10) and
      // o.csv#6 (1) have no customer id: 11 of the 36.5 is in no customer view
      expect.objectContaining({
        customers: 4,
        orders: 6,
        revenue: 36.5,
        return_rows: 1,
        guest_revenue: 11,
        guest_orders: 2,
        no_kept_order: 0,
        amount_rows: 5, // c's p.csv#3 has an empty amount (0)
        category_rows: 0,
        events: 0,
      }),
    ]);
    expect(await query(conn, q.rejects as string)).toEqual([
      { file: 'o.csv', reason: 'unparseable timestamp', rows: 1, first_row: 4, first_value: 'garbage' },
      { file: 'p.csv', reason: 'non-numeric amount', rows: 1, first_row: 2, first_value: 'abc' },
    ]);
    const nulls = await query(conn, q.nullsByColumn as string);
    expect(nulls.find((r) => r.file === 'o.csv' && r.column_name === 'cust')).toMatchObject({ rows: 6, nulls: 2 });
    expect(await query(conn, q.profileCoverage as string)).toEqual([
      expect.objectContaining({ profiles: 1, age: 1, gender: 1, region: 0 }),
    ]);
    expect(await query(conn, q.eventsByType as string)).toEqual([]);
  });
});

describe('return-only customers and reconciliation', () => {
  const f = [
    rawFile('r.csv', 'raw_r', [
      ['cust', 'VARCHAR', ['A']],
      ['inv', 'VARCHAR', ['1']],
      ['when', 'VARCHAR', ['2024-01-05 10:00:00']],
      ['amt', 'DOUBLE', ['10']],
    ]),
  ];
  const m: FileMapping[] = [
    {
      file: 'r.csv',
      table: 'raw_r',
      role: 'orders',
      tzOffsetMinutes: 0,
      timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] },
      columns: { cust: 'customer_id', inv: 'order_id', when: 'timestamp', amt: 'amount' },
    },
  ];
  // A buys and returns; B only cancels (C-prefix) twice; C only has a negative row; D buys; a guest buys
  beforeEach(async () => {
    await conn.run(`CREATE TABLE raw_r AS SELECT * FROM (VALUES
      (1, 'A', '1', '2024-01-05 10:00:00', 10.0), (2, 'A', 'C2', '2024-01-06 10:00:00', -10.0),
      (3, 'B', 'C3', '2024-01-07 10:00:00', -4.0), (4, 'B', 'C4', '2024-01-08 10:00:00', -6.0),
      (5, 'C', '5', '2024-01-09 10:00:00', -3.0), (6, 'D', '6', '2024-01-10 10:00:00', 20.0),
      (7, NULL, '7', '2024-01-11 10:00:00', 5.0)) t(__row, cust, inv, "when", amt)`);
  });

  for (const mode of ['exclude', 'net'] as const) {
    it(`${mode} mode: customers whose only rows are returns exist, are counted and listed, and are not buyers`, async () => {
      await build({ ...DEFAULT_REFUND_RULE, mode }, f, m);
      expect(await query(conn, 'SELECT customer_id FROM customers ORDER BY 1')).toEqual(
        ['A', 'B', 'C', 'D'].map((customer_id) => ({ customer_id })),
      );
      const q = overviewSql(m);
      const [h] = await query(conn, q.headline as string);
      // buyers A, D; return rows: C2, C3, C4, row 5; guest order 7 (5 of the revenue)
      expect(h).toMatchObject({ customers: 4, buyers: 2, orders: 3, return_rows: 4, guest_revenue: 5, guest_orders: 1, no_kept_order: 2 });
      // revenue: exclude 10 + 20 + 5; net 35 − 10 − 4 − 6 − 3
      expect(h!.revenue).toBe(mode === 'exclude' ? 35 : 12);
      expect(await query(conn, q.noKeptOrder as string)).toEqual([
        { customer_id: 'B', return_rows: 2, amount: 10 },
        { customer_id: 'C', return_rows: 1, amount: 3 },
      ]);
    });
  }
});

describe('validateMapping', () => {
  const m = (over: Partial<FileMapping>): FileMapping => ({
    file: 'f.csv',
    table: 'raw_f',
    role: 'orders',
    columns: {},
    timestampFormat: null,
    tzOffsetMinutes: 0,
    ...over,
  });
  const f = (name: string, table: string, cols: [string, string, (string | null)[]][]) => rawFile(name, table, cols);

  it('events without customer id and orders without time are errors naming the file; orders without customer a warning', () => {
    const files2 = [
      f('e.csv', 'raw_e', [
        ['t', 'TIMESTAMP', []],
        ['k', 'VARCHAR', ['pv']],
      ]),
      f('o.csv', 'raw_o', [['amt', 'DOUBLE', ['1']]]),
    ];
    const { issues } = validateMapping(files2, [
      m({ file: 'e.csv', table: 'raw_e', role: 'events', columns: { t: 'timestamp', k: 'event_type' } }),
      m({ file: 'o.csv', table: 'raw_o', role: 'orders', columns: { amt: 'amount' } }),
    ]);
    expect(issues).toEqual([
      { level: 'error', file: 'e.csv', message: 'e.csv: no customer id column', code: 'no-customer' },
      {
        level: 'warning',
        file: 'o.csv',
        message: 'o.csv: no customer id column; only order-level figures are possible',
        code: 'no-customer-orders',
      },
      { level: 'error', file: 'o.csv', message: 'o.csv: no time column', code: 'no-time' },
    ]);
  });

  it('text mapped to amount names file, column and first bad row; clashing order files name both', () => {
    const files2 = [
      f('a.csv', 'raw_a', [
        ['c', 'VARCHAR', ['1']],
        ['t', 'TIMESTAMP', []],
        ['amt', 'DOUBLE', ['2.5']],
      ]),
      f('b.csv', 'raw_b', [
        ['c', 'VARCHAR', ['1']],
        ['t', 'TIMESTAMP', []],
        ['Description', 'VARCHAR', [null, 'WHITE HEART', 'RED']],
      ]),
    ];
    const { issues } = validateMapping(files2, [
      m({ file: 'a.csv', table: 'raw_a', columns: { c: 'customer_id', t: 'timestamp', amt: 'amount' } }),
      m({ file: 'b.csv', table: 'raw_b', columns: { c: 'customer_id', t: 'timestamp', Description: 'amount' } }),
    ]);
    expect(issues).toEqual([
      {
        level: 'error',
        file: 'b.csv',
        column: 'Description',
        row: 2,
        message: 'b.csv: column Description is text, not a number (row 2: "WHITE HEART")',
        code: 'text-money',
        params: { value: '"WHITE HEART"' },
      },
      {
        level: 'error',
        file: 'a.csv',
        column: 'amt',
        message: 'a.csv and b.csv: amount columns differ in type (amt DOUBLE vs Description VARCHAR)',
        code: 'money-type-differs',
        params: { other: 'b.csv', otherColumn: 'Description' },
      },
    ]);
  });

  it('a time column in which no sample reads as a date is an error naming file, column and first row', () => {
    const { issues } = validateMapping(
      [
        f('t.csv', 'raw_t', [
          ['c', 'VARCHAR', ['U1', 'U2']],
          ['d', 'VARCHAR', [null, 'soon', 'last tuesday']],
        ]),
      ],
      [
        m({
          file: 't.csv',
          table: 'raw_t',
          columns: { c: 'customer_id', d: 'timestamp' },
          timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] },
        }),
      ],
    );
    expect(issues).toEqual([
      {
        level: 'error',
        file: 't.csv',
        column: 'd',
        row: 2,
        message: 't.csv: column d holds no readable date or time (row 2: "soon")',
        code: 'unreadable-time',
        params: { value: '"soon"' },
      },
    ]);
  });

  it('a mapped column that does not exist is an error', () => {
    const { issues } = validateMapping(
      [
        f('a.csv', 'raw_a', [
          ['c', 'VARCHAR', []],
          ['t', 'DATE', []],
        ]),
      ],
      [m({ file: 'a.csv', table: 'raw_a', columns: { c: 'customer_id', t: 'timestamp', nope: 'amount' } })],
    );
    expect(issues).toEqual([
      { level: 'error', file: 'a.csv', column: 'nope', message: 'a.csv: column nope does not exist', code: 'no-column' },
    ]);
  });
});
