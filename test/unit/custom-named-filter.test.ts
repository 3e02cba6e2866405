/**
 * Named attributes as scope filters on native DuckDB: text one of / contains, number and date
 * ranges (inclusive, open ends), list contains; hostile values bound; a filter on an attribute the
 * data lacks keeps nobody (and is reported as missing, not dropped); links validated.
 * Expected customer sets worked out by hand from the fixture below.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, load, query } from '../helpers/duckdb';
import { CANONICAL_DDL } from '../../src/ingest/canonical-parts';
import { scopedOrders, scopedCustomers, type Scope } from '../../src/analysis/scope';
import { customerBase } from '../../src/analysis/customer-base';
import { missingNamed, parseNamedFilters, type NamedFilter } from '../../src/analysis/named-filter';
import { parseState, serializeState, defaultState } from '../../src/state/url-state';

const order = (customer_id: string, amount: number) => ({ customer_id, order_id: `${customer_id}1`, ts: '2024-06-01 10:00:00', amount });
const scope = (named: NamedFilter[]): Scope => ({ asOf: '2025-01-01', from: null, filters: [], named });

describe('named attribute filters', () => {
  let db: DuckDBConnection;
  const ids = async (named: NamedFilter[]) => (await query(db, scopedOrders(scope(named)))).map((r) => String(r.customer_id)).sort();

  beforeAll(async () => {
    db = await openDb();
    await load(db, {
      orders: ['a', 'b', 'c', 'd'].map((c, i) => order(c, 10 * (i + 1))),
      customers: ['a', 'b', 'c', 'd'].map((customer_id) => ({ customer_id })),
    });
    await db.run(CANONICAL_DDL.find((d) => d.includes('customer_attributes')) as string);
    // a: gold, level 3, joined 2023-05-01, tags vip;new, email A@Shop.com
    // b: silver, level 1, joined 2024-02-29, tags new
    // c: Gold (other case), level 5, no date, no tags
    // d: no attributes at all
    await db.run(`INSERT INTO customer_attributes VALUES
      ('a', 'tier', 'text', 'gold', NULL, NULL, NULL),
      ('b', 'tier', 'text', 'silver', NULL, NULL, NULL),
      ('c', 'tier', 'text', 'Gold', NULL, NULL, NULL),
      ('a', 'email', 'text', 'A@Shop.com', NULL, NULL, NULL),
      ('a', 'level', 'number', '3', 3, NULL, NULL),
      ('b', 'level', 'number', '1', 1, NULL, NULL),
      ('c', 'level', 'number', '5', 5, NULL, NULL),
      ('a', 'joined', 'date', '2023-05-01', NULL, DATE '2023-05-01', NULL),
      ('b', 'joined', 'date', '2024-02-29', NULL, DATE '2024-02-29', NULL),
      ('a', 'tags', 'list', 'vip;new', NULL, NULL, ['vip', 'new']),
      ('b', 'tags', 'list', 'new', NULL, NULL, ['new'])`);
  });

  it('text: one of (exact) and contains (case-insensitive)', async () => {
    expect(await ids([{ name: 'tier', type: 'text', op: 'in', values: ['gold'] }])).toEqual(['a']);
    expect(await ids([{ name: 'tier', type: 'text', op: 'in', values: ['gold', 'silver'] }])).toEqual(['a', 'b']);
    expect(await ids([{ name: 'tier', type: 'text', op: 'contains', values: ['GOL'] }])).toEqual(['a', 'c']);
    expect(await ids([{ name: 'email', type: 'text', op: 'contains', values: ['@shop.'] }])).toEqual(['a']);
  });

  it('number and date: inclusive ranges, either end open', async () => {
    expect(await ids([{ name: 'level', type: 'number', op: 'range', min: 3, max: 5 }])).toEqual(['a', 'c']);
    expect(await ids([{ name: 'level', type: 'number', op: 'range', min: null, max: 3 }])).toEqual(['a', 'b']);
    expect(await ids([{ name: 'joined', type: 'date', op: 'range', min: '2024-02-29', max: null }])).toEqual(['b']);
    expect(await ids([{ name: 'joined', type: 'date', op: 'range', min: '2023-01-01', max: '2024-02-28' }])).toEqual(['a']);
  });

  it('list contains any of; filters combine with AND', async () => {
    expect(await ids([{ name: 'tags', type: 'list', op: 'contains', values: ['new'] }])).toEqual(['a', 'b']);
    expect(
      await ids([
        { name: 'tags', type: 'list', op: 'contains', values: ['new'] },
        { name: 'level', type: 'number', op: 'range', min: 2, max: null },
      ]),
    ).toEqual(['a']);
  });

  it('applies to the customer base and the customers relation too', async () => {
    const named: NamedFilter[] = [{ name: 'tier', type: 'text', op: 'contains', values: ['gold'] }];
    const base = await query(db, customerBase(scope(named)));
    expect(base.map((r) => String(r.customer_id)).sort()).toEqual(['a', 'c']);
    expect(base.reduce((s, r) => s + Number(r.revenue), 0)).toBe(10 + 30);
    expect((await query(db, scopedCustomers(scope(named)))).map((r) => String(r.customer_id)).sort()).toEqual(['a', 'c']);
  });

  it('binds hostile values', async () => {
    expect(await ids([{ name: "tier') OR 1=1 --", type: 'text', op: 'in', values: ["x' OR '1'='1"] }])).toEqual([]);
  });

  it('an attribute the data lacks keeps nobody and is named as missing (the filter is kept)', async () => {
    const f: NamedFilter[] = [{ name: 'vip_level', type: 'text', op: 'in', values: ['A'] }];
    expect(await ids(f)).toEqual([]);
    expect(missingNamed(f, [{ name: 'tier', type: 'text' }])).toEqual(['vip_level']);
    // the same name with another type is missing too
    expect(missingNamed([{ name: 'tier', type: 'number', op: 'range', min: 1, max: null }], [{ name: 'tier', type: 'text' }])).toEqual([
      'tier',
    ]);
  });

  it('round-trips in the link (fa=); a malformed one is ignored with a warning', () => {
    const s = {
      ...defaultState(),
      page: 'segments' as const,
      namedFilters: [{ name: 'level', type: 'number' as const, op: 'range' as const, min: 2, max: null }],
    };
    expect(parseState(serializeState(s))).toEqual({ state: s, warnings: [] });
    for (const bad of [
      '{',
      '[{"name":"level","type":"number","op":"range","min":null,"max":null}]',
      '[{"name":"level","type":"number","op":"range","min":5,"max":1}]',
      '[{"name":"tier","type":"text","op":"in","values":[]}]',
      '[{"name":"tier","type":"text","op":"sql","values":["x"]}]',
    ]) {
      const r = parseState(`v=1&p=segments&fa=${encodeURIComponent(bad)}`);
      expect(r.state.namedFilters, bad).toEqual([]);
      expect(r.warnings).toEqual([{ key: 'link.named_filters' }]);
    }
    expect(parseNamedFilters([{ name: 'd', type: 'date', op: 'range', min: '2024-02-30', max: null }])).toBeNull();
  });
});
