/**
 * Real datasets through the two-phase path the worker uses (sample table + re-read of the file):
 * the same figures `datasets.test.ts` asserts on fully loaded raw tables, and the reader's skipped
 * line named by its line number in the file.
 */
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { guessMapping } from '../../../src/ingest/roles';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile, type RefundRule } from '../../../src/ingest/mapping';
import { DATASETS as D } from '../../helpers/datasets';

async function built(paths: string[], rule: RefundRule = DEFAULT_REFUND_RULE, edit = (m: FileMapping) => m) {
  const conn = await openEmptyDb();
  const files: RawFile[] = [];
  for (const [i, p] of paths.entries()) files.push(await loadTwoPhase(conn, p, i + 1));
  const mappings = files.map(guessMapping).map(edit);
  const { statements, issues } = buildCanonical(files, mappings, rule);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await conn.run(s);
  const one = async (q: string) => Object.values((await query(conn, q))[0] ?? {})[0];
  return { conn, files, mappings, one };
}

describe.skipIf(!existsSync(`${D}/rfm-r-package`))('two-phase: rfm package orders', () => {
  it('995 customers, 4,906 orders, revenue 464,158; only a sample kept as a table', async () => {
    const b = await built([`${D}/rfm-r-package/rfm_data_orders.csv`]);
    expect(b.files[0]?.rows).toBe(4906);
    expect(await b.one('SELECT count(*) FROM orders')).toBe(4906);
    expect(await b.one('SELECT count(DISTINCT customer_id) FROM orders')).toBe(995);
    expect(await b.one('SELECT sum(amount) FROM orders')).toBe(464158);
    expect(await b.one("SELECT strftime(min(ts), '%Y-%m-%d') || ' ' || strftime(max(ts), '%Y-%m-%d') FROM orders")).toBe(
      '2001-10-29 2006-12-30',
    );
  });
});

describe.skipIf(!existsSync(`${D}/uci-online-retail`))('two-phase: UCI 12 % sample', () => {
  it('60,150 rows, 521 customers, 2,989 invoices (net mode)', async () => {
    const b = await built([`${D}/uci-online-retail/online_retail_customer_sample_12pct.csv`], { ...DEFAULT_REFUND_RULE, mode: 'net' });
    expect(await b.one('SELECT count(*) FROM orders')).toBe(60150);
    expect(await b.one('SELECT count(DISTINCT customer_id) FROM orders')).toBe(521);
    expect(await b.one('SELECT count(DISTINCT order_id) FROM orders')).toBe(2989);
    expect(await b.one('SELECT count(*) FROM rejects')).toBe(0);
  });
});

describe.skipIf(!existsSync(`${D}/tianchi-userbehavior`))('two-phase: Tianchi UserBehavior (headerless)', () => {
  it('the truncated last line is skipped by the reader at its line 84,476; pv 75,872 and 815 users', async () => {
    const b = await built([`${D}/tianchi-userbehavior/UserBehavior_head84k.csv`], DEFAULT_REFUND_RULE, (m) => ({
      ...m,
      tzOffsetMinutes: 480,
    }));
    expect(b.mappings[0]).toMatchObject({ role: 'events', timestampFormat: { kind: 'epoch_s' } });
    expect(await query(b.conn, 'SELECT DISTINCT line FROM rej_1')).toEqual([{ line: 84476 }]);
    expect(b.files[0]?.rows).toBe(84475);
    const byType = Object.fromEntries(
      (await query(b.conn, 'SELECT raw_type, count(*) AS n FROM events GROUP BY 1')).map((r) => [r.raw_type, r.n]),
    );
    expect(byType).toEqual({ pv: 75872, cart: 4497, fav: 2356, buy: 1750 });
    expect(await b.one('SELECT count(DISTINCT customer_id) FROM events')).toBe(815);
    expect(await b.one("SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S') FROM events")).toBe('2017-09-11 16:16:39');
  });
});
