/**
 * The fit sample (`sample.ts`) on a mid-size real dataset: the full CDNOW master file (23,570
 * customers, 69,659 transactions, weeks). The models fitted on a hash sample must land near the
 * full fit, so that scoring everyone with the sample's parameters changes little.
 */
import { existsSync } from 'node:fs';
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { sql } from '../../../src/lib/sql';
import { dataset } from '../../helpers/datasets';
import { rfSummary, rfGroups } from '../../../src/analysis/value/summary';
import { fitSample, FIT_SAMPLE } from '../../../src/analysis/value/sample';
import { fitValue, type ValueFit } from '../../../src/analysis/value/fit';
import { expectedPurchases, pAlive, type BgNbdParams, type RfSummary } from '../../../src/analysis/value/bgnbd';

const MASTER = dataset('cdnow/CDNOW_master.txt');
const scope = { asOf: '1998-07-01', from: null, filters: [] };
const summary = rfSummary(scope, { unit: 'week', calibrationEnd: null });
/** The sample in the test: 10,000 of 23,570 customers (42 %). */
const N = 10_000;

async function fitOn(db: DuckDBConnection, rel: ReturnType<typeof fitSample>, population: number): Promise<ValueFit> {
  const groups = (await query(db, rfGroups(rel))) as unknown as RfSummary[];
  const spend = (await query(db, sql`SELECT x, m_x AS mx FROM (${rel}) WHERE x > 0`)) as { x: number; mx: number | null }[];
  return fitValue(groups, spend, true, population);
}

/** Expected purchases in the next 52 weeks and mean P(alive) of every customer, from parameters. */
function scoreAll(p: BgNbdParams, groups: RfSummary[]): { purchases: number; alive: number } {
  let purchases = 0;
  let alive = 0;
  let n = 0;
  for (const g of groups) {
    purchases += g.n * expectedPurchases(p, 52, g.x, g.tx, g.T);
    alive += g.n * pAlive(p, g.x, g.tx, g.T);
    n += g.n;
  }
  return { purchases, alive: alive / n };
}

describe.skipIf(!existsSync(MASTER))('fit sample on the CDNOW master file (23,570 customers)', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    // CDNOW_master.txt: customer_id, YYYYMMDD, cds, dollars (runs of spaces, one header line, CRLF)
    await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, is_return, source)
      SELECT f[1], 'o' || row_number() OVER (), CAST(strptime(f[2], '%Y%m%d') AS TIMESTAMP), CAST(f[4] AS DOUBLE), false, 'cdnow'
      FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS f
        FROM read_csv('${MASTER}', delim = '\t', header = false, columns = {'line': 'VARCHAR'}))
      WHERE f[1] <> 'customer_id' AND f[1] <> ''`);
    expect(await query(db, 'SELECT count(*) AS n, count(DISTINCT customer_id) AS c FROM orders')).toEqual([{ n: 69659, c: 23570 }]);
  });

  it('the sample: exactly N customers, the N smallest hashes, the same twice; everyone when fewer', async () => {
    const pick = fitSample(summary, N);
    const [a] = await query(
      db,
      sql`WITH s AS (${pick}), all_ AS (${summary})
SELECT (SELECT count(*) FROM s) AS n, (SELECT count(DISTINCT customer_id) FROM s) AS ids,
  (SELECT max(hash(customer_id)) FROM s) < (SELECT min(hash(customer_id)) FROM all_ WHERE customer_id NOT IN (SELECT customer_id FROM s)) AS smallest`,
    );
    expect(a).toEqual({ n: N, ids: N, smallest: true });
    const ids = async () => (await query(db, sql`SELECT customer_id FROM (${pick}) ORDER BY customer_id`)).map((r) => r.customer_id);
    expect(await ids()).toEqual(await ids());
    const [all] = await query(db, sql`SELECT count(*) AS n FROM (${fitSample(summary)})`);
    expect(FIT_SAMPLE).toBe(100_000);
    expect(all).toEqual({ n: 23570 });
    expect(() => fitSample(summary, 0)).toThrow(/invalid sample size/);
  });

  it(
    'fitted on 10,000 of 23,570: parameters within 10 %, predictions for everyone within 2 % of the full fit',
    { timeout: 120_000 },
    async () => {
      const full = await fitOn(db, summary, 23570);
      const part = await fitOn(db, fitSample(summary, N), 23570);
      expect(part.customers).toBe(N);
      expect(part.population).toBe(23570);
      expect(full.customers).toBe(23570);
      const fb = full.bg!.params;
      const pb = part.bg!.params;
      const fg = full.gg!.params;
      const pg = part.gg!.params;
      const rel = (v: number, w: number) => Math.abs(v / w - 1);
      console.log('CDNOW master full fit', fb, fg, 'sample fit', pb, pg);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(pb[k], fb[k]), k).toBeLessThan(0.1);
      // Gamma-Gamma's p, q, γ trade off against each other; its mean spend pγ/(q−1) is what predictions use
      expect(rel((pg.p * pg.gamma) / (pg.q - 1), (fg.p * fg.gamma) / (fg.q - 1))).toBeLessThan(0.02);
      const groups = (await query(db, rfGroups(summary))) as unknown as RfSummary[];
      const sf = scoreAll(fb, groups);
      const sp = scoreAll(pb, groups);
      console.log('52-week purchases of all customers: full', sf, 'sample', sp);
      expect(rel(sp.purchases, sf.purchases)).toBeLessThan(0.02);
      expect(rel(sp.alive, sf.alive)).toBeLessThan(0.02);
    },
  );
});
