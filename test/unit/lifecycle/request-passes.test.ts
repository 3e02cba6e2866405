/**
 * How often one Lifecycle page request passes over the per-day activity (the worker's own request
 * code on native DuckDB): the customer × day table is read by the summaries built from it and by the
 * date range only; stages, flows, cohorts, churn and transitions read the summaries (`life_days`,
 * `life_customers`, `life_gaps`, `life_periods`), and the gap quantiles are sorted once.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { openDb, load } from '../../helpers/duckdb';
import { nativeEngine, type NativeEngine } from '../../helpers/native-engine';
import { ORDERS } from './fixture';
import { lifecycleApi } from '../../../workers/analysis-lifecycle';
import type { Db } from '../../../workers/duckdb';
import { LIFE_DEFAULTS, lifeOptions, type LifeState } from '../../../src/analysis/lifecycle/options';
import type { LifecycleRequest, LifecycleResult } from '../../../src/atlas-api';

/** statements naming one of the page's tables (kept tables carry a number: `life_days_3`) */
const reads = (texts: string[], table: string) => texts.filter((t) => new RegExp(`\\b${table}_\\d+\\b`).test(t));

describe.each(['threshold', 'period'] as const)('one lifecycle request (%s definition)', (definition) => {
  let engine: NativeEngine;
  let result: LifecycleResult;
  /** statements after the request's table builds */
  let queries: string[];
  let builds: string[];

  beforeAll(async () => {
    const conn = await openDb();
    await load(conn, { orders: ORDERS });
    engine = nativeEngine(conn);
    const api = lifecycleApi(
      async () => engine as unknown as Db,
      () => 1,
    );
    const state: LifeState = { ...LIFE_DEFAULTS, period: 'week', definition };
    const req: LifecycleRequest = {
      scope: { asOf: '2024-02-01', from: null, filters: [] },
      options: lifeOptions(state),
      segmentSplit: null,
      transition: null,
    };
    const res = await api.lifecycle(req, 'lifecycle');
    if (!res.ok) throw new Error(res.error.message);
    result = res.value;
    builds = engine.log.filter((t) => t.startsWith('CREATE OR REPLACE TABLE'));
    queries = engine.log.filter((t) => !t.startsWith('CREATE OR REPLACE TABLE'));
  });

  it('answers (the figures themselves are pinned by the module tests)', () => {
    expect(result.stages.reduce((s, r) => s + r.customers, 0)).toBeGreaterThan(0);
    expect(result.cohorts.length).toBeGreaterThan(0);
    expect(result.flows.length).toBeGreaterThan(0);
    expect(result.periodFlows.length > 0).toBe(definition === 'period');
  });

  it('builds the activity, its summaries and the customer × period table once', () => {
    expect(builds.map((t) => /^CREATE OR REPLACE TABLE (\w+?)_\d+ /.exec(t)?.[1])).toEqual([
      'life_activity',
      'life_days',
      'life_customers',
      'life_gaps',
      'life_periods',
    ]);
  });

  it('reads the per-day activity only for its date range after the builds', () => {
    expect(reads(queries, 'life_activity')).toEqual([expect.stringMatching(/^SELECT CAST\(min\(day\) AS VARCHAR\) AS first/)]);
  });

  it('sorts the gaps for quantiles once (the gap table), not once per query', () => {
    expect(queries.filter((t) => t.includes('quantile_cont'))).toEqual([]);
    expect(reads(queries, 'life_gaps').length).toBe(4); // suggested thresholds, churn summary and both churn lists
  });

  it('groups activity per period once: flows, cohorts and period statuses read the customer × period table', () => {
    const periodic = queries.filter((t) => /'reactivated' END AS stage|is_average|'resurrecting' END AS status/.test(t));
    expect(periodic.length).toBe(definition === 'period' ? 3 : 2);
    for (const t of periodic) expect(t).toMatch(/\blife_periods_\d+\b/);
  });

  it('takes stages (counts and both transition dates) from the summaries', () => {
    const stageQueries = queries.filter((t) => /'reactivated'\s+WHEN/.test(t) && !t.includes('lag(period)'));
    expect(stageQueries.length).toBe(2);
    for (const t of stageQueries) expect(t).toMatch(/\blife_customers_\d+\b/);
  });

  it('computes both stages of the transition matrix in one pass over the active days', () => {
    const [tr, ...more] = queries.filter((t) => t.includes('from_stage'));
    expect(more).toEqual([]);
    expect(tr!.match(/\blife_days_\d+\b/g)).toHaveLength(1);
    expect(tr!.match(/\blife_customers_\d+\b/g)).toHaveLength(1);
  });
});
