/**
 * How often one Lifecycle page request passes over the per-day activity (the worker's own request
 * code on native DuckDB): the orders are grouped by customer and day once, straight into the window
 * of `life_days` (no customer × day table between); `life_customers` and `life_periods` are one
 * grouping of `life_days` each; stages, flows, cohorts, churn and transitions read the summaries
 * (`life_days`, `life_customers`, `life_gaps`, `life_periods`), and the gap quantiles are sorted once.
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

  it('builds the activity days with their gaps, their summaries and the customer × period table once', () => {
    expect(builds.map((t) => /^CREATE OR REPLACE TABLE (\w+?)_\d+ /.exec(t)?.[1])).toEqual([
      'life_days',
      'life_customers',
      'life_gaps',
      'life_periods',
    ]);
  });

  it('reads the orders once: the day grouping feeds the window of life_days, every other build reads life_days', () => {
    const [days, ...rest] = builds;
    expect(days).toMatch(/\bFROM orders\b/);
    expect(days!.match(/\bOVER\b/g)).toHaveLength(4); // gap, next day, 365-day revenue, first active day: one sort
    for (const t of rest) {
      expect(t).not.toMatch(/\bFROM orders\b/);
      expect(t).toMatch(/\blife_days_\d+\b/);
    }
    // besides the row count that decides whether the set is built in customer parts
    expect(queries.filter((t) => /\bFROM orders\b/.test(t))).toEqual(['SELECT count(*) AS n FROM orders']);
  });

  it('summarises customers and periods in one grouping each: no join, no window, no second pass over life_days', () => {
    const [, customers, , periods] = builds;
    for (const t of [customers!, periods!]) {
      expect(t.match(/\blife_days_\d+\b/g)).toHaveLength(1);
      expect(t.match(/\bGROUP BY\b/g)).toHaveLength(1);
      expect(t).not.toMatch(/\bJOIN\b|\bOVER\b/);
    }
    expect(periods).toContain('prev_day');
  });

  it('reads the per-day activity only for its date range after the builds, besides the active days', () => {
    const range = queries.filter((t) => t.startsWith('SELECT CAST(min(day) AS VARCHAR) AS first'));
    expect(range).toHaveLength(1);
    expect(range[0]).toMatch(/\blife_days_\d+\b/);
  });

  it('stage flows take the previous active period from life_periods (no window over the periods)', () => {
    const [flows, ...more] = queries.filter((t) => /'reactivated' END AS stage/.test(t));
    expect(more).toEqual([]);
    expect(flows).toMatch(/\bprev_day\b/);
    expect(flows).not.toMatch(/\blag\(/);
    // prev_day itself is tested for NULL (DuckDB-WASM 1.4.3 took its truncated month for non-NULL inside the CASE)
    expect(flows).toMatch(/CASE WHEN prev_day IS NULL THEN 'new'/);
  });

  it('first-activity cohorts take each period row’s cohort from its first_day (no join of life_periods with the cohorts)', () => {
    const [cohorts, ...more] = queries.filter((t) => t.includes('is_average'));
    expect(more).toEqual([]);
    expect(cohorts).toMatch(/\bfirst_day\b/);
    expect(cohorts).not.toMatch(/JOIN coh0/);
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

  it('takes stages (counts and both transition dates) from the summaries, in one statement', () => {
    // the default transition matrix ends at the as-of date: its second stage is the stage counts' stage
    const stageQueries = queries.filter((t) => /'reactivated'\s+WHEN/.test(t) && !t.includes('lag(period)'));
    expect(stageQueries.length).toBe(1);
    expect(stageQueries[0]).toMatch(/\blife_customers_\d+\b/);
    expect(stageQueries[0]).toContain('GROUPING SETS');
    expect(result.stages.map((r) => r.stage)).toEqual(['new', 'active', 'reactivated', 'dormant', 'churned']);
    expect(result.transitions.date2).toBe('2024-02-01');
    // the matrix's columns add up to the stage counts
    for (const st of result.stages) {
      const cells = result.transitions.rows.filter((r) => r.to_stage === st.stage);
      expect(cells.reduce((s, r) => s + r.customers, 0)).toBe(st.customers);
    }
  });

  it('computes both stages of the transition matrix in one pass over the active days', () => {
    const [tr, ...more] = queries.filter((t) => t.includes('from_stage'));
    expect(more).toEqual([]);
    expect(tr!.match(/\blife_days_\d+\b/g)).toHaveLength(1);
    expect(tr!.match(/\blife_customers_\d+\b/g)).toHaveLength(1);
  });
});

describe('one lifecycle request with a transition matrix ending before the as-of date', () => {
  it('counts the stages and the matrix apart, each at its own date', async () => {
    const conn = await openDb();
    await load(conn, { orders: ORDERS });
    const engine = nativeEngine(conn);
    const api = lifecycleApi(
      async () => engine as unknown as Db,
      () => 1,
    );
    const scope = { asOf: '2024-02-01', from: null, filters: [] };
    const ask = async (transition: LifecycleRequest['transition']) => {
      const res = await api.lifecycle(
        { scope, options: lifeOptions({ ...LIFE_DEFAULTS, period: 'week' }), segmentSplit: null, transition },
        'lifecycle',
      );
      if (!res.ok) throw new Error(res.error.message);
      return res.value;
    };
    const atAsOf = await ask(null);
    const earlier = await ask({ date1: '2024-01-05', date2: '2024-01-20' });
    expect(earlier.stages).toEqual(atAsOf.stages);
    expect(earlier.transitions.date2).toBe('2024-01-20');
    const total = (rows: { customers: number }[]) => rows.reduce((s, r) => s + r.customers, 0);
    // fewer customers exist on 01-20 than on 02-01 (the fixture has first orders in between)
    expect(total(earlier.transitions.rows)).toBeLessThan(total(atAsOf.stages));
    expect(engine.log.filter((t) => t.includes('GROUPING SETS') && t.includes('from_stage'))).toHaveLength(1);
    // a first date not before the as-of date is refused, on the one-statement path too
    await expect(ask({ date1: '2024-02-01', date2: '2024-02-01' })).rejects.toThrow(/invalid dates/);
    await expect(ask({ date1: '2024-13-01', date2: '2024-02-01' })).rejects.toThrow(/first date/);
  });
});
