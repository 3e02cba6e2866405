/**
 * Channels from the orders' channel column (docs/metrics.md, Behaviour → Channels): customers,
 * orders and revenue per channel and period; each customer's acquisition channel (the channel of
 * their first kept order: first touch; the last order before it is the same order, so last touch of
 * the first purchase is that channel too when only orders carry channels); new customers per channel
 * and period; 90-day repurchase and retention by acquisition channel.
 */
import { sql, num, type Sql } from '../../lib/sql';
import { scopedOrders, type Scope } from '../scope';

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
