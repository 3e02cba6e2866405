/**
 * Native DuckDB for Node tests: the same canonical tables the worker builds (`CANONICAL_DDL`),
 * filled from fixtures, and queries run as the same SQL text the worker runs (values inlined by
 * `inline`, exactly as `workers/query-runner.ts` does), so a test runs what production runs.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { inline, type Sql } from '../../src/lib/sql';
import { CANONICAL_DDL } from '../../src/ingest/canonical-parts';

export type Row = Record<string, unknown>;

export async function openDb(): Promise<DuckDBConnection> {
  const conn = await openEmptyDb();
  await createCanonical(conn);
  return conn;
}

/**
 * A database without the canonical tables, for tests that run a build (`buildCanonical`): a build
 * makes `orders` and `events` views over its parts, and DuckDB drops a view only as a view.
 */
export async function openEmptyDb(): Promise<DuckDBConnection> {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  return inst.connect();
}

/** Run a query (text, or Sql inlined as the worker does) and return rows with JS values (BigInt → number). */
export async function query(conn: DuckDBConnection, q: Sql | string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(typeof q === 'string' ? q : inline(q));
  return reader.getRowObjectsJS().map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'bigint' ? Number(v) : v;
    return out;
  });
}

async function createCanonical(conn: DuckDBConnection): Promise<void> {
  // the canonical tables only (not `rejects`): fixtures fill them directly
  for (const ddl of CANONICAL_DDL.slice(0, 3)) await conn.run(ddl);
}

export interface OrderFixture {
  customer_id: string | null;
  order_id?: string;
  ts: string; // 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'
  amount: number;
  quantity?: number | null;
  category?: string | null;
  product_id?: string | null;
  channel?: string | null;
  region?: string | null;
  status?: string | null;
  is_return?: boolean;
}

export interface EventFixture {
  customer_id: string;
  ts: string;
  event_type: string;
  category?: string | null;
  product_id?: string | null;
  session_id?: string | null;
  price?: number | null;
}

export interface CustomerFixture {
  customer_id: string;
  age?: number | null;
  age_band?: string | null;
  gender?: string | null;
  region?: string | null;
  city?: string | null;
  city_tier?: string | null;
  occupation?: string | null;
  income?: string | null;
  channel?: string | null;
  variant?: string | null;
}

/** Fill the canonical tables from fixtures; customers gets every id seen (profile ids with has_profile). */
export async function load(
  conn: DuckDBConnection,
  data: { orders?: OrderFixture[]; events?: EventFixture[]; customers?: CustomerFixture[] },
): Promise<void> {
  const lit = (v: unknown) =>
    v === null || v === undefined
      ? 'NULL'
      : typeof v === 'number'
        ? String(v)
        : typeof v === 'boolean'
          ? String(v)
          : `'${String(v).replaceAll("'", "''")}'`;
  const insert = async (table: string, cols: string[], rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await conn.run(`INSERT INTO ${table} (${cols.join(',')}) VALUES ${chunk.map((r) => `(${r.map(lit).join(',')})`).join(',')}`);
    }
  };
  const orders = data.orders ?? [];
  await insert(
    'orders',
    [
      'customer_id',
      'order_id',
      'ts',
      'amount',
      'quantity',
      'unit_price',
      'status',
      'category',
      'product_id',
      'channel',
      'region',
      'is_return',
      'source',
    ],
    orders.map((o, i) => [
      o.customer_id,
      o.order_id ?? `o${i + 1}`,
      o.ts,
      o.amount,
      o.quantity ?? null,
      null,
      o.status ?? null,
      o.category ?? null,
      o.product_id ?? null,
      o.channel ?? null,
      o.region ?? null,
      o.is_return ?? false,
      'fixture',
    ]),
  );
  const events = data.events ?? [];
  await insert(
    'events',
    ['customer_id', 'ts', 'event_type', 'raw_type', 'product_id', 'category', 'session_id', 'price', 'source'],
    events.map((e) => [
      e.customer_id,
      e.ts,
      e.event_type,
      e.event_type,
      e.product_id ?? null,
      e.category ?? null,
      e.session_id ?? null,
      e.price ?? null,
      'fixture',
    ]),
  );
  const profiles = data.customers ?? [];
  await insert(
    'customers',
    [
      'customer_id',
      'has_profile',
      'age',
      'age_band',
      'gender',
      'region',
      'city',
      'city_tier',
      'occupation',
      'income',
      'channel',
      'variant',
    ],
    profiles.map((c) => [
      c.customer_id,
      true,
      c.age ?? null,
      c.age_band ?? null,
      c.gender ?? null,
      c.region ?? null,
      c.city ?? null,
      c.city_tier ?? null,
      c.occupation ?? null,
      c.income ?? null,
      c.channel ?? null,
      c.variant ?? null,
    ]),
  );
  await conn.run(`INSERT INTO customers (customer_id, has_profile)
    SELECT DISTINCT customer_id, false FROM (SELECT customer_id FROM orders UNION SELECT customer_id FROM events)
    WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM customers)`);
}
