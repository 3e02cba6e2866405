/**
 * Activity in the last N days before the as-of date, from scoped events and orders:
 * `activity` (active / normal / silent by counts) and `engagement` (buying × interacting).
 */
import { type Sql, sql, num, raw } from '../../lib/sql';
import { scopedEvents, scopedOrders } from '../scope';
import type { ModelContext } from '../types';
import { type Model, defineSegments, checkNumber } from './model';
import type { ParamField } from './editor';

export interface ActivityParams {
  /** Window length in days: activity on days asOf − days … asOf − 1 counts. */
  days: number;
  /** Active when any count reaches its threshold (a threshold of 0 disables that count). */
  active: { purchases: number; carts: number; views: number; reviews: number };
}

export interface EngagementParams {
  days: number;
}

function checkDays(days: number): void {
  checkNumber(days, 'days', 1, 3660, true);
}

/**
 * Per customer of the base: counts in the window (views, carts, reviews, other interactions,
 * purchases = max(distinct non-return orders, purchase events)) and whether it ever bought in scope.
 */
function windowCounts(days: number, ctx: ModelContext): Sql {
  checkDays(days);
  const start = sql`CAST(${ctx.scope.asOf} AS TIMESTAMP) - INTERVAL ${num(days)} DAY`;
  return sql`WITH ev AS (${scopedEvents(ctx.scope)}),
e AS (SELECT customer_id,
    count(*) FILTER (WHERE event_type = 'view' AND ts >= ${start}) AS views,
    count(*) FILTER (WHERE event_type = 'cart' AND ts >= ${start}) AS carts,
    count(*) FILTER (WHERE event_type = 'review' AND ts >= ${start}) AS reviews,
    count(*) FILTER (WHERE event_type <> 'purchase' AND ts >= ${start}) AS interactions,
    count(*) FILTER (WHERE event_type = 'purchase' AND ts >= ${start}) AS purchase_events,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchase_events_ever
  FROM ev GROUP BY customer_id),
o AS (SELECT customer_id, count(DISTINCT order_id) AS orders
  FROM (${scopedOrders(ctx.scope)}) WHERE NOT coalesce(is_return, false) AND ts >= ${start} GROUP BY customer_id)
SELECT b.customer_id,
  coalesce(e.views, 0) AS views, coalesce(e.carts, 0) AS carts, coalesce(e.reviews, 0) AS reviews,
  coalesce(e.interactions, 0) AS interactions,
  greatest(coalesce(o.orders, 0), coalesce(e.purchase_events, 0)) AS purchases,
  b.orders > 0 OR coalesce(e.purchase_events_ever, 0) > 0 AS bought_ever
FROM ${ctx.base} b LEFT JOIN e ON e.customer_id = b.customer_id LEFT JOIN o ON o.customer_id = b.customer_id`;
}

const ACTIVITY = defineSegments('activity', ['active', 'normal', 'silent'], ['#1a9850', '#f28e2b', '#9c755f']);

function validateActivity(p: ActivityParams): ActivityParams {
  checkDays(p.days);
  for (const k of ['purchases', 'carts', 'views', 'reviews'] as const) checkNumber(p.active[k], `active ${k}`, 0, Infinity, true);
  return p;
}

export const activity: Model<ActivityParams> = {
  id: 'activity',
  universe: 'all',
  dynamic: false,
  scored: false,
  defaults: { days: 30, active: { purchases: 2, carts: 3, views: 20, reviews: 1 } },
  segments: () => ACTIVITY,
  validate: validateActivity,
  fields: [
    { kind: 'number', path: 'days', label: 'seg.param.days', min: 1, width: '5rem', testid: 'activity-days' },
    ...(['purchases', 'carts', 'views', 'reviews'] as const).map((k) => ({
      kind: 'number' as const,
      path: `active.${k}`,
      label: `seg.param.active.${k}`,
      min: 0,
      width: '4rem',
    })),
  ] satisfies ParamField<ActivityParams>[],
  assign(p: ActivityParams, ctx: ModelContext): Sql {
    validateActivity(p);
    const reach = (col: string, t: number) => (t > 0 ? sql`${raw(col)} >= ${t}` : sql`false`);
    const a = p.active;
    return sql`SELECT customer_id,
  CASE WHEN ${reach('purchases', a.purchases)} OR ${reach('carts', a.carts)} OR ${reach('views', a.views)} OR ${reach('reviews', a.reviews)} THEN 'active'
    WHEN purchases + interactions > 0 THEN 'normal' ELSE 'silent' END AS segment,
  views, carts, purchases, reviews, interactions
FROM (${windowCounts(p.days, ctx)})`;
  },
};

export const ENGAGEMENT_KEYS = ['active_engaged', 'active_buyer', 'reengaging', 'lapsed', 'potential', 'inactive'] as const;
const ENGAGEMENT = defineSegments('engagement', ENGAGEMENT_KEYS, ['#1a9850', '#66bd63', '#edc948', '#e15759', '#4e79a7', '#9c755f']);

export const engagement: Model<EngagementParams> = {
  id: 'engagement',
  universe: 'all',
  dynamic: false,
  scored: false,
  defaults: { days: 30 },
  segments: () => ENGAGEMENT,
  fields: [{ kind: 'number', path: 'days', label: 'seg.param.days', min: 1, width: '5rem', testid: 'activity-days' }],
  validate(p: EngagementParams): EngagementParams {
    checkDays(p.days);
    return p;
  },
  assign(p: EngagementParams, ctx: ModelContext): Sql {
    return sql`SELECT customer_id,
  CASE WHEN purchases > 0 AND interactions > 0 THEN 'active_engaged'
    WHEN purchases > 0 THEN 'active_buyer'
    WHEN bought_ever AND interactions > 0 THEN 'reengaging'
    WHEN bought_ever THEN 'lapsed'
    WHEN interactions > 0 THEN 'potential'
    ELSE 'inactive' END AS segment,
  purchases, interactions, bought_ever
FROM (${windowCounts(p.days, ctx)})`;
  },
};
