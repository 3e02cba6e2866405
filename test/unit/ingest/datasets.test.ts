/**
 * Every real dataset in ../shared/datasets, loaded like the worker does, guessed, built into the
 * canonical tables, and checked against the figures its README states (or an independent count on
 * the raw table written here).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { loadRaw, type LoadOptions } from '../../helpers/raw-load';
import { guessMapping } from '../../../src/ingest/roles';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile, type RefundRule } from '../../../src/ingest/mapping';
import { DATASETS } from '../../helpers/datasets';

const D = DATASETS;
const NET: RefundRule = { ...DEFAULT_REFUND_RULE, mode: 'net' };

interface Loaded {
  conn: DuckDBConnection;
  files: RawFile[];
  mappings: FileMapping[];
}

async function load(paths: (string | [string, LoadOptions])[]): Promise<Loaded> {
  const conn = await openEmptyDb();
  const files: RawFile[] = [];
  for (const [i, p] of paths.entries()) {
    const [path, opts] = typeof p === 'string' ? [p, {}] : p;
    files.push(await loadRaw(conn, path, `raw_${i + 1}`, opts));
  }
  return { conn, files, mappings: files.map(guessMapping) };
}

async function build(l: Loaded, rule: RefundRule = DEFAULT_REFUND_RULE, mappings = l.mappings): Promise<void> {
  const { statements, issues } = buildCanonical(l.files, mappings, rule);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await l.conn.run(s);
}

const one = async (l: Loaded, q: string) => Object.values((await query(l.conn, q))[0] ?? {})[0];
const roleOf = (l: Loaded, file: string) => l.mappings.find((m) => m.file === file)?.role;

describe.skipIf(!existsSync(`${D}/uci-online-retail`))('UCI Online Retail', () => {
  it('12 % customer sample: 521 customers, 2,989 invoices, 2,521 without C-cancellations', async () => {
    const l = await load([`${D}/uci-online-retail/online_retail_customer_sample_12pct.csv`]);
    expect(l.mappings[0]?.columns).toMatchObject({
      InvoiceNo: 'order_id',
      CustomerID: 'customer_id',
      InvoiceDate: 'timestamp',
      Quantity: 'quantity',
      UnitPrice: 'unit_price',
      Country: 'region',
      StockCode: 'product_id',
    });
    await build(l, NET);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(60150);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(521);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(2989);
    expect(await one(l, "SELECT count(*) FROM orders WHERE customer_id = '12583'")).toBeGreaterThan(0);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d %H:%M') || ' ' || strftime(max(ts), '%Y-%m-%d %H:%M') FROM orders")).toBe(
      '2010-12-01 08:45 2011-12-09 12:25',
    );
    await build(l, { mode: 'exclude', negative: false, orderIdPrefixes: ['C'], statuses: [] });
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(2521);
    expect(await one(l, 'SELECT count(*) FROM rejects')).toBe(0);
  });

  it('by-day: 20 files stacked, 42,481 rows, 948 customers', async () => {
    const dir = `${D}/uci-online-retail/by-day-2010-12`;
    const l = await load(
      readdirSync(dir)
        .sort()
        .map((f) => join(dir, f)),
    );
    expect(l.files).toHaveLength(20);
    expect(new Set(l.mappings.map((m) => m.role))).toEqual(new Set(['orders']));
    await build(l, NET);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(42481);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(948);
    expect(await one(l, 'SELECT count(*) FROM orders WHERE customer_id IS NULL')).toBe(15631);
    expect(await one(l, 'SELECT count(DISTINCT source) FROM orders')).toBe(20);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d %H:%M') || ' ' || strftime(max(ts), '%Y-%m-%d %H:%M') FROM orders")).toBe(
      '2010-12-01 08:26 2010-12-23 17:41',
    );
  });

  it('semicolon variant: mixed month-first dates all parse, 1,039 customers, Dec 2010 – Feb 2011', async () => {
    const l = await load([`${D}/uci-online-retail/variants/online_retail_semicolon_mixed_dates.csv`]);
    expect(l.mappings[0]?.timestampFormat).toMatchObject({ kind: 'strptime' });
    await build(l, NET);
    expect(await one(l, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(5000);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(1039);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d') || ' ' || strftime(max(ts), '%Y-%m-%d') FROM orders")).toBe(
      '2010-12-01 2011-02-23',
    );
    // `12/06/2010 10:08` is 6 December, not 12 June.
    expect(await query(l.conn, "SELECT DISTINCT strftime(ts, '%Y-%m-%d %H:%M') AS ts FROM orders WHERE order_id = '537240'")).toEqual([
      { ts: '2010-12-06 10:08' },
    ]);
    // `2/20/11 11:39` is 20 February 2011 (two-digit year, day > 12).
    expect(await query(l.conn, "SELECT DISTINCT strftime(ts, '%Y-%m-%d %H:%M') AS ts FROM orders WHERE order_id = '544447'")).toEqual([
      { ts: '2011-02-20 11:39' },
    ]);
  });

  it('R-quoted variant: NA customer ids are guests, 3,049 customers', async () => {
    const l = await load([`${D}/uci-online-retail/variants/online_retail_sample20k_R_quoted.csv`]);
    await build(l, NET);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(20000);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(3049);
    expect(await one(l, "SELECT count(*) FROM orders WHERE customer_id = 'NA'")).toBe(0);
  });
});

describe.skipIf(!existsSync(`${D}/olist-brazil`))('Olist', () => {
  const names = [
    'olist_orders_dataset.csv',
    'olist_customers_dataset.csv',
    'olist_order_items_dataset.csv',
    'olist_order_payments_dataset.csv',
    'olist_order_reviews_dataset.csv',
    'olist_products_dataset.csv',
    'olist_sellers_dataset.csv',
    'product_category_name_translation.csv',
  ];
  let l: Loaded;
  beforeAll(async () => {
    l = await load(names.map((n) => `${D}/olist-brazil/${n}`));
  });

  it('guesses each file role and the alias customer key', () => {
    expect(l.mappings.map((m) => m.role)).toEqual([
      'orders',
      'customers',
      'order_lines',
      'payments',
      'ignore',
      'products',
      'ignore',
      'ignore',
    ]);
    expect(l.mappings[1]?.columns).toMatchObject({
      customer_unique_id: 'customer_id',
      customer_id: 'customer_alias',
      customer_city: 'city',
      customer_state: 'region',
    });
    expect(l.mappings[2]?.columns).toMatchObject({
      order_id: 'order_id',
      price: 'amount',
      freight_value: 'extra_amount',
      product_id: 'product_id',
    });
  });

  it('8,135 orders of 8,016 people, 73 repeat buyers; exclude drops 625 canceled + 609 unavailable', async () => {
    await build(l, NET);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(8135);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(8016);
    expect(await one(l, 'SELECT count(*) FROM (SELECT customer_id FROM orders GROUP BY 1 HAVING count(DISTINCT order_id) > 1)')).toBe(73);
    expect(await one(l, 'SELECT count(*) FROM customers')).toBe(8016);
    expect(await one(l, 'SELECT count(*) FROM customers WHERE has_profile AND region IS NOT NULL')).toBe(8016);
    // One row per item line, plus one per order without lines (775).
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(8365 + 775);
    await build(l, DEFAULT_REFUND_RULE);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(8135 - 625 - 609);
  });

  it('order value = price + freight over items, else the payments', async () => {
    await build(l, { ...DEFAULT_REFUND_RULE, statuses: [] });
    const expected = await one(
      l,
      `SELECT round(
      (SELECT sum(price + freight_value) FROM raw_3) +
      (SELECT coalesce(sum(payment_value), 0) FROM raw_4 WHERE order_id NOT IN (SELECT order_id FROM raw_3)), 2)`,
    );
    expect(Math.round(Number(await one(l, 'SELECT sum(amount) FROM orders')) * 100) / 100).toBeCloseTo(Number(expected), 2);
    expect(await one(l, 'SELECT count(*) FROM orders WHERE category IS NOT NULL')).toBeGreaterThan(8000);
  });
});

describe.skipIf(!existsSync(`${D}/rfm-r-package`))('rfm R package', () => {
  it('995 customers, 4,906 orders, revenue 464,158', async () => {
    const l = await load([`${D}/rfm-r-package/rfm_data_orders.csv`]);
    expect(l.mappings[0]?.columns).toEqual({ customer_id: 'customer_id', order_date: 'timestamp', revenue: 'amount' });
    await build(l);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(4906);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(995);
    expect(await one(l, 'SELECT sum(amount) FROM orders')).toBe(464158);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d') || ' ' || strftime(max(ts), '%Y-%m-%d') FROM orders")).toBe(
      '2001-10-29 2006-12-30',
    );
    expect(await one(l, "SELECT count(*) FROM customers WHERE customer_id LIKE '%''%'")).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(`${D}/cdnow`))('CDNOW', () => {
  it('master: 23,570 customers, 69,659 transactions, 1997-01-01 … 1998-06-30', async () => {
    const l = await load([[`${D}/cdnow/CDNOW_master.txt`, { whitespace: true }]]);
    expect(l.mappings[0]?.columns).toEqual({
      customer_id: 'customer_id',
      date: 'timestamp',
      number_of_cds: 'quantity',
      dollar_value: 'amount',
    });
    expect(l.mappings[0]?.timestampFormat).toEqual({ kind: 'yyyymmdd' });
    await build(l);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(69659);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(23570);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d') || ' ' || strftime(max(ts), '%Y-%m-%d') FROM orders")).toBe(
      '1997-01-01 1998-06-30',
    );
  });

  it('headerless sample: guessed from values; 2,357 customers, 6,919 lines, 6,696 customer-days', async () => {
    const l = await load([[`${D}/cdnow/CDNOW_sample.txt`, { whitespace: true }]]);
    expect(l.mappings[0]).toMatchObject({
      role: 'orders',
      timestampFormat: { kind: 'yyyymmdd' },
      columns: { column0: 'customer_id', column1: 'ignore', column2: 'timestamp', column3: 'quantity', column4: 'amount' },
    });
    await build(l);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(6919);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(2357);
    // No order id: one order per customer and moment (here: day).
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(6696);
  });

  it('summary files are not order data', async () => {
    const l = await load([`${D}/cdnow/cdnow_customers_summary.csv`, `${D}/cdnow/btyd_cdnowSummary_cu_tracking.csv`]);
    expect(l.mappings.map((m) => m.role)).toEqual(['ignore', 'ignore']);
  });
});

describe.skipIf(!existsSync(`${D}/tmall-order-report`))('Tmall order report (Chinese headers, no buyer)', () => {
  it('28,010 orders kept with NULL customer; paid amount; province region', async () => {
    const l = await load([`${D}/tmall-order-report/tmall_order_report.csv`]);
    const cols = l.mappings[0]?.columns ?? {};
    const byRole = (r: string) =>
      Object.keys(cols)
        .filter((k) => cols[k] === r)
        .map((k) => k.trim());
    expect(byRole('order_id')).toEqual(['订单编号']);
    expect(byRole('amount')).toEqual(['买家实际支付金额']);
    expect(byRole('timestamp')).toEqual(['订单创建时间']);
    expect(byRole('region')).toEqual(['收货地址']);
    expect(byRole('refund_amount')).toEqual(['退款金额']);
    const { issues } = buildCanonical(l.files, l.mappings, DEFAULT_REFUND_RULE);
    expect(issues.some((i) => i.level === 'warning' && /customer id/.test(i.message))).toBe(true);
    await build(l);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(28010);
    expect(await one(l, 'SELECT count(*) FROM orders WHERE customer_id IS NULL')).toBe(28010);
    expect(await one(l, 'SELECT count(DISTINCT region) FROM orders')).toBe(31);
    expect(await one(l, 'SELECT count(*) FROM customers')).toBe(0);
  });
});

describe.skipIf(!existsSync(`${D}/tmall-seller-export`))('Tmall seller exports', () => {
  it('order list: 617 orders, 579 buyers; 105 closed orders excluded by default', async () => {
    const l = await load([`${D}/tmall-seller-export/ExportOrderList_pii_removed.csv`]);
    const cols = l.mappings[0]?.columns ?? {};
    expect(Object.keys(cols).filter((k) => cols[k] === 'customer_id')).toEqual(['买家会员名']);
    expect(Object.keys(cols).filter((k) => cols[k] === 'order_id')).toEqual(['订单编号']);
    await build(l, NET);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(617);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(579);
    expect(await one(l, "SELECT count(*) FROM orders WHERE order_id = '2962846118130716330'")).toBe(1);
    await build(l);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(617 - 105);
  });

  it('GBK order detail: 1,119 lines of 576 orders; Excel-wrapped ids unwrapped', async () => {
    const l = await load([[`${D}/tmall-seller-export/ExportOrderDetailList202210201728.csv`, { encoding: 'gbk' }]]);
    const cols = l.mappings[0]?.columns ?? {};
    expect(l.mappings[0]?.role).toBe('orders');
    expect(Object.keys(cols).filter((k) => cols[k] === 'order_id')).toEqual(['主订单编号']);
    await build(l, NET);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(1119);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(576);
    expect(await one(l, "SELECT count(*) FROM orders WHERE order_id = '2962846118130716330'")).toBe(1);
    expect(await one(l, "SELECT count(*) FROM orders WHERE order_id LIKE '=%'")).toBe(0);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S') || ' ' || strftime(max(ts), '%Y-%m-%d %H:%M:%S') FROM orders")).toBe(
      '2022-09-01 12:46:38 2022-10-20 13:45:22',
    );
    await build(l);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(1119 - 133);
  });
});

describe.skipIf(!existsSync(`${D}/rees46-multicategory`))('REES46 events', () => {
  it('4,505 users; view 17,056 · cart 165 · purchase 214; ` UTC` suffix; orders from purchases', async () => {
    const l = await load([`${D}/rees46-multicategory/2019-Oct_head17k.csv`]);
    expect(l.mappings[0]).toMatchObject({
      role: 'events',
      columns: {
        event_type: 'event_type',
        user_id: 'customer_id',
        user_session: 'session_id',
        category_code: 'category',
        category_id: 'ignore',
        price: 'amount',
        event_time: 'timestamp',
      },
    });
    await build(l);
    const byType = Object.fromEntries(
      (await query(l.conn, 'SELECT event_type, count(*) AS n FROM events GROUP BY 1')).map((r) => [r.event_type, r.n]),
    );
    expect(byType).toEqual({ view: 17056, cart: 165, purchase: 214 });
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM events')).toBe(4505);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S') || ' ' || strftime(max(ts), '%Y-%m-%d %H:%M:%S') FROM events")).toBe(
      '2019-10-01 00:00:00 2019-10-01 02:50:00',
    );
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(214);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(193);
  });
});

describe.skipIf(!existsSync(`${D}/tianchi-userbehavior`))('Tianchi UserBehavior (headerless, epoch seconds)', () => {
  it('815 users; pv 75,873 incl. the truncated last line, which is rejected for its missing time', async () => {
    const l = await load([`${D}/tianchi-userbehavior/UserBehavior_head84k.csv`]);
    expect(l.mappings[0]).toMatchObject({
      role: 'events',
      timestampFormat: { kind: 'epoch_s' },
      columns: { column0: 'customer_id', column1: 'product_id', column2: 'category', column3: 'event_type', column4: 'timestamp' },
    });
    await build(
      l,
      DEFAULT_REFUND_RULE,
      l.mappings.map((m) => ({ ...m, tzOffsetMinutes: 480 })),
    );
    const byType = Object.fromEntries(
      (await query(l.conn, 'SELECT raw_type, count(*) AS n FROM events GROUP BY 1')).map((r) => [r.raw_type, r.n]),
    );
    expect(byType).toEqual({ pv: 75873 - 1, cart: 4497, fav: 2356, buy: 1750 });
    expect(await query(l.conn, 'SELECT file, "row", reason FROM rejects')).toEqual([
      { file: 'UserBehavior_head84k.csv', row: 84476, reason: 'missing timestamp' },
    ]);
    expect(await one(l, "SELECT count(*) FROM events WHERE event_type = 'purchase'")).toBe(1750);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM events')).toBe(815);
    expect(await one(l, "SELECT count(DISTINCT customer_id) FROM events WHERE event_type = 'purchase'")).toBe(559);
    // 1505117799 = 2017-09-11 08:16:39 UTC = 16:16:39 Beijing.
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S') FROM events")).toBe('2017-09-11 16:16:39');
  });
});

describe.skipIf(!existsSync(`${D}/tianchi-mobile-recommend`))('Tianchi mobile (numeric behaviour codes, hour-only time)', () => {
  it('34 users; view 1,876 · fav 18 · cart 70 · purchase 35', async () => {
    const l = await load([`${D}/tianchi-mobile-recommend/sample_user_behavior.csv`, `${D}/tianchi-mobile-recommend/sample_item_info.csv`]);
    expect(l.mappings[0]).toMatchObject({ role: 'events', timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d %H'] } });
    await build(l);
    const byType = Object.fromEntries(
      (await query(l.conn, 'SELECT event_type, count(*) AS n FROM events GROUP BY 1')).map((r) => [r.event_type, r.n]),
    );
    expect(byType).toEqual({ view: 1876, fav: 18, cart: 70, purchase: 35 });
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM events')).toBe(34);
    expect(await one(l, "SELECT count(DISTINCT customer_id) FROM events WHERE event_type = 'purchase'")).toBe(16);
    expect(await one(l, "SELECT strftime(min(ts), '%Y-%m-%d %H') || ' ' || strftime(max(ts), '%Y-%m-%d %H') FROM events")).toBe(
      '2014-11-18 10 2014-12-18 23',
    );
    expect(await one(l, 'SELECT count(*) FROM rejects')).toBe(0);
  });
});

describe.skipIf(!existsSync(`${D}/completejourney-8451`))('Complete Journey', () => {
  it('2,377 households, 47,243 baskets; 801 demographic profiles with age bands', async () => {
    const l = await load([`${D}/completejourney-8451/transactions_sample.csv`, `${D}/completejourney-8451/demographics.csv`]);
    expect(l.mappings.map((m) => m.role)).toEqual(['orders', 'customers']);
    expect(l.mappings[0]?.columns).toMatchObject({
      household_id: 'customer_id',
      basket_id: 'order_id',
      sales_value: 'amount',
      quantity: 'quantity',
      transaction_timestamp: 'timestamp',
    });
    expect(l.mappings[1]?.columns).toMatchObject({ household_id: 'customer_id', age: 'age', income: 'income' });
    await build(l);
    expect(await one(l, 'SELECT count(*) FROM orders')).toBe(75000);
    expect(await one(l, 'SELECT count(DISTINCT customer_id) FROM orders')).toBe(2377);
    expect(await one(l, 'SELECT count(DISTINCT order_id) FROM orders')).toBe(47243);
    expect(await one(l, 'SELECT count(*) FROM customers WHERE has_profile')).toBe(801);
    expect(await one(l, 'SELECT count(*) FROM customers')).toBe(2377);
    expect(await one(l, "SELECT age_band || '/' || income FROM customers WHERE customer_id = '1'")).toBe('65+/35-49K');
    expect(await one(l, 'SELECT count(*) FROM orders WHERE customer_id IN (SELECT customer_id FROM customers WHERE has_profile)')).toBe(
      42199,
    );
    expect(roleOf(l, 'demographics.csv')).toBe('customers');
  });
});
