/**
 * The Value request's per-customer summary in customer parts (`workers/analysis-value.ts`): over
 * more than `rowsPerPart()` order lines its one grouping of every order line by customer and day
 * (18.6 s and the request's highest memory at 20M orders in the tab) is written one statement per
 * customer part into the compressed cache database. Every summary row is one customer's, so the
 * parts are the whole summary: the same answer as one statement, and the tables are dropped after
 * the request. The per-customer tables built from the summary (historic value, predictions: 2.5M
 * rows each at 20M orders) are written in the same parts, each reading its rows of the summary by
 * rowid range.
 */
import { describe, it, expect } from 'vitest';
import { openDb, query, type Row } from '../../helpers/duckdb';
import { nativeEngine } from '../../helpers/native-engine';
import { roughly } from '../../helpers/roughly';
import { valueApi } from '../../../workers/analysis-value';
import { setPartRows } from '../../../workers/cache-db';
import { inline } from '../../../src/lib/sql';
import { partsOf } from '../../../src/analysis/parts';
import { rowidRanges, chained } from '../../helpers/rowid-ranges';
import { rfSummary } from '../../../src/analysis/value/summary';
import type { Db } from '../../../workers/duckdb';
import type { ValueRequest, ValueResult } from '../../../src/atlas-api';

const LINES = 3000;
const request: ValueRequest = {
  scope: { asOf: '2024-07-01', from: null, filters: [] },
  unit: 'week',
  calibrationEnd: '2024-03-31',
  months: 12,
  monthlyDiscount: 0.01,
  k: 3,
  split: null,
};

/**
 * 400 customers, 3,000 order lines over a year and a half: a skewed number of lines per customer,
 * each customer active from its own first day for its own span (so some drop out), repeat days and a
 * few same-day lines.
 */
async function withOrders() {
  const conn = await openDb();
  await conn.run(`INSERT INTO orders (customer_id, order_id, ts, amount, category, is_return, source)
    SELECT 'c' || c, 'o' || i, TIMESTAMP '2023-01-01' + INTERVAL ((c * 7) % 200 + hash(i * 7 + 3) % (30 + (c * 97) % 330)) DAY,
      5 + ((i * 13) % 90) + 0.25, 'k' || (i % 4), false, 'gen'
    FROM (SELECT i, CAST(floor(400 * pow((hash(i) % 10007) / 10007.0, 2)) AS INTEGER) AS c FROM range(${LINES}) t(i))`);
  await conn.run(`INSERT INTO customers (customer_id, has_profile) SELECT DISTINCT customer_id, false FROM orders`);
  return conn;
}

/**
 * 400 customers who buy steadily, each at their own rate (one purchase every 9 to 63 days) from their
 * own first day, until they drop out (after 40 to 540 days): data the BG/NBD and Gamma-Gamma models
 * fit well enough for predictions (the skewed lines above do not converge).
 */
async function withSteadyBuyers() {
  const conn = await openDb();
  await conn.run(`INSERT INTO orders (customer_id, order_id, ts, amount, category, is_return, source)
    SELECT 'c' || c, 'o' || c || '-' || k, TIMESTAMP '2023-01-01' + INTERVAL (first + k * gap + hash(c * 31 + k) % 5) DAY,
      10 + (c % 23) + (hash(c * 7 + k) % 11), 'k' || (k % 4), false, 'gen'
    FROM (SELECT c, (c * 11) % 120 AS first, 9 + (c * 13) % 55 AS gap, 40 + hash(c) % 500 AS life FROM range(400) t(c)) g,
      range(60) r(k)
    WHERE k * gap < life AND first + k * gap < 540`);
  await conn.run(`INSERT INTO customers (customer_id, has_profile) SELECT DISTINCT customer_id, false FROM orders`);
  return conn;
}

describe('the Value summary in customer parts', () => {
  it('is the one-statement summary, row for row', async () => {
    const db = await withOrders();
    const sorted = (rows: Row[]) => [...rows].sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));
    for (const p of [
      { unit: 'week' as const, calibrationEnd: null, extras: true },
      { unit: 'day' as const, calibrationEnd: '2024-03-31' },
    ]) {
      const whole = sorted(await query(db, rfSummary(request.scope, p)));
      expect(whole.length).toBeGreaterThan(300);
      const rows: Row[] = [];
      for (const part of partsOf(3, 1)) rows.push(...(await query(db, inline(rfSummary(request.scope, p, part)))));
      expect(roughly(sorted(rows))).toEqual(roughly(whole));
    }
  });

  /** The worker's answer in parts of `partRows` order lines (one part when that is above the lines). */
  const ask = async (orders: () => ReturnType<typeof openDb>, parts: number, version: number) => {
    const conn = await orders();
    const [c] = await query(conn, 'SELECT count(*) AS n FROM orders');
    const engine = nativeEngine(conn);
    const api = valueApi(
      async () => engine as unknown as Db,
      () => version,
      200,
    );
    const was = setPartRows(parts > 1 ? Math.ceil(Number(c!.n) / parts) : 1_000_000);
    try {
      const r = await api.value(request, `value-parts-${version}`);
      if (!r.ok) throw new Error(`${r.error.message}\n${r.error.sql ?? ''}`);
      const left = await query(conn, `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'value_%'`);
      return { result: r.value, log: engine.log, left: Number(left[0]!.n) };
    } finally {
      setPartRows(was);
    }
  };
  const writes = (log: string[], prefix: string) =>
    log.filter((t) => new RegExp(`^(CREATE OR REPLACE TABLE|INSERT INTO) (atlas_cache\\.)?${prefix}_\\d+ `).test(t));
  const answer = (v: ValueResult) => roughly({ ...v, ms: 0, fit: v.fit ? { ...v.fit, ms: 0 } : null });

  it('is written by the worker one statement per part into the cache, with the same answer', async () => {
    // versions of their own: nothing of one run (bases, fits) is reused by the other
    const one = await ask(withOrders, 1, 901);
    const parted = await ask(withOrders, 3, 902);
    for (const prefix of ['value_sum', 'value_cal']) {
      expect(writes(one.log, prefix), prefix).toHaveLength(1);
      expect(writes(one.log, prefix)[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE ${prefix}_\\d+ AS`));
      expect(writes(one.log, prefix)[0]).not.toContain('hash(');
      const w = writes(parted.log, prefix);
      expect(w, prefix).toHaveLength(3);
      expect(w[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE atlas_cache\\.${prefix}_\\d+ AS`));
      w.forEach((t, i) => expect(t).toContain(`hash(customer_id) % 3 = ${i}`));
    }
    expect(one.result.fit?.population).toBeGreaterThan(300);
    expect(one.result.holdout).not.toBeNull();
    expect(answer(parted.result)).toEqual(answer(one.result));
    // the request drops its tables, in the cache database too
    expect([one.left, parted.left]).toEqual([0, 0]);
  }, 120_000);

  it('writes the historic value and the predictions in the same parts, each part reading its rows of the summary', async () => {
    const one = await ask(withSteadyBuyers, 1, 903);
    const parted = await ask(withSteadyBuyers, 3, 904);
    expect(one.result.predictions?.totalClv).toBeGreaterThan(0);
    expect(one.result.clvByRfm).not.toBeNull();
    const sum = writes(parted.log, 'value_sum')[0]!.match(/value_sum_\d+/)![0];
    for (const prefix of ['value_hist', 'value_pred']) {
      expect(writes(one.log, prefix), prefix).toHaveLength(1);
      expect(writes(one.log, prefix)[0]).not.toContain('rowid');
      const w = writes(parted.log, prefix);
      expect(w, prefix).toHaveLength(3);
      expect(w[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE atlas_cache\\.${prefix}_\\d+ AS`));
      // by rowid range, not by hash: each part reads only its own customers' rows of the summary
      for (const t of w) expect(t).not.toContain('hash(');
      const ranges = w.map((t) => rowidRanges(t.slice(t.indexOf(sum))));
      expect(ranges.every((r) => r.length >= 1)).toBe(true);
      expect(chained(ranges.map((r) => r[0]!)), prefix).toBe(true);
    }
    expect(answer(parted.result)).toEqual(answer(one.result));
    expect([one.left, parted.left]).toEqual([0, 0]);
  }, 120_000);
});
