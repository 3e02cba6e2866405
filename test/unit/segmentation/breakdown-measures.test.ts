/**
 * Breakdown measures carried by the assignment (`measured` models, `measures` in
 * `src/analysis/breakdown.ts`): a model whose assignment returns each customer's revenue, orders and
 * recency days is broken down without joining the assignment back to the customer base on the
 * VARCHAR customer id (about half the breakdown's time at 1M orders). The rows are the joined
 * form's, the assignment is read by one grouping per segment, and a bins change in the worker's
 * Segments request reads only the cached ranks.
 */
import { describe, it, expect } from 'vitest';
import { openDb, load, query, type CustomerFixture, type OrderFixture } from '../../helpers/duckdb';
import { nativeEngine } from '../../helpers/native-engine';
import { inline, raw, type Sql } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { rfmRanks } from '../../../src/analysis/segmentation/rfm-ranks';
import { rfm11, rfm11Rules } from '../../../src/analysis/segmentation/rfm11';
import { MODELS, MODEL_IDS } from '../../../src/analysis/segmentation';
import type { Model } from '../../../src/analysis/segmentation/model';
import { breakdown } from '../../../src/analysis/breakdown';
import { analysisApi } from '../../../workers/analysis';
import { dropBases } from '../../../workers/query-runner';
import type { ModelContext, Scope } from '../../../src/analysis/types';
import type { Db } from '../../../workers/duckdb';
import { roughly } from '../../helpers/roughly';

const scope: Scope = { asOf: '2024-07-01', from: null, filters: [] };

/** 200 buyers with 1–6 orders (cents amounts, refunds), 40 profile-only customers for the `all` universe. */
function data(): { orders: OrderFixture[]; customers: CustomerFixture[] } {
  let x = 5;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const orders: OrderFixture[] = [];
  const customers: CustomerFixture[] = [];
  for (let c = 0; c < 240; c++) {
    customers.push({ customer_id: `c${c}`, age: c % 7 ? 18 + rnd(50) : null, gender: c % 2 ? 'f' : 'm', region: `r${c % 4}` });
    if (c >= 200) continue;
    for (let i = 0; i < 1 + rnd(6); i++) {
      const day = new Date(Date.UTC(2024, 0, 1 + 3 * rnd(60))).toISOString().slice(0, 10);
      const amount = (rnd(30000) + 1) / 100;
      orders.push({ customer_id: `c${c}`, order_id: `o${c}-${i}`, ts: day, amount, category: `k${rnd(4)}`, is_return: false });
    }
    if (c % 17 === 0) orders.push({ customer_id: `c${c}`, order_id: `r${c}`, ts: '2024-05-02', amount: -3.5, is_return: true });
  }
  return { orders, customers };
}

type AnyModel = Model<unknown>;
const joined = (m: AnyModel): AnyModel => ({ ...m, measured: false });

/** Every measured model with parameters that cover its paths (RFM 11: ranks, ranked in the query, r7, breaks). */
function cases(ctx: ModelContext, ranked: ModelContext): [string, AnyModel, unknown, ModelContext][] {
  const m = (id: keyof typeof MODELS) => MODELS[id] as AnyModel;
  return [
    ['rfm11 over ranks', m('rfm11'), rfm11.defaults, ranked],
    ['rfm11 3 bins aov over ranks', m('rfm11'), { ...rfm11.defaults, bins: 3, rules: rfm11Rules(3), monetary: 'aov' }, ranked],
    ['rfm11 ranked in the query', m('rfm11'), rfm11.defaults, ctx],
    ['rfm11 r7', m('rfm11'), { ...rfm11.defaults, method: 'r7' }, ctx],
    ['rfm11 breaks', m('rfm11'), { ...rfm11.defaults, method: 'breaks' }, ctx],
    ['rfm8', m('rfm8'), MODELS.rfm8.defaults, ctx],
    ['rfm8 median aov', m('rfm8'), { threshold: 'median', monetary: 'aov' }, ctx],
    ['spend', m('spend'), MODELS.spend.defaults, ctx],
    ['behaviour', m('behaviour'), MODELS.behaviour.defaults, ctx],
    ['tier', m('tier'), MODELS.tier.defaults, ctx],
    ['demographics (all)', m('demographics'), MODELS.demographics.defaults, ctx],
    ['demographics (buyers, region)', m('demographics'), { ...MODELS.demographics.defaults, dimension: 'region', universe: 'buyers' }, ctx],
  ];
}

async function fixture() {
  const db = await openDb();
  await load(db, data());
  await db.run(`CREATE TABLE base AS ${inline(customerBase(scope))}`);
  await db.run(`CREATE TABLE rk AS ${inline(rfmRanks(raw('base')))}`);
  const ctx: ModelContext = { scope, base: raw('base') };
  return { db, ctx, ranked: { ...ctx, ranks: raw('rk') } };
}

/** How many joins on the customer id the physical plan of `q` has. */
async function idJoins(db: Awaited<ReturnType<typeof openDb>>, q: Sql): Promise<number> {
  const [row] = await query(db, `EXPLAIN ${inline(q)}`);
  return String(row?.explain_value).match(/customer_id = customer_id/g)?.length ?? 0;
}

describe('breakdown measures carried by the assignment', () => {
  it('the models that carry them', () => {
    expect(MODEL_IDS.filter((id) => MODELS[id].measured).sort()).toEqual(['behaviour', 'demographics', 'rfm11', 'rfm8', 'spend', 'tier']);
  });

  it('give the rows of the breakdown joined with the base, for every measured model and path', async () => {
    const { db, ctx, ranked } = await fixture();
    for (const [name, model, params, c] of cases(ctx, ranked)) {
      const want = await query(db, breakdown(joined(model), params, c));
      expect(
        want.reduce((s, r) => s + Number(r.customers), 0),
        name,
      ).toBeGreaterThan(0);
      expect(roughly(await query(db, breakdown(model, params, c))), name).toEqual(roughly(want));
    }
  });

  it('leave no join on the customer id beyond the assignment’s own', async () => {
    const { db, ctx, ranked } = await fixture();
    for (const [name, model, params, c] of cases(ctx, ranked)) {
      const before = await idJoins(db, breakdown(joined(model), params, c));
      // demographics joins the profiles in its assignment; the others join nothing
      const own = model.id === 'demographics' ? 1 : 0;
      expect(before, name).toBe(own + 1);
      expect(await idJoins(db, breakdown(model, params, c)), name).toBe(own);
    }
  });

  it('read the assignment once: one grouping by segment, the universe summed from the segments', async () => {
    const { ctx, ranked } = await fixture();
    for (const [name, model, params, c] of cases(ctx, ranked)) {
      const text = inline(breakdown(model, params, c));
      // `a` read by one grouping only (two readers would make DuckDB keep a copy of every customer's row)
      expect(text.match(/\bFROM a\b/g), name).toHaveLength(1);
      expect(text, name).toMatch(/median\(recency_days\) AS median_recency\s+FROM a GROUP BY segment/);
      expect(text, name).toMatch(/tot AS \(SELECT sum\(customers\) AS n, sum\(revenue\) AS rev FROM g\)/);
    }
  });

  it('a bins change in the Segments request reads the cached ranks only: no base, no join', async () => {
    const conn = await openDb();
    await load(conn, data());
    const engine = nativeEngine(conn);
    const api = analysisApi(
      async () => engine as unknown as Db,
      () => 1,
    );
    await dropBases(engine);
    const ask = async (bins: 3 | 4 | 5) => {
      const params = { ...rfm11.defaults, bins, rules: rfm11Rules(bins) };
      const r = await api.segments({ scope, model: 'rfm11', params, crosstab: null }, 'breakdown-measures');
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    await ask(5);
    const from = engine.log.length;
    const three = await ask(3);
    const change = engine.log.slice(from);
    // the breakdown and the R × F grid, each one statement over the ranks table
    expect(change).toHaveLength(2);
    for (const t of change) {
      expect(t).toMatch(/FROM cb_\d+_rk\b/);
      expect(t).not.toMatch(/\bcb_\d+\b(?!_rk)/);
    }
    expect(three.rows.reduce((s, r) => s + r.customers, 0)).toBe(200);
  });
});
