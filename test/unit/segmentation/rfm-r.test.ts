/**
 * R `rfm`-compatible scoring, break boundaries and rules over R, F and M. The ten-buyer expected
 * scores are worked out by hand (type-7 quantiles written out in the comments); the dataset test
 * compares against an independent JS port of rfm 0.3.0's `bins()` / `rfm_segment()` loops.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { raw, inline } from '../../../src/lib/sql';
import { openDb, query } from '../../helpers/duckdb';
import { dataset } from '../../helpers/datasets';
import { setup, segmentsOf, scopeOf, ordersFor } from './setup';
import { rfm11, RFM_R_PRESET, R_RFM_RULES, newRuleKey, type Rfm11Params } from '../../../src/analysis/segmentation/rfm11';
import { rfmScores } from '../../../src/analysis/segmentation/rfm-scores';
import { customerBase } from '../../../src/analysis/customer-base';

const AS_OF = '2024-04-01';
// [customer, recency days, orders, revenue]
const BUYERS: [string, number, number, number][] = [
  ['c1', 1, 10, 950],
  ['c2', 2, 1, 50],
  ['c3', 5, 6, 600],
  ['c4', 10, 1, 20],
  ['c5', 20, 3, 300],
  ['c6', 40, 1, 10],
  ['c7', 60, 8, 700],
  ['c8', 100, 2, 150],
  ['c9', 200, 9, 900],
  ['c10', 300, 1, 5],
];
const data = { orders: BUYERS.flatMap(([c, d, n, t]) => ordersFor(c, AS_OF, d, n, t)) };
const scoreMap = (rows: Record<string, unknown>[]) =>
  Object.fromEntries(rows.map((r) => [r.customer_id, `${r.r_score}${r.f_score}${r.m_score}`]));

describe('R rfm scoring (type 7, [lower, upper))', () => {
  it('cuts at type-7 quantiles + 1; ties share a bin and a value on a cut goes up', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    // n = 10, h = 9p = 1.8, 3.6, 5.4, 7.2 (0-based):
    // recency 1 2 5 10 20 40 60 100 200 300 → q 4.4, 16, 48, 120 → cuts 5.4, 17, 49, 121 (R = 5 − #reached)
    // orders 1 1 1 1 2 3 6 8 9 10 → q 1, 1.6, 4.2, 8.2 → cuts 2, 2.6, 5.2, 9.2 (c8's 2 orders sit on the cut: score 2)
    // revenue 5 10 20 50 150 300 600 700 900 950 → q 18, 110, 420, 740 → cuts 19, 111, 421, 741
    const rows = await query(db, rfmScores({ ...rfm11.defaults, method: 'r7' }, ctx));
    expect(scoreMap(rows)).toEqual({
      c1: '555',
      c2: '512',
      c3: '544', // rank-based: 444 (recency 5 < 5.4)
      c4: '412',
      c5: '333',
      c6: '311',
      c7: '244',
      c8: '223',
      c9: '145', // rank-based: 155 (9 orders < 9.2)
      c10: '111',
    });
  });

  it('typed-in breaks: classic, [lower, upper) and (lower, upper] at values equal to a break', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const breaks = { recency: [5, 20, 60, 200], frequency: [2, 3, 6, 9], monetary: [10, 50, 300, 900] };
    const at = async (edge: 'classic' | 'upper' | 'lower') =>
      scoreMap(await query(db, rfmScores({ ...rfm11.defaults, method: 'breaks', breaks, breakBoundary: edge }, ctx)));
    // classic: recency ≤ break is the recent bin; F, M ≥ break the higher bin
    expect(await at('classic')).toEqual({
      c1: '555',
      c2: '513',
      c3: '544',
      c4: '412',
      c5: '434',
      c6: '312',
      c7: '344',
      c8: '223',
      c9: '255',
      c10: '111',
    });
    // [lower, upper): recency 5, 20, 60, 200 fall to the older bin; F and M as classic
    expect(await at('upper')).toEqual({
      c1: '555',
      c2: '513',
      c3: '444',
      c4: '412',
      c5: '334',
      c6: '312',
      c7: '244',
      c8: '223',
      c9: '155',
      c10: '111',
    });
    // (lower, upper]: recency as classic; F and M equal to a break stay in the lower bin
    expect(await at('lower')).toEqual({
      c1: '555',
      c2: '512',
      c3: '534',
      c4: '412',
      c5: '423',
      c6: '311',
      c7: '344',
      c8: '213',
      c9: '244',
      c10: '111',
    });
    expect(() => rfmScores({ ...rfm11.defaults, breakBoundary: 'middle' as never }, ctx)).toThrow(/invalid break boundary/);
  });

  it('the R preset bounds R, F and M in the package order', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, rfm11, RFM_R_PRESET, ctx)).toEqual({
      c1: 'champions', // 555
      c2: 'new_customers', // 512: R 4–5, F 1–3, M any
      c3: 'potential_loyalist', // 544
      c4: 'new_customers', // 412: promising needs M ≥ 3
      c5: 'potential_loyalist', // 333
      c6: 'about_to_sleep', // 311
      c7: 'loyal', // 244
      c8: 'loyal', // 223
      c9: 'cant_lose', // 145
      c10: 'lost', // 111
    });
    expect(rfm11.segments(RFM_R_PRESET).map((d) => d.key)).toEqual([...R_RFM_RULES.map((r) => r.key), 'others']);
  });

  it('renamed, added and removed segments', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rules = RFM_R_PRESET.rules.filter((r) => r.key !== 'lost').map((r) => (r.key === 'loyal' ? { ...r, name: 'Regulars' } : r));
    const key = newRuleKey(rules);
    expect(key).toBe('s1');
    const p: Rfm11Params = { ...RFM_R_PRESET, rules: [{ key, name: 'Whales', r: [1, 5], f: [1, 5], m: [5, 5] }, ...rules] };
    const segs = await segmentsOf(db, rfm11, p, ctx);
    expect(segs.c1).toBe('s1');
    expect(segs.c9).toBe('s1');
    expect(segs.c7).toBe('loyal');
    expect(segs.c10).toBe('others'); // lost removed
    const defs = rfm11.segments(p);
    expect(defs[0]).toMatchObject({ key: 's1', label: 'Whales' });
    expect(defs.find((d) => d.key === 'loyal')?.label).toBe('Regulars');
    expect(defs.find((d) => d.key === 'champions')?.label).toBe('seg.rfm11.champions');
    expect(() => rfm11.validate({ ...p, rules: [{ key: 's2', r: [1, 5], f: [1, 5] }] })).toThrow(/s2 needs a name/);
    expect(() => rfm11.validate({ ...p, rules: [{ key: 'x y', name: 'a', r: [1, 5], f: [1, 5] }] })).toThrow(/invalid rule/);
    expect(() => rfm11.validate({ ...p, rules: [{ key: 'others', name: 'a', r: [1, 5], f: [1, 5] }] })).toThrow(/invalid rule/);
    expect(() => rfm11.validate({ ...p, rules: [{ key: 's2', name: 'a', r: [1, 5], f: [1, 5], m: [4, 2] }] })).toThrow(/s2 m upper bound/);
  });

  it('default rules keep their segment list (existing figures unchanged)', () => {
    expect(rfm11.segments(rfm11.defaults).map((d) => d.key)).toEqual([
      'champions',
      'loyal',
      'potential_loyalist',
      'new_customers',
      'promising',
      'need_attention',
      'about_to_sleep',
      'at_risk',
      'cant_lose',
      'hibernating',
      'lost',
      'others',
    ]);
  });
});

const RFM = dataset('rfm-r-package/rfm_data_orders.csv');

/** Independent port of rfm 0.3.0: quantile type 7 at i · 0.2, +1, bins [lower, upper). */
function rScores(values: number[], bins = 5): (v: number) => number {
  const x = [...values].sort((a, b) => a - b);
  const cuts = Array.from({ length: bins - 1 }, (_, i) => {
    const h = (x.length - 1) * ((i + 1) * (1 / bins));
    const lo = Math.floor(h);
    const q = x[lo]! + (h - lo) * ((x[Math.min(lo + 1, x.length - 1)] ?? x[lo]!) - x[lo]!);
    return q + 1;
  });
  return (v) => 1 + cuts.filter((c) => v >= c).length;
}

describe.skipIf(!existsSync(RFM))('R rfm package order table as of 2006-12-31', () => {
  it('scores and segments every customer as the package does; 14 customers differ from rank-based scores', async () => {
    const lines = readFileSync(RFM, 'utf8').trim().split('\n').slice(1);
    const per = new Map<string, { last: string; f: number; m: number }>();
    for (const line of lines) {
      const m = /^"((?:[^"]|"")*)","(\d{4}-\d{2}-\d{2})",(\d+)$/.exec(line);
      if (!m) throw new Error(`unread line ${line}`);
      const id = m[1]!.replaceAll('""', '"');
      const c = per.get(id) ?? { last: '0000', f: 0, m: 0 };
      per.set(id, { last: m[2]! > c.last ? m[2]! : c.last, f: c.f + 1, m: c.m + Number(m[3]) });
    }
    const rec = (d: string) => Math.round((Date.parse('2006-12-31T00:00:00Z') - Date.parse(`${d}T00:00:00Z`)) / 86_400_000);
    const cs = [...per.entries()].map(([id, c]) => ({ id, r: rec(c.last), f: c.f, m: c.m }));
    const [sr, sf, sm] = [rScores(cs.map((c) => c.r)), rScores(cs.map((c) => c.f)), rScores(cs.map((c) => c.m))];
    const expected = new Map(cs.map((c) => [c.id, { r: 6 - sr(c.r), f: sf(c.f), m: sm(c.m) }]));
    // rfm_segment(): the first rule (in order) whose three ranges hold wins, else Others
    const segOf = (s: { r: number; f: number; m: number }) =>
      R_RFM_RULES.find((x) => s.r >= x.r[0] && s.r <= x.r[1] && s.f >= x.f[0] && s.f <= x.f[1] && s.m >= x.m![0] && s.m <= x.m![1])?.key ??
      'others';

    const db = await openDb();
    await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, is_return, source)
      SELECT customer_id, 'r' || row_number() OVER (), CAST(order_date AS TIMESTAMP), revenue, false, 'rfm'
      FROM read_csv('${RFM}', header = true, columns = {'customer_id': 'VARCHAR', 'order_date': 'DATE', 'revenue': 'DOUBLE'})`);
    await db.run(`INSERT INTO customers (customer_id, has_profile) SELECT DISTINCT customer_id, false FROM orders`);
    const scope = scopeOf('2006-12-31');
    await db.run(`CREATE TEMP TABLE base AS ${inline(customerBase(scope))}`);
    const ctx = { scope, base: raw('base') };
    const rows = await query(db, rfm11.assign(RFM_R_PRESET, ctx));
    expect(rows).toHaveLength(995);
    let mismatches = 0;
    for (const r of rows) {
      const e = expected.get(String(r.customer_id))!;
      if (r.r_score !== e.r || r.f_score !== e.f || r.m_score !== e.m || r.segment !== segOf(e)) mismatches++;
    }
    expect(mismatches).toBe(0);
    const rank = scoreMap(await query(db, rfmScores(rfm11.defaults, ctx)));
    const r7 = scoreMap(rows);
    expect(Object.keys(r7).filter((k) => r7[k] !== rank[k])).toHaveLength(14);
    const counts: Record<string, number> = {};
    for (const r of rows) counts[String(r.segment)] = (counts[String(r.segment)] ?? 0) + 1;
    const jsCounts: Record<string, number> = {};
    for (const e of expected.values()) jsCounts[segOf(e)] = (jsCounts[segOf(e)] ?? 0) + 1;
    expect(counts).toEqual(jsCounts);
  });
});
