/**
 * Channels (docs/metrics.md, Behaviour → Channels): customers, orders and revenue per order channel
 * and period; each customer's acquisition channel (the channel of their first kept order); new
 * customers per channel and period; 90-day repurchase and retention by acquisition channel; and the
 * first and last touch of the first purchase from the events' source column, falling back to the
 * first order's channel.
 */
import { sql, num, type Sql } from '../../lib/sql';
import { scopedEvents, scopedOrders, type Scope } from '../scope';

export type ChannelPeriod = 'week' | 'month';
/** Days after the first order for repurchase and retention. */
export const REPURCHASE_DAYS = 90;

function kept(scope: Scope): Sql {
  return sql`SELECT * FROM (${scopedOrders(scope)}) WHERE NOT is_return`;
}

/** Customers, orders and revenue by channel and period (`(none)` for orders without a channel). */
export function channelsOverTime(scope: Scope, period: ChannelPeriod): Sql {
  return sql`SELECT strftime(date_trunc(${period}, ts), '%Y-%m-%d') AS period, coalesce(channel, '(none)') AS channel,
      count(DISTINCT customer_id) AS customers, count(DISTINCT order_id) AS orders, round(sum(amount), 2) AS revenue
    FROM (${kept(scope)}) GROUP BY ALL ORDER BY period, channel`;
}

/** Each buyer's first kept order: time and channel (ties: the smallest order id). */
function firsts(scope: Scope): Sql {
  return sql`SELECT customer_id, min(ts) AS first_ts, arg_min(coalesce(channel, '(none)'), (ts, order_id)) AS channel
    FROM (${kept(scope)}) GROUP BY customer_id`;
}

/** New customers (first kept order in the window) per acquisition channel and period. */
export function newCustomers(scope: Scope, period: ChannelPeriod): Sql {
  return sql`SELECT strftime(date_trunc(${period}, first_ts), '%Y-%m-%d') AS period, channel, count(*) AS customers
    FROM (${firsts(scope)}) GROUP BY ALL ORDER BY period, channel`;
}

/**
 * By acquisition channel, over buyers whose first order is at least 90 days before the as-of day
 * (so everyone had 90 days to come back): `repurchase_90` = share with another kept order within 90
 * days after the first; `retained_90` = share with a kept order more than 90 days after the first.
 */
export function channelRetention(scope: Scope): Sql {
  return sql`WITH f AS (${firsts(scope)}),
    e AS (SELECT * FROM f WHERE first_ts < CAST(${scope.asOf} AS TIMESTAMP) - to_days(${num(REPURCHASE_DAYS)})),
    o AS (SELECT e.customer_id, e.channel,
        bool_or(k.ts > e.first_ts AND k.ts <= e.first_ts + to_days(${num(REPURCHASE_DAYS)}) AND k.order_id IS NOT NULL) AS rep,
        bool_or(k.ts > e.first_ts + to_days(${num(REPURCHASE_DAYS)})) AS ret
      FROM e LEFT JOIN (${kept(scope)}) k ON k.customer_id = e.customer_id GROUP BY ALL)
    SELECT channel, count(*) AS customers, count(*) FILTER (WHERE rep) AS repurchased, count(*) FILTER (WHERE ret) AS retained,
      count(*) FILTER (WHERE rep) / count(*) AS repurchase_90, count(*) FILTER (WHERE ret) / count(*) AS retained_90
    FROM o GROUP BY channel ORDER BY customers DESC, channel`;
}

/** Buyers of one acquisition channel with their first order time (newest first). */
export function channelMembers(scope: Scope, channel: string): Sql {
  return sql`SELECT customer_id, channel, strftime(first_ts, '%Y-%m-%d %H:%M:%S') AS first_order FROM (${firsts(scope)})
    WHERE channel = ${channel} ORDER BY first_ts DESC, customer_id`;
}

/** Which touch of the first purchase: the source of the first or of the last event up to it. */
export type Touch = 'first' | 'last';

/**
 * Per buyer: the first purchase (first kept order in the window), the source of their first and
 * last event with a source at or before it (ties in time: the smallest source name first, the
 * largest last), each falling back to the first order's channel; `from_events` tells which.
 */
function touches(scope: Scope): Sql {
  return sql`WITH f AS (${firsts(scope)}),
    e AS (SELECT customer_id, ts, channel FROM (${scopedEvents(scope)}) WHERE channel IS NOT NULL)
    SELECT f.customer_id, f.first_ts, f.channel AS order_channel,
      coalesce(arg_min(e.channel, (e.ts, e.channel)), f.channel) AS first_touch,
      coalesce(arg_max(e.channel, (e.ts, e.channel)), f.channel) AS last_touch,
      count(e.ts) > 0 AS from_events
    FROM f LEFT JOIN e ON e.customer_id = f.customer_id AND e.ts <= f.first_ts
    GROUP BY f.customer_id, f.first_ts, f.channel`;
}

/**
 * Buyers per channel by first touch and by last touch of their first purchase, with how many of
 * each came from event sources (the rest use the first order's channel). Largest first-touch first.
 */
export function touchSummary(scope: Scope): Sql {
  return sql`WITH t AS (${touches(scope)}),
    u AS (SELECT first_touch AS channel, 'first' AS k, from_events FROM t
      UNION ALL SELECT last_touch, 'last', from_events FROM t)
    SELECT channel, count(*) FILTER (WHERE k = 'first') AS first_touch, count(*) FILTER (WHERE k = 'last') AS last_touch,
      count(*) FILTER (WHERE k = 'first' AND from_events) AS first_from_events,
      count(*) FILTER (WHERE k = 'last' AND from_events) AS last_from_events
    FROM u GROUP BY channel ORDER BY first_touch DESC, channel`;
}

/** Buyers whose first (or last) touch is `channel`, with both touches and where they came from (newest first). */
export function touchMembers(scope: Scope, channel: string, touch: Touch): Sql {
  const col = touch === 'first' ? sql`first_touch` : sql`last_touch`;
  return sql`SELECT customer_id, first_touch, last_touch, order_channel AS channel, from_events,
      strftime(first_ts, '%Y-%m-%d %H:%M:%S') AS first_order
    FROM (${touches(scope)}) WHERE ${col} = ${channel} ORDER BY first_ts DESC, customer_id`;
}

/** True when some event carries a source (the events file has a mapped channel column). */
export function eventSourcesSql(): Sql {
  return sql`SELECT EXISTS (SELECT 1 FROM events WHERE channel IS NOT NULL) AS has`;
}
