/**
 * First and last touch of the first purchase from event sources (issue 13 §4), falling back to the
 * first order's channel. Expected rows worked out by hand from the fixture (comments).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load } from '../helpers/duckdb';
import { touchSummary, touchMembers, eventSourcesSql } from '../../src/analysis/behaviour/channels';
import type { Scope } from '../../src/analysis/scope';

const SCOPE: Scope = { asOf: '2024-03-01', from: null, filters: [] };

/*
 * u1: google (01-01), newsletter (01-02), first order 01-03 10:00 via app, tiktok after it (ignored)
 *     → first google, last newsletter, from events
 * u2: two sources at the very moment of the first order (on or before counts): b and a
 *     → first a (ties: smallest name), last b
 * u3: an event without a source only; first order via web → web / web from the order
 * u4: a sourced event only after the first order, which has no channel → (none) / (none)
 * u5: only a returned order → not a buyer
 */
let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await openDb();
  await load(conn, {
    orders: [
      { customer_id: 'u1', order_id: 'o1', ts: '2024-01-03 10:00:00', amount: 10, channel: 'app' },
      { customer_id: 'u1', order_id: 'o1b', ts: '2024-01-20 10:00:00', amount: 10, channel: 'web' },
      { customer_id: 'u2', order_id: 'o2', ts: '2024-01-04 09:00:00', amount: 10, channel: 'web' },
      { customer_id: 'u3', order_id: 'o3', ts: '2024-01-05 09:00:00', amount: 10, channel: 'web' },
      { customer_id: 'u4', order_id: 'o4', ts: '2024-01-06 09:00:00', amount: 10 },
      { customer_id: 'u5', order_id: 'o5', ts: '2024-01-06 09:00:00', amount: 10, channel: 'app', is_return: true },
    ],
  });
  const ev = (c: string, ts: string, channel: string | null) =>
    `('${c}', TIMESTAMP '${ts}', 'view', 'view', 'f', ${channel === null ? 'NULL' : `'${channel}'`})`;
  await conn.run(
    `INSERT INTO events (customer_id, ts, event_type, raw_type, source, channel) VALUES ${[
      ev('u1', '2024-01-01 10:00:00', 'google'),
      ev('u1', '2024-01-02 10:00:00', 'newsletter'),
      ev('u1', '2024-01-03 09:59:00', null),
      ev('u1', '2024-01-05 10:00:00', 'tiktok'),
      ev('u2', '2024-01-04 09:00:00', 'b'),
      ev('u2', '2024-01-04 09:00:00', 'a'),
      ev('u3', '2024-01-05 08:00:00', null),
      ev('u4', '2024-01-10 08:00:00', 'google'),
      ev('u5', '2024-01-01 08:00:00', 'google'),
    ].join(',')}`,
  );
});

describe('first and last touch', () => {
  it('counts buyers by first and last touch, event sources first, else the first order channel', async () => {
    const rows = (await query(conn, touchSummary(SCOPE))).map((r) => [
      r.channel,
      r.first_touch,
      r.last_touch,
      r.first_from_events,
      r.last_from_events,
    ]);
    expect(rows).toEqual([
      ['(none)', 1, 1, 0, 0],
      ['a', 1, 0, 1, 0],
      ['google', 1, 0, 1, 0],
      ['web', 1, 1, 0, 0],
      ['b', 0, 1, 0, 1],
      ['newsletter', 0, 1, 0, 1],
    ]);
    expect(await query(conn, eventSourcesSql())).toEqual([{ has: true }]);
  });
  it('opens the buyers of a touch with both touches and where they came from', async () => {
    expect(await query(conn, touchMembers(SCOPE, 'google', 'first'))).toEqual([
      {
        customer_id: 'u1',
        first_touch: 'google',
        last_touch: 'newsletter',
        channel: 'app',
        from_events: true,
        first_order: '2024-01-03 10:00:00',
      },
    ]);
    expect((await query(conn, touchMembers(SCOPE, 'web', 'last'))).map((r) => r.customer_id)).toEqual(['u3']);
    expect((await query(conn, touchMembers(SCOPE, 'b', 'last'))).map((r) => r.customer_id)).toEqual(['u2']);
  });
  it('without any event source: every touch is the first order channel, and the page is told', async () => {
    const c = await openDb();
    await load(c, {
      orders: [{ customer_id: 'x', order_id: 'ox', ts: '2024-01-03', amount: 5, channel: 'app' }],
      events: [{ customer_id: 'x', ts: '2024-01-02', event_type: 'view' }],
    });
    expect(await query(c, eventSourcesSql())).toEqual([{ has: false }]);
    expect(await query(c, touchSummary(SCOPE))).toEqual([
      { channel: 'app', first_touch: 1, last_touch: 1, first_from_events: 0, last_from_events: 0 },
    ]);
  });
});
