/**
 * Funnels on a hand-worked log (expected figures worked out by hand in the comments below, from the
 * semantics in docs/metrics.md) and on the real event logs (figures from `scripts`-free SQL written
 * independently of the builder: plain per-customer min/max over the raw events, see the test).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type EventFixture } from '../helpers/duckdb';
import { buildLog, hasLog } from '../helpers/event-datasets';
import { funnelSteps, funnelMembers, checkFunnel, FUNNEL_DEFAULTS, type FunnelParams } from '../../src/analysis/behaviour/funnel';
import type { Scope } from '../../src/analysis/scope';

const SCOPE: Scope = { asOf: '2024-02-01', from: null, filters: [] };

/*
 * A: view 10:00, view 10:05, cart 10:20, purchase 11:00            → ordered 3 steps (20 min, 40 min)
 * B: view 1 Jan 09:00, cart + purchase 8 days later                  → 1 step (7-day window)
 * C: cart 08:00, view 09:00, purchase 09:30                          → ordered 1 step; any order 3
 * D: purchase only                                                   → never enters
 * E: view and cart at the same second                                → 2 steps (0 s)
 * F: view 12:00 (s1), cart 12:10 (s1), purchase 12:50 (s2)           → 3 steps (10 min, 40 min)
 */
const EVENTS: EventFixture[] = [
  { customer_id: 'A', ts: '2024-01-01 10:00:00', event_type: 'view', category: 'shoes' },
  { customer_id: 'A', ts: '2024-01-01 10:05:00', event_type: 'view', category: 'shoes' },
  { customer_id: 'A', ts: '2024-01-01 10:20:00', event_type: 'cart' },
  { customer_id: 'A', ts: '2024-01-01 11:00:00', event_type: 'purchase' },
  { customer_id: 'B', ts: '2024-01-01 09:00:00', event_type: 'view' },
  { customer_id: 'B', ts: '2024-01-09 09:00:00', event_type: 'cart' },
  { customer_id: 'B', ts: '2024-01-09 10:00:00', event_type: 'purchase' },
  { customer_id: 'C', ts: '2024-01-02 08:00:00', event_type: 'cart' },
  { customer_id: 'C', ts: '2024-01-02 09:00:00', event_type: 'view' },
  { customer_id: 'C', ts: '2024-01-02 09:30:00', event_type: 'purchase' },
  { customer_id: 'D', ts: '2024-01-03 10:00:00', event_type: 'purchase' },
  { customer_id: 'E', ts: '2024-01-04 10:00:00', event_type: 'view' },
  { customer_id: 'E', ts: '2024-01-04 10:00:00', event_type: 'cart' },
  { customer_id: 'F', ts: '2024-01-05 12:00:00', event_type: 'view', session_id: 's1' },
  { customer_id: 'F', ts: '2024-01-05 12:10:00', event_type: 'cart', session_id: 's1' },
  { customer_id: 'F', ts: '2024-01-05 12:50:00', event_type: 'purchase', session_id: 's2' },
];

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await openDb();
  await load(conn, {
    events: EVENTS,
    customers: [
      { customer_id: 'A', gender: 'female' },
      { customer_id: 'B', gender: 'male' },
      { customer_id: 'C', gender: 'female' },
      { customer_id: 'F', gender: 'female' },
    ],
  });
});

const steps = async (p: Partial<FunnelParams>, c = conn) =>
  (await query(c, funnelSteps(SCOPE, checkFunnel({ ...FUNNEL_DEFAULTS, ...p })))).map((r) => ({
    breakdown: r.breakdown,
    step: r.step,
    entities: r.entities,
    median_secs: r.median_secs,
  }));
const counts = async (p: Partial<FunnelParams>) => (await steps(p)).filter((r) => r.breakdown === null).map((r) => r.entities);

describe('funnel (hand-worked)', () => {
  it('ordered by customers: 5 → 3 → 2; median 600 s then 2,400 s', async () => {
    expect(await steps({})).toEqual([
      { breakdown: null, step: 1, entities: 5, median_secs: null },
      // A 1,200 s, E 0 s, F 600 s
      { breakdown: null, step: 2, entities: 3, median_secs: 600 },
      // A 2,400 s, F 2,400 s
      { breakdown: null, step: 3, entities: 2, median_secs: 2400 },
    ]);
  });
  it('any order counts C (cart before view): 5 → 4 → 3, no step times', async () => {
    expect(await steps({ order: 'any' })).toEqual([
      { breakdown: null, step: 1, entities: 5, median_secs: null },
      { breakdown: null, step: 2, entities: 4, median_secs: null },
      { breakdown: null, step: 3, entities: 3, median_secs: null },
    ]);
  });
  it('the window starts at the first step-1 event: 30 minutes keeps no purchase', async () => {
    expect(await counts({ windowMinutes: 30 })).toEqual([5, 3, 0]);
    // 8 days: B's cart (exactly 8 days after the view: the end is inclusive) comes in, the purchase an hour later not
    expect(await counts({ windowMinutes: 8 * 24 * 60 })).toEqual([5, 4, 2]);
    expect(await counts({ windowMinutes: 8 * 24 * 60 + 60 })).toEqual([5, 4, 3]);
  });
  it('by sessions (session id where written, else a 30-minute gap): 5 → 3 → 0', async () => {
    // A#1 {view, view, cart} · B#1 {view} · C#2 {view, purchase} · E {view, cart} · F s1 {view, cart}
    expect(await counts({ unit: 'sessions' })).toEqual([5, 3, 0]);
  });
  it('a step narrowed to a category: only A viewed shoes', async () => {
    expect(
      await counts({
        steps: [
          { type: 'view', category: 'shoes', product: null },
          { type: 'cart', category: null, product: null },
          { type: 'purchase', category: null, product: null },
        ],
      }),
    ).toEqual([1, 1, 1]);
  });
  it('the same step twice needs a later event: view → view is A only', async () => {
    expect(
      await counts({
        steps: [
          { type: 'view', category: null, product: null },
          { type: 'view', category: null, product: null },
        ],
      }),
    ).toEqual([5, 1]);
  });
  it('a step that never occurs: 5 → 0', async () => {
    expect(
      await counts({
        steps: [
          { type: 'view', category: null, product: null },
          { type: 'review', category: null, product: null },
        ],
      }),
    ).toEqual([5, 0]);
  });
  it('breakdown by gender: female 3 → 2 → 2, male 1 → 0 → 0, (none) 1 → 1 → 0', async () => {
    const r = (await steps({ breakdown: 'gender' })).filter((x) => x.breakdown !== null);
    const by = (g: string) => r.filter((x) => x.breakdown === g).map((x) => x.entities);
    expect(by('female')).toEqual([3, 2, 2]);
    expect(by('male')).toEqual([1, 0, 0]);
    expect(by('(none)')).toEqual([1, 1, 0]);
  });
  it('breakdown by entry day', async () => {
    const r = (await steps({ breakdown: 'entry_day' })).filter((x) => x.breakdown !== null && x.step === 1);
    expect(r.map((x) => [x.breakdown, x.entities])).toEqual([
      ['2024-01-01', 2],
      ['2024-01-02', 1],
      ['2024-01-04', 1],
      ['2024-01-05', 1],
    ]);
  });
  it('drop-off lists: B and C leave after step 1, E after step 2; reached step 3: A, F', async () => {
    const ids = async (step: number, kind: 'reached' | 'dropped', breakdown: string | null = null, p: Partial<FunnelParams> = {}) =>
      (await query(conn, funnelMembers(SCOPE, checkFunnel({ ...FUNNEL_DEFAULTS, ...p }), { step, kind, breakdown })))
        .map((r) => r.customer_id)
        .sort();
    expect(await ids(2, 'dropped')).toEqual(['B', 'C']);
    expect(await ids(3, 'dropped')).toEqual(['E']);
    expect(await ids(3, 'reached')).toEqual(['A', 'F']);
    expect(await ids(2, 'dropped', 'female', { breakdown: 'gender' })).toEqual(['C']);
    expect(() => funnelMembers(SCOPE, FUNNEL_DEFAULTS, { step: 1, kind: 'dropped', breakdown: null })).toThrow(/invalid funnel step/);
  });
  it('rejects bad options (URL values too): one step, window 0, unknown type', () => {
    expect(() => checkFunnel({ ...FUNNEL_DEFAULTS, steps: FUNNEL_DEFAULTS.steps.slice(0, 1) })).toThrow(/invalid funnel/);
    expect(() => checkFunnel({ ...FUNNEL_DEFAULTS, windowMinutes: 0 })).toThrow(/invalid funnel/);
    expect(() => checkFunnel({ ...FUNNEL_DEFAULTS, windowMinutes: 1e9 })).toThrow(/invalid funnel/);
    expect(() =>
      checkFunnel({ ...FUNNEL_DEFAULTS, steps: [...FUNNEL_DEFAULTS.steps, { type: 'swipe', category: null, product: null }] }),
    ).toThrow(/invalid funnel/);
  });
});

/*
 * Real logs: view → cart → purchase, ordered, by customer, 7-day window. Expected figures from
 * test/fixtures/behaviour/funnel_check.py (Python csv module over the raw files, no DuckDB):
 *   userbehavior funnel [813, 564, 347] median secs [94914.5, 109514.0]
 *   rees46       funnel [4505, 111, 62] median secs [83.0, 100.5]
 *   mobile       funnel [34, 6, 2]      median secs [151200.0, 189000.0]
 */
const ALL: Scope = { asOf: '2030-01-01', from: null, filters: [] };
describe.each([
  ['userBehavior', [813, 564, 347], [94914.5, 109514]],
  ['rees46', [4505, 111, 62], [83, 100.5]],
  ['mobile', [34, 6, 2], [151200, 189000]],
] as const)('funnel on the real %s log', (k, expected, medians) => {
  it.skipIf(!hasLog(k))(`view → cart → purchase: ${expected.join(' → ')}`, async () => {
    const { conn: c } = await buildLog(k);
    const rows = await query(c, funnelSteps(ALL, FUNNEL_DEFAULTS));
    expect(rows.map((r) => r.entities)).toEqual([...expected]);
    expect(rows.slice(1).map((r) => r.median_secs)).toEqual([...medians]);
  });
});

/*
 * Exact ("strict") order, view → cart → purchase, worked by hand:
 * G: view, fav, cart, purchase (a minute apart)     → 1 (the fav breaks the chain)
 * H: view, cart, view, cart, purchase               → 3 (the second view starts the full chain, at 10:02)
 * I: view, cart, then purchase two days later       → 2 with a 1-day window, 3 with 7 days
 * J: view, cart, click, purchase                    → 2
 * K: cart, purchase                                 → never enters
 * L: purchase, cart, view written at the same second → 3 (same moment: in step order)
 * Ordered mode for comparison (1 day): G 3, H 3, I 2, J 3, L 3 → 5 → 5 → 4.
 */
describe('funnel in exact order (hand-worked)', () => {
  let c: DuckDBConnection;
  beforeAll(async () => {
    c = await openDb();
    const ev = (customer_id: string, ts: string, event_type: string): EventFixture => ({ customer_id, ts: `2024-01-10 ${ts}`, event_type });
    await load(c, {
      events: [
        ev('G', '10:00:00', 'view'),
        ev('G', '10:01:00', 'fav'),
        ev('G', '10:02:00', 'cart'),
        ev('G', '10:03:00', 'purchase'),
        ev('H', '10:00:00', 'view'),
        ev('H', '10:01:00', 'cart'),
        ev('H', '10:02:00', 'view'),
        ev('H', '10:03:00', 'cart'),
        ev('H', '10:04:00', 'purchase'),
        ev('I', '09:00:00', 'view'),
        ev('I', '09:05:00', 'cart'),
        { customer_id: 'I', ts: '2024-01-12 09:00:00', event_type: 'purchase' },
        ev('J', '10:00:00', 'view'),
        ev('J', '10:01:00', 'cart'),
        ev('J', '10:02:00', 'click'),
        ev('J', '10:03:00', 'purchase'),
        ev('K', '10:00:00', 'cart'),
        ev('K', '10:01:00', 'purchase'),
        ev('L', '10:00:00', 'purchase'),
        ev('L', '10:00:00', 'cart'),
        ev('L', '10:00:00', 'view'),
      ],
    });
  });
  const day = 24 * 60;
  it('1-day window: 5 → 4 → 2 (ordered mode: 5 → 5 → 4); H timed from its second view', async () => {
    expect((await steps({ order: 'strict', windowMinutes: day }, c)).map((r) => r.entities)).toEqual([5, 4, 2]);
    expect((await steps({ order: 'ordered', windowMinutes: day }, c)).map((r) => r.entities)).toEqual([5, 5, 4]);
    // step 2 times: H 60 s (10:02 → 10:03), I 300 s, J 60 s, L 0 s → median 60; step 3: H 60 s, L 0 s → 30
    expect((await steps({ order: 'strict', windowMinutes: day }, c)).map((r) => r.median_secs)).toEqual([null, 60, 30]);
  });
  it('7-day window: I completes (5 → 4 → 3); by sessions I’s purchase is another visit (5 → 4 → 2)', async () => {
    expect((await steps({ order: 'strict' }, c)).map((r) => r.entities)).toEqual([5, 4, 3]);
    expect((await steps({ order: 'strict', unit: 'sessions' }, c)).map((r) => r.entities)).toEqual([5, 4, 2]);
  });
  it('drop-off lists: G leaves before step 2; I and J before step 3', async () => {
    const p = checkFunnel({ ...FUNNEL_DEFAULTS, order: 'strict', windowMinutes: day });
    const ids = async (step: number) =>
      (await query(c, funnelMembers(SCOPE, p, { step, kind: 'dropped', breakdown: null }))).map((r) => r.customer_id).sort();
    expect(await ids(2)).toEqual(['G']);
    expect(await ids(3)).toEqual(['I', 'J']);
  });
});

/*
 * Real logs in exact order (view → cart → purchase, customers, 7 days). Expected figures from
 * test/fixtures/behaviour/strict_funnel_check.py (Python csv module, no DuckDB):
 *   userbehavior strict funnel [813, 590, 39] median secs [196.5, 481.0]
 *   rees46       strict funnel [4505, 111, 48] median secs [32.0, 74.0]
 *   mobile       strict funnel [34, 13, 3]     median secs [0.0, 0.0]
 */
describe.each([
  ['userBehavior', [813, 590, 39], [196.5, 481]],
  ['rees46', [4505, 111, 48], [32, 74]],
  ['mobile', [34, 13, 3], [0, 0]],
] as const)('exact-order funnel on the real %s log', (k, expected, medians) => {
  it.skipIf(!hasLog(k))(`view → cart → purchase in exact order: ${expected.join(' → ')}`, async () => {
    const { conn: c } = await buildLog(k);
    const rows = await query(c, funnelSteps(ALL, { ...FUNNEL_DEFAULTS, order: 'strict' }));
    expect(rows.map((r) => r.entities)).toEqual([...expected]);
    expect(rows.slice(1).map((r) => r.median_secs)).toEqual([...medians]);
  });
});
