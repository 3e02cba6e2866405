/**
 * R, F and M scores shared by both RFM schemes. Buyers only (orders > 0). Quantile mode ranks with
 * ties (`rank()`), so equal values always share a score; fixed mode counts user-given breaks.
 * The exact rules are in docs/metrics.md ("RFM scores").
 */
import { type Sql, sql, raw, num, join } from '../../lib/sql';
import type { ModelContext } from '../types';
import { checkAscending, checkKeyword, checkNumber } from './model';

export interface RfmScoreParams {
  /** Number of score levels: scores run 1..bins. */
  bins: 3 | 4 | 5;
  /** What M measures: net revenue in scope, or average order value. */
  monetary: 'revenue' | 'aov';
  /** `quantile`: tie-aware rank quantiles; `breaks`: the ascending break lists below. */
  method: 'quantile' | 'breaks';
  /**
   * Fixed breaks (method `breaks`), each strictly ascending with exactly `bins - 1` values.
   * recency: days, e.g. [30, 60, 90, 180]; frequency: orders; monetary: money.
   */
  breaks: { recency: number[]; frequency: number[]; monetary: number[] };
}

export const RFM_SCORE_DEFAULTS: RfmScoreParams = {
  bins: 5,
  monetary: 'revenue',
  method: 'quantile',
  breaks: { recency: [30, 90, 180, 365], frequency: [2, 3, 5, 10], monetary: [50, 100, 250, 1000] },
};

/** Throws unless the score parameters are usable. */
export function validateRfmScores(p: RfmScoreParams): RfmScoreParams {
  checkNumber(p.bins, 'bins', 3, 5, true);
  checkKeyword(p.monetary, 'monetary', ['revenue', 'aov']);
  checkKeyword(p.method, 'method', ['quantile', 'breaks']);
  if (p.method === 'breaks') {
    checkAscending(p.breaks.recency, 'recency breaks', p.bins - 1, 0);
    checkAscending(p.breaks.frequency, 'frequency breaks', p.bins - 1, 0);
    checkAscending(p.breaks.monetary, 'monetary breaks', p.bins - 1);
  }
  return p;
}

/** `1 + floor(bins * (rank - 1) / n)` over the given ordering; integer division keeps it exact. */
function quantileScore(bins: number, order: Sql): Sql {
  return sql`(1 + (${num(bins)} * (rank() OVER (ORDER BY ${order}) - 1)) // count(*) OVER ())`;
}

/** Number of breaks the value reaches (`value >= break`, or `value > break` when `strict`). */
function reached(value: Sql, breaks: readonly number[], strict = false): Sql {
  const op = raw(strict ? '>' : '>=');
  return sql`(${join(
    breaks.map((b) => sql`CAST(${value} ${op} ${b} AS INTEGER)`),
    ' + ',
  )})`;
}

/**
 * SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score — one row per
 * buyer of `ctx.base`. Recency is scored inverted: the most recent buyers get the highest score.
 */
export function rfmScores(p: RfmScoreParams, ctx: ModelContext): Sql {
  validateRfmScores(p);
  const m = raw(p.monetary === 'aov' ? 'aov' : 'revenue');
  const scores =
    p.method === 'quantile'
      ? sql`${quantileScore(p.bins, raw('recency_days DESC'))} AS r_score,
  ${quantileScore(p.bins, raw('frequency'))} AS f_score,
  ${quantileScore(p.bins, raw('monetary'))} AS m_score`
      : sql`(${num(p.bins)} - ${reached(raw('recency_days'), p.breaks.recency, true)}) AS r_score,
  (1 + ${reached(raw('frequency'), p.breaks.frequency)}) AS f_score,
  (1 + ${reached(raw('monetary'), p.breaks.monetary)}) AS m_score`;
  return sql`SELECT customer_id, recency_days, frequency, monetary,
  ${scores}
FROM (SELECT customer_id, recency_days, orders AS frequency, round(${m}, 2) AS monetary FROM ${ctx.base} WHERE orders > 0)`;
}
