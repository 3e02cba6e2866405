/**
 * The 11-segment model looks its rules up per score cell (`ruleCells`, a join) instead of testing
 * every rule on every customer: on generated orders and generated rule lists (M bounds included)
 * each customer must get the first rule that matches its scores, read from the rules in JS.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { inline, raw } from '../../../src/lib/sql';
import { query, type OrderFixture } from '../../helpers/duckdb';
import { setup, scopeOf } from './setup';
import { rfm11, ruleCells, R_RFM_RULES, type Rfm11Params, type Rfm11Rule } from '../../../src/analysis/segmentation/rfm11';
import { rfmScores } from '../../../src/analysis/segmentation/rfm-scores';
import { rfmRanks } from '../../../src/analysis/segmentation/rfm-ranks';
import { rfmGrid } from '../../../src/analysis/breakdown';

const AS_OF = '2024-04-01';

const orders = fc.array(
  fc.record({
    customer: fc.integer({ min: 0, max: 30 }),
    day: fc.integer({ min: 0, max: 120 }),
    cents: fc.integer({ min: 1, max: 50_000 }),
  }),
  { minLength: 1, maxLength: 80 },
);

function toOrders(rows: readonly { customer: number; day: number; cents: number }[]): OrderFixture[] {
  return rows.map((r, i) => ({
    customer_id: `c${r.customer}`,
    order_id: `o${i}`,
    ts: new Date(Date.parse('2023-12-01T00:00:00Z') + r.day * 86_400_000).toISOString().slice(0, 10),
    amount: r.cents / 100,
  }));
}

/** Bounds lo ≤ hi within 1..bins. */
const bounds = (bins: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: bins }), fc.integer({ min: 1, max: bins }))
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);

const rules = (bins: number) =>
  fc
    .array(fc.record({ r: bounds(bins), f: bounds(bins), m: fc.option(bounds(bins), { nil: undefined }) }), { minLength: 1, maxLength: 6 })
    .map((rs) => rs.map((x, i): Rfm11Rule => ({ key: `s${i + 1}`, name: `S${i + 1}`, r: x.r, f: x.f, ...(x.m ? { m: x.m } : {}) })));

const params = fc
  .constantFrom(3, 4, 5)
  .chain((bins) =>
    fc.record({
      bins: fc.constant(bins as 3 | 4 | 5),
      fScore: fc.constantFrom('f', 'fm') as fc.Arbitrary<'f' | 'fm'>,
      method: fc.constantFrom('quantile', 'r7') as fc.Arbitrary<'quantile' | 'r7'>,
      rules: rules(bins),
    }),
  )
  .map((x): Rfm11Params => ({ ...rfm11.defaults, ...x }));

/** The rule semantics read plainly: the first rule whose bounds hold, else `others`. */
function firstRule(p: Rfm11Params, s: { r_score: number; f_score: number; m_score: number }): string {
  const f = p.fScore === 'fm' ? Math.floor((s.f_score + s.m_score + 1) / 2) : s.f_score;
  const inside = (v: number, b?: [number, number]) => !b || (v >= b[0] && v <= b[1]);
  return p.rules.find((x) => inside(s.r_score, x.r) && inside(f, x.f) && inside(s.m_score, x.m))?.key ?? 'others';
}

describe('rfm11 rule lookup', () => {
  it('gives every buyer the first matching rule of its scores, with and without cached ranks', async () => {
    await fc.assert(
      fc.asyncProperty(orders, params, async (rows, p) => {
        const { db, ctx } = await setup({ orders: toOrders(rows) }, scopeOf(AS_OF));
        await db.run(`CREATE TEMP TABLE rk AS ${inline(rfmRanks(raw('base')))}`);
        const scores = await query(db, rfmScores(p, ctx));
        const want = new Map(scores.map((s) => [String(s.customer_id), firstRule(p, s as never)]));
        for (const c of [ctx, { ...ctx, ranks: raw('rk') }]) {
          const got = await query(db, rfm11.assign(p, c));
          expect(got.length).toBe(scores.length);
          for (const g of got) expect(g.segment, String(g.customer_id)).toBe(want.get(String(g.customer_id)));
          // the grid counts every buyer once, whether read from the ranks or from the assignment
          const grid = await query(db, rfm11.extras!.grid!(p, c, rfm11.assign(p, c)));
          expect(grid.reduce((n, r) => n + Number(r.customers), 0)).toBe(scores.length);
          const plain = await query(db, rfmGrid(p, ctx));
          expect(grid.map((r) => [r.r_score, r.f_score, r.customers])).toEqual(plain.map((r) => [r.r_score, r.f_score, r.customers]));
          grid.forEach((r, i) => expect(r.mean_monetary).toBeCloseTo(plain[i]!.mean_monetary as number, 6));
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('lists a cell once, for its first rule, and leaves unmatched cells out', () => {
    const p: Rfm11Params = {
      ...rfm11.defaults,
      bins: 3,
      fScore: 'f',
      rules: [
        { key: 'lost', r: [1, 1], f: [1, 3] },
        { key: 'loyal', r: [1, 2], f: [2, 2] },
      ],
    };
    expect(ruleCells(p)).toEqual([
      { r: 1, f: 1, m: 1, key: 'lost' },
      { r: 1, f: 2, m: 1, key: 'lost' },
      { r: 1, f: 3, m: 1, key: 'lost' },
      { r: 2, f: 2, m: 1, key: 'loyal' },
    ]);
    // with an M bound anywhere every cell has an M: the R package's table has 5 × 5 × 5 cells to place
    const cells = ruleCells({ ...rfm11.defaults, fScore: 'f', rules: R_RFM_RULES });
    expect(new Set(cells.map((c) => `${c.r}${c.f}${c.m}`)).size).toBe(cells.length);
    expect(cells.find((c) => c.r === 5 && c.f === 5 && c.m === 5)?.key).toBe('champions');
    expect(cells.find((c) => c.r === 5 && c.f === 5 && c.m === 4)?.key).toBe('potential_loyalist');
  });
});
