/**
 * The overview's memory at 50M order lines, where it ran the tab out of memory after the build: the
 * order count in hash parts of the order id (`keptOrdersSql`), one statement per part, adding up to
 * the headline's `count(DISTINCT order_id)` of kept orders (lines of one order, returns, guest
 * orders); customers without a kept order looked up among return customers only. Under a memory
 * limit (no spilling, as in the tab) that the one-statement forms exceed, the overview's queries fit.
 */
import { describe, it, expect } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDb, load, query, type OrderFixture } from '../../helpers/duckdb';
import { keptOrdersSql, orderIdsHeadSql, orderIdsSql, overviewSql } from '../../../src/ingest/overview';
import { CANONICAL_DDL } from '../../../src/ingest/canonical-parts';

function orders(): OrderFixture[] {
  const out: OrderFixture[] = [];
  for (let i = 0; i < 400; i++) {
    // 1–3 lines per order, a return line now and then, every 9th order a guest's
    for (let l = 0; l <= i % 3; l++) {
      out.push({
        customer_id: i % 9 === 0 ? null : `c${i % 70}`,
        order_id: `o${i}`,
        ts: '2024-05-01',
        amount: 10 + l,
        is_return: i % 11 === 0 && l === 0,
      });
    }
  }
  // an order whose only line is a return is not a kept order
  out.push({ customer_id: 'c1', order_id: 'only-return', ts: '2024-05-02', amount: -3, is_return: true });
  return out;
}

describe('kept orders counted in parts', () => {
  it('add up to the headline’s distinct count, one statement per part', async () => {
    const db = await openDb();
    // the tables the headline reads besides the three the helper makes
    for (const ddl of CANONICAL_DDL.slice(3)) await db.run(ddl);
    const rows = orders();
    await load(db, { orders: rows });
    const [h] = await query(db, overviewSql([]).headline!);
    // 400 orders less the 13 whose one line is a return (i a multiple of 33), less 'only-return'
    expect(h!.orders).toBe(387);
    expect(h!.order_lines).toBe(rows.length);
    for (const per of [rows.length, 300, 100, 7]) {
      const parts = keptOrdersSql(rows.length, per);
      expect(parts.length).toBe(Math.ceil(rows.length / per));
      if (parts.length > 1) parts.forEach((p, i) => expect(p).toContain(`hash(order_id) % ${parts.length} = ${i}`));
      let n = 0;
      for (const p of parts) n += Number((await query(db, p))[0]!.n);
      expect(n, `${per} lines a part`).toBe(h!.orders);
    }
    // the worker's headline leaves the count to the parts
    const [w] = await query(db, overviewSql([], false).headline!);
    expect(w!.orders).toBeNull();
    expect({ ...w, orders: h!.orders }).toEqual(h);
  });

  it('fit a memory limit that the distinct count over every order id and the EXCEPT over every kept row exceed', async () => {
    // 800,000 order lines, each its own order, of 100,000 customers, compressed as the app keeps big
    // loads; the 100 customers C0, C1000 … have only return rows
    const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
    const db = await inst.connect();
    await db.run(`ATTACH ':memory:' AS store (COMPRESS)`);
    await db.run('USE store');
    for (const ddl of CANONICAL_DDL) await db.run(ddl);
    await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, category, is_return, source)
      SELECT 'C' || (i % 100000), 'O' || (1000000 + i), TIMESTAMP '2024-01-01' + INTERVAL (i % 170) DAY, (i % 97) + 0.5,
        'k' || (i % 5), i % 1000 = 0, 'gen' FROM range(800000) t(i)`);
    await db.run(`INSERT INTO customers (customer_id, has_profile) SELECT DISTINCT customer_id, false FROM orders`);
    await db.run('CHECKPOINT store');
    // measured: the one-statement forms need 48–64 MB here, the parts and the return-customer lookup under 24 MB
    await db.run(`SET temp_directory = ''`);
    await db.run(`SET memory_limit = '40MB'`);
    await expect(query(db, 'SELECT count(DISTINCT order_id) FROM orders WHERE NOT is_return')).rejects.toThrow(/out of memory/i);
    const q = overviewSql([], false);
    const [h] = await query(db, q.headline!);
    let orders = 0;
    for (const p of keptOrdersSql(Number(h!.order_lines), 100_000)) orders += Number((await query(db, p))[0]!.n);
    expect({ orders, buyers: h!.buyers, noKept: h!.no_kept_order }).toEqual({ orders: 799_200, buyers: 99_900, noKept: 100 });
    const list = await query(db, q.noKeptOrder!);
    expect(list.length).toBe(100);
    expect(list[0]).toMatchObject({ customer_id: 'C0', return_rows: 8 });
    // every line its own order: the one-row-per-order check fits too, and its kept ids are the count
    let ids = 0;
    let distinct = 0;
    let kept = 0;
    for (const p of orderIdsSql(Number(h!.order_lines), 100_000)) {
      const [r] = await query(db, p);
      ids += Number(r!.ids);
      distinct += Number(r!.distinct_ids);
      kept += Number(r!.kept_ids);
    }
    expect({ ids, distinct, kept }).toEqual({ ids: 800_000, distinct: 800_000, kept: 799_200 });
  }, 180_000);
});

describe('the one-row-per-order check', () => {
  const sums = async (db: Awaited<ReturnType<typeof openDb>>, lines: number, per: number) => {
    const out = { ids: 0, distinct_ids: 0, kept_ids: 0 };
    for (const p of orderIdsSql(lines, per)) {
      const [r] = await query(db, p);
      for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += Number(r![k]);
    }
    return out;
  };

  it('finds repeated ids (lines of one order) in the head and over the whole table, in any number of parts', async () => {
    const db = await openDb();
    const rows = orders();
    await load(db, { orders: rows });
    const [head] = await query(db, orderIdsHeadSql());
    expect(Number(head!.ids)).toBeGreaterThan(Number(head!.distinct_ids));
    for (const per of [rows.length, 100, 7]) {
      const s = await sums(db, rows.length, per);
      expect(s.ids).toBe(rows.length);
      expect(s.distinct_ids).toBe(401);
    }
  });

  it('with no repeated id, the kept ids are the distinct kept orders the headline counts, in any number of parts', async () => {
    const db = await openDb();
    for (const ddl of CANONICAL_DDL.slice(3)) await db.run(ddl);
    // one line per order, returns and guests among them
    const rows: OrderFixture[] = Array.from({ length: 300 }, (_, i) => ({
      customer_id: i % 9 === 0 ? null : `c${i % 70}`,
      order_id: `o${i}`,
      ts: '2024-05-01',
      amount: 10,
      is_return: i % 11 === 0,
    }));
    await load(db, { orders: rows });
    const [h] = await query(db, overviewSql([]).headline!);
    const [head] = await query(db, orderIdsHeadSql());
    expect(Number(head!.ids)).toBe(Number(head!.distinct_ids));
    for (const per of [300, 100, 7]) {
      const s = await sums(db, rows.length, per);
      expect(s).toEqual({ ids: 300, distinct_ids: 300, kept_ids: h!.orders });
    }
    expect(h!.orders).toBe(300 - 28);
  });
});
