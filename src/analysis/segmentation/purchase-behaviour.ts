/**
 * Purchase behaviour: frequency high/low × order value large/small × category breadth multi/single,
 * as one combined key (`hf_large_multi` …). The three parts are also returned as columns
 * (`frequency`, `order_value`, `breadth`) so a view can group by one of them.
 */
import { type Sql, sql, raw } from '../../lib/sql';
import type { ModelContext } from '../types';
import { type Model, defineSegments, checkKeyword, checkNumber } from './model';
import type { ParamField } from './editor';

export interface PurchaseBehaviourParams {
  /** High frequency when orders ≥ this (integer ≥ 1). */
  minOrders: number;
  /** Large order value when aov ≥ the median / mean aov of buyers, or ≥ `orderValueMin`. */
  orderValue: 'median' | 'mean' | 'fixed';
  orderValueMin: number;
  /** Multi-category when distinct categories bought ≥ this (integer ≥ 2). */
  minCategories: number;
}

export const BEHAVIOUR_KEYS = [
  'hf_large_multi',
  'hf_large_single',
  'hf_small_multi',
  'hf_small_single',
  'lf_large_multi',
  'lf_large_single',
  'lf_small_multi',
  'lf_small_single',
] as const;

const SEGMENTS = defineSegments('behaviour', BEHAVIOUR_KEYS, [
  '#1a9850',
  '#66bd63',
  '#4e79a7',
  '#76b7b2',
  '#f28e2b',
  '#edc948',
  '#b07aa1',
  '#9c755f',
]);

function validate(p: PurchaseBehaviourParams): PurchaseBehaviourParams {
  checkNumber(p.minOrders, 'minimum orders', 1, Infinity, true);
  checkKeyword(p.orderValue, 'order value threshold', ['median', 'mean', 'fixed']);
  checkNumber(p.orderValueMin, 'order value', 0);
  checkNumber(p.minCategories, 'minimum categories', 2, Infinity, true);
  return p;
}

export const purchaseBehaviour: Model<PurchaseBehaviourParams> = {
  id: 'behaviour',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  measured: true,
  defaults: { minOrders: 2, orderValue: 'median', orderValueMin: 100, minCategories: 2 },
  segments: () => SEGMENTS,
  validate,
  fields: [
    { kind: 'number', path: 'minOrders', label: 'seg.param.minOrders', min: 1, width: '4rem' },
    {
      kind: 'choice',
      path: 'orderValue',
      label: 'seg.param.orderValue',
      options: [
        { value: 'median', label: 'seg.param.threshold.median' },
        { value: 'mean', label: 'seg.param.threshold.mean' },
        { value: 'fixed', label: 'seg.param.method.breaks' },
      ],
    },
    { kind: 'number', path: 'orderValueMin', label: 'seg.param.orderValueMin', width: '6rem', when: (p) => p.orderValue === 'fixed' },
    { kind: 'number', path: 'minCategories', label: 'seg.param.minCategories', min: 2, width: '4rem' },
  ] satisfies ParamField<PurchaseBehaviourParams>[],
  assign(p: PurchaseBehaviourParams, ctx: ModelContext): Sql {
    validate(p);
    const t =
      p.orderValue === 'fixed'
        ? sql`${p.orderValueMin}`
        : sql`(SELECT ${raw(p.orderValue === 'mean' ? 'avg' : 'median')}(aov) FROM ${ctx.base} WHERE orders > 0)`;
    return sql`SELECT customer_id, frequency || '_' || order_value || '_' || breadth AS segment,
  frequency, order_value, breadth, orders, aov, categories, revenue, recency_days
FROM (SELECT customer_id, orders, aov, categories, revenue, recency_days,
  CASE WHEN orders >= ${p.minOrders} THEN 'hf' ELSE 'lf' END AS frequency,
  CASE WHEN aov >= ${t} THEN 'large' ELSE 'small' END AS order_value,
  CASE WHEN categories >= ${p.minCategories} THEN 'multi' ELSE 'single' END AS breadth
  FROM ${ctx.base} WHERE orders > 0)`;
  },
};
