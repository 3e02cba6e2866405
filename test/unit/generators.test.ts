/**
 * The seeded generators: scripts/gen-orders.mjs (benchmark files) is run for real into a temp dir;
 * the committed demo files in public/demo are read with native DuckDB and checked against the
 * figures documented in public/demo/README.md.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql, str } from '../../src/lib/sql';
import { openDb, query } from '../helpers/duckdb';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'public/demo');

function genOrders(args: string[]): { orders: string; events: string | null; cached: boolean } {
  const run = spawnSync(process.execPath, [join(root, 'scripts/gen-orders.mjs'), ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`gen-orders failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim()) as { orders: string; events: string | null; cached: boolean };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const firstLine = (path: string) => readFileSync(path, 'utf8').slice(0, 200).split('\n')[0];

describe('gen-orders', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gen-orders-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes 20k rows, deterministically, with ≈ rows/8 customers over two years', async () => {
    const a = genOrders(['--rows', '20000', '--out', join(dir, 'a'), '--seed', '7']);
    const b = genOrders(['--rows', '20000', '--out', join(dir, 'b'), '--seed', '7']);
    const c = genOrders(['--rows', '20000', '--out', join(dir, 'c'), '--seed', '8']);
    expect(a.cached).toBe(false);
    expect(firstLine(a.orders)).toBe('order_id,customer_id,order_time,amount,category,channel');
    expect(sha256(a.orders)).toBe(sha256(b.orders));
    expect(sha256(a.orders)).not.toBe(sha256(c.orders));
    // ~58 bytes a row is what the benchmark sizes are planned on
    expect(statSync(a.orders).size / 20000).toBeGreaterThan(50);
    expect(statSync(a.orders).size / 20000).toBeLessThan(64);

    const db = await openDb();
    const [s] = await query(
      db,
      sql`SELECT count(*) AS n, count(DISTINCT customer_id) AS customers,
        min(order_time) AS first, max(order_time) AS last, min(amount) AS min_amount,
        count(DISTINCT category) AS categories, count(DISTINCT channel) AS channels
      FROM read_csv(${str(a.orders)}, types = {'order_time': 'TIMESTAMP', 'amount': 'DOUBLE'})`,
    );
    expect(s?.n).toBe(20000);
    expect(s?.customers).toBeGreaterThanOrEqual(2000); // 20000 / 8 = 2500 ± 20 %
    expect(s?.customers).toBeLessThanOrEqual(3000);
    expect((s?.first as Date).toISOString() < '2024-01-08').toBe(true);
    expect((s?.first as Date).toISOString() >= '2024-01-01').toBe(true);
    expect((s?.last as Date).toISOString() > '2025-12-24').toBe(true);
    expect((s?.last as Date).toISOString() < '2026-01-01').toBe(true);
    expect(s?.min_amount as number).toBeGreaterThan(0);
    expect(s?.categories).toBe(20);
    expect(s?.channels).toBe(5);
  });

  it('reuses a finished file with the same parameters and regenerates for another seed', () => {
    const first = genOrders(['--rows', '3000', '--out', join(dir, 'cache')]);
    const mtime = statSync(first.orders).mtimeMs;
    const again = genOrders(['--rows', '3000', '--out', join(dir, 'cache')]);
    expect(again.cached).toBe(true);
    expect(statSync(again.orders).mtimeMs).toBe(mtime);
    const reseeded = genOrders(['--rows', '3000', '--out', join(dir, 'cache'), '--seed', '2']);
    expect(reseeded.cached).toBe(false);
    expect(sha256(reseeded.orders)).not.toBe(sha256(join(dir, 'a', 'orders-20000.csv')));
  });

  it('adds a matching events file (~3 per row) without changing the orders', async () => {
    const plain = genOrders(['--rows', '5000', '--out', join(dir, 'plain')]);
    const withEvents = genOrders(['--rows', '5000', '--out', join(dir, 'ev'), '--events']);
    expect(sha256(withEvents.orders)).toBe(sha256(plain.orders));
    const events = withEvents.events ?? '';
    expect(firstLine(events)).toBe('user_id,event_time,event_type,category');
    const db = await openDb();
    const [s] = await query(
      db,
      sql`SELECT count(*) AS n, count(*) FILTER (event_type = 'purchase') AS purchases,
        count(DISTINCT user_id) FILTER (user_id NOT IN (SELECT customer_id FROM read_csv(${str(plain.orders)}))) AS browsers
      FROM read_csv(${str(events)})`,
    );
    expect(s?.purchases).toBe(5000); // one purchase event per order line
    expect((s?.n as number) / 5000).toBeGreaterThan(2.5);
    expect((s?.n as number) / 5000).toBeLessThan(4);
    expect(s?.browsers as number).toBeGreaterThan(0);
  });
});

describe('demo dataset (public/demo, figures in its README)', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await db.run(
      sql`CREATE TABLE o AS SELECT * FROM read_csv(${str(join(demo, 'orders.csv'))});
        CREATE TABLE e AS SELECT * FROM read_csv(${str(join(demo, 'events.csv'))});
        CREATE TABLE c AS SELECT * FROM read_csv(${str(join(demo, 'customers.csv'))}, all_varchar = true);
        CREATE TABLE spend AS SELECT customer_id, sum(amount) AS rev FROM o WHERE status = 'completed' GROUP BY 1;`.text,
    );
  });
  const one = async (text: string) => (await query(db, text))[0] ?? {};

  it('is small enough to ship and has the documented shape', async () => {
    const bytes = ['orders.csv', 'events.csv', 'customers.csv'].map((f) => statSync(join(demo, f)).size);
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(3_000_000);
    expect(firstLine(join(demo, 'orders.csv'))).toBe(
      'order_id,customer_id,order_time,product_id,category,quantity,unit_price,amount,channel,status',
    );
    expect(firstLine(join(demo, 'events.csv'))).toBe('user_id,event_time,event_type,product_id,category,session_id');
    expect(firstLine(join(demo, 'customers.csv'))).toBe(
      'customer_id,age,gender,region,city,city_tier,occupation,income,signup_channel,experiment,email,phone',
    );
    const s = await one(`SELECT count(DISTINCT category) AS cats, count(DISTINCT channel) AS chans,
        min(order_time)::VARCHAR AS first, max(order_time)::VARCHAR AS last,
        avg((status <> 'completed')::INT) AS returns, bool_and(abs(amount - round(quantity * unit_price, 2)) < 0.005) AS consistent
      FROM o`);
    expect(s).toMatchObject({ cats: 20, chans: 5, consistent: true });
    expect((s.first as string) >= '2024-01-01' && (s.last as string) < '2026-01-01').toBe(true);
    expect(s.returns as number).toBeGreaterThan(0.03); // README: 3.8 % refunded or cancelled
    expect(s.returns as number).toBeLessThan(0.05);
  });

  it('leaves ~10 % of customers without a profile and some fields blank', async () => {
    const s = await one(`WITH ids AS (SELECT customer_id AS id FROM o UNION SELECT user_id FROM e UNION SELECT customer_id FROM c)
      SELECT (SELECT count(*) FROM c) / count(*) AS profiled,
        (SELECT count(*) FILTER (income IS NULL OR city_tier IS NULL OR age IS NULL) FROM c) AS blanks FROM ids`);
    expect(s.profiled as number).toBeGreaterThan(0.86); // README: 91.7 %
    expect(s.profiled as number).toBeLessThan(0.95);
    expect(s.blanks as number).toBeGreaterThan(100);
  });

  it('plants a loyal top group: top 5 % of buyers hold ~38 % of revenue and order far more often', async () => {
    const s = await one(`WITH n AS (SELECT customer_id, count(DISTINCT order_id) AS orders FROM o WHERE status = 'completed' GROUP BY 1),
      k AS (SELECT rev, orders, row_number() OVER (ORDER BY rev DESC) AS rk, count(*) OVER () AS total FROM spend JOIN n USING (customer_id))
      SELECT sum(rev) FILTER (rk <= total * 0.05) / sum(rev) AS share,
        avg(orders) FILTER (rk <= total * 0.05) / avg(orders) FILTER (rk > total * 0.05) AS freq_ratio FROM k`);
    expect(s.share as number).toBeGreaterThan(0.33);
    expect(s.share as number).toBeLessThan(0.43);
    expect(s.freq_ratio as number).toBeGreaterThan(3);
  });

  it('peaks in November/December with a Singles’ Day spike', async () => {
    const rows = await query(
      db,
      `WITH m AS (SELECT year(order_time) AS yr, month(order_time) AS mo, sum(amount) AS rev FROM o WHERE status = 'completed' GROUP BY ALL)
      SELECT yr, max(rev) FILTER (mo = 11) / avg(rev) FILTER (mo <= 10) AS nov, max(rev) FILTER (mo = 12) / avg(rev) FILTER (mo <= 10) AS dec
      FROM m GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.nov as number).toBeGreaterThan(1.6); // README: 2.5× and 2.0× the Jan–Oct average
      expect(r.dec as number).toBeGreaterThan(1.3); // README: 1.6× both years
    }
    const spike = await query(
      db,
      `WITH d AS (SELECT order_time::DATE AS d, count(DISTINCT order_id) AS n FROM o GROUP BY 1)
      SELECT n / (SELECT median(n) FROM d) AS x FROM d WHERE month(d) = 11 AND day(d) = 11`,
    );
    expect(spike).toHaveLength(2);
    for (const r of spike) expect(r.x as number).toBeGreaterThan(5); // README: 7.3× and 9.2× a median day
  });

  it('has a churning cohort: first order 2024-09 via social, almost nobody back after 90 days', async () => {
    const rows = await query(
      db,
      `WITH f AS (SELECT customer_id, min(order_time) AS first_ts, arg_min(channel, order_time) AS ch FROM o GROUP BY 1),
      r AS (SELECT f.*, EXISTS (SELECT 1 FROM o WHERE o.customer_id = f.customer_id AND o.order_time >= f.first_ts + INTERVAL 90 DAY) AS kept
        FROM f WHERE first_ts < TIMESTAMP '2025-07-01')
      SELECT (strftime(first_ts, '%Y-%m') = '2024-09' AND ch = 'social') AS cohort, count(*) AS n, avg(kept::INT) AS kept FROM r GROUP BY 1 ORDER BY 1`,
    );
    const [others, cohort] = rows;
    expect(cohort?.n as number).toBeGreaterThan(120); // README: 155 customers
    expect(cohort?.kept as number).toBeLessThan(0.05); // README: 1.3 %
    expect(others?.kept as number).toBeGreaterThan(0.4); // README: 48.3 %
  });

  it('plants a loyal channel: app buyers come back (90-day repurchase 62.9 % against 10.7–23.2 % outside social)', async () => {
    // README item 10; the same figures from test/fixtures/behaviour/demo_channels_check.py (Python csv)
    const rows = await query(
      db,
      `WITH k AS (SELECT DISTINCT customer_id, order_id, order_time, channel FROM o WHERE status = 'completed'),
      f AS (SELECT customer_id, min(order_time) AS first_ts, arg_min(channel, (order_time, order_id)) AS ch FROM k GROUP BY 1),
      r AS (SELECT f.ch, bool_or(k.order_time > f.first_ts AND k.order_time <= f.first_ts + INTERVAL 90 DAY) AS rep,
          bool_or(k.order_time > f.first_ts + INTERVAL 90 DAY) AS ret
        FROM f JOIN k USING (customer_id) WHERE f.first_ts < TIMESTAMP '2025-10-03' GROUP BY f.customer_id, f.ch)
      SELECT ch, count(*) AS n, round(avg(rep::INT), 4) AS rep, round(avg(ret::INT), 4) AS ret FROM r GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { ch: 'app', n: 644, rep: 0.6289, ret: 0.677 },
      { ch: 'marketplace', n: 381, rep: 0.1496, ret: 0.2808 },
      { ch: 'mini_program', n: 383, rep: 0.2324, ret: 0.4021 },
      { ch: 'social', n: 335, rep: 0.5642, ret: 0.2687 },
      { ch: 'web', n: 448, rep: 0.1071, ret: 0.2746 },
    ]);
  });

  it('has a channel that browses and carts but rarely buys (mini_program)', async () => {
    const rows = await query(
      db,
      `SELECT c.signup_channel AS ch, count(*) FILTER (event_type = 'purchase') / count(*) FILTER (event_type = 'view') AS conv,
        count(*) FILTER (event_type = 'purchase') / count(*) FILTER (event_type = 'cart') AS per_cart
      FROM e JOIN c ON c.customer_id = e.user_id WHERE c.signup_channel IS NOT NULL GROUP BY 1 ORDER BY conv`,
    );
    expect(rows.map((r) => r.ch)).toHaveLength(5);
    const [worst, next] = rows;
    expect(worst?.ch).toBe('mini_program');
    expect(worst?.conv as number).toBeLessThan(0.5 * (next?.conv as number)); // README: 11.3 % vs ≥ 26 %
    // carts are abandoned: purchases per cart well below every other channel (README: 0.40 vs ≥ 0.89)
    const perCart = rows.slice(1).map((r) => r.per_cart as number);
    expect(worst?.per_cart as number).toBeLessThan(0.6 * Math.min(...perCart));
    const [b] = await query(db, `SELECT count(DISTINCT user_id) AS n FROM e WHERE user_id NOT IN (SELECT customer_id FROM o)`);
    expect(b?.n as number).toBeGreaterThan(200); // README: 279 event users who never bought
  });

  it('spends more in tier-1 cities and at 35–44', async () => {
    const tiers = await one(`SELECT avg(rev) FILTER (city_tier = '1') / avg(rev) FILTER (city_tier IN ('3', '4', '5')) AS ratio
      FROM spend JOIN c USING (customer_id)`);
    expect(tiers.ratio as number).toBeGreaterThan(1.3); // README: 844 vs 495 per buyer
    const ages = await one(`SELECT avg(rev) FILTER (age::INT BETWEEN 35 AND 44) / avg(rev) FILTER (age::INT BETWEEN 18 AND 24) AS ratio
      FROM spend JOIN c USING (customer_id)`);
    expect(ages.ratio as number).toBeGreaterThan(1.5); // README: 895 vs 458 per buyer
  });

  it('plants an A/B test: the coupon lifts conversion (72.84 % → 78.89 %), not revenue per customer (516.79 vs 517.29)', async () => {
    const rows = await query(
      db,
      `SELECT c.experiment AS g, count(*) AS n, count(s.customer_id) AS buyers, round(sum(coalesce(s.rev, 0)) / count(*), 2) AS rpc
      FROM c LEFT JOIN spend s USING (customer_id) GROUP BY 1 ORDER BY 1`,
    );
    // README (and test/fixtures/behaviour/demo_ab_check.py): 1,062 / 1,458 and 1,151 / 1,459
    expect(rows).toEqual([
      { g: 'control', n: 1458, buyers: 1062, rpc: 516.79 },
      { g: 'coupon', n: 1459, buyers: 1151, rpc: 517.29 },
    ]);
  });
});
