/** One page of a segment's members, sorted by a whitelisted column, with the total count. */
import { type Sql, sql, raw, num } from '../lib/sql';
import type { ModelContext } from './types';
import type { Model } from './segmentation/model';
import { type RfmScoreParams, rfmScores } from './segmentation/rfm-scores';

/** The most rows one list query may return (a CSV export of a whole segment asks for all in one query). */
export const MAX_ROWS = 100_000_000;

const BASE_SORTS = ['customer_id', 'recency_days', 'orders', 'revenue', 'aov', 'last_ts'] as const;
const SCORE_SORTS = ['r_score', 'f_score', 'm_score'] as const;
export type MemberSort = (typeof BASE_SORTS)[number] | (typeof SCORE_SORTS)[number];

export interface MembersQuery {
  segment: string;
  sort: MemberSort;
  desc: boolean;
  /** Page size, 1..10,000. */
  limit: number;
  offset: number;
}

/** Sort columns allowed for a model (scores only when the model returns them). */
export function memberSorts<P>(model: Model<P>): MemberSort[] {
  return model.scored ? [...BASE_SORTS, ...SCORE_SORTS] : [...BASE_SORTS];
}

/**
 * SELECT customer_id, recency_days, orders, revenue, aov, last_ts [, r_score, f_score, m_score],
 * total — `total` is the segment's member count (same on every row; no rows → empty page).
 * Ties are broken by customer_id so pages never overlap. NULLs sort last either way.
 */
export function members<P>(model: Model<P>, params: P, ctx: ModelContext, q: MembersQuery): Sql {
  if (!memberSorts(model).includes(q.sort)) throw new Error(`invalid sort: ${String(q.sort)}`);
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_ROWS) throw new Error(`invalid limit: ${q.limit}`);
  if (!Number.isInteger(q.offset) || q.offset < 0) throw new Error(`invalid offset: ${q.offset}`);
  const scores = model.scored ? raw(', a.r_score, a.f_score, a.m_score') : raw('');
  const dir = raw(q.desc ? 'DESC' : 'ASC');
  const key = q.sort === 'customer_id' ? raw('customer_id') : raw(q.sort);
  return sql`SELECT * FROM (
  SELECT b.customer_id, b.recency_days, b.orders, b.revenue, b.aov, b.last_ts${scores}, count(*) OVER () AS total
  FROM (${model.assign(params, ctx)}) a JOIN ${ctx.base} b ON b.customer_id = a.customer_id
  WHERE a.segment = ${q.segment})
ORDER BY ${key} ${dir} NULLS LAST, customer_id ${dir}
LIMIT ${num(q.limit)} OFFSET ${num(q.offset)}`;
}

/**
 * One page of the customers in an R × F grid cell (same F axis as `rfmGrid`), by revenue:
 * customer_id, recency_days, orders, revenue, aov, last_ts, r_score, f_score, m_score, total.
 */
export function gridMembers(
  params: RfmScoreParams & { fScore?: 'f' | 'fm' },
  ctx: ModelContext,
  cell: { r: number; f: number },
  page: { limit: number; offset: number },
): Sql {
  for (const [k, v] of Object.entries(cell)) if (!Number.isInteger(v) || v < 1 || v > 5) throw new Error(`invalid ${k} score: ${v}`);
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_ROWS) throw new Error(`invalid limit: ${page.limit}`);
  if (!Number.isInteger(page.offset) || page.offset < 0) throw new Error(`invalid offset: ${page.offset}`);
  const f = raw(params.fScore === 'fm' ? '(s.f_score + s.m_score + 1) // 2' : 's.f_score');
  return sql`SELECT b.customer_id, b.recency_days, b.orders, b.revenue, b.aov, b.last_ts, s.r_score, ${f} AS f_score, s.m_score, count(*) OVER () AS total
FROM (${rfmScores(params, ctx)}) s JOIN ${ctx.base} b ON b.customer_id = s.customer_id
WHERE s.r_score = ${cell.r} AND ${f} = ${cell.f}
ORDER BY b.revenue DESC NULLS LAST, b.customer_id
LIMIT ${num(page.limit)} OFFSET ${num(page.offset)}`;
}
