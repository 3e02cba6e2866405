/**
 * The lifecycle page materialises the per-day activity once and every module reads it
 * (`ActivityParams.cached`): each module must answer exactly as when it recomputes the activity.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import { ORDERS, T } from './fixture';
import {
  activeDays,
  activityDays,
  customerActivity,
  dayGaps,
  gapStats,
  lookback,
  periodTable,
  DEFAULT_ACTIVITY,
  type ActivityParams,
} from '../../../src/analysis/lifecycle/activity';
import { stageCounts, suggestThresholds } from '../../../src/analysis/lifecycle/stage';
import { stagesOverTime } from '../../../src/analysis/lifecycle/stages-over-time';
import { cohortRetention, COHORT_DEFAULTS } from '../../../src/analysis/lifecycle/cohorts';
import { repurchaseRates, REPURCHASE_DEFAULTS } from '../../../src/analysis/lifecycle/repurchase';
import { churnRiskList, churnRiskSummary, CHURN_WARNING_DEFAULTS } from '../../../src/analysis/lifecycle/churn-warning';
import { periodLifecycle } from '../../../src/analysis/lifecycle/period-lifecycle';
import { stageTransitions } from '../../../src/analysis/lifecycle/transitions';
import { inline, raw, type Sql } from '../../../src/lib/sql';
import { filtersKey, type Scope } from '../../../src/analysis/scope';

describe('cached activity days', () => {
  let db: DuckDBConnection;
  const scope: Scope = { asOf: '2024-03-01', from: '2024-01-15', filters: [{ field: 'channel', values: ['web', 'app'] }] };
  const plain: ActivityParams = { ...DEFAULT_ACTIVITY };
  let cached: ActivityParams;
  /** the cached days with the worker's `life_days` and `life_customers` summaries */
  let summarised: ActivityParams;
  /** …plus the gap quantiles and the customer × week table (`life_gaps`, `life_periods`) */
  let full: ActivityParams;

  beforeAll(async () => {
    db = await openDb();
    await load(db, { orders: ORDERS });
    await query(db, `CREATE TABLE act_cache AS ${inline(activityDays(plain, lookback(scope)))}`);
    cached = { ...plain, cached: { table: raw('act_cache'), asOf: scope.asOf, filters: filtersKey(scope) } };
    // the per-day gaps and per-customer summaries, built from the cached days as the worker builds
    // them (the worker keeps one table for the days and their gaps; here they are two)
    await query(db, `CREATE TABLE days_cache AS ${inline(dayGaps(cached, lookback(scope)))}`);
    const withDays = { ...cached.cached!, days: raw('days_cache') };
    await query(db, `CREATE TABLE cust_cache AS ${inline(customerActivity({ ...plain, cached: withDays }, lookback(scope)))}`);
    summarised = { ...plain, cached: { ...withDays, customers: raw('cust_cache') } };
    await query(db, `CREATE TABLE gaps_cache AS ${inline(gapStats(summarised, lookback(scope)))}`);
    await query(db, `CREATE TABLE periods_cache AS ${inline(periodTable(summarised, lookback(scope), 'week'))}`);
    full = {
      ...plain,
      cached: {
        ...summarised.cached!,
        gaps: raw('gaps_cache'),
        periods: { table: raw('periods_cache'), unit: 'week', weekStart: 'monday' },
      },
    };
  });

  const cases: [string, (a: ActivityParams) => Sql][] = [
    ['suggested thresholds', (a) => suggestThresholds(scope, a)],
    ['stage counts', (a) => stageCounts({ ...a, ...T }, scope)],
    ['stage counts at an earlier date', (a) => stageCounts({ ...a, ...T }, scope, '2024-02-01')],
    ['stages over time', (a) => stagesOverTime({ ...a, ...T, unit: 'week' }, scope)],
    ['cohorts', (a) => cohortRetention({ ...COHORT_DEFAULTS, ...a, periods: 3 }, scope)],
    ['weekly cohorts', (a) => cohortRetention({ ...COHORT_DEFAULTS, ...a, unit: 'week', periods: 3 }, scope)],
    ['weekly period statuses', (a) => periodLifecycle({ ...a, unit: 'week' }, scope)],
    ['churn list', (a) => churnRiskList({ ...CHURN_WARNING_DEFAULTS, ...a, k: 1 }, scope, { limit: 50, offset: 0 })],
    ['repurchase', (a) => repurchaseRates({ ...REPURCHASE_DEFAULTS, ...a }, scope)],
    ['churn', (a) => churnRiskSummary({ ...CHURN_WARNING_DEFAULTS, ...a }, scope)],
    ['transitions', (a) => stageTransitions({ ...a, ...T }, scope, '2024-02-01', '2024-03-01')],
    ['transitions between earlier dates', (a) => stageTransitions({ ...a, ...T }, scope, '2024-01-20', '2024-02-10')],
  ];

  it.each(cases)('%s: same answer from the cache', async (_name, build) => {
    const fromCache = build(cached);
    expect(fromCache.text).toContain('act_cache');
    expect(await query(db, fromCache)).toEqual(await query(db, build(plain)));
  });

  it.each(cases)('%s: same answer from the cached summaries', async (_name, build) => {
    expect(await query(db, build(summarised))).toEqual(await query(db, build(plain)));
  });

  it.each(cases)('%s: same answer from every shared table', async (_name, build) => {
    expect(await query(db, build(full))).toEqual(await query(db, build(plain)));
  });

  it('reads the gap quantiles, the customer × period table and the stage summaries where they apply', () => {
    expect(suggestThresholds(scope, full).text).toContain('gaps_cache');
    expect(churnRiskSummary({ ...CHURN_WARNING_DEFAULTS, ...full }, scope).text).toContain('gaps_cache');
    expect(stagesOverTime({ ...full, ...T, unit: 'week' }, scope).text).toContain('periods_cache');
    expect(cohortRetention({ ...COHORT_DEFAULTS, ...full, unit: 'week', periods: 3 }, scope).text).toContain('periods_cache');
    // unsplit first-activity cohorts: the cohort of a period row is its first_day, no join with the cohorts
    expect(cohortRetention({ ...COHORT_DEFAULTS, ...full, unit: 'week', periods: 3 }, scope).text).not.toContain('JOIN coh0');
    expect(cohortRetention({ ...COHORT_DEFAULTS, ...full, unit: 'week', periods: 3, splitBy: 'channel' }, scope).text).toContain(
      'JOIN coh0',
    );
    expect(periodLifecycle({ ...full, unit: 'week' }, scope).text).toContain('periods_cache');
    // another period unit, week start or as-of date is another table
    expect(stagesOverTime({ ...full, ...T, unit: 'month' }, scope).text).not.toContain('periods_cache');
    expect(periodLifecycle({ ...full, unit: 'week', weekStart: 'sunday' }, scope).text).not.toContain('periods_cache');
    expect(periodLifecycle({ ...full, unit: 'week' }, { ...scope, asOf: '2024-02-01' }).text).not.toContain('periods_cache');
    // stages at the as-of date and at the transition matrix's first date: no grouping of every activity day
    expect(stageCounts({ ...full, ...T }, scope).text).not.toContain('act_cache');
    expect(stageTransitions({ ...full, ...T }, scope, '2024-02-01', '2024-03-01').text).not.toContain('act_cache');
  });

  it('reads the summaries where they apply, and the per-customer one only at its own as-of date', () => {
    expect(churnRiskSummary({ ...CHURN_WARNING_DEFAULTS, ...summarised }, scope).text).toContain('cust_cache');
    expect(repurchaseRates({ ...REPURCHASE_DEFAULTS, ...summarised }, scope).text).toContain('cust_cache');
    expect(stagesOverTime({ ...summarised, ...T, unit: 'week' }, scope).text).toContain('days_cache');
    expect(suggestThresholds(scope, summarised).text).toContain('days_cache');
    const earlier = { ...scope, asOf: '2024-02-01' };
    expect(customerActivity(summarised, lookback(earlier)).text).not.toContain('cust_cache');
    expect(activeDays(summarised, lookback(earlier)).text).toContain('days_cache');
  });

  it('the cached active days at an earlier as-of date equal recomputing them there (next day cut at that date)', async () => {
    const earlier = lookback({ ...scope, asOf: '2024-02-01' });
    const order = (q: Sql) => inline(q) + ' ORDER BY customer_id, day';
    const fromCache = await query(db, `SELECT * FROM (${order(activeDays(summarised, earlier))})`);
    expect(fromCache.length).toBeGreaterThan(0);
    expect(fromCache.some((r) => r.next_day === null)).toBe(true);
    expect(fromCache).toEqual(await query(db, `SELECT * FROM (${order(activeDays(plain, earlier))})`));
  });

  it('is not used for other filters or a later as-of date', () => {
    const other: Scope = { ...scope, filters: [] };
    expect(activityDays(cached, lookback(other)).text).not.toContain('act_cache');
    expect(activityDays(cached, lookback({ ...scope, asOf: '2024-04-01' })).text).not.toContain('act_cache');
    // a filter on a named attribute is another set of filters too
    const named: Scope = { ...scope, named: [{ name: 'tier', type: 'text', op: 'in', values: ['gold'] }] };
    expect(activityDays(cached, lookback(named)).text).not.toContain('act_cache');
  });
});
