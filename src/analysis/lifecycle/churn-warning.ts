/**
 * Churn early warning: customers whose silence is long compared with their own buying rhythm.
 * Definitions in docs/metrics.md (Lifecycle and retention).
 */
import { Sql, sql, num } from '../../lib/sql';
import type { Scope } from '../scope';
import { asOfDate, customerActivity, days, gapStats, lookback, DEFAULT_ACTIVITY, type ActivityParams } from './activity';

export interface ChurnWarningParams extends ActivityParams {
  /** At risk when days since last activity > k × reference gap. */
  k: number;
  /** Value at risk: `yearly` = net revenue per year of tenure (tenure < 1 year counts as 1 year); `total` = net revenue. */
  value: 'yearly' | 'total';
  /**
   * B of the stage rules: silent for B days or more = already churned. Churned customers are not
   * "at risk" (too late for a warning); they go to the win-back list.
   */
  churnDays: number;
}

export const CHURN_WARNING_DEFAULTS: ChurnWarningParams = { ...DEFAULT_ACTIVITY, k: 2, value: 'yearly', churnDays: 180 };

/** Which list: overdue but not yet churned (`at_risk`), or already churned (`winback`). */
export type ChurnList = 'at_risk' | 'winback';

/**
 * One row per customer with activity before the as-of date (and, when the scope has a window
 * start, whose last activity is in the window): customer_id, orders (distinct activity days),
 * first_day, last_day, days_since_last, own_gap (median of the customer's gaps between
 * consecutive activity days; NULL with one day), ref_gap (own_gap, else the population median
 * gap), ratio (days_since_last / ref_gap), at_risk (overdue and days_since_last < churnDays),
 * churned (days_since_last ≥ churnDays, the stage rule), revenue (net, all history), value.
 */
function riskBase(p: ChurnWarningParams, scope: Scope): Sql {
  if (!Number.isFinite(p.k) || p.k <= 0) throw new Error(`invalid k: ${String(p.k)}`);
  if (p.value !== 'yearly' && p.value !== 'total') throw new Error(`invalid value: ${String(p.value)}`);
  const churnDays = days(p.churnDays, 'churn days');
  const d = asOfDate(scope.asOf);
  const windowCond = scope.from === null ? sql`` : sql`WHERE last_day >= CAST(${scope.from} AS DATE)`;
  const value = p.value === 'yearly' ? sql`revenue / greatest(1.0, (${d} - first_day) / 365.0)` : sql`revenue`;
  // per-customer figures and gaps from the shared summaries (one grouped pass, not a subquery per customer)
  const life = lookback(scope);
  return sql`WITH pop AS (SELECT median_gap AS pop_gap FROM (${gapStats(p, life)}) g),
    c AS (${customerActivity(p, life)}),
    r AS (
      SELECT c.*, ${d} - last_day AS days_since_last, coalesce(own_gap, pop.pop_gap) AS ref_gap, pop.pop_gap
      FROM c, pop WHERE first_day IS NOT NULL
    )
    SELECT customer_id, orders, first_day, last_day, days_since_last, own_gap, ref_gap, pop_gap,
      days_since_last / ref_gap AS ratio,
      coalesce(days_since_last > ${num(p.k)} * ref_gap, false) AND days_since_last < ${churnDays} AS at_risk,
      days_since_last >= ${churnDays} AS churned,
      round(revenue, 2) AS revenue, round(${value}, 2) AS value
    FROM r ${windowCond}`;
}

/**
 * A page of at-risk customers (or, with `list = 'winback'`, of churned customers), highest value
 * first (then longest silence, then id). Columns as in the base: customer_id, orders, first_day,
 * last_day, days_since_last, own_gap, ref_gap, pop_gap, ratio, at_risk, churned, revenue, value.
 */
export function churnRiskList(
  p: ChurnWarningParams,
  scope: Scope,
  page: { limit: number; offset: number },
  list: ChurnList = 'at_risk',
): Sql {
  if (list !== 'at_risk' && list !== 'winback') throw new Error(`invalid list: ${String(list)}`);
  const which = list === 'at_risk' ? sql`at_risk` : sql`churned`;
  return sql`SELECT * FROM (${riskBase(p, scope)}) b WHERE ${which}
    ORDER BY value DESC, days_since_last DESC, customer_id
    LIMIT ${days(page.limit, 'limit')} OFFSET ${days(page.offset, 'offset', 0)}`;
}

/**
 * One row: customers (considered), at_risk, value_at_risk (Σ value of at-risk customers), churned,
 * value_churned (Σ value of churned customers, the win-back list), total_value (Σ value of all considered customers), pop_gap (population median gap; NULL when
 * nobody has bought twice, in which case one-time buyers are never flagged).
 */
export function churnRiskSummary(p: ChurnWarningParams, scope: Scope): Sql {
  return sql`SELECT count(*) AS customers, count(*) FILTER (WHERE at_risk) AS at_risk,
      round(coalesce(sum(value) FILTER (WHERE at_risk), 0), 2) AS value_at_risk,
      count(*) FILTER (WHERE churned) AS churned, round(coalesce(sum(value) FILTER (WHERE churned), 0), 2) AS value_churned,
      round(coalesce(sum(value), 0), 2) AS total_value,
      max(pop_gap) AS pop_gap
    FROM (${riskBase(p, scope)}) b`;
}
