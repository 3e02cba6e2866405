/**
 * Value score from the operations playbooks' three value dimensions: contribution (revenue),
 * activity (how recently the customer bought) and loyalty (orders and tenure). Each dimension is a
 * percentile rank in [0, 1] among buyers; the score is their weighted mean × 100, and the tiers
 * are: high value (score ≥ high), potential (below high but active ≥ activeCut), ordinary
 * (score ≥ low), low value (the rest).
 */
import { type Sql, sql } from '../../lib/sql';
import type { ModelContext } from '../types';
import { type Model, defineSegments, checkNumber } from './model';

export interface ValueScoreParams {
  /** relative weights (≥ 0, not all 0) */
  weights: { contribution: number; activity: number; loyalty: number };
  /** score (0–100) from which a buyer is high value */
  high: number;
  /** score below which a buyer is low value */
  low: number;
  /** activity (0–100) from which a buyer below `high` is potential */
  activeCut: number;
}

const SEGMENTS = defineSegments(
  'value',
  ['high_value', 'potential', 'ordinary', 'low_value'],
  ['#1a9850', '#4e79a7', '#edc948', '#9c755f'],
);

function validate(p: ValueScoreParams): ValueScoreParams {
  const w = p.weights;
  for (const k of ['contribution', 'activity', 'loyalty'] as const) checkNumber(w[k], `${k} weight`, 0, 100);
  if (w.contribution + w.activity + w.loyalty <= 0) throw new Error('invalid weights: all zero');
  checkNumber(p.low, 'low cut', 0, 100);
  checkNumber(p.high, 'high cut', p.low, 100);
  checkNumber(p.activeCut, 'activity cut', 0, 100);
  return p;
}

/**
 * `customer_id, contribution, activity, loyalty, score` (each 0–100) for the buyers of the base.
 * percent_rank gives ties the same rank, and a single buyer ranks 0.
 */
export function valueScores(p: ValueScoreParams, ctx: ModelContext): Sql {
  const w = p.weights;
  const total = w.contribution + w.activity + w.loyalty;
  return sql`WITH b AS (
  SELECT customer_id, revenue, orders, recency_days,
    date_diff('day', CAST(first_ts AS DATE), CAST(${ctx.scope.asOf} AS DATE)) AS tenure_days
  FROM ${ctx.base} WHERE orders > 0),
d AS (
  SELECT customer_id,
    100 * percent_rank() OVER (ORDER BY revenue) AS contribution,
    100 * percent_rank() OVER (ORDER BY recency_days DESC) AS activity,
    50 * (percent_rank() OVER (ORDER BY orders) + percent_rank() OVER (ORDER BY tenure_days)) AS loyalty
  FROM b)
SELECT customer_id, contribution, activity, loyalty,
  (${w.contribution} * contribution + ${w.activity} * activity + ${w.loyalty} * loyalty) / ${total} AS score
FROM d`;
}

export const valueScore: Model<ValueScoreParams> = {
  id: 'value',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  defaults: { weights: { contribution: 0.5, activity: 0.3, loyalty: 0.2 }, high: 70, low: 35, activeCut: 60 },
  segments: () => SEGMENTS,
  validate,
  fields: [
    ...(['contribution', 'activity', 'loyalty'] as const).map((w) => ({
      kind: 'number' as const,
      path: `weights.${w}`,
      label: `seg.param.weight.${w}`,
      min: 0,
      step: 0.1,
      width: '4rem',
    })),
    { kind: 'number', path: 'high', label: 'seg.param.value.high', min: 0, max: 100, width: '4rem' },
    { kind: 'number', path: 'activeCut', label: 'seg.param.value.activeCut', min: 0, max: 100, width: '4rem' },
    { kind: 'number', path: 'low', label: 'seg.param.value.low', min: 0, max: 100, width: '4rem' },
  ],
  assign(p: ValueScoreParams, ctx: ModelContext): Sql {
    validate(p);
    return sql`SELECT customer_id,
  CASE WHEN score >= ${p.high} THEN 'high_value' WHEN activity >= ${p.activeCut} THEN 'potential'
    WHEN score >= ${p.low} THEN 'ordinary' ELSE 'low_value' END AS segment,
  round(score, 1) AS score
FROM (${valueScores(p, ctx)})`;
  },
};
