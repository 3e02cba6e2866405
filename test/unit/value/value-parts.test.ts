/**
 * The Value request's per-customer summary in customer parts (`workers/analysis-value.ts`): over
 * more than `rowsPerPart()` order lines its one grouping of every order line by customer and day
 * (18.6 s and the request's highest memory at 20M orders in the tab) is written one statement per
 * customer part into the compressed cache database. Every summary row is one customer's, so the
 * parts are the whole summary: the same answer as one statement, and the tables are dropped after
 * the request.
 */
import { describe, it, expect } from 'vitest';
import { openDb, query, type Row } from '../../helpers/duckdb';
import { nativeEngine } from '../../helpers/native-engine';
import { roughly } from '../../helpers/roughly';
import { valueApi } from '../../../workers/analysis-value';
import { setPartRows } from '../../../workers/cache-db';
import { inline } from '../../../src/lib/sql';
import { partsOf } from '../../../src/analysis/parts';
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

  it('is written by the worker one statement per part into the cache, with the same answer', async () => {
    const ask = async (partRows: number, version: number) => {
      const conn = await withOrders();
      const engine = nativeEngine(conn);
      const api = valueApi(
        async () => engine as unknown as Db,
        () => version,
        200,
      );
      const was = setPartRows(partRows);
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
    // versions of their own: nothing of one run (bases, fits) is reused by the other
    const one = await ask(1_000_000, 901);
    const parted = await ask(Math.ceil(LINES / 3), 902);
    for (const prefix of ['value_sum', 'value_cal']) {
      expect(writes(one.log, prefix), prefix).toHaveLength(1);
      expect(writes(one.log, prefix)[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE ${prefix}_\\d+ AS`));
      expect(writes(one.log, prefix)[0]).not.toContain('hash(');
      const w = writes(parted.log, prefix);
      expect(w, prefix).toHaveLength(3);
      expect(w[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE atlas_cache\\.${prefix}_\\d+ AS`));
      w.forEach((t, i) => expect(t).toContain(`hash(customer_id) % 3 = ${i}`));
    }
    const answer = (v: ValueResult) => roughly({ ...v, ms: 0, fit: v.fit ? { ...v.fit, ms: 0 } : null });
    expect(one.result.fit?.population).toBeGreaterThan(300);
    expect(one.result.holdout).not.toBeNull();
    expect(answer(parted.result)).toEqual(answer(one.result));
    // the request drops its tables, in the cache database too
    expect([one.left, parted.left]).toEqual([0, 0]);
  }, 120_000);
});
