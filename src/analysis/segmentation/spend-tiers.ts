/**
 * High / mid / low tiers by spend, by order count, or by both (a customer gets the lower of the two
 * tiers). Quantile mode ranks with ties so equal values share a tier.
 */
import { type Sql, sql, raw } from '../../lib/sql';
import type { ModelContext } from '../types';
import { type Model, defineSegments, checkKeyword, checkNumber } from './model';
import type { ParamField } from './editor';

export interface SpendTiersParams {
  measure: 'revenue' | 'orders' | 'both';
  /** `quantile`: top share / next share / rest; `fixed`: the thresholds below. */
  method: 'quantile' | 'fixed';
  /** Share of buyers in the high tier (quantile mode), 0 < top ≤ 1. */
  top: number;
  /** Share in the mid tier, top + next ≤ 1. */
  next: number;
  /** Fixed thresholds: high when value ≥ high, mid when value ≥ mid (mid < high). */
  fixed: { revenue: { mid: number; high: number }; orders: { mid: number; high: number } };
}

const SEGMENTS = defineSegments('spend', ['high', 'mid', 'low'], ['#1a9850', '#f28e2b', '#9c755f']);

function validate(p: SpendTiersParams): SpendTiersParams {
  checkKeyword(p.measure, 'measure', ['revenue', 'orders', 'both']);
  checkKeyword(p.method, 'method', ['quantile', 'fixed']);
  checkNumber(p.top, 'top share', Number.MIN_VALUE, 1);
  checkNumber(p.next, 'next share', 0, 1 - p.top);
  for (const k of ['revenue', 'orders'] as const) {
    checkNumber(p.fixed[k].mid, `${k} mid threshold`);
    checkNumber(p.fixed[k].high, `${k} high threshold`, p.fixed[k].mid);
    if (p.fixed[k].high === p.fixed[k].mid) throw new Error(`invalid ${k} high threshold: not above mid`);
  }
  return p;
}

/** Tier level 3 (high), 2 (mid) or 1 (low) of one column. */
function level(p: SpendTiersParams, col: 'revenue' | 'orders'): Sql {
  const c = raw(col);
  if (p.method === 'fixed') {
    return sql`CASE WHEN ${c} >= ${p.fixed[col].high} THEN 3 WHEN ${c} >= ${p.fixed[col].mid} THEN 2 ELSE 1 END`;
  }
  // customers strictly ahead of this one (ties share a rank) compared with the tier's share of n
  const ahead = sql`(rank() OVER (ORDER BY ${c} DESC) - 1)`;
  // nobody spends "high" with nothing: without amounts (all 0) the tie at 0 would otherwise put
  // every buyer in the top tier
  const nothing = col === 'revenue' ? sql`WHEN ${c} <= 0 THEN 1 ` : sql``;
  return sql`CASE ${nothing}WHEN ${ahead} < ${p.top} * count(*) OVER () THEN 3 WHEN ${ahead} < ${p.top + p.next} * count(*) OVER () THEN 2 ELSE 1 END`;
}

export const spendTiers: Model<SpendTiersParams> = {
  id: 'spend',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  measured: true,
  defaults: {
    measure: 'revenue',
    method: 'quantile',
    top: 0.2,
    next: 0.3,
    fixed: { revenue: { mid: 100, high: 1000 }, orders: { mid: 2, high: 5 } },
  },
  segments: () => SEGMENTS,
  validate,
  fields: [
    {
      kind: 'choice',
      path: 'measure',
      label: 'seg.param.measure',
      options: ['revenue', 'orders', 'both'].map((m) => ({ value: m, label: `seg.param.measure.${m}` })),
    },
    {
      kind: 'choice',
      path: 'method',
      label: 'seg.param.method',
      options: [
        { value: 'quantile', label: 'seg.param.method.quantile' },
        { value: 'fixed', label: 'seg.param.method.breaks' },
      ],
    },
    { kind: 'number', path: 'top', label: 'seg.param.top', min: 0.01, max: 0.98, step: 0.05, when: (p) => p.method === 'quantile' },
    { kind: 'number', path: 'next', label: 'seg.param.next', min: 0.01, max: 0.98, step: 0.05, when: (p) => p.method === 'quantile' },
    ...(['revenue', 'orders'] as const).flatMap((m) =>
      (['mid', 'high'] as const).map((lv) => ({
        kind: 'number' as const,
        path: `fixed.${m}.${lv}`,
        label: `seg.param.fixed.${m}.${lv}`,
        width: '6rem',
        when: (p: SpendTiersParams) => p.method === 'fixed',
      })),
    ),
  ] satisfies ParamField<SpendTiersParams>[],
  assign(p: SpendTiersParams, ctx: ModelContext): Sql {
    validate(p);
    const lv = p.measure === 'both' ? sql`least(${level(p, 'revenue')}, ${level(p, 'orders')})` : level(p, p.measure);
    return sql`SELECT customer_id, CASE lv WHEN 3 THEN 'high' WHEN 2 THEN 'mid' ELSE 'low' END AS segment, revenue, orders, recency_days
FROM (SELECT customer_id, revenue, orders, recency_days, ${lv} AS lv FROM ${ctx.base} WHERE orders > 0)`;
  },
};
