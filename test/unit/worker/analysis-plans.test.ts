/**
 * Query plans of the analyses that read every order or activity day: none may materialise a copy
 * of its input. DuckDB materialises a CTE that is referenced twice; for `SELECT * FROM orders …`
 * that is a plain, uncompressed copy of every scoped order — at 8M orders in compressed storage
 * more than the tab has left, so the customer base (Segments) never finished. Inputs are marked
 * NOT MATERIALIZED and each reference scans only the columns it reads.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../../helpers/duckdb';
import { inline, raw, type Sql } from '../../../src/lib/sql';
import { customerBase } from '../../../src/analysis/customer-base';
import { activityDays, lookback, DEFAULT_ACTIVITY } from '../../../src/analysis/lifecycle/activity';
import { stagesOverTime } from '../../../src/analysis/lifecycle/stages-over-time';
import { cohortRetention, COHORT_DEFAULTS } from '../../../src/analysis/lifecycle/cohorts';
import { periodLifecycle } from '../../../src/analysis/lifecycle/period-lifecycle';
import { filtersKey, type Scope } from '../../../src/analysis/scope';

const scope: Scope = { asOf: '2024-03-01', from: null, filters: [] };
const T = { newDays: 30, activeDays: 30, churnDays: 60 };

describe('analysis plans copy no input', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, {
      orders: [
        { customer_id: 'a', order_id: '1', ts: '2024-01-05', amount: 10, category: 'x' },
        { customer_id: 'a', order_id: '2', ts: '2024-02-05', amount: 20, category: 'y' },
        { customer_id: 'b', order_id: '3', ts: '2024-01-20', amount: 5, category: 'x' },
      ],
    });
    await db.run(`CREATE TABLE life_activity AS ${inline(activityDays(DEFAULT_ACTIVITY, lookback(scope)))}`);
  });

  /** The names of the CTEs the physical plan materialises. */
  async function materialised(q: Sql): Promise<string[]> {
    const [row] = await query(db, `EXPLAIN ${inline(q)}`);
    return [...String(row?.explain_value).matchAll(/CTE Name: (\w+)/g)].map((m) => m[1]!);
  }

  const cached = { ...DEFAULT_ACTIVITY, cached: { table: raw('life_activity'), asOf: scope.asOf, filters: filtersKey(scope) } };

  it('the customer base scans the orders without copying them', async () => {
    expect(await materialised(customerBase(scope))).not.toContain('o');
  });

  it('stage flows, cohorts and period statuses read the activity days without copying them', async () => {
    expect(await materialised(stagesOverTime({ ...cached, ...T, unit: 'month' }, scope))).not.toContain('act');
    expect(await materialised(cohortRetention({ ...COHORT_DEFAULTS, ...cached, periods: 3 }, scope))).not.toContain('st');
    expect(await materialised(periodLifecycle({ ...cached, unit: 'month' }, scope))).not.toContain('act');
  });
});
