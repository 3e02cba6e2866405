/**
 * The Lifecycle page's kept tables built in customer parts (`workers/lifecycle-tables.ts`): over
 * more than `rowsPerPart()` activity rows the per-day table with its window, the per-customer
 * summary and the customer × period table are written one statement per part into the compressed
 * cache database; the summary's and the periods' parts read their customers' rows of the per-day
 * table by rowid range. Every window and every grouping is one customer's, so the parts together
 * are exactly the one-statement tables (orders and events as activity, returns, same-day orders,
 * filters); the worker's answer is the same; and under a memory limit that the one statement
 * exceeds (no spilling, as in the tab) the parts fit.
 */
import { describe, it, expect } from 'vitest';
import { openDb, load, query, type EventFixture, type OrderFixture, type Row } from '../../helpers/duckdb';
import { nativeEngine } from '../../helpers/native-engine';
import { compressedOrders } from '../../helpers/segments-in-parts';
import { roughly } from '../../helpers/roughly';
import { chained, rowidRanges } from '../../helpers/rowid-ranges';
import { inline, type Sql } from '../../../src/lib/sql';
import { partsOf, type Part } from '../../../src/analysis/parts';
import { customerActivity, dayGaps, periodTable, DEFAULT_ACTIVITY, type ActivityParams } from '../../../src/analysis/lifecycle/activity';
import { LIFE_DEFAULTS, lifeOptions, type LifeState } from '../../../src/analysis/lifecycle/options';
import { lifecycleApi } from '../../../workers/analysis-lifecycle';
import { dropLifeTables } from '../../../workers/lifecycle-tables';
import { setPartRows } from '../../../workers/cache-db';
import type { Db } from '../../../workers/duckdb';
import type { Scope } from '../../../src/analysis/types';
import type { LifecycleResult } from '../../../src/atlas-api';

const AS_OF = '2024-07-01';
const scope = (filters: Scope['filters'] = []): Scope => ({ asOf: AS_OF, from: null, filters });
const EVENTS_ACTIVITY: ActivityParams = { source: 'events', eventTypes: ['view', 'cart'] };

/** 90 customers over half a year: repeat days, several orders on one day, returns, two channels; events for two in three. */
function fixture(): { orders: OrderFixture[]; events: EventFixture[] } {
  const orders: OrderFixture[] = [];
  const events: EventFixture[] = [];
  const day = (n: number) => {
    const d = new Date(Date.UTC(2024, 0, 1 + n));
    return d.toISOString().slice(0, 10);
  };
  for (let c = 0; c < 90; c++) {
    for (let o = 0; o < 1 + (c % 6); o++) {
      const n = (c * 11 + o * (7 + (c % 13))) % 185;
      orders.push({
        customer_id: `c${c}`,
        ts: `${day(n)} 1${o % 10}:00:00`,
        amount: 5 + ((c * 13 + o * 7) % 40) + 0.25,
        channel: c % 3 ? 'web' : 'app',
        category: 'toys',
        is_return: o === 3 && c % 2 === 0,
      });
      // a second order on the same day now and then
      if ((c + o) % 5 === 0) orders.push({ customer_id: `c${c}`, ts: `${day(n)} 20:00:00`, amount: 3, channel: 'web', category: 'food' });
    }
    if (c % 3 !== 2) {
      for (let e = 0; e < 2 + (c % 4); e++) {
        events.push({ customer_id: `c${c}`, ts: `${day((c * 5 + e * 17) % 190)} 09:00:00`, event_type: ['view', 'cart', 'fav'][e % 3]! });
      }
    }
  }
  return { orders, events };
}

const sorted = (rows: Row[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('the lifecycle tables in customer parts', () => {
  it('give the one-statement days, row for row, for any number of parts, scope and activity', async () => {
    const db = await openDb();
    await load(db, fixture());
    for (const act of [DEFAULT_ACTIVITY, EVENTS_ACTIVITY]) {
      for (const s of [scope(), scope([{ field: 'channel', values: ['web'] }])]) {
        const whole = sorted(await query(db, dayGaps(act, s)));
        expect(whole.length).toBeGreaterThan(100);
        for (const n of [2, 3, 7]) {
          const rows: Row[] = [];
          for (const p of partsOf(n, 1)) {
            const got = await query(db, dayGaps(act, s, p));
            expect(got.length).toBeLessThan(whole.length);
            rows.push(...got);
          }
          expect(sorted(rows), `${act.source}, ${JSON.stringify(s.filters)} in ${n} parts`).toEqual(whole);
        }
      }
    }
  });

  it('are built by the worker one statement per part into the compressed cache, with the same answer', async () => {
    const ask = async (partRows: number, state: Partial<LifeState>) => {
      const conn = await openDb();
      await load(conn, fixture());
      const engine = nativeEngine(conn);
      const api = lifecycleApi(
        async () => engine as unknown as Db,
        () => 1,
      );
      const was = setPartRows(partRows);
      try {
        const req = { scope: scope(), options: lifeOptions({ ...LIFE_DEFAULTS, ...state }), segmentSplit: null, transition: null };
        const r = await api.lifecycle(req, `life-parts-${partRows}`);
        if (!r.ok) throw new Error(r.error.message);
        const tables = await query(
          conn,
          `SELECT database_name AS db, table_name AS t FROM duckdb_tables() WHERE table_name LIKE 'life_%' ORDER BY t`,
        );
        // every kept table's rows (names differ only by their number)
        const contents: Record<string, Row[]> = {};
        for (const t of tables) contents[String(t.t).replace(/_\d+$/, '')] = sorted(await query(conn, `SELECT * FROM ${t.db}.${t.t}`));
        await dropLifeTables(engine);
        const left = await query(conn, `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'life_%'`);
        return { result: r.value, log: engine.log, tables, contents, left: Number(left[0]!.n) };
      } finally {
        setPartRows(was);
      }
    };
    // what the comparison leaves out: timings
    const answer = (r: LifecycleResult) => roughly({ ...r, ms: 0 });
    const writes = (log: string[], table: string) =>
      log.filter((t) => new RegExp(`^(CREATE OR REPLACE TABLE|INSERT INTO) (atlas_cache\\.)?${table}_\\d+ `).test(t));
    const { orders, events } = fixture();
    const cases: [Partial<LifeState>, number][] = [
      [{}, orders.length],
      [{ source: 'events', activityTypes: ['view', 'cart'] }, orders.length + events.length],
    ];
    for (const [state, rows] of cases) {
      const one = await ask(1_000_000, state);
      expect(writes(one.log, 'life_days')).toHaveLength(1);
      expect(writes(one.log, 'life_days')[0]).not.toContain('hash(');
      expect(one.tables.map((t) => t.db)).toEqual(['memory', 'memory', 'memory', 'memory']);
      const parted = await ask(Math.ceil(rows / 3), state);
      for (const table of ['life_days', 'life_customers', 'life_periods']) {
        const w = writes(parted.log, table);
        expect(w, table).toHaveLength(3);
        expect(w[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE atlas_cache\\.${table}_\\d+ AS`));
        if (table === 'life_days') w.forEach((t, i) => expect(t).toContain(`hash(customer_id) % 3 = ${i}`));
        else {
          // the customers' rows of life_days, by the rowid range their part was written to
          const ranges = w.map(rowidRanges);
          for (const r of ranges) expect(r).toHaveLength(1);
          expect(chained(ranges.map((r) => r[0]!))).toBe(true);
          expect(ranges[2]![0]![1]).toBe(parted.contents.life_days!.length);
          for (const t of w) expect(t).not.toContain('hash(');
        }
      }
      // every kept table holds the one-statement rows
      expect(Object.keys(parted.contents)).toEqual(['life_customers', 'life_days', 'life_gaps', 'life_periods']);
      expect(roughly(parted.contents)).toEqual(roughly(one.contents));
      // the population's gap quantiles are one row over every gap: one statement
      expect(writes(parted.log, 'life_gaps')).toHaveLength(1);
      expect(parted.log.filter((t) => t === 'CHECKPOINT atlas_cache').length).toBeGreaterThanOrEqual(9);
      expect(parted.tables.map((t) => t.db)).toEqual(['atlas_cache', 'atlas_cache', 'atlas_cache', 'atlas_cache']);
      expect(answer(parted.result)).toEqual(answer(one.result));
      expect(one.result.stages.reduce((n, r) => n + r.customers, 0)).toBeGreaterThan(30);
      // dropping the set frees the cache database's tables too
      expect([one.left, parted.left]).toEqual([0, 0]);
    }
  });

  it('are built in one statement when the customer days fit, however many events they come from', async () => {
    // 20 customers with 40 events each over three days (and an order on one of them): 820 activity
    // rows, but at most 20 × 3 customer days
    const orders: OrderFixture[] = [];
    const events: EventFixture[] = [];
    for (let c = 0; c < 20; c++) {
      orders.push({ customer_id: `u${c}`, ts: `2024-03-0${1 + (c % 3)} 12:00:00`, amount: 10 + c, category: 'toys' });
      for (let e = 0; e < 40; e++)
        events.push({ customer_id: `u${c}`, ts: `2024-03-0${1 + (e % 3)} 0${e % 10}:00:00`, event_type: 'view' });
    }
    const conn = await openDb();
    await load(conn, { orders, events });
    const engine = nativeEngine(conn);
    const api = lifecycleApi(
      async () => engine as unknown as Db,
      () => 1,
    );
    const was = setPartRows(200);
    try {
      const options = lifeOptions({ ...LIFE_DEFAULTS, source: 'events', activityTypes: ['view'] });
      const r = await api.lifecycle({ scope: scope(), options, segmentSplit: null, transition: null }, 'life-days-bound');
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.stages.reduce((n, x) => n + x.customers, 0)).toBe(20);
    } finally {
      setPartRows(was);
    }
    // the rows alone would need 5 parts: the span is read, and the days fit one
    expect(engine.log.filter((t) => /\bmin\(ts\)/.test(t) && /count\(\*\) FROM customers/.test(t))).toHaveLength(1);
    const days = engine.log.filter((t) => /^(CREATE OR REPLACE TABLE|INSERT INTO) (atlas_cache\.)?life_days_\d+ /.test(t));
    expect(days).toHaveLength(1);
    expect(days[0]).toMatch(/^CREATE OR REPLACE TABLE life_days_\d+ AS/);
    expect(days[0]).not.toContain('hash(');
    await dropLifeTables(engine);
  });

  it('fit a memory limit that the one statement exceeds (no spilling, as in the tab)', async () => {
    // 800,000 order lines of 100,000 customers on 8 days each, in compressed storage as the app
    // keeps big loads: the one statement groups and sorts 800,000 customer days at once
    const db = await compressedOrders(100_000, '(i % 97) + 0.5');
    await db.run('CHECKPOINT store');
    // measured: the one statement fails at 60 MB and fits at 80 MB; 8 parts fit in 40 MB
    await db.run(`SET temp_directory = ''`);
    await db.run(`SET memory_limit = '50MB'`);
    const s = scope();
    await expect(db.run(`CREATE TABLE store.whole AS ${inline(dayGaps(DEFAULT_ACTIVITY, s))}`)).rejects.toThrow(/out of memory/i);
    const parts = partsOf(800_000, 100_000);
    expect(parts.length).toBe(8);
    for (const p of parts) {
      const q = inline(dayGaps(DEFAULT_ACTIVITY, s, p));
      await db.run(p.index === 0 ? `CREATE TABLE store.parted AS ${q}` : `INSERT INTO store.parted ${q}`);
      await db.run('CHECKPOINT store');
    }
    await db.run(`SET memory_limit = '1GB'`);
    const [check] = await query(
      db,
      `SELECT count(*) AS n, (SELECT count(*) FROM (${inline(dayGaps(DEFAULT_ACTIVITY, s))} EXCEPT ALL SELECT * FROM store.parted)) AS missing FROM store.parted`,
    );
    expect(check).toEqual({ n: 800_000, missing: 0 });
  }, 180_000);
});
