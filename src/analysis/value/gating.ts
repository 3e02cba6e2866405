/**
 * When the value models must not be trusted: plain checks on the data and the fit, returned as
 * codes with parameters (the view translates them), never as NaN.
 */
import { type Sql, sql } from '../../lib/sql';
import { type Scope, scopedOrders } from '../scope';
import { purchaseDays, SALE } from './summary';

export type IssueCode =
  /** no purchase in scope */
  | 'no-purchases'
  /** every purchase on one day: no time axis to fit */
  | 'single-day'
  /** no customer bought on two different days */
  | 'all-new'
  /** fewer than MIN_REPEAT customers with a repeat purchase: {repeat, min} */
  | 'few-repeat'
  /** no amount on any purchase: spend and CLV are not available */
  | 'no-money'
  /** repeat customers whose mean repeat spend is ≤ 0, left out of the spend model: {count} */
  | 'non-positive-spend'
  /** calibration end outside the purchase days: {date, first, last} */
  | 'holdout-outside'
  /** Gamma-Gamma assumes spend and frequency independent: {corr} */
  | 'spend-frequency-correlation'
  /** the likelihood maximisation did not settle: {model} */
  | 'not-converged'
  /** fitted parameters give no finite prediction: {reason} */
  | 'no-prediction'
  /** personas: more clusters than customers: {k, customers} */
  | 'k-too-large';

export interface ValueIssue {
  code: IssueCode;
  /** `error`: nothing of that model is shown; `warning`: shown with the sentence beside it. */
  severity: 'error' | 'warning';
  params: Record<string, string | number>;
}

/** Below this many repeat customers the fit is shown with a warning. */
export const MIN_REPEAT = 100;
/** |corr(x, m_x)| from which the spend model is flagged. */
export const MAX_CORRELATION = 0.3;

/** The numbers the checks read: purchase days, first/last purchase day, days with money. */
export interface DataStats {
  purchaseDays: number;
  distinctDays: number;
  firstDay: string | null;
  lastDay: string | null;
  moneyDays: number;
}

/** One row: `purchaseDays, distinctDays, firstDay, lastDay, moneyDays` over the scope. */
export function dataStats(scope: Scope): Sql {
  return sql`SELECT count(*) AS "purchaseDays", count(DISTINCT day) AS "distinctDays",
  strftime(min(day), '%Y-%m-%d') AS "firstDay", strftime(max(day), '%Y-%m-%d') AS "lastDay",
  count(*) FILTER (WHERE spend IS NOT NULL AND spend <> 0) AS "moneyDays"
FROM (${purchaseDays(scope)})`;
}

/**
 * The same row as `dataStats` from the request's full summary (`rfSummary` with `extras`, which
 * read the orders once) and a count of distinct sale days: one cheap scan of the orders (a few
 * hundred groups) instead of another grouping of every order line by customer and day.
 */
export function statsFromSummary(scope: Scope, summary: Sql): Sql {
  return sql`SELECT coalesce(sum(days), 0) AS "purchaseDays",
  (SELECT count(DISTINCT CAST(ts AS DATE)) FROM (${scopedOrders(scope)}) WHERE ${SALE}) AS "distinctDays",
  strftime(min(first_day), '%Y-%m-%d') AS "firstDay", strftime(max(last_day), '%Y-%m-%d') AS "lastDay",
  coalesce(sum(money_days), 0) AS "moneyDays"
FROM (${summary})`;
}

/** Checks on the data before any fit. `calibrationEnd` null: no holdout. */
export function checkData(s: DataStats, calibrationEnd: string | null): ValueIssue[] {
  if (s.purchaseDays === 0 || s.firstDay === null || s.lastDay === null) return [{ code: 'no-purchases', severity: 'error', params: {} }];
  if (s.distinctDays < 2) return [{ code: 'single-day', severity: 'error', params: { date: s.firstDay } }];
  const out: ValueIssue[] = [];
  // the calibration needs at least one day before its end, the holdout at least one day after it
  if (calibrationEnd !== null && !(calibrationEnd >= s.firstDay && calibrationEnd < s.lastDay)) {
    out.push({ code: 'holdout-outside', severity: 'error', params: { date: calibrationEnd, first: s.firstDay, last: s.lastDay } });
  }
  if (s.moneyDays === 0) out.push({ code: 'no-money', severity: 'warning', params: {} });
  return out;
}

/** Checks on the calibration summary: repeat customers. */
export function checkRepeat(repeatCustomers: number): ValueIssue[] {
  if (repeatCustomers === 0) return [{ code: 'all-new', severity: 'error', params: {} }];
  if (repeatCustomers < MIN_REPEAT)
    return [{ code: 'few-repeat', severity: 'warning', params: { repeat: repeatCustomers, min: MIN_REPEAT } }];
  return [];
}

/** True when any issue stops the model. */
export function blocking(issues: readonly ValueIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
