/**
 * The per-customer summary the BG/NBD and Gamma-Gamma models read (Fader, Hardie & Lee 2005):
 * purchases are counted on distinct purchase days (a customer's same-day orders merge, as in the
 * CDNOW literature), x = purchase days − 1 in calibration, t_x = first → last calibration purchase
 * day, T = first purchase day → calibration end, m_x = mean spend of the repeat purchase days,
 * x_star = purchase days after calibration (the holdout), all times in days or weeks.
 */
import { type Sql, sql, raw } from '../../lib/sql';
import { type Scope, scopedOrders, assertDate } from '../scope';
import { queryInPart, type Part } from '../parts';

export type TimeUnit = 'day' | 'week';

/** Days per time unit. */
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };

export interface SummaryParams {
  unit: TimeUnit;
  /**
   * Last day (inclusive, `YYYY-MM-DD`) of the calibration period; the days after it up to the
   * scope's as-of date (exclusive) are the holdout. Null: calibration runs to the day before as-of.
   */
  calibrationEnd: string | null;
}

/** Sale lines (returns are not purchases). */
export const SALE = raw('NOT coalesce(is_return, false)');

/** The calibration end day as a SQL DATE expression. */
export function calibrationEndExpr(scope: Scope, p: SummaryParams): Sql {
  if (p.calibrationEnd === null) return sql`(CAST(${scope.asOf} AS DATE) - 1)`;
  assertDate(p.calibrationEnd, 'calibration end');
  return sql`CAST(${p.calibrationEnd} AS DATE)`;
}

/**
 * Purchase days in scope: one row per customer and day with the day's sale amount. Only sale
 * lines count (returns are not purchases). With `part`, only the customers of that hash part.
 */
export function purchaseDays(scope: Scope, part?: Part): Sql {
  return sql`SELECT customer_id, CAST(ts AS DATE) AS day, sum(amount) AS spend
FROM (${queryInPart(scopedOrders(scope), part)}) WHERE ${SALE} GROUP BY customer_id, CAST(ts AS DATE)`;
}

/**
 * One row per customer whose first purchase is on or before the calibration end:
 * `customer_id, x, t_x, T, m_x, x_star, first_day, revenue_cal` (m_x null when x = 0).
 * `extras`: also what the rest of the Value request reads from the same pass over the orders —
 * `days` (purchase days in scope), `last_day`, `money_days` (days with a non-zero amount) and
 * `active_months` (calendar months with a purchase) — so the data checks (`statsFromSummary`) and
 * the historic value do not read the orders again (at a million customers each such pass groups 8M
 * order lines by customer and day: 8–25 s natively). With `part`, the rows of that hash part's
 * customers only (`parts.ts`: every row is one customer's, so the parts are the whole summary).
 */
export function rfSummary(scope: Scope, p: SummaryParams & { extras?: boolean }, part?: Part): Sql {
  // the extras are the scope's own figures only when every purchase day is in the calibration
  if (p.extras && p.calibrationEnd !== null) throw new Error('summary extras need the calibration to run to as-of');
  const end = calibrationEndExpr(scope, p);
  const unit = UNIT_DAYS[p.unit];
  const more = p.extras
    ? raw(`,
    count(*) AS days, max(d.day) AS last_day_all, count(*) FILTER (WHERE d.spend IS NOT NULL AND d.spend <> 0) AS money_days,
    count(DISTINCT date_trunc('month', d.day)) AS active_months`)
    : raw('');
  const out = p.extras ? raw(', days, last_day_all AS last_day, money_days, active_months') : raw('');
  return sql`WITH d AS (${purchaseDays(scope, part)}),
f AS (SELECT customer_id, min(day) AS first_day FROM d GROUP BY customer_id),
c AS (
  SELECT d.customer_id, any_value(f.first_day) AS first_day,
    count(*) FILTER (WHERE d.day <= ${end}) - 1 AS x,
    max(d.day) FILTER (WHERE d.day <= ${end}) AS last_day,
    sum(d.spend) FILTER (WHERE d.day > f.first_day AND d.day <= ${end}) AS repeat_spend,
    sum(d.spend) FILTER (WHERE d.day <= ${end}) AS revenue_cal,
    count(*) FILTER (WHERE d.day > ${end}) AS x_star${more}
  FROM d JOIN f USING (customer_id)
  WHERE f.first_day <= ${end}
  GROUP BY d.customer_id)
SELECT customer_id, x,
  date_diff('day', first_day, last_day) / ${unit} AS t_x,
  date_diff('day', first_day, ${end}) / ${unit} AS T,
  CASE WHEN x > 0 THEN repeat_spend / x END AS m_x,
  x_star, first_day, revenue_cal${out}
FROM c`;
}

/** Distinct (x, t_x, T) with their customer counts: what the BG/NBD fit reads. */
export function rfGroups(summary: Sql): Sql {
  return sql`SELECT x, t_x AS tx, T, count(*) AS n FROM (${summary}) GROUP BY x, t_x, T ORDER BY x, t_x, T`;
}
