/**
 * Behaviour metrics of the event log, per period, per customer attribute or per segment of any
 * model (docs/metrics.md, Behaviour → Metrics). Every rate is over *visitors* (customers with at
 * least one event in the group), so a customer counts once per row however many events they have.
 */
import * as v from 'valibot';
import { sql, raw, ident, num, type Sql } from '../../lib/sql';
import { ageBandExpr, type Scope } from '../scope';
import { DEMOGRAPHIC_DIMENSIONS } from '../attributes';
import { sessionised } from './sessions';

export const METRIC_SPLITS = ['day', 'week', 'month', ...DEMOGRAPHIC_DIMENSIONS, 'segment'] as const;
export type MetricSplit = (typeof METRIC_SPLITS)[number];
export const MetricSplitSchema = v.picklist(METRIC_SPLITS);

/** Groups shown at most (periods: the latest; attributes and segments: the largest). */
export const MAX_METRIC_ROWS = 120;

/** Interactions: the engagement events counted per active visitor. */
export const INTERACTIONS = ['fav', 'share', 'review'] as const;

/** What one metrics row holds (the worker's result rows). */
export interface MetricsRow {
  key: string;
  page_views: number;
  visitors: number;
  sessions: number;
  /** session duration: last event minus first, seconds (median and mean over sessions) */
  median_session_secs: number | null;
  mean_session_secs: number | null;
  viewers: number;
  /** viewers who also carted ÷ viewers */
  cart_rate: number | null;
  /** viewers who also purchased ÷ viewers */
  view_purchase: number | null;
  /** fav + share + review events ÷ visitors */
  interactions_per_visitor: number | null;
  /** visitors with two or more sessions ÷ visitors */
  repeat_visit_rate: number | null;
  impressions: number;
  clicks: number;
  /** clicks ÷ impressions; null without impressions */
  ctr: number | null;
}

function keyExpr(split: MetricSplit): Sql {
  switch (split) {
    case 'day':
    case 'week':
    case 'month':
      return sql`strftime(date_trunc(${split}, e.ts), '%Y-%m-%d')`;
    case 'age_band':
      return sql`coalesce(${ageBandExpr('c')}, '(none)')`;
    case 'segment':
      return raw(`coalesce(g.segment, '(none)')`);
    default:
      return sql`coalesce(CAST(c.${ident(split)} AS VARCHAR), '(none)')`;
  }
}

/**
 * Metrics per group. `segments`: the model's assignment (`customer_id, segment`) when the split is
 * `segment`; customers outside the model's universe are `(none)`. A session that spans two periods
 * counts in both.
 */
export function behaviourMetrics(scope: Scope, split: MetricSplit, segments?: Sql): Sql {
  if (split === 'segment' && !segments) throw new Error('invalid metrics split: segment needs a model');
  const joinSeg = split === 'segment' ? sql`LEFT JOIN (${segments!}) g ON g.customer_id = e.customer_id` : raw('');
  const periods = split === 'day' || split === 'week' || split === 'month';
  return metricsSql(scope, keyExpr(split), joinSeg, periods ? raw('key DESC') : raw('visitors DESC, key'));
}

/** The same metrics for the whole scope: one row, key `all`. */
export function behaviourTotals(scope: Scope): Sql {
  return metricsSql(scope, raw(`'all'`), raw(''), raw('key'));
}

function metricsSql(scope: Scope, key: Sql, joinSeg: Sql, order: Sql): Sql {
  return sql`WITH e AS (SELECT e.*, ${key} AS key FROM (${sessionised(scope)}) e
      LEFT JOIN customers c ON c.customer_id = e.customer_id ${joinSeg}),
    per_session AS (SELECT key, sid, epoch(max(ts)) - epoch(min(ts)) AS secs FROM e GROUP BY key, sid),
    per_visitor AS (SELECT key, customer_id, bool_or(event_type = 'view') AS viewed, bool_or(event_type = 'cart') AS carted,
        bool_or(event_type = 'purchase') AS bought, count(DISTINCT sid) AS sessions,
        count(*) FILTER (WHERE event_type IN (${[...INTERACTIONS]})) AS interactions
      FROM e GROUP BY key, customer_id),
    ev AS (SELECT key, count(*) FILTER (WHERE event_type = 'view') AS page_views,
        count(*) FILTER (WHERE event_type = 'impression') AS impressions,
        count(*) FILTER (WHERE event_type = 'click') AS clicks FROM e GROUP BY key),
    vi AS (SELECT key, count(*) AS visitors, count(*) FILTER (WHERE viewed) AS viewers,
        count(*) FILTER (WHERE viewed AND carted) AS view_carters, count(*) FILTER (WHERE viewed AND bought) AS view_buyers,
        count(*) FILTER (WHERE sessions >= 2) AS repeaters, sum(interactions) AS interactions, sum(sessions) AS sessions
      FROM per_visitor GROUP BY key),
    se AS (SELECT key, median(secs) AS median_session_secs, avg(secs) AS mean_session_secs FROM per_session GROUP BY key)
    SELECT vi.key, ev.page_views, vi.visitors, vi.sessions, se.median_session_secs, se.mean_session_secs, vi.viewers,
      vi.view_carters / nullif(vi.viewers, 0) AS cart_rate, vi.view_buyers / nullif(vi.viewers, 0) AS view_purchase,
      vi.interactions / nullif(vi.visitors, 0) AS interactions_per_visitor, vi.repeaters / nullif(vi.visitors, 0) AS repeat_visit_rate,
      ev.impressions, ev.clicks, CASE WHEN ev.impressions > 0 THEN ev.clicks / ev.impressions END AS ctr
    FROM vi JOIN ev USING (key) JOIN se USING (key)
    ORDER BY ${order} LIMIT ${num(MAX_METRIC_ROWS)}`;
}

/**
 * Customers behind a metric of one group: the visitors, viewers, viewers who carted or bought,
 * or repeat visitors. Most events first.
 */
export const METRIC_AUDIENCES = ['visitors', 'viewers', 'carted', 'bought', 'repeat'] as const;
export type MetricAudience = (typeof METRIC_AUDIENCES)[number];

export function metricMembers(scope: Scope, split: MetricSplit | 'all', key: string, audience: MetricAudience, segments?: Sql): Sql {
  if (!(METRIC_AUDIENCES as readonly string[]).includes(audience)) throw new Error(`invalid audience: ${String(audience)}`);
  if (split === 'segment' && !segments) throw new Error('invalid metrics split: segment needs a model');
  const joinSeg = split === 'segment' ? sql`LEFT JOIN (${segments!}) g ON g.customer_id = e.customer_id` : raw('');
  const k = split === 'all' ? raw(`'all'`) : keyExpr(split);
  const having = {
    visitors: raw('TRUE'),
    viewers: raw(`bool_or(event_type = 'view')`),
    carted: raw(`bool_or(event_type = 'view') AND bool_or(event_type = 'cart')`),
    bought: raw(`bool_or(event_type = 'view') AND bool_or(event_type = 'purchase')`),
    repeat: raw('count(DISTINCT sid) >= 2'),
  }[audience];
  return sql`WITH e AS (SELECT e.*, ${k} AS key FROM (${sessionised(scope)}) e
      LEFT JOIN customers c ON c.customer_id = e.customer_id ${joinSeg})
    SELECT customer_id, count(*) AS events, count(DISTINCT sid) AS sessions,
      count(*) FILTER (WHERE event_type = 'view') AS views, count(*) FILTER (WHERE event_type = 'cart') AS carts,
      count(*) FILTER (WHERE event_type = 'purchase') AS purchases, strftime(max(ts), '%Y-%m-%d %H:%M:%S') AS last_event
    FROM e WHERE key = ${key} GROUP BY customer_id HAVING ${having} ORDER BY events DESC, customer_id`;
}
