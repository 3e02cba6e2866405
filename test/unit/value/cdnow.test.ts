/**
 * Acceptance on the CDNOW sample (Fader, Hardie & Lee 2005): the summary from raw transactions
 * equals the published per-customer summary, and the fit reproduces the published parameters.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { dataset } from '../../helpers/datasets';
import { rfSummary, rfGroups } from '../../../src/analysis/value/summary';
import { fitBgNbd, type RfSummary } from '../../../src/analysis/value/bgnbd';

const SAMPLE = dataset('cdnow/CDNOW_sample.txt');
const CBS = dataset('cdnow/btyd_cdnowSummary_cbs.csv');
const scope = { asOf: '1998-07-01', from: null, filters: [] };
const params = { unit: 'week' as const, calibrationEnd: '1997-09-30' };

describe.skipIf(!existsSync(SAMPLE) || !existsSync(CBS))('CDNOW sample (2,357 customers, weeks 1–39 calibration)', () => {
  let db: DuckDBConnection;
  let groups: RfSummary[];
  beforeAll(async () => {
    db = await openDb();
    // CDNOW_sample.txt: masterid, sampleid, YYYYMMDD, cds, dollars (whitespace separated, no header)
    // CDNOW_sample.txt: masterid, sampleid, YYYYMMDD, cds, dollars (runs of spaces, no header)
    await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, is_return, source)
      SELECT f[2], 'o' || row_number() OVER (), CAST(strptime(f[3], '%Y%m%d') AS TIMESTAMP), CAST(f[5] AS DOUBLE), false, 'cdnow'
      FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS f
        FROM read_csv('${SAMPLE}', delim = '\t', header = false, columns = {'line': 'VARCHAR'}) WHERE trim(line) <> '')`);
    expect(await query(db, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 6919 }]);
    groups = (await query(db, rfGroups(rfSummary(scope, params)))).map((r) => ({
      x: r.x as number,
      tx: r.tx as number,
      T: r.T as number,
      n: r.n as number,
    }));
  });

  it('summary equals BTYD cdnowSummary (x, t_x, T, x_star, m_x) for every customer', async () => {
    const cbs = readFileSync(CBS, 'utf8').trim().split(/\r?\n/).slice(1);
    expect(cbs).toHaveLength(2357);
    const want = new Map(
      cbs.map((l) => {
        const [id, x, tx, T, xs, mx] = l.split(',').map((v) => v.replaceAll('"', ''));
        return [String(Number(id)), { x: Number(x), tx: Number(tx), T: Number(T), xs: Number(xs), mx: Number(mx) }];
      }),
    );
    const rows = await query(db, rfSummary(scope, params));
    expect(rows).toHaveLength(2357);
    for (const r of rows) {
      const w = want.get(String(Number(r.customer_id)));
      expect(w, String(r.customer_id)).toBeDefined();
      expect(r.x).toBe(w!.x);
      expect(r.t_x as number).toBeCloseTo(w!.tx, 9);
      expect(r.T as number).toBeCloseTo(w!.T, 9);
      expect(r.x_star).toBe(w!.xs);
      expect((r.m_x as number | null) ?? 0).toBeCloseTo(w!.mx, 6);
    }
  });

  it('BG/NBD fit reproduces r = 0.243, α = 4.414, a = 0.793, b = 2.426 (LL −9582.4) within 1 %', () => {
    const t0 = performance.now();
    const fit = fitBgNbd(groups);
    const ms = performance.now() - t0;
    expect(fit.converged).toBe(true);
    const rel = (v: number, w: number) => Math.abs(v / w - 1);
    expect(rel(fit.params.r, 0.243)).toBeLessThan(0.01);
    expect(rel(fit.params.alpha, 4.414)).toBeLessThan(0.01);
    expect(rel(fit.params.a, 0.793)).toBeLessThan(0.01);
    expect(rel(fit.params.b, 2.426)).toBeLessThan(0.01);
    expect(fit.ll).toBeCloseTo(-9582.4, 1);
    console.log(`CDNOW BG/NBD fit ${groups.length} groups: ${ms.toFixed(0)} ms`, fit.params);
  });
});
