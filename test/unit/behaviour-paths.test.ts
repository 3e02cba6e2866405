/** Paths, purchase sequences and channels on hand-worked fixtures (expected values worked out in the comments). */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../helpers/duckdb';
import { topPaths, pathFlow, purchaseSequence, PATH_DEFAULTS } from '../../src/analysis/behaviour/paths';
import { channelsOverTime, newCustomers, channelRetention, channelMembers } from '../../src/analysis/behaviour/channels';
import type { Scope } from '../../src/analysis/scope';

const SCOPE: Scope = { asOf: '2024-07-01', from: null, filters: [] };

/*
 * Events (30-minute gap sessions):
 *   A: [view 10:00, view 10:05, cart 10:20] [purchase 11:00, fav 11:01]
 *   B: [view 09:00] [cart 9 Jan] [purchase 9 Jan 10:00]
 *   C: [impression 08:00, click 08:01, view 08:02]
 * Orders (returns left out):
 *   X: o1 1 Jan web (shoes 50 + bags 20 → shoes), o2 1 Feb app (bags), o3 1 Jun web (toys)
 *   Y: o1 5 Jan app (shoes), o2 8 Jan app (bags)
 *   Z: o1 10 Jan web (toys), o2 1 Feb toys RETURN, o3 1 May web (shoes)
 *   W: o1 20 Jun social (toys)
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
    orders: [
      { customer_id: 'X', order_id: 'x1', ts: '2024-01-01', amount: 50, category: 'shoes', channel: 'web' },
      { customer_id: 'X', order_id: 'x1', ts: '2024-01-01', amount: 20, category: 'bags', channel: 'web' },
      { customer_id: 'X', order_id: 'x2', ts: '2024-02-01', amount: 30, category: 'bags', channel: 'app' },
      { customer_id: 'X', order_id: 'x3', ts: '2024-06-01', amount: 10, category: 'toys', channel: 'web' },
      { customer_id: 'Y', order_id: 'y1', ts: '2024-01-05', amount: 40, category: 'shoes', channel: 'app' },
      { customer_id: 'Y', order_id: 'y2', ts: '2024-01-08', amount: 15, category: 'bags', channel: 'app' },
      { customer_id: 'Z', order_id: 'z1', ts: '2024-01-10', amount: 25, category: 'toys', channel: 'web' },
      { customer_id: 'Z', order_id: 'z2', ts: '2024-02-01', amount: -25, category: 'toys', channel: 'web', is_return: true },
      { customer_id: 'Z', order_id: 'z3', ts: '2024-05-01', amount: 60, category: 'shoes', channel: 'web' },
      { customer_id: 'W', order_id: 'w1', ts: '2024-06-20', amount: 5, category: 'toys', channel: 'social' },
    ],
  });
});

describe('paths', () => {
  it('after the first view, 2 steps (repeats collapsed): (end) 2 sessions, cart → (end) 1', async () => {
    const rows = await query(conn, topPaths(SCOPE, { anchor: 'view', direction: 'after', depth: 2 }));
    expect(rows).toEqual([
      { path: '(end)', sessions: 2 },
      { path: 'cart → (end)', sessions: 1 },
    ]);
  });
  it('before the view: C came from an impression and a click', async () => {
    const rows = await query(conn, topPaths(SCOPE, { anchor: 'view', direction: 'before', depth: 2 }));
    expect(rows).toEqual([
      { path: '(end)', sessions: 2 },
      { path: 'impression → click', sessions: 1 },
    ]);
  });
  it('the flow per step: step 1 cart 1 and (end) 2, step 2 (end) 3', async () => {
    const rows = await query(conn, pathFlow(SCOPE, { anchor: 'view', direction: 'after', depth: 2 }));
    expect(rows).toEqual([
      { step: 1, event_type: '(end)', sessions: 2 },
      { step: 1, event_type: 'cart', sessions: 1 },
      { step: 2, event_type: '(end)', sessions: 3 },
    ]);
    expect(PATH_DEFAULTS.depth).toBe(3);
  });
});

describe('purchase sequences', () => {
  it('1st → 2nd: shoes → bags 2 (X, Y), toys → shoes 1 (Z, the return left out); 2nd → 3rd: bags → toys 1', async () => {
    expect(await query(conn, purchaseSequence(SCOPE, 1))).toEqual([
      { from_category: 'shoes', to_category: 'bags', customers: 2 },
      { from_category: 'toys', to_category: 'shoes', customers: 1 },
    ]);
    expect(await query(conn, purchaseSequence(SCOPE, 2))).toEqual([{ from_category: 'bags', to_category: 'toys', customers: 1 }]);
  });
});

describe('channels', () => {
  it('90-day repurchase and retention by acquisition channel (W acquired too late to count)', async () => {
    expect(await query(conn, channelRetention(SCOPE))).toEqual([
      // X repurchased on 1 Feb (31 days) and came back on 1 Jun; Z came back on 1 May (112 days) only
      { channel: 'web', customers: 2, repurchased: 1, retained: 2, repurchase_90: 0.5, retained_90: 1 },
      // Y's second order (3 days) is a repurchase, nothing after 90 days
      { channel: 'app', customers: 1, repurchased: 1, retained: 0, repurchase_90: 1, retained_90: 0 },
    ]);
  });
  it('new customers per channel and month; customers, orders, revenue per channel and month', async () => {
    expect(await query(conn, newCustomers(SCOPE, 'month'))).toEqual([
      { period: '2024-01-01', channel: 'app', customers: 1 },
      { period: '2024-01-01', channel: 'web', customers: 2 },
      { period: '2024-06-01', channel: 'social', customers: 1 },
    ]);
    const jan = (await query(conn, channelsOverTime(SCOPE, 'month'))).filter((r) => r.period === '2024-01-01');
    expect(jan).toEqual([
      { period: '2024-01-01', channel: 'app', customers: 1, orders: 2, revenue: 55 },
      { period: '2024-01-01', channel: 'web', customers: 2, orders: 2, revenue: 95 },
    ]);
    expect((await query(conn, channelMembers(SCOPE, 'web'))).map((r) => r.customer_id)).toEqual(['Z', 'X']);
  });
});
