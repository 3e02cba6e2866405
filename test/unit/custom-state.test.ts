/**
 * Saved segments in the link (versioned, validated: a malformed rule is ignored with a warning),
 * segment names that are refused, and the profile's SQL (search, timeline, stage history) on
 * native DuckDB with a hand-worked fixture.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseState, serializeState, defaultState } from '../../src/state/url-state';
import { nameProblem, parseSavedSegments, type SavedSegment } from '../../src/analysis/custom/rule';
import { customerSearch, historyDates, profileOrders, stageHistory } from '../../src/analysis/custom/profile';
import { STAGE_DEFAULTS } from '../../src/analysis/lifecycle/stage';
import { CANONICAL_DDL } from '../../src/ingest/canonical-parts';
import { query } from '../helpers/duckdb';
import { setup, scopeOf } from './segmentation/setup';

const VIP: SavedSegment = {
  id: 'c1',
  name: 'VIP at risk',
  rule: {
    match: 'all',
    items: [
      { kind: 'attribute', name: 'city', builtin: true, type: 'text', op: 'in', values: ['Shanghai'] },
      { kind: 'metric', metric: 'revenue', op: 'gt', value: 1000, days: 90 },
    ],
  },
};

describe('saved segments in the link', () => {
  it('round-trips; with the Custom model its parameters are the saved segments', () => {
    const s = { ...defaultState(), page: 'segments' as const, model: 'custom' as const, custom: [VIP], customer: 'C1' };
    s.params = { segments: [VIP] };
    const hash = serializeState(s);
    expect(hash).not.toContain('mp=');
    const back = parseState(hash);
    expect(back.warnings).toEqual([]);
    expect(back.state.custom).toEqual([VIP]);
    expect(back.state.params).toEqual({ segments: [VIP] });
    expect(back.state.customer).toBe('C1');
  });

  it('a malformed rule is ignored with a warning; the good segments stay', () => {
    const bad = {
      id: 'c2',
      name: 'broken',
      rule: { match: 'all', items: [{ kind: 'metric', metric: 'revenue', op: 'gt', value: 'lots' }] },
    };
    const q = new URLSearchParams({ v: '1', cs: JSON.stringify([VIP, bad]) });
    const r = parseState(q.toString());
    expect(r.state.custom).toEqual([VIP]);
    expect(r.warnings).toEqual([{ key: 'link.custom_invalid', vars: { n: 1 } }]);
    const junk = parseState(new URLSearchParams({ v: '1', cs: '{not json' }).toString());
    expect(junk.state.custom).toEqual([]);
    expect(junk.warnings).toEqual([{ key: 'link.custom_invalid', vars: { n: 1 } }]);
  });

  it('a named attribute can be the cross-tab side (x=attr:<name>)', () => {
    expect(parseState('v=1&x=attr%3Aemail').state.crosstab).toBe('attr:email');
    expect(parseState('v=1&x=attr%3A').warnings.map((w) => w.key)).toEqual(['link.unknown_crosstab']);
  });

  it('refuses names with markup or formula characters (and a link carrying one)', () => {
    expect(nameProblem('VIP at risk')).toBeNull();
    expect(nameProblem('<img src=x onerror=alert(1)>')).toBe('name-markup');
    expect(nameProblem('=HYPERLINK("http://x")')).toBe('name-formula');
    expect(nameProblem('+1')).toBe('name-formula');
    expect(nameProblem('   ')).toBe('name-empty');
    expect(parseSavedSegments([{ ...VIP, name: '=cmd|x' }])).toEqual({ segments: [], dropped: 1 });
  });
});

describe('profile SQL', () => {
  let db: DuckDBConnection;
  const scope = scopeOf('2025-01-01');
  beforeAll(async () => {
    ({ db } = await setup(
      {
        orders: [
          { customer_id: 'C10', order_id: 'o1', ts: '2024-03-05 10:00:00', amount: 30, category: 'tea' },
          { customer_id: 'C10', order_id: 'o1', ts: '2024-03-05 10:00:00', amount: 20, category: 'cups' },
          { customer_id: 'C10', order_id: 'o2', ts: '2024-11-20 09:00:00', amount: 99, category: 'tea' },
          { customer_id: 'C100', order_id: 'o3', ts: '2024-12-01 09:00:00', amount: 5, category: 'tea' },
        ],
      },
      scope,
    ));
    await db.run(CANONICAL_DDL.find((d) => d.includes('customer_attributes')) as string);
    await db.run(`INSERT INTO customer_attributes VALUES ('C100', 'email', 'text', 'ann@example.com', NULL, NULL, NULL)`);
  });

  it('orders: one row per order with its lines summed, newest first', async () => {
    const rows = await query(db, profileOrders(scope, 'C10'));
    expect(rows.map((r) => [r.ts, r.order_id, r.amount, r.category])).toEqual([
      ['2024-11-20 09:00:00', 'o2', 99, 'tea'],
      ['2024-03-05 10:00:00', 'o1', 50, 'cups, tea'],
    ]);
  });

  it('search: the exact id first, then ids starting with the text, then e-mail matches', async () => {
    expect((await query(db, customerSearch('c10'))).map((r) => r.customer_id)).toEqual(['C10', 'C100']);
    expect((await query(db, customerSearch('ANN@'))).map((r) => [r.customer_id, r.match])).toEqual([['C100', 'email: ann@example.com']]);
    expect(await query(db, customerSearch("x' OR 1=1 --"))).toEqual([]);
  });

  it('stage history at month starts (thresholds N = A = 90, B = 180)', async () => {
    const dates = historyDates('2025-01-01', 12);
    expect(dates[0]).toBe('2024-02-01');
    expect(dates.at(-1)).toBe('2025-01-01');
    const rows = await query(
      db,
      stageHistory(STAGE_DEFAULTS, scope, 'C10', ['2024-03-01', '2024-04-01', '2024-07-01', '2024-10-01', '2025-01-01']),
    );
    // first order 2024-03-05: none before it; new for 90 days; 2024-07-01: 118 days silent → dormant;
    // 2024-10-01: 210 days → churned; 2025-01-01: bought 2024-11-20 after 260 silent days → reactivated
    expect(rows.map((r) => r.stage)).toEqual([null, 'new', 'dormant', 'churned', 'reactivated']);
  });
});
