/**
 * R, F and M scores shared by both RFM schemes. Buyers only (orders > 0). Quantile mode ranks with
 * ties (`rank()`), so equal values always share a score; `r7` cuts where the R `rfm` package does
 * (type-7 quantiles); fixed mode counts user-given breaks. The exact rules are in docs/metrics.md
 * ("RFM scores").
 */
import { type Sql, sql, raw, num, join } from '../../lib/sql';
import type { ModelContext } from '../types';
import { checkAscending, checkKeyword, checkNumber } from './model';
import type { ParamField } from './editor';

export interface RfmScoreParams {
  /** Number of score levels: scores run 1..bins. */
  bins: 3 | 4 | 5;
  /** What M measures: net revenue in scope, or average order value. */
  monetary: 'revenue' | 'aov';
  /**
   * `quantile`: tie-aware rank quantiles; `r7`: the R `rfm` package's cut points (type-7 quantiles
   * + 1, bins `[lower, upper)`); `breaks`: the ascending break lists below.
   */
  method: 'quantile' | 'r7' | 'breaks';
  /**
   * Where a value equal to a typed-in break goes (method `breaks`). `classic` (default): recency
   * ≤ break is the more recent bin, F and M ≥ break the higher bin; `upper`: every bin is
   * `[lower, upper)` on the raw value, as R `rfm` (recency = break → the older bin); `lower`:
   * every bin is `(lower, upper]`.
   */
  breakBoundary?: BreakBoundary;
  /**
   * Fixed breaks (method `breaks`), each strictly ascending with exactly `bins - 1` values.
   * recency: days, e.g. [30, 60, 90, 180]; frequency: orders; monetary: money.
   */
  breaks: { recency: number[]; frequency: number[]; monetary: number[] };
}

export const BREAK_BOUNDARIES = ['classic', 'upper', 'lower'] as const;
export type BreakBoundary = (typeof BREAK_BOUNDARIES)[number];

export const RFM_SCORE_DEFAULTS: RfmScoreParams = {
  bins: 5,
  monetary: 'revenue',
  method: 'quantile',
  breakBoundary: 'classic',
  breaks: { recency: [30, 90, 180, 365], frequency: [2, 3, 5, 10], monetary: [50, 100, 250, 1000] },
};

/** Throws unless the score parameters are usable. */
export function validateRfmScores(p: RfmScoreParams): RfmScoreParams {
  checkNumber(p.bins, 'bins', 3, 5, true);
  checkKeyword(p.monetary, 'monetary', ['revenue', 'aov']);
  checkKeyword(p.method, 'method', ['quantile', 'r7', 'breaks']);
  if (p.breakBoundary !== undefined) checkKeyword(p.breakBoundary, 'break boundary', BREAK_BOUNDARIES);
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

/** The type-7 quantiles at 1/bins … (bins−1)/bins of a column, as a list (R `quantile()` default = DuckDB `quantile_cont`). */
function cutList(bins: number, col: string): Sql {
  // i · (1 / bins), as R's seq() computes them (0.6000000000000001, not 0.6, for the third fifth)
  const probs = Array.from({ length: bins - 1 }, (_, i) => sql`${num(i + 1)} * (1 / ${num(bins)})`);
  return sql`quantile_cont(${raw(col)}, [${join(probs)}])`;
}

/** Number of cut points (`q[1]` … `q[bins−1]` of a list column, each + 1 as R adds it) that `value` reaches. */
function reachedR(value: string, list: string, bins: number): Sql {
  return sql`(${join(
    Array.from({ length: bins - 1 }, (_, i) => sql`CAST(${raw(value)} >= ${raw(list)}[${num(i + 1)}] + 1 AS INTEGER)`),
    ' + ',
  )})`;
}

/** True when these parameters score by quantile ranks, so a materialised `rfmRanks` table (`rfm-ranks.ts`) serves them. */
export function usesRanks(p: Partial<RfmScoreParams> | null | undefined): boolean {
  return p?.method === 'quantile';
}

/** `1 + floor(bins * (rank - 1) / n)` of a precomputed rank column (same integer division as `quantileScore`). */
function rankedScore(bins: number, rank: string): Sql {
  return sql`(1 + (${num(bins)} * (${raw(rank)} - 1)) // n)`;
}

/**
 * SELECT customer_id, recency_days, frequency, monetary, revenue, r_score, f_score, m_score — one
 * row per buyer of `ctx.base`, `revenue` as the base has it (`monetary` is M's cents-rounded
 * value). Recency is scored inverted: the most recent buyers get the highest score.
 * With `ctx.ranks` (a materialised `rfmRanks(ctx.base)`, `rfm-ranks.ts`) quantile scores are read from its ranks.
 */
export function rfmScores(p: RfmScoreParams, ctx: ModelContext): Sql {
  validateRfmScores(p);
  const aov = p.monetary === 'aov';
  if (ctx.ranks && usesRanks(p)) {
    return sql`SELECT customer_id, recency_days, frequency, ${raw(aov ? 'monetary_aov' : 'monetary')} AS monetary, revenue,
  ${rankedScore(p.bins, 'r_rank')} AS r_score,
  ${rankedScore(p.bins, 'f_rank')} AS f_score,
  ${rankedScore(p.bins, aov ? 'm_rank_aov' : 'm_rank')} AS m_score
FROM ${ctx.ranks}`;
  }
  const m = raw(aov ? 'aov' : 'revenue');
  const values = sql`SELECT customer_id, recency_days, orders AS frequency, round(${m}, 2) AS monetary, revenue FROM ${ctx.base} WHERE orders > 0`;
  if (p.method === 'r7') {
    // rfm 0.3.0 `bins()`: quantile(x, seq(0, 1, length.out = bins + 1)) without the ends, plus 1;
    // score i ⇔ lower_i ≤ x < upper_i; recency scores are reversed.
    return sql`SELECT customer_id, recency_days, frequency, monetary, revenue,
  (${num(p.bins)} - ${reachedR('recency_days', 'qr', p.bins)}) AS r_score,
  (1 + ${reachedR('frequency', 'qf', p.bins)}) AS f_score,
  (1 + ${reachedR('monetary', 'qm', p.bins)}) AS m_score
FROM (${values}) v, (SELECT ${cutList(p.bins, 'recency_days')} AS qr, ${cutList(p.bins, 'frequency')} AS qf,
  ${cutList(p.bins, 'monetary')} AS qm FROM (${values}) v0) q`;
  }
  const edge = p.breakBoundary ?? 'classic';
  const scores =
    p.method === 'quantile'
      ? sql`${quantileScore(p.bins, raw('recency_days DESC'))} AS r_score,
  ${quantileScore(p.bins, raw('frequency'))} AS f_score,
  ${quantileScore(p.bins, raw('monetary'))} AS m_score`
      : sql`(${num(p.bins)} - ${reached(raw('recency_days'), p.breaks.recency, edge !== 'upper')}) AS r_score,
  (1 + ${reached(raw('frequency'), p.breaks.frequency, edge === 'lower')}) AS f_score,
  (1 + ${reached(raw('monetary'), p.breaks.monetary, edge === 'lower')}) AS m_score`;
  return sql`SELECT customer_id, recency_days, frequency, monetary, revenue,
  ${scores}
FROM (${values})`;
}

/** The editor field "what M measures", shared by the RFM models. */
export function monetaryField<P extends { monetary: 'revenue' | 'aov' }>(): ParamField<P> {
  return {
    kind: 'choice',
    path: 'monetary',
    label: 'seg.param.monetary',
    options: [
      { value: 'revenue', label: 'seg.param.monetary.revenue' },
      { value: 'aov', label: 'seg.param.monetary.aov' },
    ],
  };
}
