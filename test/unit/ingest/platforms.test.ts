/**
 * Platform export layouts (test/fixtures/platforms, expected figures worked out by hand in its
 * README): each file is loaded the way the worker loads it (every column as text), guessed with no
 * help, built into the canonical tables on native DuckDB, and its customers, orders and revenue
 * checked on the first try.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { guessMapping, missingRoles, suggestColumn } from '../../../src/ingest/roles';
import { buildCanonical } from '../../../src/ingest/canonical';
import { LAYOUTS, LAYOUT_IDS, layoutNotes, recogniseLayout } from '../../../src/ingest/platforms';
import { en } from '../../../src/lib/i18n/en';
import { zh } from '../../../src/lib/i18n/zh';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile, type RefundRule } from '../../../src/ingest/mapping';

const DIR = resolve(import.meta.dirname, '../../fixtures/platforms');
const NET: RefundRule = { ...DEFAULT_REFUND_RULE, mode: 'net' };

/** Load like `workers/files.ts`: `read_csv(…, all_varchar = true)` with `__row`, then 200 text samples. */
async function loadRaw(conn: DuckDBConnection, name: string, table: string, encoding?: string): Promise<RawFile> {
  let path = join(DIR, name);
  if (encoding) {
    path = join(mkdtempSync(join(tmpdir(), 'platform-')), `${name}.utf8.csv`);
    writeFileSync(path, new TextDecoder(encoding).decode(readFileSync(join(DIR, name))), 'utf8');
  }
  await conn.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT row_number() OVER () AS __row, * FROM read_csv('${path.replaceAll("'", "''")}', all_varchar = true, sample_size = 20480)`,
  );
  const cols = (await query(conn, `DESCRIBE ${table}`)).map((d) => String(d.column_name)).filter((n) => n !== '__row');
  const rows = Number((await query(conn, `SELECT count(*) AS n FROM ${table}`))[0]?.n);
  const sel = cols.map((n, i) => `CAST("${n.replaceAll('"', '""')}" AS VARCHAR) AS c${i}`).join(', ');
  const samples = await query(conn, `SELECT ${sel} FROM ${table} ORDER BY __row LIMIT 200`);
  return {
    name,
    table,
    rows,
    columns: cols.map((n, i) => ({
      name: n,
      type: 'VARCHAR',
      samples: samples.map((r) => (r[`c${i}`] === null ? null : String(r[`c${i}`]))),
    })),
  };
}

interface Built {
  conn: DuckDBConnection;
  files: RawFile[];
  mappings: FileMapping[];
  /** one value of a one-row query */
  one: (q: string) => Promise<unknown>;
}

async function build(names: (string | [string, string])[], rule: RefundRule = DEFAULT_REFUND_RULE): Promise<Built> {
  const conn = await openEmptyDb();
  const files: RawFile[] = [];
  for (const [i, n] of names.entries()) {
    const [name, enc] = typeof n === 'string' ? [n, undefined] : n;
    files.push(await loadRaw(conn, name, `raw_${i + 1}`, enc));
  }
  const mappings = files.map(guessMapping);
  const { statements, issues } = buildCanonical(files, mappings, rule);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await conn.run(s);
  const one = async (q: string) => Object.values((await query(conn, q))[0] ?? {})[0];
  return { conn, files, mappings, one };
}

/** Headline figures as the overview computes them (src/ingest/overview.ts). */
async function headline(b: Built) {
  return {
    buyers: await b.one('SELECT count(DISTINCT customer_id) FROM orders WHERE NOT is_return'),
    orders: await b.one('SELECT count(DISTINCT order_id) FROM orders WHERE NOT is_return'),
    revenue: await b.one('SELECT coalesce(round(sum(amount), 2), 0) FROM orders'),
  };
}

const byRole = (m: FileMapping | undefined, role: string) => Object.keys(m?.columns ?? {}).filter((k) => m?.columns[k] === role);

describe('Shopify order export', () => {
  it('is recognised: Name is the order, Email the customer, Financial Status the status, Total the revenue', async () => {
    const b = await build(['shopify-orders.csv']);
    const m = b.mappings[0];
    expect(m?.layout).toBe('shopify_orders');
    expect(m?.role).toBe('orders');
    expect(byRole(m, 'order_id')).toEqual(['Name']);
    expect(byRole(m, 'customer_id')).toEqual(['Email']);
    expect(byRole(m, 'status')).toEqual(['Financial Status']);
    expect(byRole(m, 'timestamp')).toEqual(['Created at']);
    expect(byRole(m, 'amount')).toEqual(['Total']);
    expect(byRole(m, 'refund_amount')).toEqual(['Refunded Amount']);
    expect(m?.tzOffsetMinutes).toBe(-300);
  });

  it('2 customers, 4 orders, revenue 245.00: continuation rows inherit, refunds/voided/pending left out, partial refund netted', async () => {
    const b = await build(['shopify-orders.csv']);
    expect(await headline(b)).toEqual({ buyers: 2, orders: 4, revenue: 245 });
    // Ann wrote her address in two cases: one customer
    expect(await b.one("SELECT string_agg(DISTINCT customer_id, ',' ORDER BY customer_id) FROM orders")).toBe(
      'ann@example.com,bob@example.com',
    );
    // every kept line is an order line: 2 + 1 + 2 + 3
    expect(await b.one('SELECT count(*) FROM orders')).toBe(8);
    // a continuation row took the order's status and time from its first row
    expect(await b.one("SELECT count(*) FROM orders WHERE order_id = '#1007' AND status = 'paid'")).toBe(3);
    // the order total counts once: #1007 is 100, not 50 + 25 + 15 and not 3 × 100
    expect(await b.one("SELECT sum(amount) FROM orders WHERE order_id = '#1007'")).toBe(100);
    // times stay in the shop's wall clock (-0500 written, -0500 shown)
    expect(await b.one("SELECT strftime(min(ts), '%Y-%m-%d %H:%M') FROM orders WHERE order_id = '#1007'")).toBe('2024-02-01 23:30');
    expect(await b.one('SELECT count(*) FROM rejects')).toBe(0);
  });

  it('net mode: fully refunded, voided and pending orders subtract nothing (they were never revenue)', async () => {
    const b = await build(['shopify-orders.csv'], NET);
    expect(await headline(b)).toEqual({ buyers: 2, orders: 4, revenue: 245 });
  });

  it('with the customers export: profiles join on e-mail', async () => {
    const b = await build(['shopify-orders.csv', 'shopify-customers.csv']);
    expect(b.mappings[1]?.layout).toBe('shopify_customers');
    expect(b.mappings[1]?.role).toBe('customers');
    expect(byRole(b.mappings[1], 'customer_id')).toEqual(['Email']);
    // 3 with a kept order, plus cat (refunded only) and dan (voided only): customers without a kept
    // order exist, but are not buyers (issue 11 §3)
    expect(await b.one('SELECT count(*) FROM customers')).toBe(5);
    expect(await b.one("SELECT city FROM customers WHERE customer_id = 'ann@example.com'")).toBe('Boston');
    expect(await b.one('SELECT count(*) FROM customers WHERE has_profile')).toBe(3);
  });
});

describe('other order layouts: recognised and counted right on the first drop', () => {
  it.each([
    // file, layout, buyers, orders, revenue
    ['woocommerce-analytics.csv', 'woocommerce_analytics', 2, 3, 75],
    ['woocommerce-orders.csv', 'woocommerce_orders', 2, 2, 77],
    ['amazon-all-orders.txt', 'amazon_all_orders', 0, 2, 76.98],
    ['stripe-payments.csv', 'stripe_payments', 2, 4, 115],
    ['etsy-sold-orders.csv', 'etsy_sold_orders', 2, 3, 60.49],
    ['jd-orders.csv', 'jd_orders', 2, 3, 293],
    ['pdd-orders.csv', 'pdd_orders', 2, 3, 89.9],
  ] as const)('%s → %s: %i buyers, %i orders, revenue %d', async (file, layout, buyers, orders, revenue) => {
    const b = await build([file]);
    expect(b.mappings[0]?.layout).toBe(layout);
    expect(b.mappings[0]?.role).toBe('orders');
    expect(await headline(b)).toEqual({ buyers, orders, revenue });
    expect(await b.one('SELECT count(*) FROM rejects')).toBe(0);
  });

  it('Taobao/Tmall in GBK: trailing spaces in headers, apostrophe-prefixed numbers, unpaid and closed orders left out', async () => {
    const b = await build([['taobao-orders-gbk.csv', 'gbk']]);
    const m = b.mappings[0];
    expect(m?.layout).toBe('taobao_orders');
    // the header is `订单编号 ` (trailing space) in the file; the reader may trim it
    expect(byRole(m, 'order_id').map((h) => h.trim())).toEqual(['订单编号']);
    expect(byRole(m, 'customer_id')).toEqual(['买家会员名']);
    expect(byRole(m, 'amount')).toEqual(['买家实际支付金额']);
    expect(m?.tzOffsetMinutes).toBe(480);
    expect(await headline(b)).toEqual({ buyers: 2, orders: 3, revenue: 204.5 });
    expect(await b.one("SELECT string_agg(order_id, ',' ORDER BY order_id) FROM orders")).toBe('3201001,3201002,3201005');
  });

  it('WooCommerce: a refund row under the same order number nets in net mode, the order still counts once', async () => {
    const b = await build(['woocommerce-analytics.csv'], NET);
    // 40 + 20 − 20 + 15; the pending-payment order adds nothing
    expect(await headline(b)).toEqual({ buyers: 2, orders: 3, revenue: 55 });
  });

  it('Stripe: the customer id, else the id that e-mail has elsewhere, else the e-mail (lower case)', async () => {
    const b = await build(['stripe-payments.csv']);
    expect(byRole(b.mappings[0], 'customer_fallback')).toEqual(['Customer Email']);
    expect(await b.one("SELECT string_agg(DISTINCT customer_id, ',' ORDER BY customer_id) FROM orders")).toBe('cus_A,guest@example.com');
    // ch_3Pa006 has no customer id; its e-mail A@example.com is cus_A's on other payments
    expect(await b.one("SELECT customer_id FROM orders WHERE order_id = 'ch_3Pa006'")).toBe('cus_A');
  });

  it('Amazon: no buyer column, orders kept without a customer, and the mapping says so', async () => {
    const b = await build(['amazon-all-orders.txt']);
    expect(byRole(b.mappings[0], 'customer_id')).toEqual([]);
    expect(await b.one('SELECT count(*) FROM orders WHERE customer_id IS NULL')).toBe(3);
    expect(await b.one('SELECT count(*) FROM customers')).toBe(0);
  });
});

describe('event layouts', () => {
  it('GA4: microsecond timestamps, user_id else the user its user_pseudo_id logged in as, else the pseudo id; event names', async () => {
    const b = await build(['ga4-events.csv']);
    const m = b.mappings[0];
    expect(m?.layout).toBe('ga4_events');
    expect(m?.role).toBe('events');
    expect(m?.timestampFormat).toEqual({ kind: 'epoch_us' });
    expect(await b.one('SELECT count(*) FROM events')).toBe(6);
    // the first device logged in as u1 later: its anonymous events are u1's too
    expect(await b.one('SELECT count(DISTINCT customer_id) FROM events')).toBe(2);
    expect(await b.one("SELECT count(*) FROM events WHERE customer_id = 'u1'")).toBe(4);
    expect(await b.one("SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S') FROM events")).toBe('2024-01-05 10:00:00');
    const types = await query(b.conn, 'SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
    expect(types).toEqual([
      { event_type: 'cart', n: 1 },
      { event_type: 'other', n: 1 },
      { event_type: 'purchase', n: 1 },
      { event_type: 'view', n: 3 },
    ]);
    expect(await headline(b)).toEqual({ buyers: 1, orders: 1, revenue: 35 });
  });

  it('PostHog: distinct_id, event with $pageview, ISO times with Z', async () => {
    const b = await build(['posthog-events.csv']);
    const m = b.mappings[0];
    expect(m?.layout).toBe('posthog_events');
    expect(byRole(m, 'customer_id')).toEqual(['distinct_id']);
    expect(await b.one('SELECT count(DISTINCT customer_id) FROM events')).toBe(2);
    const types = await query(b.conn, 'SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
    expect(types).toEqual([
      { event_type: 'click', n: 1 },
      { event_type: 'other', n: 2 },
      { event_type: 'purchase', n: 1 },
      { event_type: 'view', n: 2 },
    ]);
  });
});

describe('headers no rule knows: the values decide', () => {
  it('order_id,user_id,order_ts,amount,category,channel → 3 customers, 4 orders, 149.75', async () => {
    const b = await build(['plain-unknown-headers.csv']);
    expect(b.mappings[0]?.layout).toBeUndefined();
    expect(byRole(b.mappings[0], 'timestamp')).toEqual(['order_ts']);
    expect(await headline(b)).toEqual({ buyers: 3, orders: 4, revenue: 149.75 });
  });

  it('uid,下单日期,amt,sku → 2 customers, 3 orders, 45.00', async () => {
    const b = await build(['plain-unknown-cn.csv']);
    expect(b.mappings[0]?.columns).toMatchObject({ uid: 'customer_id', 下单日期: 'timestamp', amt: 'amount' });
    expect(await headline(b)).toEqual({ buyers: 2, orders: 3, revenue: 45 });
  });

  it('no layout is claimed for the real datasets’ plain headers', () => {
    const cols = ['order_id', 'customer_id', 'order_status', 'order_purchase_timestamp'].map((name) => ({
      name,
      type: 'VARCHAR',
      samples: [],
    }));
    expect(recogniseLayout(cols)).toBeNull();
  });
});

describe('guess from values when no header rule knows the column', () => {
  const col = (name: string, samples: string[]) => ({ name, type: 'VARCHAR', samples });
  const raw = (columns: ReturnType<typeof col>[]): RawFile => ({ name: 'f.csv', table: 'raw_f', rows: 3, columns });

  it.each([
    ['order_ts', ['2024-02-01 10:00:00', '2024-02-02 11:00:00', '2024-02-10 09:15:00']],
    ['paid_time', ['2024-02-01 10:00', '2024-02-02 11:00', '2024-02-10 09:15']],
    ['下单日期', ['2024/03/01', '2024/03/02', '2024/03/09']],
    ['placed', ['01/02/2024', '02/02/2024', '13/02/2024']],
  ])('time column %s', (name, samples) => {
    const m = guessMapping(raw([col('uid', ['1001', '1002', '1001']), col(name, samples), col('amt', ['19.90', '5.00', '20.10'])]));
    expect(m.role).toBe('orders');
    expect(m.columns).toEqual({ uid: 'customer_id', [name]: 'timestamp', amt: 'amount' });
  });

  it('a customer column under an unknown id-like header, and an e-mail column when there is no id', () => {
    const ids = guessMapping(
      raw([
        col('shopper_ref', ['S-1', 'S-2', 'S-1']),
        col('when', ['2024-01-01', '2024-01-02', '2024-01-03']),
        col('amt', ['1.50', '2.00', '3.25']),
      ]),
    );
    expect(ids.columns).toMatchObject({ shopper_ref: 'ignore' });
    const hinted = guessMapping(
      raw([
        col('shopper_id', ['S-1', 'S-2', 'S-1']),
        col('when', ['2024-01-01', '2024-01-02', '2024-01-03']),
        col('amt', ['1.50', '2.00', '3.25']),
      ]),
    );
    expect(hinted.columns).toEqual({ shopper_id: 'customer_id', when: 'timestamp', amt: 'amount' });
    const mail = guessMapping(
      raw([
        col('order', ['1', '2', '3']),
        col('buyer_email', ['a@x.com', 'b@x.com', 'a@x.com']),
        col('created', ['2024-01-01', '2024-01-02', '2024-01-03']),
      ]),
    );
    expect(mail.columns).toMatchObject({ buyer_email: 'customer_id', order: 'order_id', created: 'timestamp' });
  });

  it('lookup files stay lookups: no time or customer is invented next to an order id alone (Olist items, payments)', () => {
    const items = guessMapping(
      raw([
        col('order_id', ['o1', 'o2', 'o3']),
        col('order_item_id', ['1', '1', '2']),
        col('shipping_limit_date', ['2017-09-19 09:45:35', '2017-05-03 11:05:13', '2018-01-18 14:48:30']),
        col('price', ['58.90', '239.90', '199.00']),
      ]),
    );
    expect(items.role).toBe('order_lines');
    const pays = guessMapping(
      raw([
        col('order_id', ['o1', 'o2', 'o3']),
        col('payment_sequential', ['1', '1', '2']),
        col('payment_value', ['99.33', '24.39', '65.71']),
      ]),
    );
    expect(pays.role).toBe('payments');
    expect(Object.values(pays.columns)).not.toContain('customer_id');
  });
});

describe('what is still missing, and where to map it', () => {
  const col = (name: string, samples: string[]) => ({ name, type: 'VARCHAR', samples });

  it('an event log without a user column misses the customer key; nothing to suggest', () => {
    const f: RawFile = {
      name: 'e.csv',
      table: 'raw_e',
      rows: 2,
      columns: [
        col('event_time', ['2024-01-01 10:00:00', '2024-01-01 10:01:00']),
        col('event_type', ['view', 'cart']),
        col('product_id', ['p1', 'p2']),
      ],
    };
    const m = guessMapping(f);
    expect(missingRoles(m)).toEqual(['customer_id']);
    expect(suggestColumn(f, m, 'customer_id')).toBeNull();
  });

  it('a customer key unmapped by hand is found again for the mapping panel', () => {
    const f: RawFile = {
      name: 'o.csv',
      table: 'raw_o',
      rows: 2,
      columns: [
        col('Name', ['#1', '#2']),
        col('Email', ['a@x.com', 'b@x.com']),
        col('Created at', ['2024-01-01', '2024-01-02']),
        col('Total', ['1.00', '2.00']),
      ],
    };
    const m: FileMapping = {
      ...guessMapping(f),
      columns: { Name: 'order_id', Email: 'ignore', 'Created at': 'timestamp', Total: 'ignore' },
    };
    expect(missingRoles(m)).toEqual(['customer_id', 'amount']);
    expect(suggestColumn(f, m, 'customer_id')).toBe('Email');
    expect(suggestColumn(f, m, 'amount')).toBe('Total');
    // an order file without amounts takes them from an order-lines file: not missing then
    expect(missingRoles(m, [m, { ...m, file: 'lines.csv', role: 'order_lines' }])).toEqual(['customer_id']);
  });

  it('layout notes name the columns as mapped', async () => {
    const b = await build(['shopify-orders.csv']);
    expect(layoutNotes(b.mappings[0]!)).toEqual([
      { key: 'order_total', params: { column: 'Total' } },
      { key: 'refund_subtracted', params: { column: 'Refunded Amount' } },
    ]);
  });

  it('every layout has a name and its notes have text in English and Chinese', () => {
    for (const id of LAYOUT_IDS) {
      expect(Object.keys(en)).toContain(`layout.name.${id}`);
      expect(Object.keys(zh)).toContain(`layout.name.${id}`);
    }
    for (const l of LAYOUTS) for (const n of l.notes) expect(Object.keys(zh)).toContain(`layout.note.${n}`);
  });
});
