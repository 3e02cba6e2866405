/**
 * Only the columns a build's files fill are stored (docs/data-model.md, "Only filled columns
 * stored"): `orders` and `events` are views over their parts that give every other canonical column
 * as a typed NULL, and `source` is stored as an ENUM of the build's files. Every analysis still
 * reads the full schema. The second block is the guard on `orderFills` / `eventFills`: each role a
 * file can map, and each column filled from another file (order lines, products, purchase events),
 * reaches its column.
 */
import { describe, it, expect } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { buildCanonical } from '../../../src/ingest/canonical';
import { ORDER_COLUMNS, EVENT_COLUMNS } from '../../../src/ingest/canonical-parts';
import { DEFAULT_REFUND_RULE, type ColumnRole, type FileMapping, type FileRole, type RawFile } from '../../../src/ingest/mapping';
import { literal } from '../../../src/lib/sql';

interface Fixture {
  name: string;
  role: FileRole;
  /** column → role, and its values (row i of every column is the file's row i) */
  cols: Record<string, [ColumnRole, (string | null)[]]>;
}

const FORMAT: FileMapping['timestampFormat'] = { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] };

/** The fixtures as raw tables, built; the connection to read the canonical tables from. */
async function build(fixtures: Fixture[]): Promise<DuckDBConnection> {
  const conn = await openEmptyDb();
  const files: RawFile[] = [];
  const mappings: FileMapping[] = [];
  for (const [k, f] of fixtures.entries()) {
    const table = `raw_${k + 1}`;
    const names = Object.keys(f.cols);
    const n = f.cols[names[0]!]![1].length;
    const rows = Array.from({ length: n }, (_, i) => `(${[i + 1, ...names.map((c) => literal(f.cols[c]![1][i]!))].join(', ')})`);
    await conn.run(`CREATE TABLE ${table} AS SELECT * FROM (VALUES ${rows.join(', ')}) t(__row, ${names.map((c) => `"${c}"`).join(', ')})`);
    files.push({ name: f.name, table, rows: n, columns: names.map((c) => ({ name: c, type: 'VARCHAR', samples: f.cols[c]![1] })) });
    mappings.push({
      file: f.name,
      table,
      role: f.role,
      columns: Object.fromEntries(names.map((c) => [c, f.cols[c]![0]])),
      timestampFormat: FORMAT,
      tzOffsetMinutes: 0,
    });
  }
  const { statements, issues } = buildCanonical(files, mappings, DEFAULT_REFUND_RULE);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await conn.run(s);
  return conn;
}

const stored = async (conn: DuckDBConnection, table: string) =>
  (
    await query(conn, `SELECT column_name AS c, data_type AS t FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`)
  ).map((r) => [String(r.c), String(r.t)]);

/** Two orders with an id, a customer, a time and an amount: the columns every order file has. */
const BASE: Fixture['cols'] = {
  order_id: ['order_id', ['o1', 'o2']],
  customer_id: ['customer_id', ['c1', 'c2']],
  order_time: ['timestamp', ['2024-01-01 10:00:00', '2024-01-02 11:00:00']],
  amount: ['amount', ['10.5', '20']],
};

/** Two events with a user, a time and a type of `types`: the columns every event log has. */
const LOG = (types: [string, string]): Fixture['cols'] => ({
  user: ['customer_id', ['u1', 'u2']],
  when: ['timestamp', ['2024-01-01 10:00:00', '2024-01-02 11:00:00']],
  type: ['event_type', types],
});

/** The order columns a file of id, customer, time, amount, category and channel leaves empty. */
const UNFILLED = { quantity: null, unit_price: null, status: null, product_id: null, region: null, variant: null };

describe('a build stores only the columns its files fill', () => {
  it('an orders file of six columns stores eight; the view gives the other six as typed NULLs', async () => {
    const conn = await build([
      {
        name: 'shop.csv',
        role: 'orders',
        cols: { ...BASE, category: ['category', ['Books', 'Toys']], channel: ['channel', ['web', 'app']] },
      },
    ]);
    expect(await stored(conn, '__orders_p0')).toEqual([
      ['customer_id', 'VARCHAR'],
      ['order_id', 'VARCHAR'],
      ['ts', 'TIMESTAMP'],
      ['amount', 'DOUBLE'],
      ['category', 'VARCHAR'],
      ['channel', 'VARCHAR'],
      ['is_return', 'BOOLEAN'],
      ['source', "ENUM('shop.csv')"],
    ]);
    // every reader sees the canonical schema, in order and typed
    expect((await query(conn, 'DESCRIBE orders')).map((r) => [r.column_name, r.column_type])).toEqual(
      ORDER_COLUMNS.map(([n, t]) => [n, t]),
    );
    expect(
      await query(
        conn,
        'SELECT order_id, amount, quantity, unit_price, status, product_id, region, variant, source FROM orders ORDER BY 1',
      ),
    ).toEqual(
      [
        { order_id: 'o1', amount: 10.5 },
        { order_id: 'o2', amount: 20 },
      ].map((r) => ({ ...r, ...UNFILLED, source: 'shop.csv' })),
    );
    // the events table of a build without events: its always-stored columns, and the full view
    expect((await stored(conn, '__events_p0')).map(([c]) => c)).toEqual(['customer_id', 'ts', 'event_type', 'raw_type', 'source']);
    expect((await query(conn, 'DESCRIBE events')).map((r) => [r.column_name, r.column_type])).toEqual(
      EVENT_COLUMNS.map(([n, t]) => [n, t]),
    );
  });

  it('keeps each file as the source of its rows, whatever its name (quotes, spaces, non-ASCII)', async () => {
    const names = ["O'Brien orders (2024).csv", '订单 导出.csv'];
    const conn = await build(names.map((name) => ({ name, role: 'orders' as const, cols: BASE })));
    const [t] = await stored(conn, '__orders_p0').then((cols) => cols.filter(([c]) => c === 'source'));
    expect(t).toEqual(['source', `ENUM('O''Brien orders (2024).csv', '订单 导出.csv')`]);
    expect(await query(conn, 'SELECT source, count(*) AS n FROM orders GROUP BY source ORDER BY source')).toEqual(
      [...names].sort().map((source) => ({ source, n: 2 })),
    );
  });

  it('takes a fraction of the memory the full schema took (100,000 orders, four mapped columns)', async () => {
    const conn = await openEmptyDb();
    await conn.run(`CREATE TABLE raw_1 AS SELECT range + 1 AS __row, 'ORD-' || range AS order_id, 'CUST-' || (range % 9000) AS customer_id,
      strftime(TIMESTAMP '2024-01-01' + INTERVAL (range) MINUTE, '%Y-%m-%d %H:%M:%S') AS order_time, CAST(range % 997 AS VARCHAR) AS amount
      FROM range(100000)`);
    const names = ['order_id', 'customer_id', 'order_time', 'amount'];
    const samples = await query(conn, 'SELECT * FROM raw_1 ORDER BY __row LIMIT 50');
    const file: RawFile = {
      name: 'orders-export-2024.csv',
      table: 'raw_1',
      rows: 100_000,
      columns: names.map((n) => ({ name: n, type: 'VARCHAR', samples: samples.map((r) => String(r[n])) })),
    };
    const mapping: FileMapping = {
      file: file.name,
      table: 'raw_1',
      role: 'orders',
      columns: { order_id: 'order_id', customer_id: 'customer_id', order_time: 'timestamp', amount: 'amount' },
      timestampFormat: FORMAT,
      tzOffsetMinutes: 0,
    };
    for (const s of buildCanonical([file], [mapping], DEFAULT_REFUND_RULE).statements) await conn.run(s);
    const bytes = async () => Number((await query(conn, 'SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()'))[0]!.b);
    // the stored part copied as it is, against the view's rows written as a table (the schema every build stored before)
    const m0 = await bytes();
    await conn.run('CREATE TABLE narrow AS SELECT * FROM __orders_p0');
    const m1 = await bytes();
    await conn.run('CREATE TABLE wide AS SELECT * FROM orders');
    const m2 = await bytes();
    expect(await query(conn, 'SELECT count(*) AS n, sum(amount) AS s FROM narrow')).toEqual(
      await query(conn, 'SELECT count(*) AS n, sum(amount) AS s FROM wide'),
    );
    expect(m1 - m0).toBeGreaterThan(0);
    expect(m1 - m0).toBeLessThan(0.6 * (m2 - m1));
  });
});

describe('every column a file can fill is stored', () => {
  const values: Record<string, string[]> = { numeric: ['3', '4'], text: ['x', 'y'] };

  it.each([
    ['quantity', 'quantity', 'numeric'],
    ['unit_price', 'unit_price', 'numeric'],
    ['status', 'status', 'text'],
    ['category', 'category', 'text'],
    ['product_id', 'product_id', 'text'],
    ['channel', 'channel', 'text'],
    ['region', 'region', 'text'],
    ['variant', 'variant', 'text'],
  ] as const)('an orders file mapping %s fills orders.%s', async (role, column, kind) => {
    const conn = await build([{ name: 'o.csv', role: 'orders', cols: { ...BASE, extra: [role, values[kind]!] } }]);
    expect(await query(conn, `SELECT count(${column}) AS n FROM orders`)).toEqual([{ n: 2 }]);
  });

  it.each([
    ['product_id', 'product_id'],
    ['category', 'category'],
    ['session_id', 'session_id'],
    ['amount', 'price'],
    ['unit_price', 'price'],
    ['channel', 'channel'],
    ['variant', 'variant'],
  ] as const)('an events file mapping %s fills events.%s', async (role, column) => {
    const conn = await build([
      {
        name: 'e.csv',
        role: 'events',
        cols: {
          ...LOG(['view', 'cart']),
          extra: [role, role === 'amount' || role === 'unit_price' ? ['3', '4'] : ['x', 'y']],
        },
      },
    ]);
    expect(await query(conn, `SELECT count(${column}) AS n FROM events`)).toEqual([{ n: 2 }]);
  });

  it('fills quantity, unit price and product from order lines, and the category from a products file', async () => {
    const conn = await build([
      {
        name: 'orders.csv',
        role: 'orders',
        cols: { order_id: BASE.order_id!, customer_id: BASE.customer_id!, order_time: BASE.order_time! },
      },
      {
        name: 'items.csv',
        role: 'order_lines',
        cols: {
          order_id: ['order_id', ['o1', 'o2']],
          qty: ['quantity', ['2', '1']],
          price: ['unit_price', ['5', '20']],
          sku: ['product_id', ['p1', 'p2']],
        },
      },
      { name: 'products.csv', role: 'products', cols: { sku: ['product_id', ['p1', 'p2']], cat: ['category', ['Books', 'Toys']] } },
    ]);
    expect(await query(conn, 'SELECT order_id, amount, quantity, unit_price, product_id, category FROM orders ORDER BY 1')).toEqual([
      { order_id: 'o1', amount: 10, quantity: 2, unit_price: 5, product_id: 'p1', category: 'Books' },
      { order_id: 'o2', amount: 20, quantity: 1, unit_price: 20, product_id: 'p2', category: 'Toys' },
    ]);
  });

  it('fills the orders derived from purchase events with their price, category, product, channel and variant', async () => {
    const conn = await build([
      {
        name: 'log.csv',
        role: 'events',
        cols: {
          ...LOG(['purchase', 'purchase']),
          price: ['amount', ['9.5', '3']],
          cat: ['category', ['Books', 'Toys']],
          sku: ['product_id', ['p1', 'p2']],
          utm: ['channel', ['ads', 'mail']],
          group: ['variant', ['A', 'B']],
        },
      },
    ]);
    expect(
      await query(conn, 'SELECT customer_id, amount, unit_price, category, product_id, channel, variant, source FROM orders ORDER BY 1'),
    ).toEqual([
      {
        customer_id: 'u1',
        amount: 9.5,
        unit_price: 9.5,
        category: 'Books',
        product_id: 'p1',
        channel: 'ads',
        variant: 'A',
        source: 'log.csv',
      },
      { customer_id: 'u2', amount: 3, unit_price: 3, category: 'Toys', product_id: 'p2', channel: 'mail', variant: 'B', source: 'log.csv' },
    ]);
  });
});
