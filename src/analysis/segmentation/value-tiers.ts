/**
 * Membership levels bronze / silver / gold / platinum by cumulative spend and orders in scope.
 * A buyer gets the highest level whose thresholds it meets (both, or either, per `combine`).
 */
import { type Sql, sql, join } from '../../lib/sql';
import type { ModelContext } from '../types';
import { type Model, defineSegments, checkKeyword, checkNumber } from './model';
import type { ParamField } from './editor';

export interface TierThreshold {
  revenue: number;
  orders: number;
}

export interface ValueTiersParams {
  /** `all`: revenue AND orders must reach the level; `any`: either is enough. */
  combine: 'all' | 'any';
  silver: TierThreshold;
  gold: TierThreshold;
  platinum: TierThreshold;
}

const LEVELS = ['platinum', 'gold', 'silver'] as const;
const SEGMENTS = defineSegments('tier', ['platinum', 'gold', 'silver', 'bronze'], ['#6b6b6b', '#d4a017', '#a0a0a0', '#9c755f']);

function validate(p: ValueTiersParams): ValueTiersParams {
  checkKeyword(p.combine, 'combine', ['all', 'any']);
  let prev: TierThreshold | null = null;
  for (const lv of ['silver', 'gold', 'platinum'] as const) {
    const t = p[lv];
    checkNumber(t.revenue, `${lv} revenue`, 0);
    checkNumber(t.orders, `${lv} orders`, 0, Infinity, true);
    if (prev && !(t.revenue > prev.revenue && t.orders > prev.orders))
      throw new Error(`invalid ${lv} threshold: not above the level below`);
    prev = t;
  }
  return p;
}

export const valueTiers: Model<ValueTiersParams> = {
  id: 'tier',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  measured: true,
  defaults: {
    combine: 'any',
    silver: { revenue: 200, orders: 3 },
    gold: { revenue: 1000, orders: 6 },
    platinum: { revenue: 5000, orders: 12 },
  },
  segments: () => SEGMENTS,
  validate,
  fields: [
    {
      kind: 'choice',
      path: 'combine',
      label: 'seg.param.combine',
      options: [
        { value: 'any', label: 'seg.param.combine.any' },
        { value: 'all', label: 'seg.param.combine.all' },
      ],
    },
    ...(['silver', 'gold', 'platinum'] as const).flatMap((lv) =>
      (['revenue', 'orders'] as const).map((m) => ({
        kind: 'number' as const,
        path: `${lv}.${m}`,
        label: `seg.param.level.${m}`,
        labelVars: { level: `seg.tier.${lv}` },
        width: m === 'revenue' ? '6rem' : '4rem',
      })),
    ),
  ] satisfies ParamField<ValueTiersParams>[],
  assign(p: ValueTiersParams, ctx: ModelContext): Sql {
    validate(p);
    const op = p.combine === 'all' ? sql` AND ` : sql` OR `;
    const whens = LEVELS.map((lv) => sql`WHEN revenue >= ${p[lv].revenue}${op}orders >= ${p[lv].orders} THEN ${lv}`);
    return sql`SELECT customer_id, CASE ${join(whens, ' ')} ELSE 'bronze' END AS segment, revenue, orders, recency_days
FROM ${ctx.base} WHERE orders > 0`;
  },
};
