import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { query } from '../../helpers/duckdb';
import { setup, scopeOf } from './setup';
import { MODELS, MODEL_IDS } from '../../../src/analysis/segmentation/index';
import { runnableParams } from '../value/fitted';
import type { Model } from '../../../src/analysis/segmentation/model';
import { breakdown } from '../../../src/analysis/breakdown';
import { rfm11Rules } from '../../../src/analysis/segmentation/rfm11';
import { rfmScores } from '../../../src/analysis/segmentation/rfm-scores';
import type { OrderFixture } from '../../helpers/duckdb';

const AS_OF = '2024-04-01';
const order = fc.record({
  customer: fc.integer({ min: 0, max: 11 }),
  day: fc.integer({ min: 0, max: 120 }),
  cents: fc.integer({ min: 1, max: 50_000 }),
  category: fc.constantFrom('a', 'b', 'c', null),
  isReturn: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
});
const table = fc.array(order, { minLength: 1, maxLength: 60 });

type Row = { customer: number; day: number; cents: number; category: string | null; isReturn: boolean };

function toOrders(rows: readonly Row[]): OrderFixture[] {
  return rows.map((r, i) => ({
    customer_id: `c${r.customer}`,
    order_id: `o${i}`,
    ts: new Date(Date.parse('2023-12-01T00:00:00Z') + r.day * 86_400_000).toISOString().slice(0, 10),
    amount: r.isReturn ? -r.cents / 100 : r.cents / 100,
    category: r.category,
    is_return: r.isReturn,
  }));
}

const events = [{ customer_id: 'e1', ts: '2024-03-20', event_type: 'view', category: 'a' }];
const profiles = [
  { customer_id: 'c0', age: 30, gender: 'female' },
  { customer_id: 'p1', age: 50 },
];

describe('segmentation properties', () => {
  it('every model gives each customer of its universe exactly one segment; breakdown sums match', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.constantFrom(3, 4, 5) as fc.Arbitrary<3 | 4 | 5>,
        fc.constantFrom('f', 'fm') as fc.Arbitrary<'f' | 'fm'>,
        async (rows, bins, fScore) => {
          const { db, ctx } = await setup({ orders: toOrders(rows), events, customers: profiles }, scopeOf(AS_OF));
          const [all] = await query(
            db,
            'SELECT count(*) AS n, coalesce(sum(revenue), 0) AS rev, count(*) FILTER (WHERE orders > 0) AS nb, coalesce(sum(revenue) FILTER (WHERE orders > 0), 0) AS revb FROM base',
          );
          for (const id of MODEL_IDS) {
            const model = MODELS[id] as Model<unknown>;
            let params = model.defaults;
            if (id === 'rfm11') params = { ...MODELS.rfm11.defaults, bins, fScore, rules: rfm11Rules(bins) };
            params = runnableParams(id, params);
            const assigned = await query(db, model.assign(params, ctx));
            const ids = new Set(assigned.map((r) => r.customer_id));
            const buyers = model.universe === 'buyers';
            expect(ids.size, id).toBe(assigned.length);
            expect(assigned.length, id).toBe(buyers ? all?.nb : all?.n);
            const bd = await query(db, breakdown(model, params, ctx));
            const keys = bd.map((r) => r.segment);
            expect(new Set(keys).size, id).toBe(keys.length);
            if (!model.dynamic) for (const r of assigned) expect(keys, id).toContain(r.segment);
            expect(
              bd.reduce((s, r) => s + (r.customers as number), 0),
              id,
            ).toBe(assigned.length);
            expect(
              bd.reduce((s, r) => s + (r.revenue as number), 0),
              id,
            ).toBeCloseTo((buyers ? all?.revb : all?.rev) as number, 6);
          }
          const scores = await query(db, rfmScores({ ...MODELS.rfm11.defaults, bins }, ctx));
          for (const s of scores)
            for (const k of ['r_score', 'f_score', 'm_score']) expect(s[k]).toSatisfy((v: number) => v >= 1 && v <= bins);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('the assignment does not depend on row order', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.integer(), async (rows, seed) => {
        const orders = toOrders(rows);
        const shuffled = orders
          .map((o, i) => ({ o, k: Math.sin(seed + i) }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.o);
        const a = await setup({ orders }, scopeOf(AS_OF));
        const b = await setup({ orders: shuffled }, scopeOf(AS_OF));
        for (const id of ['rfm11', 'rfm8', 'spend', 'behaviour', 'interest'] as const) {
          const model = MODELS[id] as Model<unknown>;
          const ra = await query(a.db, model.assign(model.defaults, a.ctx));
          const rb = await query(b.db, model.assign(model.defaults, b.ctx));
          const norm = (rs: typeof ra) => rs.map((r) => `${r.customer_id}:${r.segment}`).sort();
          expect(norm(rb), id).toEqual(norm(ra));
        }
      }),
      { numRuns: 10 },
    );
    // ten databases, every model on each: well under 30 s on a quiet machine, not on a shared one
  }, 120_000);
});
