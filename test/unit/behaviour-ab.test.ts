/**
 * A/B comparison from the canonical tables: groups from the customers' experiment column, outcomes
 * in the window, the comparison and its refusals. Figures by hand and with scipy (quoted).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type OrderFixture, type CustomerFixture } from '../helpers/duckdb';
import { abGroups, abRevenues, abMembers, MAX_GROUPS } from '../../src/analysis/behaviour/ab';
import { compareGroups, type AbGroup } from '../../src/analysis/behaviour/ab-compare';
import { guessMapping } from '../../src/ingest/roles';
import type { Scope } from '../../src/analysis/scope';

const SCOPE: Scope = { asOf: '2024-03-01', from: null, filters: [] };

/*
 * control: 40 customers, 10 bought once for 100 → conversion 0.25, revenue per customer 25
 * treatment: 40 customers, 16 bought once for 62.5 → conversion 0.40, revenue per customer 25
 * one more control customer bought only after the as-of date (outside the window: not converted)
 */
let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await openDb();
  const customers: CustomerFixture[] = [];
  const orders: OrderFixture[] = [];
  for (let i = 0; i < 40; i++) {
    customers.push({ customer_id: `c${i}`, variant: 'control' }, { customer_id: `t${i}`, variant: 'treatment' });
    if (i < 10) orders.push({ customer_id: `c${i}`, order_id: `oc${i}`, ts: '2024-01-10', amount: 100 });
    if (i < 16) orders.push({ customer_id: `t${i}`, order_id: `ot${i}`, ts: '2024-01-11', amount: 62.5 });
  }
  orders.push({ customer_id: 'c39', order_id: 'late', ts: '2024-03-05', amount: 500 });
  customers.push({ customer_id: 'nobody' });
  await load(conn, { customers, orders });
});

const groupsOf = async (scope = SCOPE) =>
  (await query(conn, abGroups(scope))).map((r) => ({
    variant: String(r.variant),
    customers: Number(r.customers),
    converters: Number(r.converters),
    revenue: Number(r.revenue),
    revenue_var: Number(r.revenue_var),
    orders: Number(r.orders),
    orders_var: Number(r.orders_var),
  })) as AbGroup[];

describe('A/B comparison', () => {
  it('groups: 40 and 40 customers, 10 and 16 converters, revenue 1,000 each (the late order and the ungrouped customer left out)', async () => {
    const g = await groupsOf();
    expect(g.map((x) => [x.variant, x.customers, x.converters, x.revenue, x.orders])).toEqual([
      ['control', 40, 10, 1000, 10],
      ['treatment', 40, 16, 1000, 16],
    ]);
  });
  it('lift in conversion, none in revenue (scipy: z 1.4322, p 0.1521; Welch t 0, p 1; SRM p 1)', async () => {
    const g = await groupsOf();
    const revs = new Map<string, number[]>();
    for (const x of g)
      revs.set(
        x.variant,
        (await query(conn, abRevenues(SCOPE, x.variant))).map((r) => Number(r.revenue)),
      );
    const out = compareGroups(g, null, (v) => revs.get(v)!);
    expect(out.control).toBe('control');
    expect(out.issue).toBeNull();
    expect(out.srm?.p).toBeCloseTo(1, 12);
    const c = out.comparisons[0]!;
    expect(c.variant).toBe('treatment');
    expect(c.conversion?.diff).toBeCloseTo(0.15, 12);
    expect(c.conversion?.stat).toBeCloseTo(1.4322297480788657, 10);
    expect(c.conversion?.p).toBeCloseTo(0.15207808079297522, 10);
    expect(c.verdict).toBe('inconclusive');
    expect(c.revenue?.diff).toBeCloseTo(0, 12);
    expect(c.revenue?.p).toBeCloseTo(1, 12);
    expect(c.revenue!.bootLo).toBeLessThan(0);
    expect(c.revenue!.bootHi).toBeGreaterThan(0);
    expect(c.orders?.diff).toBeCloseTo(0.15, 12);
  });
  it('the control can be chosen', async () => {
    const g = await groupsOf();
    const out = compareGroups(g, 'treatment', () => [0, 1]);
    expect(out.control).toBe('treatment');
    expect(out.comparisons[0]?.conversion?.diff).toBeCloseTo(-0.15, 12);
  });
  it('refuses: no group column, one group, too many groups, groups too small', () => {
    const g = (variant: string, customers: number): AbGroup => ({
      variant,
      customers,
      converters: 1,
      revenue: 1,
      revenue_var: 0,
      orders: 1,
      orders_var: 0,
    });
    expect(compareGroups([], null, () => []).issue).toBe('no-variant');
    expect(compareGroups([g('a', 100)], null, () => []).issue).toBe('one-group');
    const many = Array.from({ length: MAX_GROUPS + 1 }, (_, i) => g(`v${i}`, 100));
    expect(compareGroups(many, null, () => []).issue).toBe('too-many');
    const small = compareGroups([g('control', 100), g('b', 5)], null, () => [1]);
    expect(small.comparisons[0]).toMatchObject({ variant: 'b', tooSmall: true, conversion: null });
  });
  it('members of a group: converted first', async () => {
    const rows = await query(conn, abMembers(SCOPE, 'treatment'));
    expect(rows.length).toBe(40);
    expect(rows[0]).toMatchObject({ orders: 1, revenue: 62.5 });
  });
  it('an experiment column is guessed from its header', () => {
    const m = guessMapping({
      name: 'customers.csv',
      table: 'raw_1',
      rows: 2,
      columns: [
        { name: 'customer_id', type: 'VARCHAR', samples: ['1', '2'] },
        { name: 'experiment_group', type: 'VARCHAR', samples: ['control', 'coupon'] },
        { name: 'gender', type: 'VARCHAR', samples: ['F', 'M'] },
      ],
    } as never);
    expect(m.columns.experiment_group).toBe('variant');
  });
});
