/**
 * Sessions of the event log: the file's session id when it has one, else a new session after
 * 30 minutes without an event (Google Analytics' and PostHog's default). Every behaviour query that
 * needs sessions reads them from here, so the rule is stated once (docs/metrics.md, Behaviour).
 */
import { sql, num, type Sql } from '../../lib/sql';
import { scopedEvents, type Scope } from '../scope';

/** Minutes without an event that end a session when the log has no session id. */
export const SESSION_GAP_MINUTES = 30;

/**
 * Scoped events with `sid`: customer + written session id when the row has one, else customer +
 * the number of the gap session (a new one starts at the first event and after every gap of more
 * than 30 minutes). Session ids are per customer, so two customers sharing an id stay apart.
 */
export function sessionised(scope: Scope): Sql {
  return sql`SELECT *, CASE WHEN session_id IS NOT NULL THEN customer_id || chr(31) || session_id
      ELSE customer_id || chr(30) || CAST(sum(gap_start) OVER (PARTITION BY customer_id ORDER BY ts, event_type
        ROWS UNBOUNDED PRECEDING) AS VARCHAR) END AS sid
    FROM (SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY customer_id ORDER BY ts, event_type)
        <= to_minutes(${num(SESSION_GAP_MINUTES)}) THEN 0 ELSE 1 END AS gap_start
      FROM (${scopedEvents(scope)}))`;
}

/** How sessions are found in the scope: `id` when any event carries a session id, else `gap`. */
export function sessionModeSql(scope: Scope): Sql {
  return sql`SELECT count(session_id) AS with_id, count(*) AS events FROM (${scopedEvents(scope)})`;
}
