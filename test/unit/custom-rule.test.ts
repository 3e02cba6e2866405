/**
 * Custom segment rules compiled to SQL and run on native DuckDB over a hand-worked fixture.
 *
 * As of 2025-01-01 (the last 90 days start 2024-10-03, the last 7 days 2024-12-25):
 * | id | city     | orders (date: amount, category)               | revenue | 90-day rev | recency |
 * | a  | Shanghai | 2024-11-20: 400 tea, 2024-12-01: 800 tea       | 1200    | 1200       | 31      |
 * | b  | Shanghai | 2024-12-25: 2000 toys                          | 2000    | 2000       | 7       |
 * | c  | Beijing  | 2024-06-01: 1500 toys                          | 1500    | 0          | 214     |
 * | d  | Shanghai | 2024-09-01: 600 toys, 2024-12-10: 500 toys     | 1100    | 500        | 22      |
 * | e  | –        | none; cart event 2024-12-28                    | 0       | 0          | –       |
 * | f  | –        | 2024-12-30: 50 toys; cart event 2024-12-29     | 50      | 50         | 2       |
 * Named attributes: a email `A@x.com`, tags [vip, gold], level 3; b tags [new], level 1.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from '../helpers/duckdb';
import { setup, scopeOf } from './segmentation/setup';
import { MODELS } from '../../src/analysis/segmentation';
import { ruleCount, ruleExpr, matching, type RuleEnv } from '../../src/analysis/custom/compile';
import { assignmentOf, type CustomParams } from '../../src/analysis/custom/model';
import { breakdown } from '../../src/analysis/breakdown';
import { crosstab, crosstabMembers } from '../../src/analysis/crosstab';
import { members } from '../../src/analysis/members';
import { referencedAttributes, type Condition, type Rule } from '../../src/analysis/custom/rule';
import type { ModelContext } from '../../src/analysis/types';
import { CANONICAL_DDL } from '../../src/ingest/canonical-parts';

const AS_OF = '2025-01-01';
const order = (customer_id: string, order_id: string, ts: string, amount: number, category: string) => ({
  customer_id,
  order_id,
  ts,
  amount,
  category,
});

let db: DuckDBConnection;
let ctx: ModelContext;
let env: RuleEnv;

beforeAll(async () => {
  ({ db, ctx } = await setup(
    {
      orders: [
        order('a', 'a1', '2024-11-20 10:00:00', 400, 'tea'),
        order('a', 'a2', '2024-12-01 10:00:00', 800, 'tea'),
        order('b', 'b1', '2024-12-25 10:00:00', 2000, 'toys'),
        order('c', 'c1', '2024-06-01 10:00:00', 1500, 'toys'),
        order('d', 'd1', '2024-09-01 10:00:00', 600, 'toys'),
        order('d', 'd2', '2024-12-10 10:00:00', 500, 'toys'),
        order('f', 'f1', '2024-12-30 10:00:00', 50, 'toys'),
      ],
      events: [
        { customer_id: 'e', ts: '2024-12-28 09:00:00', event_type: 'cart' },
        { customer_id: 'f', ts: '2024-12-29 09:00:00', event_type: 'cart' },
      ],
      customers: [
        { customer_id: 'a', city: 'Shanghai' },
        { customer_id: 'b', city: 'Shanghai' },
        { customer_id: 'c', city: 'Beijing' },
        { customer_id: 'd', city: 'Shanghai' },
        { customer_id: 'e' },
      ],
    },
    scopeOf(AS_OF),
  ));
  await db.run(CANONICAL_DDL.find((d) => d.includes('customer_attributes')) as string);
  await db.run(`INSERT INTO customer_attributes VALUES
    ('a', 'email', 'text', 'A@x.com', NULL, NULL, NULL),
    ('a', 'tags', 'list', 'vip;gold', NULL, NULL, ['vip', 'gold']),
    ('a', 'level', 'number', '3', 3, NULL, NULL),
    ('b', 'tags', 'list', 'new', NULL, NULL, ['new']),
    ('b', 'level', 'number', '1', 1, NULL, NULL)`);
  env = { scope: ctx.scope, base: ctx.base, segmentOf: (m) => assignmentOf(m, {}, ctx) };
});

const ids = async (rule: Rule) =>
  (await query(db, matching(rule, env)))
    .map((r) => String(r.customer_id))
    .sort()
    .join(' ');
const all = (...items: Rule['items']): Rule => ({ match: 'all', items });
const city = (op: 'in' | 'not_in', ...values: string[]): Condition => ({
  kind: 'attribute',
  name: 'city',
  builtin: true,
  type: 'text',
  op,
  values,
});
const VIP_AT_RISK = all(
  city('in', 'Shanghai'),
  { kind: 'metric', metric: 'revenue', op: 'gt', value: 1000, days: 90 },
  {
    kind: 'metric',
    metric: 'recency_days',
    op: 'gte',
    value: 30,
    days: null,
  },
);

describe('custom rules', () => {
  it('"VIP at risk": Shanghai, over 1,000 in the last 90 days, no order in 30 days', async () => {
    expect(await ids(VIP_AT_RISK)).toBe('a');
    expect(await query(db, ruleCount(VIP_AT_RISK, env))).toEqual([{ customers: 1, revenue: 1200 }]);
  });

  it('"not in" includes customers whose value is unknown', async () => {
    expect(await ids(all(city('not_in', 'Shanghai')))).toBe('c e f');
  });

  it('contradictory conditions give 0 customers and 0 revenue, not an error', async () => {
    const r = all(
      { kind: 'metric', metric: 'orders', op: 'gt', value: 5, days: null },
      { kind: 'metric', metric: 'orders', op: 'lt', value: 2, days: null },
    );
    expect(await query(db, ruleCount(r, env))).toEqual([{ customers: 0, revenue: 0 }]);
  });

  it('combines OR with one level of AND groups', async () => {
    const r: Rule = {
      match: 'any',
      items: [
        city('in', 'Beijing'),
        {
          kind: 'group',
          match: 'all',
          conditions: [
            { kind: 'metric', metric: 'recency_days', op: 'lte', value: 10, days: null },
            { kind: 'metric', metric: 'revenue', op: 'gte', value: 1000, days: null },
          ],
        },
      ],
    };
    expect(await ids(r)).toBe('b c');
  });

  it('events: did / did not, in the last d days; cart without purchase in 7 days', async () => {
    const cart = (did: boolean): Condition => ({ kind: 'event', event: 'cart', did, atLeast: 1, days: 7 });
    expect(await ids(all(cart(true)))).toBe('e f');
    expect(await ids(all(cart(false)))).toBe('a b c d');
    expect(await ids(all(cart(true), { kind: 'metric', metric: 'orders', op: 'eq', value: 0, days: 7 }))).toBe('e');
    expect(await ids(all({ kind: 'event', event: 'cart', did: true, atLeast: 2, days: null }))).toBe('');
  });

  it('bought a category, dates and tenure', async () => {
    expect(await ids(all({ kind: 'bought', what: 'category', values: ['tea'], did: true, days: null }))).toBe('a');
    expect(await ids(all({ kind: 'bought', what: 'category', values: ['tea'], did: false, days: null }))).toBe('b c d e f');
    expect(await ids(all({ kind: 'date', field: 'first_order', op: 'before', value: '2024-10-01' }))).toBe('c d');
    // tenure: days from the first order day to the as-of day; d: 2024-09-01 → 122, c: 214
    expect(await ids(all({ kind: 'metric', metric: 'tenure_days', op: 'gt', value: 150, days: null }))).toBe('c');
  });

  it('named attributes: list has any, number, not empty; a missing one matches nobody', async () => {
    const attr = (name: string, type: 'text' | 'number' | 'list', op: string, ...values: string[]): Condition =>
      ({ kind: 'attribute', name, builtin: false, type, op, values }) as Condition;
    expect(await ids(all(attr('tags', 'list', 'in', 'gold', 'silver')))).toBe('a');
    expect(await ids(all(attr('tags', 'list', 'not_in', 'gold')))).toBe('b c d e f');
    expect(await ids(all(attr('level', 'number', 'gte', '2')))).toBe('a');
    expect(await ids(all(attr('email', 'text', 'not_empty')))).toBe('a');
    expect(await ids(all(attr('email', 'text', 'contains', 'X.COM')))).toBe('a');
    expect(await ids(all(attr('vip_level', 'text', 'in', 'gold')))).toBe('');
  });

  it('names the named attributes a rule refers to (a saved segment says which are missing)', () => {
    const r: Rule = {
      match: 'any',
      items: [
        city('in', 'x'),
        { kind: 'attribute', name: 'vip_level', builtin: false, type: 'text', op: 'in', values: ['gold'] },
        {
          kind: 'group',
          match: 'all',
          conditions: [{ kind: 'attribute', name: 'tags', builtin: false, type: 'list', op: 'empty', values: [] }],
        },
      ],
    };
    expect(referencedAttributes(r)).toEqual(['vip_level', 'tags']);
  });

  it('membership in a segment of another model (spend tiers: b high; a, c mid; d, f low)', async () => {
    const seg = (not: boolean): Condition => ({ kind: 'segment', model: 'spend', segments: ['high'], not });
    expect(await ids(all(seg(false)))).toBe('b');
    expect(await ids(all(seg(true)))).toBe('a c d e f');
  });

  it('binds values: a hostile value never reaches the SQL text', async () => {
    const evil = "x'); DROP TABLE orders; --";
    const r = all(city('in', evil));
    expect(ruleExpr(r, env).text).not.toContain('DROP');
    expect(await ids(r)).toBe('');
    expect((await query(db, 'SELECT count(*) AS n FROM orders'))[0]?.n).toBe(7);
  });

  it('refuses a rule with no conditions and an empty group', () => {
    expect(() => ruleExpr({ match: 'all', items: [] }, env)).toThrow('no conditions');
    expect(() => ruleExpr({ match: 'all', items: [{ kind: 'group', match: 'any', conditions: [] }] }, env)).toThrow('empty group');
  });
});

describe('the Custom model', () => {
  const params: CustomParams = {
    segments: [
      { id: 'c1', name: 'VIP at risk', rule: VIP_AT_RISK },
      { id: 'c2', name: 'Shanghai', rule: all(city('in', 'Shanghai')) },
    ],
  };

  it('overlaps: a customer is in every segment that matches; shares are of all 6 customers', async () => {
    const rows = await query(db, breakdown(MODELS.custom, params, ctx));
    // c1 = {a}; c2 = {a, b, d}; revenue 1200 and 1200 + 2000 + 1100 = 4300 of 5850 in all
    expect(rows.map((r) => [r.segment, r.customers, r.revenue])).toEqual([
      ['c1', 1, 1200],
      ['c2', 3, 4300],
    ]);
    expect(rows[1]?.customer_share).toBeCloseTo(3 / 6, 10);
    expect(rows[1]?.revenue_share).toBeCloseTo(4300 / 5850, 10);
  });

  it('cross-tabs against another model and lists members', async () => {
    const rows = await query(db, crosstab(MODELS.custom, params, { model: MODELS.spend, params: MODELS.spend.defaults }, ctx));
    expect(rows.map((r) => `${r.a}×${r.b}:${r.customers}`)).toEqual(['c1×mid:1', 'c2×high:1', 'c2×low:1', 'c2×mid:1']);
    const page = await query(db, members(MODELS.custom, params, ctx, { segment: 'c2', sort: 'revenue', desc: true, limit: 10, offset: 0 }));
    expect(page.map((r) => r.customer_id)).toEqual(['b', 'a', 'd']);
  });

  it('is the second side of a cross-tab: a row counts a customer in each custom column it matches', async () => {
    const rows = await query(db, crosstab(MODELS.spend, MODELS.spend.defaults, { model: MODELS.custom, params }, ctx));
    // spend tiers as in the test above: a mid, b high, d low; c1 = {a}, c2 = {a, b, d}
    expect(rows.map((r) => `${r.a}×${r.b}:${r.customers}`)).toEqual(['high×c2:1', 'low×c2:1', 'mid×c1:1', 'mid×c2:1']);
    // customer a is in both mid cells: the mid row's cells sum to 2 for one customer
    const members = await query(
      db,
      crosstabMembers(
        MODELS.spend,
        MODELS.spend.defaults,
        { model: MODELS.custom, params },
        ctx,
        { a: 'mid', b: 'c1' },
        { limit: 10, offset: 0 },
      ),
    );
    expect(members.map((r) => r.customer_id)).toEqual(['a']);
  });

  it('cross-tabs against a named attribute of the customers file (no value → unknown)', async () => {
    const rows = await query(db, crosstab(MODELS.custom, params, { named: 'level' }, ctx));
    // level: a 3, b 1; d has none
    expect(rows.map((r) => `${r.a}×${r.b}:${r.customers}`)).toEqual(['c1×3:1', 'c2×1:1', 'c2×3:1', 'c2×unknown:1']);
  });

  it('validates: unreadable segments and empty rules are refused', () => {
    expect(() => MODELS.custom.validate({ segments: [{ id: 'c1', name: '<b>x</b>', rule: VIP_AT_RISK }] })).toThrow('not readable');
    expect(() => MODELS.custom.validate({ segments: [{ id: 'c1', name: 'x', rule: { match: 'all', items: [] } }] })).toThrow(
      'no conditions',
    );
  });
});
