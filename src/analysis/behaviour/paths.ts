/**
 * Paths: what sessions do after (or before) a chosen event, a few steps deep, and what customers
 * buy next (purchase sequences). docs/metrics.md, Behaviour → Paths.
 */
import * as v from 'valibot';
import { sql, num, raw, type Sql } from '../../lib/sql';
import { EVENT_TYPES } from '../../ingest/event-types';
import { scopedOrders, type Scope } from '../scope';
import { sessionised } from './sessions';

export const PathSchema = v.object({
  anchor: v.picklist(EVENT_TYPES),
  direction: v.picklist(['after', 'before']),
  depth: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)),
});
export type PathParams = v.InferOutput<typeof PathSchema>;
export const PATH_DEFAULTS: PathParams = { anchor: 'view', direction: 'after', depth: 3 };
/** Paths listed (most sessions first). */
export const TOP_PATHS = 20;
/** Marks a session that ends (or starts) before the path is `depth` steps long. */
export const END = '(end)';

/**
 * Each session with the anchor event, from its first anchor: the next (or previous) `depth` event
 * types, consecutive repeats of one type collapsed into one step (view, view, cart → view, cart).
 * Rows: `sid`, `step` (1 = next to the anchor), `event_type`.
 */
function pathSteps(scope: Scope, p: PathParams): Sql {
  const range =
    p.direction === 'after' ? sql`c.k BETWEEN a.k0 + 1 AND a.k0 + ${num(p.depth)}` : sql`c.k BETWEEN a.k0 - ${num(p.depth)} AND a.k0 - 1`;
  const step = p.direction === 'after' ? raw('c.k - a.k0') : raw('a.k0 - c.k');
  return sql`WITH d AS (SELECT sid, ts, event_type, lag(event_type) OVER (PARTITION BY sid ORDER BY ts, event_type) AS prev
        FROM (${sessionised(scope)})),
      c AS (SELECT sid, event_type, row_number() OVER (PARTITION BY sid ORDER BY ts, event_type) AS k
        FROM d WHERE prev IS DISTINCT FROM event_type),
      a AS (SELECT sid, min(k) AS k0 FROM c WHERE event_type = ${p.anchor} GROUP BY sid)
    SELECT a.sid, ${step} AS step, c.event_type FROM a LEFT JOIN c ON c.sid = a.sid AND ${range}`;
}

/** Top paths: the sequence of step types (time order; `(end)` when the session runs out) and sessions. */
export function topPaths(scope: Scope, p: PathParams): Sql {
  const order = p.direction === 'after' ? raw('step') : raw('step DESC');
  return sql`WITH s AS (${pathSteps(scope, p)}),
    per AS (SELECT sid, count(event_type) AS n, string_agg(event_type, ' → ' ORDER BY ${order}) FILTER (WHERE event_type IS NOT NULL) AS path
      FROM s GROUP BY sid)
    SELECT CASE WHEN n = 0 THEN ${END}
        WHEN n < ${num(p.depth)} THEN ${p.direction === 'after' ? sql`path || ' → ' || ${END}` : sql`${END} || ' → ' || path`}
        ELSE path END AS path, count(*) AS sessions
    FROM per GROUP BY 1 ORDER BY sessions DESC, path LIMIT ${num(TOP_PATHS)}`;
}

/** Sessions per step and event type (the flow drawn as stacked bars per step), `(end)` for none. */
export function pathFlow(scope: Scope, p: PathParams): Sql {
  return sql`WITH s AS (${pathSteps(scope, p)}),
    sessions AS (SELECT count(DISTINCT sid) AS n FROM s),
    steps AS (SELECT * FROM range(1, ${num(p.depth + 1)}) r(step))
    SELECT st.step, coalesce(x.event_type, ${END}) AS event_type, coalesce(x.sessions, (SELECT n FROM sessions)) AS sessions FROM steps st
    LEFT JOIN (SELECT step, event_type, count(*) AS sessions FROM s WHERE event_type IS NOT NULL GROUP BY ALL) x ON x.step = st.step
    UNION ALL
    SELECT st.step, ${END}, (SELECT n FROM sessions) - sum(x.sessions) FROM steps st
      JOIN (SELECT step, count(*) AS sessions FROM s WHERE event_type IS NOT NULL GROUP BY step) x ON x.step = st.step GROUP BY st.step
    ORDER BY 1, 3 DESC, 2`;
}

/**
 * What customers buy next: the category of their `k`-th order against that of the next one
 * (k = 1: first → second). An order's category is that of its largest line (ties: the first name).
 * Only kept orders with a category count.
 */
export function purchaseSequence(scope: Scope, k: 1 | 2): Sql {
  if (k !== 1 && k !== 2) throw new Error(`invalid sequence step: ${String(k)}`);
  return sql`WITH o AS (SELECT customer_id, order_id, min(ts) AS ts, first(category ORDER BY amount DESC, category) AS category
        FROM (${scopedOrders(scope)}) WHERE NOT is_return AND category IS NOT NULL GROUP BY customer_id, order_id),
      n AS (SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ts, order_id) AS k FROM o)
    SELECT a.category AS from_category, b.category AS to_category, count(*) AS customers
    FROM n a JOIN n b ON b.customer_id = a.customer_id AND b.k = a.k + 1
    WHERE a.k = ${num(k)} GROUP BY 1, 2 ORDER BY customers DESC, 1, 2`;
}
