/**
 * The Chinese 8-class RFM model (重要价值客户 …): each of R, F, M is high or low against the mean or
 * median of the buyers' raw values. Ties count as high; "R high" means recent (fewer days).
 */
import { type Sql, sql, raw } from '../../lib/sql';
import type { ModelContext } from '../types';
import { type Model, defineSegments, checkKeyword } from './model';
import type { ParamField } from './editor';
import { monetaryField } from './rfm-scores';

export interface Rfm8Params {
  /** The threshold of each raw value: its mean or its median (interpolated) over buyers. */
  threshold: 'mean' | 'median';
  /** What M measures. */
  monetary: 'revenue' | 'aov';
}

export const RFM8_KEYS = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
] as const;

const SEGMENTS = defineSegments('rfm8', RFM8_KEYS, [
  '#1a9850',
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#a6d96a',
  '#76b7b2',
  '#edc948',
  '#9c755f',
]);

function validate(p: Rfm8Params): Rfm8Params {
  checkKeyword(p.threshold, 'threshold', ['mean', 'median']);
  checkKeyword(p.monetary, 'monetary', ['revenue', 'aov']);
  return p;
}

export const rfm8: Model<Rfm8Params> = {
  id: 'rfm8',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  measured: true,
  defaults: { threshold: 'mean', monetary: 'revenue' },
  segments: () => SEGMENTS,
  validate,
  fields: [
    {
      kind: 'choice',
      path: 'threshold',
      label: 'seg.param.threshold',
      testid: 'rfm8-threshold',
      options: [
        { value: 'mean', label: 'seg.param.threshold.mean' },
        { value: 'median', label: 'seg.param.threshold.median' },
      ],
    },
    monetaryField(),
  ] satisfies ParamField<Rfm8Params>[],
  assign(p: Rfm8Params, ctx: ModelContext): Sql {
    validate(p);
    const m = raw(p.monetary === 'aov' ? 'aov' : 'revenue');
    const agg = raw(p.threshold === 'median' ? 'median' : 'avg');
    return sql`WITH s AS (
  SELECT customer_id, recency_days, orders AS frequency, round(${m}, 2) AS monetary, revenue, orders FROM ${ctx.base} WHERE orders > 0),
t AS (SELECT ${agg}(recency_days) AS tr, ${agg}(frequency) AS tf, ${agg}(monetary) AS tm FROM s),
h AS (SELECT s.*, recency_days <= tr AS r_high, frequency >= tf AS f_high, monetary >= tm AS m_high FROM s, t)
SELECT customer_id,
  (CASE WHEN m_high THEN 'important_' ELSE 'general_' END) ||
  (CASE WHEN r_high AND f_high THEN 'value' WHEN r_high THEN 'develop' WHEN f_high THEN 'keep' ELSE 'retain' END) AS segment,
  recency_days, frequency, monetary, r_high, f_high, m_high, revenue, orders
FROM h`;
  },
};
