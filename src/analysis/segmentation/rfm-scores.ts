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

/**
 * The scoring inputs and their tie-aware ranks, once per customer base: SELECT customer_id,
 * recency_days, frequency, monetary (revenue), monetary_aov, r_rank, f_rank, m_rank, m_rank_aov,
 * n — one row per buyer of `base`. Quantile scores are `1 + bins · (rank − 1) // n` of these, so
 * the worker keeps this as a table per base (`ModelContext.ranks`) and a change of bins, rules or
 * model is a projection over customers instead of three window sorts. `rank()` depends only on the
 * values, never on row order, so scores read from it equal the ones ranked in the query.
 *
 * `byValue` (the worker's choice for a base built in parts, `parts.ts`): the same ranks looked up
 * by value (`valueRanks`) — the four window sorts hold every buyer's row four times (+0.9 GB at
 * 2.5M buyers natively), the value tables are small. The rows come out in another order, so
 * floating-point sums over them (a cell's mean) may differ in the last bits.
 */
export function rfmRanks(base: Sql, byValue = false): Sql {
  const buyers = sql`SELECT customer_id, recency_days, orders AS frequency, round(revenue, 2) AS monetary, round(aov, 2) AS monetary_aov
  FROM ${base} WHERE orders > 0`;
  if (byValue) {
    return sql`WITH v AS NOT MATERIALIZED (${buyers}),
r AS (${valueRanks('recency_days', true, 'r_rank')}),
f AS (${valueRanks('frequency', false, 'f_rank')}),
m AS (${valueRanks('monetary', false, 'm_rank')}),
ma AS (${valueRanks('monetary_aov', false, 'm_rank_aov')})
SELECT v.customer_id, r.v AS recency_days, f.v AS frequency, m.v AS monetary, ma.v AS monetary_aov, r.r_rank, f.f_rank, m.m_rank, ma.m_rank_aov,
  (SELECT count(*) FROM v) AS n
FROM v
JOIN r ON r.v IS NOT DISTINCT FROM v.recency_days
JOIN f ON f.v IS NOT DISTINCT FROM v.frequency
JOIN m ON m.v IS NOT DISTINCT FROM v.monetary
JOIN ma ON ma.v IS NOT DISTINCT FROM v.monetary_aov`;
  }
  return sql`SELECT customer_id, recency_days, frequency, monetary, monetary_aov,
  rank() OVER (ORDER BY recency_days DESC) AS r_rank,
  rank() OVER (ORDER BY frequency) AS f_rank,
  rank() OVER (ORDER BY monetary) AS m_rank,
  rank() OVER (ORDER BY monetary_aov) AS m_rank_aov,
  count(*) OVER () AS n
FROM (${buyers})`;
}

/**
 * The tie-aware rank of every distinct value of `col` among the buyers `v`: `1 +` the buyers
 * ordered before it, from a count per value and a running sum over the values — what
 * `rank() OVER (ORDER BY col)` gives (same order, NULLs placed the same), without a window sort
 * over every buyer. The value comes from the grouping, which makes −0 a 0 as the window's sort does.
 */
function valueRanks(col: string, desc: boolean, name: string): Sql {
  return sql`SELECT ${raw(col)} AS v, 1 + coalesce(sum(c) OVER (ORDER BY ${raw(col)}${raw(desc ? ' DESC' : '')}
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ${raw(name)}
  FROM (SELECT ${raw(col)}, count(*) AS c FROM v GROUP BY ALL)`;
}

/** True when these parameters score by quantile ranks, so a materialised `rfmRanks` table serves them. */
export function usesRanks(p: Partial<RfmScoreParams> | null | undefined): boolean {
  return p?.method === 'quantile';
}

/** `1 + floor(bins * (rank - 1) / n)` of a precomputed rank column (same integer division as `quantileScore`). */
function rankedScore(bins: number, rank: string): Sql {
  return sql`(1 + (${num(bins)} * (${raw(rank)} - 1)) // n)`;
}

/**
 * SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score — one row per
 * buyer of `ctx.base`. Recency is scored inverted: the most recent buyers get the highest score.
 * With `ctx.ranks` (a materialised `rfmRanks(ctx.base)`) quantile scores are read from its ranks.
 */
export function rfmScores(p: RfmScoreParams, ctx: ModelContext): Sql {
  validateRfmScores(p);
  const aov = p.monetary === 'aov';
  if (ctx.ranks && usesRanks(p)) {
    return sql`SELECT customer_id, recency_days, frequency, ${raw(aov ? 'monetary_aov' : 'monetary')} AS monetary,
  ${rankedScore(p.bins, 'r_rank')} AS r_score,
  ${rankedScore(p.bins, 'f_rank')} AS f_score,
  ${rankedScore(p.bins, aov ? 'm_rank_aov' : 'm_rank')} AS m_score
FROM ${ctx.ranks}`;
  }
  const m = raw(aov ? 'aov' : 'revenue');
  const values = sql`SELECT customer_id, recency_days, orders AS frequency, round(${m}, 2) AS monetary FROM ${ctx.base} WHERE orders > 0`;
  if (p.method === 'r7') {
    // rfm 0.3.0 `bins()`: quantile(x, seq(0, 1, length.out = bins + 1)) without the ends, plus 1;
    // score i ⇔ lower_i ≤ x < upper_i; recency scores are reversed.
    return sql`SELECT customer_id, recency_days, frequency, monetary,
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
  return sql`SELECT customer_id, recency_days, frequency, monetary,
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
