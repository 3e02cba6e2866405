/**
 * The Lifecycle page's tables are kept between requests (`workers/lifecycle-tables.ts`): a request
 * that changes only thresholds, transition dates or a list builds nothing and answers as a fresh
 * build does; another period rebuilds only the customer × period table; another scope or a data
 * change rebuilds the set (the worker's own request code on native DuckDB, statements counted).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { openDb, load } from '../../helpers/duckdb';
import { nativeEngine, type NativeEngine } from '../../helpers/native-engine';
import { ORDERS, T } from './fixture';
import { lifecycleApi } from '../../../workers/analysis-lifecycle';
import { dropLifeTables } from '../../../workers/lifecycle-tables';
import type { Db } from '../../../workers/duckdb';
import { LIFE_DEFAULTS, lifeOptions, type LifeState } from '../../../src/analysis/lifecycle/options';
import type { LifecycleRequest, LifeMembersRequest, Result } from '../../../src/atlas-api';

const built = (log: string[]) => log.flatMap((t) => /^CREATE OR REPLACE TABLE (life_\w+?)_\d+ /.exec(t)?.[1] ?? []);
const dropped = (log: string[]) => log.filter((t) => t.startsWith('DROP TABLE'));
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

async function engineWithOrders(): Promise<NativeEngine> {
  const conn = await openDb();
  await load(conn, { orders: ORDERS });
  return nativeEngine(conn);
}

function request(state: Partial<LifeState>, asOf = '2024-02-01', transition: LifecycleRequest['transition'] = null): LifecycleRequest {
  return {
    scope: { asOf, from: null, filters: [] },
    options: lifeOptions({ ...LIFE_DEFAULTS, period: 'week', ...state }),
    segmentSplit: null,
    transition,
  };
}

describe('kept lifecycle tables', () => {
  let engine: NativeEngine;
  let version = 1;
  let api: ReturnType<typeof lifecycleApi>;
  /** a separate database that builds everything for every request: the reference answers */
  let fresh: () => ReturnType<typeof lifecycleApi>;

  beforeAll(async () => {
    engine = await engineWithOrders();
    api = lifecycleApi(
      async () => engine as unknown as Db,
      () => version,
    );
    fresh = () => {
      const e = engineWithOrders();
      let n = 0;
      // a new version per call: nothing is ever reused there
      return lifecycleApi(
        async () => (await e) as unknown as Db,
        () => ++n,
      );
    };
  });

  /** statements run by `f` on the kept engine */
  async function during(f: () => Promise<unknown>): Promise<string[]> {
    const at = engine.log.length;
    await f();
    return engine.log.slice(at);
  }

  it('builds the set on the first request', async () => {
    const log = await during(async () => value(await api.lifecycle(request({}), 'lifecycle')));
    expect(built(log)).toEqual(['life_days', 'life_customers', 'life_gaps', 'life_periods']);
  });

  it('other thresholds, transition dates, churn k and repurchase windows: no build, the answer of a fresh build', async () => {
    const req = request({ ...T, churnK: 3, repurchaseDays: [7, 14], definition: 'period' }, '2024-02-01', {
      date1: '2024-01-10',
      date2: '2024-01-25',
    });
    let got: unknown;
    const log = await during(async () => (got = value(await api.lifecycle(req, 'lifecycle'))));
    expect(built(log)).toEqual([]);
    expect(dropped(log)).toEqual([]);
    expect(log.some((t) => /\blife_days_\d+\b/.test(t))).toBe(true);
    const { ms: _a, ...kept } = got as { ms: number };
    const { ms: _b, ...reference } = value(await fresh().lifecycle(req, 'lifecycle'));
    expect(kept).toEqual(reference);
  });

  it('lists and re-dated transitions read the kept tables and answer as without them', async () => {
    const req = request({});
    const members: LifeMembersRequest = {
      scope: req.scope,
      options: req.options,
      segmentSplit: null,
      thresholds: T,
      target: { kind: 'stage', stage: 'active' },
      offset: 0,
    };
    const cohort: LifeMembersRequest = { ...members, target: { kind: 'flow', period: '2024-01-22', flow: 'new' } };
    for (const m of [members, cohort]) {
      let got: unknown;
      const log = await during(async () => (got = value(await api.lifecycleMembers(m, 'list'))));
      expect(built(log)).toEqual([]);
      expect(log.every((t) => /\blife_(days|customers|periods)_\d+\b/.test(t))).toBe(true);
      const reference = value(await fresh().lifecycleMembers(m, 'list'));
      expect(reference.rows.length).toBeGreaterThan(0);
      expect(got).toEqual(reference);
    }
    const tr = { scope: req.scope, options: req.options, thresholds: T, date1: '2024-01-05', date2: '2024-01-20' };
    let got: unknown;
    const log = await during(async () => (got = value(await api.transitions(tr, 'tr'))));
    expect(log.length).toBe(1);
    expect(log[0]).toMatch(/\blife_(days|customers)_\d+\b/);
    expect(got).toEqual(value(await fresh().transitions(tr, 'tr')));
  });

  it('another period rebuilds only the customer × period table (and drops the old one)', async () => {
    const log = await during(async () => value(await api.lifecycle(request({ period: 'month' }), 'lifecycle')));
    expect(built(log)).toEqual(['life_periods']);
    expect(dropped(log)).toEqual([expect.stringMatching(/^DROP TABLE IF EXISTS life_periods_\d+$/)]);
  });

  it('another as-of date rebuilds the set and drops the old one', async () => {
    const log = await during(async () => value(await api.lifecycle(request({ period: 'month' }, '2024-01-20'), 'lifecycle')));
    expect(built(log)).toEqual(['life_days', 'life_customers', 'life_gaps', 'life_periods']);
    expect(dropped(log).length).toBe(4);
  });

  it('after a data change (new version) a list reads none of the kept tables, and the next page request rebuilds them', async () => {
    const req = request({ period: 'month' }, '2024-01-20');
    version = 2;
    const members: LifeMembersRequest = {
      scope: req.scope,
      options: req.options,
      segmentSplit: null,
      thresholds: T,
      target: { kind: 'churn' },
      offset: 0,
    };
    const before = await during(async () => value(await api.lifecycleMembers(members, 'list')));
    expect(before.some((t) => /\blife_\w+_\d+\b/.test(t))).toBe(false);
    const log = await during(async () => value(await api.lifecycle(req, 'lifecycle')));
    expect(built(log)).toEqual(['life_days', 'life_customers', 'life_gaps', 'life_periods']);
  });

  it('dropLifeTables (after the worker loads new data) drops the whole set', async () => {
    const log = await during(() => dropLifeTables(engine as unknown as Db));
    expect(log.length).toBe(4);
    expect(log.every((t) => t.startsWith('DROP TABLE IF EXISTS life_'))).toBe(true);
    const again = await during(async () => value(await api.lifecycle(request({ period: 'month' }, '2024-01-20'), 'lifecycle')));
    expect(built(again)).toEqual(['life_days', 'life_customers', 'life_gaps', 'life_periods']);
  });
});
