/**
 * Event-type mapping on the values real exports write: the guess for each distinct value, and the
 * canonical `events.event_type` built from the three real event datasets (counts from each README,
 * which were counted from the files with `cut | sort | uniq -c`).
 */
import { describe, it, expect } from 'vitest';
import { canonicalEventType, EVENT_TYPES, NUMERIC_EVENT_CODES } from '../../src/ingest/event-types';
import { eventTypeExpr } from '../../src/ingest/canonical-parts';
import { openDb, query } from '../helpers/duckdb';
import { buildLog, hasLog, type EVENT_LOGS } from '../helpers/event-datasets';
import { sql, raw } from '../../src/lib/sql';

describe('event-type guess', () => {
  it.each([
    ['$pageview', 'view'],
    ['page_view', 'view'],
    ['pv', 'view'],
    ['PV', 'view'],
    ['浏览', 'view'],
    ['加购', 'cart'],
    ['收藏', 'fav'],
    ['下单', 'purchase'],
    ['支付', 'purchase'],
    ['buy', 'purchase'],
    ['view', 'view'],
    ['cart', 'cart'],
    ['purchase', 'purchase'],
    ['fav', 'fav'],
    ['click', 'click'],
    ['点击', 'click'],
    ['impression', 'impression'],
    ['曝光', 'impression'],
    ['view_item_list', 'impression'],
    ['add_to_cart', 'cart'],
    ['分享', 'share'],
    ['评价', 'review'],
    ['remove_from_cart', 'other'],
    ['session_start', 'other'],
  ])('%s → %s', (v, t) => expect(canonicalEventType(v)).toBe(t));

  it('names every canonical type the mapping control offers', () => {
    expect(EVENT_TYPES).toEqual(['view', 'cart', 'fav', 'purchase', 'review', 'share', 'click', 'impression', 'other']);
    expect(NUMERIC_EVENT_CODES).toEqual({ '1': 'view', '2': 'fav', '3': 'cart', '4': 'purchase' });
  });

  it('a value mapped by hand wins over the vocabulary (the control writes mapping.eventTypes)', async () => {
    const conn = await openDb();
    const expr = eventTypeExpr(raw('v'), { pv: 'impression', 'weird thing': 'cart', bogus: 'not-a-type' });
    const rows = await query(
      conn,
      sql`SELECT v, ${expr} AS t FROM (VALUES ('pv'), ('weird thing'), ('buy'), ('bogus'), ('nope')) x(v) ORDER BY v`,
    );
    expect(rows).toEqual([
      { v: 'bogus', t: 'other' },
      { v: 'buy', t: 'purchase' },
      { v: 'nope', t: 'other' },
      { v: 'pv', t: 'impression' },
      { v: 'weird thing', t: 'cart' },
    ]);
  });
});

async function eventsOf(k: keyof typeof EVENT_LOGS) {
  const { conn, mapping: m } = await buildLog(k);
  const byType = Object.fromEntries(
    (await query(conn, 'SELECT event_type, count(*) AS n FROM events GROUP BY 1')).map((r) => [r.event_type, r.n]),
  );
  return { m, byType };
}

describe.skipIf(!hasLog('userBehavior'))('Tianchi UserBehavior pv/cart/fav/buy', () => {
  it('guesses every value: pv 75,872 (README 75,873 less the truncated last line) · cart 4,497 · fav 2,356 · buy 1,750', async () => {
    const r = await eventsOf('userBehavior');
    expect(r.m.eventTypes).toEqual({ pv: 'view', cart: 'cart', fav: 'fav', buy: 'purchase' });
    expect(r.byType).toEqual({ view: 75872, cart: 4497, fav: 2356, purchase: 1750 });
  });
});

describe.skipIf(!hasLog('rees46'))('REES46 view/cart/purchase', () => {
  it('view 17,056 · cart 165 · purchase 214', async () => {
    const r = await eventsOf('rees46');
    // the guess sees the sample's values (no cart among the first rows); the build maps every
    // value through the vocabulary, so `cart` still lands on its type
    expect(r.m.eventTypes).toMatchObject({ view: 'view', purchase: 'purchase' });
    expect(r.byType).toEqual({ view: 17056, cart: 165, purchase: 214 });
  });
});

describe.skipIf(!hasLog('mobile'))('Tianchi mobile behaviour codes 1–4', () => {
  it('1 view 1,876 · 2 fav 18 · 3 cart 70 · 4 purchase 35', async () => {
    const r = await eventsOf('mobile');
    expect(r.m.eventTypes).toEqual(NUMERIC_EVENT_CODES);
    expect(r.byType).toEqual({ view: 1876, fav: 18, cart: 70, purchase: 35 });
  });
});
