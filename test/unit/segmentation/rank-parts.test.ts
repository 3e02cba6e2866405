/**
 * RFM ranks written in customer parts (`rfm-ranks.ts`, `writeRankParts` in `workers/query-runner.ts`):
 * for a base built in parts the worker writes the ranks as four value tables over every buyer and
 * one statement per customer part, so no statement holds every buyer's ranks row uncompressed (one
 * statement peaked at 2.72 GB natively at 50M order lines). The parts together are the window
 * ranks row for row, the worker runs one statement per part and drops the value tables, and under a
 * memory limit that the one statement exceeds (no spilling, as in the tab) the parts fit.
 */
import { describe, it, expect } from 'vitest';
import { openDb, load, query, type OrderFixture } from '../../helpers/duckdb';
import { compressedOrders, segmentsInParts } from '../../helpers/segments-in-parts';
import { inline, raw } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { partsOf } from '../../../src/analysis/parts';
import { RANK_MEASURES, rfmRanks, rfmRanksPart, rfmValueRanks } from '../../../src/analysis/segmentation/rfm-ranks';
import { chained, rowidRanges } from '../../helpers/rowid-ranges';
import type { Scope } from '../../../src/analysis/types';

const scope = (filters: Scope['filters'] = []): Scope => ({ asOf: '2024-07-01', from: null, filters });

/** 300 customers with 1–6 orders on few days and amounts (many ties), a −0.001 spender and a refund-only customer. */
function orders(): OrderFixture[] {
  let x = 5;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const out: OrderFixture[] = [];
  for (let c = 0; c < 300; c++) {
    for (let i = 0; i < 1 + rnd(6); i++) {
      const day = new Date(Date.UTC(2024, 0, 1 + 7 * rnd(26))).toISOString().slice(0, 10);
      out.push({ customer_id: `c${c}`, order_id: `o${c}-${i}`, ts: day, amount: 10 * (1 + rnd(5)), channel: c % 3 ? 'web' : 'app' });
    }
  }
  out.push({ customer_id: 'neg', order_id: 'n1', ts: '2024-03-01', amount: -0.001 });
  out.push({ customer_id: 'ret', order_id: 'r1', ts: '2024-03-02', amount: -20, is_return: true });
  return out;
}

/** Column names and types of a table or a parenthesised query. */
const types = async (db: Parameters<typeof query>[0], from: string) =>
  (await query(db, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`)).map(
    (r) => `${String(r.column_name)} ${String(r.column_type)}`,
  );

const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));

/** The ranks of `base` as the worker writes them in `count` parts, into table `rk`. */
function partStatements(base: string, count: number): string[] {
  const lookups = RANK_MEASURES.map((_, i) => `${base}_v${i}`);
  return [
    ...lookups.map((t, i) => `CREATE OR REPLACE TABLE ${t} AS ${inline(rfmValueRanks(raw(base), i))}`),
    ...partsOf(count, 1).map((p) => {
      const q = inline(rfmRanksPart(raw(base), lookups.map(raw), p));
      return p.index === 0 ? `CREATE OR REPLACE TABLE rk AS ${q}` : `INSERT INTO rk ${q}`;
    }),
  ];
}

describe('RFM ranks in customer parts', () => {
  it('are the window ranks, row for row, for any number of parts and any scope', async () => {
    const db = await openDb();
    await load(db, { orders: orders() });
    for (const s of [scope(), scope([{ field: 'channel', values: ['web'] }])]) {
      await db.run(`CREATE OR REPLACE TABLE base AS ${inline(customerBase(s))}`);
      const window = sorted(await query(db, rfmRanks(raw('base'))));
      expect(window.length).toBeGreaterThan(150);
      for (const n of [1, 2, 3, 7]) {
        for (const t of partStatements('base', n)) await db.run(t);
        expect(sorted(await query(db, 'SELECT * FROM rk')), `${JSON.stringify(s)} in ${n} parts`).toEqual(window);
        // and of the same types: a rank summed as HUGEINT made every read of the ranks at 20M orders
        // ~25× slower in the tab (128-bit division in wasm: the RFM grid 1.6 s against 65 ms)
        expect(await types(db, 'rk')).toEqual(await types(db, `(${inline(rfmRanks(raw('base')))})`));
        // each part wrote only its own buyers
        if (n > 1) {
          const first = await query(
            db,
            rfmRanksPart(
              raw('base'),
              [0, 1, 2, 3].map((i) => raw(`base_v${i}`)),
              { index: 0, count: n },
            ),
          );
          expect(first.length).toBeLessThan(window.length);
        }
      }
    }
  });

  it('are written by the worker in one statement per part after four value tables, which it drops', async () => {
    const ask = async (partRows: number) => {
      const { conn, log, result } = await segmentsInParts({ orders: orders() }, scope(), partRows, 'rank-parts');
      const tables = await query(
        conn,
        `SELECT database_name AS db, table_name AS t FROM duckdb_tables() WHERE table_name LIKE 'cb_%' ORDER BY 2`,
      );
      const [rk] = tables.filter((t) => String(t.t).endsWith('_rk'));
      const rows = rk ? sorted(await query(conn, `SELECT * FROM ${String(rk.db)}.${String(rk.t)}`)) : [];
      const base = tables.find((t) => /^cb_\d+$/.test(String(t.t)));
      const window = sorted(await query(conn, rfmRanks(raw(`${String(base?.db)}.${String(base?.t)}`))));
      return { log, tables: tables.map((t) => `${String(t.db)}.${String(t.t)}`), rows, window, answer: result.rows };
    };
    const one = await ask(1_000_000);
    const ranksOne = one.log.filter((t) => /_rk(_v\d)? AS|INSERT INTO \S+_rk /.test(t));
    expect(ranksOne).toHaveLength(1);
    expect(ranksOne[0]).toContain('rank() OVER');

    const parted = await ask(Math.ceil(orders().length / 3));
    const lookups = parted.log.filter((t) => /^CREATE OR REPLACE TABLE atlas_cache\.cb_\d+_rk_v\d AS/.test(t));
    expect(lookups).toHaveLength(4);
    const writes = parted.log.filter((t) => /^(CREATE OR REPLACE TABLE|INSERT INTO) atlas_cache\.cb_\d+_rk /.test(t));
    expect(writes).toHaveLength(3);
    // each part's buyers are its rowid range of the base (written part by part), no hash filter
    const ranges = writes.map(rowidRanges);
    for (const r of ranges) expect(r).toHaveLength(1);
    expect(chained(ranges.map((r) => r[0]!))).toBe(true);
    for (const t of writes) expect(t).not.toContain('hash(');
    expect(writes.some((t) => t.includes('rank() OVER'))).toBe(false);
    // a checkpoint after each part, so at most one part rests uncompressed
    const after = (t: string) => parted.log[parted.log.indexOf(t) + 1];
    for (const t of writes) expect(after(t)).toBe('CHECKPOINT atlas_cache');
    // the value tables are gone; the base and its ranks stay
    expect(parted.tables).toEqual([expect.stringMatching(/^atlas_cache\.cb_\d+$/), expect.stringMatching(/^atlas_cache\.cb_\d+_rk$/)]);
    expect(parted.rows).toEqual(parted.window);
    expect(parted.rows.length).toBe(301);
    expect(parted.answer.map((r) => r.customers)).toEqual(one.answer.map((r) => r.customers));
  });

  it('fit a memory limit that the one statement exceeds (no spilling, as in the tab)', async () => {
    // 400,000 buyers with 100,003 distinct spends, their base in compressed storage as the worker
    // keeps a base built in parts: the one statement writes 400,000 ranks rows uncompressed at once
    const db = await compressedOrders(400_000, '((i * 7919) % 100003) / 100.0');
    await db.run(`CREATE TABLE base AS ${inline(customerBase(scope()))}`);
    await db.run('CHECKPOINT store');
    // measured: the one statement needs 120–150 MB here, the value tables and 8 parts fit in 100 MB
    await db.run(`SET temp_directory = ''`);
    await db.run(`SET memory_limit = '100MB'`);
    await expect(db.run(`CREATE TABLE whole AS ${inline(rfmRanks(raw('base'), true))}`)).rejects.toThrow(/out of memory/i);
    for (const t of partStatements('base', 8)) {
      await db.run(t);
      await db.run('CHECKPOINT store');
    }
    await db.run(`SET memory_limit = '1GB'`);
    const [check] = await query(
      db,
      `SELECT count(*) AS n, (SELECT count(*) FROM (${inline(rfmRanks(raw('base')))} EXCEPT ALL SELECT * FROM rk)) AS missing FROM rk`,
    );
    expect(check).toEqual({ n: 400_000, missing: 0 });
  }, 240_000);
});
