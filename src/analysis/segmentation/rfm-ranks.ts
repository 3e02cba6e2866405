/**
 * The RFM scoring inputs and their tie-aware ranks, once per customer base (`ModelContext.ranks`):
 * quantile scores are `1 + bins · (rank − 1) // n` of these, so a change of bins, rules or model is
 * a projection over customers instead of three window sorts (`rfmScores` in `rfm-scores.ts`).
 * Three forms give the same rows: window ranks (small bases), ranks looked up by value in one
 * statement, and the same lookup written in customer parts (`parts.ts`) for a base built in parts.
 */
import { type Sql, sql, raw, join } from '../../lib/sql';
import { tableInPart, type Part, type PartReader } from '../parts';

/** One ranked measure: its column in the ranks table, the rank column, and whether larger ranks first. */
interface RankMeasure {
  col: string;
  rank: string;
  desc: boolean;
}

/** The four ranked measures, in the ranks table's column order (recency ranks the most recent last). */
export const RANK_MEASURES: readonly RankMeasure[] = [
  { col: 'recency_days', rank: 'r_rank', desc: true },
  { col: 'frequency', rank: 'f_rank', desc: false },
  { col: 'monetary', rank: 'm_rank', desc: false },
  { col: 'monetary_aov', rank: 'm_rank_aov', desc: false },
];

/** One row per buyer of `base` (a table or FROM item) with the four measures and the base's revenue. */
function buyers(base: Sql): Sql {
  return sql`SELECT customer_id, recency_days, orders AS frequency, round(revenue, 2) AS monetary, round(aov, 2) AS monetary_aov, revenue
  FROM ${base} WHERE orders > 0`;
}

/**
 * SELECT customer_id, recency_days, frequency, monetary (revenue), monetary_aov, revenue, r_rank,
 * f_rank, m_rank, m_rank_aov, n — one row per buyer of `base`; `revenue` is the base's own (the
 * breakdown sums it), `monetary` its cents-rounded copy that M ranks. `rank()` depends only on the values, never
 * on row order, so scores read from it equal the ones ranked in the query.
 *
 * `byValue`: the same ranks looked up by value (`valueRanks`) — the four window sorts hold every
 * buyer's row four times (+0.9 GB at 2.5M buyers natively), the value tables are small. The rows
 * come out in another order, so floating-point sums over them (a cell's mean) may differ in the
 * last bits.
 */
export function rfmRanks(base: Sql, byValue = false): Sql {
  if (byValue) {
    const lookups = RANK_MEASURES.map((m, i) => sql`l${raw(String(i))} AS (${valueRanks(raw('v'), m)})`);
    return sql`WITH v AS NOT MATERIALIZED (${buyers(base)}),
${join(lookups, ',\n')}
${lookedUp(
  raw('v'),
  RANK_MEASURES.map((_, i) => raw(`l${i}`)),
  raw('(SELECT count(*) FROM v)'),
)}`;
  }
  return sql`SELECT customer_id, recency_days, frequency, monetary, monetary_aov, revenue,
  rank() OVER (ORDER BY recency_days DESC) AS r_rank,
  rank() OVER (ORDER BY frequency) AS f_rank,
  rank() OVER (ORDER BY monetary) AS m_rank,
  rank() OVER (ORDER BY monetary_aov) AS m_rank_aov,
  count(*) OVER () AS n
FROM (${buyers(base)})`;
}

/**
 * The value table of measure `RANK_MEASURES[i]` over every buyer of `base` (columns `v` and the
 * rank), for ranks written in parts: `rfmRanksPart` joins each part's buyers to the four of them.
 */
export function rfmValueRanks(base: Sql, i: number): Sql {
  const m = RANK_MEASURES[i];
  if (!m) throw new Error(`invalid rank measure: ${i}`);
  return sql`WITH v AS NOT MATERIALIZED (${buyers(base)})
${valueRanks(raw('v'), m)}`;
}

/**
 * The `rfmRanks` rows of the buyers of `part` of `base` (its rows read by `read`), their ranks looked up in the four value
 * tables `lookups` (`rfmValueRanks`, in `RANK_MEASURES` order) and `n` counted over every buyer:
 * the parts together are the one-statement rows, while each statement holds one part's rows.
 */
export function rfmRanksPart(base: Sql, lookups: readonly Sql[], part: Part, read: PartReader = tableInPart): Sql {
  if (lookups.length !== RANK_MEASURES.length) throw new Error(`invalid rank lookups: ${lookups.length}`);
  return sql`WITH v AS NOT MATERIALIZED (${buyers(part.count > 1 ? read(base, part) : base)})
${lookedUp(raw('v'), lookups, sql`(SELECT count(*) FROM ${base} WHERE orders > 0)`)}`;
}

/** The buyers `v` joined to the value table of each measure; the values come from the value tables. */
function lookedUp(v: Sql, lookups: readonly Sql[], n: Sql): Sql {
  const on = RANK_MEASURES.map(
    (m, i) => sql`JOIN ${lookups[i]!} x${raw(String(i))} ON x${raw(String(i))}.v IS NOT DISTINCT FROM v.${raw(m.col)}`,
  );
  const cols = RANK_MEASURES.map((m, i) => raw(`x${i}.v AS ${m.col}`));
  const ranks = RANK_MEASURES.map((m, i) => raw(`x${i}.${m.rank}`));
  return sql`SELECT v.customer_id, ${join(cols)}, v.revenue, ${join(ranks)},
  ${n} AS n
FROM ${v} v
${join(on, '\n')}`;
}

/**
 * The tie-aware rank of every distinct value of a measure among the buyers `v`: `1 +` the buyers
 * ordered before it, from a count per value and a running sum over the values — what
 * `rank() OVER (ORDER BY col)` gives (same order, NULLs placed the same), without a window sort
 * over every buyer. The value comes from the grouping, which makes −0 a 0 as the window's sort does.
 */
function valueRanks(v: Sql, m: RankMeasure): Sql {
  const col = raw(m.col);
  // BIGINT as `rank()` gives: a sum of counts is HUGEINT, and 128-bit arithmetic made every read of
  // the ranks (the scores' division) ~25× slower in the tab at 20M orders
  return sql`SELECT ${col} AS v, CAST(1 + coalesce(sum(c) OVER (ORDER BY ${col}${raw(m.desc ? ' DESC' : '')}
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS ${raw(m.rank)}
  FROM (SELECT ${col}, count(*) AS c FROM ${v} GROUP BY ALL)`;
}
