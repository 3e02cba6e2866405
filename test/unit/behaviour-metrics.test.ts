/** Behaviour metrics on a hand-worked log (every figure worked out by hand in the comments). */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../helpers/duckdb';
import { behaviourMetrics, behaviourTotals, metricMembers } from '../../src/analysis/behaviour/metrics';
import { sql } from '../../src/lib/sql';
import type { Scope } from '../../src/analysis/scope';
import { buildLog, hasLog } from '../helpers/event-datasets';

const SCOPE: Scope = { asOf: '2024-02-01', from: null, filters: [] };

/*
 * A (female) 1 Jan: view 10:00, view 10:05, cart 10:20 | purchase 11:00, fav 11:01  → sessions 1,200 s and 60 s
 * B (male)   1 Jan: view 09:00 | 9 Jan: cart 09:00 | purchase 10:00                → three 0 s sessions (60-min gaps)
 * C          2 Jan: impression 08:00, click 08:01, view 08:02                        → one 120 s session
 */
let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await openDb();
  await load(conn, {
    events: [
      { customer_id: 'A', ts: '2024-01-01 10:00:00', event_type: 'view' },
      { customer_id: 'A', ts: '2024-01-01 10:05:00', event_type: 'view' },
      { customer_id: 'A', ts: '2024-01-01 10:20:00', event_type: 'cart' },
      { customer_id: 'A', ts: '2024-01-01 11:00:00', event_type: 'purchase' },
      { customer_id: 'A', ts: '2024-01-01 11:01:00', event_type: 'fav' },
      { customer_id: 'B', ts: '2024-01-01 09:00:00', event_type: 'view' },
      { customer_id: 'B', ts: '2024-01-09 09:00:00', event_type: 'cart' },
      { customer_id: 'B', ts: '2024-01-09 10:00:00', event_type: 'purchase' },
      { customer_id: 'C', ts: '2024-01-02 08:00:00', event_type: 'impression' },
      { customer_id: 'C', ts: '2024-01-02 08:01:00', event_type: 'click' },
      { customer_id: 'C', ts: '2024-01-02 08:02:00', event_type: 'view' },
    ],
    customers: [
      { customer_id: 'A', gender: 'female' },
      { customer_id: 'B', gender: 'male' },
    ],
  });
});

describe('behaviour metrics (hand-worked)', () => {
  it('totals: 4 views, 3 visitors, 6 sessions (median 30 s, mean 230 s); rates over viewers and visitors', async () => {
    const [r] = await query(conn, behaviourTotals(SCOPE));
    expect(r).toMatchObject({
      key: 'all',
      page_views: 4,
      visitors: 3,
      sessions: 6,
      // durations 0, 0, 0, 60, 120, 1,200
      median_session_secs: 30,
      mean_session_secs: 230,
      viewers: 3,
      impressions: 1,
      clicks: 1,
      ctr: 1,
    });
    expect(r?.cart_rate).toBeCloseTo(2 / 3, 12);
    expect(r?.view_purchase).toBeCloseTo(2 / 3, 12);
    expect(r?.interactions_per_visitor).toBeCloseTo(1 / 3, 12);
    expect(r?.repeat_visit_rate).toBeCloseTo(2 / 3, 12);
  });
  it('per day: latest first; no viewers → no rate (not 0)', async () => {
    const rows = await query(conn, behaviourMetrics(SCOPE, 'day'));
    expect(rows.map((r) => [r.key, r.page_views, r.visitors, r.sessions, r.median_session_secs, r.cart_rate, r.repeat_visit_rate])).toEqual(
      [
        ['2024-01-09', 0, 1, 2, 0, null, 1],
        ['2024-01-02', 1, 1, 1, 120, 0, 0],
        ['2024-01-01', 3, 2, 3, 60, 0.5, 0.5],
      ],
    );
    expect(rows.map((r) => r.ctr)).toEqual([null, 1, null]);
  });
  it('per attribute (gender) and per segment', async () => {
    const g = await query(conn, behaviourMetrics(SCOPE, 'gender'));
    expect(g.map((r) => [r.key, r.visitors, r.page_views])).toEqual([
      ['(none)', 1, 1],
      ['female', 1, 2],
      ['male', 1, 1],
    ]);
    const seg = sql`SELECT * FROM (VALUES ('A', 'x'), ('B', 'x')) t(customer_id, segment)`;
    const s = await query(conn, behaviourMetrics(SCOPE, 'segment', seg));
    expect(s.map((r) => [r.key, r.visitors, r.sessions])).toEqual([
      ['x', 2, 5],
      ['(none)', 1, 1],
    ]);
    expect(() => behaviourMetrics(SCOPE, 'segment')).toThrow(/segment needs a model/);
  });
  it('members behind a metric: viewers who carted are A and B; repeat visitors on 1 Jan: A', async () => {
    const ids = async (split: 'all' | 'day', key: string, a: 'carted' | 'repeat' | 'visitors') =>
      (await query(conn, metricMembers(SCOPE, split, key, a))).map((r) => r.customer_id).sort();
    expect(await ids('all', 'all', 'carted')).toEqual(['A', 'B']);
    expect(await ids('day', '2024-01-01', 'repeat')).toEqual(['A']);
    expect(await ids('day', '2024-01-09', 'visitors')).toEqual(['B']);
  });
});

/*
 * REES46 (with session ids): 4,505 visitors and 17,056 views (README). Sessions: the file has 5,066
 * distinct session ids, but one (2759bd71-…) is written for two users, so 5,067 (user, session)
 * pairs, plus the truncated last line (no session id) as one gap session = 5,068 (counted with
 * Python's csv module: `len({(user_id, user_session)})` and rows without a session).
 */
describe.skipIf(!hasLog('rees46'))('metrics on REES46', () => {
  it('4,505 visitors, 5,068 sessions, 17,056 views', async () => {
    const { conn: c } = await buildLog('rees46');
    const [r] = await query(c, behaviourTotals({ asOf: '2030-01-01', from: null, filters: [] }));
    expect(r).toMatchObject({ visitors: 4505, page_views: 17056, viewers: 4505 });
    expect(r?.sessions).toBe(5068);
  });
});
