/**
 * Cached RFM ranks (issue 10 §5): quantile scores read from a materialised `rfmRanks(base)` equal
 * the scores ranked in the query, and the worker's Segments request builds the ranks once per
 * data version and scope, answers exactly what the uncached SQL answers, and rebuilds them when
 * the data, the filters or the as-of date change.
 */
import { describe, it, expect } from 'vitest';
import { openDb, load, query, type OrderFixture } from '../../helpers/duckdb';
import { nativeEngine } from '../../helpers/native-engine';
import { inline, raw, type Sql } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { rfmScores, type RfmScoreParams } from '../../../src/analysis/segmentation/rfm-scores';
import { rfmRanks } from '../../../src/analysis/segmentation/rfm-ranks';
import { rfm11, rfm11Rules, type Rfm11Params } from '../../../src/analysis/segmentation/rfm11';
import { breakdown, rfmGrid } from '../../../src/analysis/breakdown';
import { analysisApi } from '../../../workers/analysis';
import { dropBases } from '../../../workers/query-runner';
import type { Scope } from '../../../src/analysis/types';
import type { Db } from '../../../workers/duckdb';

const AS_OF = '2024-07-01';
const scope = (asOf = AS_OF, filters: Scope['filters'] = []): Scope => ({ asOf, from: null, filters });

/** 240 customers, 1–6 orders each on few distinct days and amounts, so every score has many ties. */
function orders(seed = 7, n = 240): OrderFixture[] {
  let x = seed;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const out: OrderFixture[] = [];
  for (let c = 0; c < n; c++) {
    const count = 1 + rnd(6);
    for (let i = 0; i < count; i++) {
      const day = new Date(Date.UTC(2024, 0, 1 + 7 * rnd(26))).toISOString().slice(0, 10);
      out.push({ customer_id: `c${c}`, order_id: `o${c}-${i}`, ts: day, amount: 10 * (1 + rnd(5)), channel: c % 3 ? 'web' : 'app' });
    }
  }
  return out;
}

const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));

describe('rfmRanks', () => {
  it('gives the same quantile scores as ranking in the query, for every bin count and monetary measure', async () => {
    const db = await openDb();
    await load(db, { orders: orders() });
    await db.run(`CREATE TABLE base AS ${inline(customerBase(scope()))}`);
    await db.run(`CREATE TABLE rk AS ${inline(rfmRanks(raw('base')))}`);
    const plain = { scope: scope(), base: raw('base') };
    const ranked = { ...plain, ranks: raw('rk') };
    for (const bins of [3, 4, 5] as const) {
      for (const monetary of ['revenue', 'aov'] as const) {
        const p: RfmScoreParams = { ...rfm11.defaults, bins, monetary };
        const want = sorted(await query(db, rfmScores(p, plain)));
        expect(want.length).toBe(240);
        // ties really occur, so rank() (not row_number) matters
        expect(new Set(want.map((r) => r.m_score)).size).toBeLessThanOrEqual(bins);
        expect(sorted(await query(db, rfmScores(p, ranked)))).toEqual(want);
      }
    }
  });

  it('looked up by value (for a base built in parts) are the window ranks, row for row', async () => {
    const db = await openDb();
    await load(db, { orders: [...orders(), { customer_id: 'neg', order_id: 'n1', ts: '2024-03-01', amount: -0.001 }] });
    await db.run(`CREATE TABLE base AS ${inline(customerBase(scope()))}`);
    const window = sorted(await query(db, rfmRanks(raw('base'))));
    expect(window.length).toBe(241);
    expect(inline(rfmRanks(raw('base'), true))).not.toContain('rank()');
    expect(sorted(await query(db, rfmRanks(raw('base'), true)))).toEqual(window);
  });

  it('is not used for r7 or break scores (they do not rank)', async () => {
    const ctx = { scope: scope(), base: raw('base'), ranks: raw('rk') };
    for (const method of ['r7', 'breaks'] as const) expect(inline(rfmScores({ ...rfm11.defaults, method }, ctx))).not.toContain('rk');
    expect(inline(rfmScores(rfm11.defaults, ctx))).toContain('FROM rk');
  });
});

describe('segments request with cached ranks', () => {
  async function worker() {
    const conn = await openDb();
    await load(conn, { orders: orders() });
    const engine = nativeEngine(conn);
    let version = 1;
    const api = analysisApi(
      async () => engine as unknown as Db,
      () => version,
    );
    await dropBases(engine);
    /** The breakdown and R × F grid as the uncached SQL computes them, straight from the orders. */
    const uncached = async (s: Scope, p: Rfm11Params) => {
      const ctx = { scope: s, base: raw(`(${inline(customerBase(s))})`) as Sql };
      return { rows: await query(conn, breakdown(rfm11, p, ctx)), grid: await query(conn, rfmGrid(p, ctx)) };
    };
    const ask = async (s: Scope, p: Rfm11Params) => {
      const r = await api.segments({ scope: s, model: 'rfm11', params: p, crosstab: null }, 'test-seg');
      if (!r.ok) throw new Error(r.error.message);
      return { rows: r.value.rows, grid: r.value.extras.grid };
    };
    const ranksBuilt = () => engine.log.filter((t) => /CREATE OR REPLACE TABLE \w+_rk AS/.test(t)).length;
    return { conn, engine, api, uncached, ask, ranksBuilt, bump: () => version++ };
  }

  it('answers what the uncached SQL answers and ranks once for a bins, rules or M change', async () => {
    const w = await worker();
    const variants: Rfm11Params[] = [
      rfm11.defaults,
      { ...rfm11.defaults, bins: 4, rules: rfm11Rules(4) },
      { ...rfm11.defaults, bins: 3, rules: rfm11Rules(3), fScore: 'f' },
      { ...rfm11.defaults, monetary: 'aov' },
    ];
    for (const p of variants) expect(await w.ask(scope(), p)).toEqual(await w.uncached(scope(), p));
    expect(w.ranksBuilt()).toBe(1);
    // no window sort over customers after the first request: every later statement reads the ranks
    const after = w.engine.log.slice(w.engine.log.findIndex((t) => t.includes('_rk AS')) + 1);
    expect(after.some((t) => t.includes('rank() OVER'))).toBe(false);
  });

  it('rebuilds the ranks when the data, the filters or the as-of date change', async () => {
    const w = await worker();
    const p = rfm11.defaults;
    const first = await w.ask(scope(), p);
    expect(w.ranksBuilt()).toBe(1);
    // data: more orders for the lowest spenders change the scores
    await load(w.conn, { orders: orders(11, 60).map((o) => ({ ...o, order_id: `new-${o.order_id}`, amount: 1000 })) });
    await dropBases(w.engine);
    w.bump();
    const changed = await w.ask(scope(), p);
    expect(changed).not.toEqual(first);
    expect(changed).toEqual(await w.uncached(scope(), p));
    expect(w.ranksBuilt()).toBe(2);
    // filters
    const web = scope(AS_OF, [{ field: 'channel', values: ['web'] }]);
    expect(await w.ask(web, p)).toEqual(await w.uncached(web, p));
    expect(w.ranksBuilt()).toBe(3);
    // as-of date
    const earlier = scope('2024-04-01');
    expect(await w.ask(earlier, p)).toEqual(await w.uncached(earlier, p));
    expect(w.ranksBuilt()).toBe(4);
    // back to a scope seen before: its ranks are still cached
    expect(await w.ask(scope(), p)).toEqual(changed);
    expect(w.ranksBuilt()).toBe(4);
  });

  it('drops the ranks with their base when the data changes', async () => {
    const w = await worker();
    await w.ask(scope(), rfm11.defaults);
    const tables = async () => (await query(w.conn, `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'cb_%'`)).length;
    expect(await tables()).toBe(2);
    await dropBases(w.engine);
    expect(await tables()).toBe(0);
  });
});
