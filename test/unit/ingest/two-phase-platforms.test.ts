/**
 * Platform layouts through the two-phase path (`__stage` is a view over the re-read file): files
 * whose continuation rows inherit their order's columns materialise the stage under their own name,
 * so a view and a table never share a name, and nothing named `__stage*` is left after a build.
 * Expected figures are the hand-worked ones of test/fixtures/platforms/README.md (also asserted
 * on raw tables in platforms.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { guessMapping } from '../../../src/ingest/roles';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';

const DIR = resolve(import.meta.dirname, '../../fixtures/platforms');

async function one(conn: DuckDBConnection, q: string): Promise<unknown> {
  return Object.values((await query(conn, q))[0] ?? {})[0];
}

/** Objects whose name starts with `__stage` (views and tables, temporary or not). */
async function stageObjects(conn: DuckDBConnection): Promise<unknown> {
  return one(
    conn,
    `SELECT count(*) FROM (SELECT view_name AS n FROM duckdb_views() UNION ALL SELECT table_name FROM duckdb_tables()) WHERE n LIKE '\\_\\_stage%' ESCAPE '\\'`,
  );
}

async function buildAll(conn: DuckDBConnection, files: RawFile[], mappings: FileMapping[]): Promise<void> {
  const { statements, issues } = buildCanonical(files, mappings, DEFAULT_REFUND_RULE);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await conn.run(s);
}

describe('two-phase ingest of platform layouts', () => {
  it('order-total files (Shopify, WooCommerce, JD) between plain files: figures as hand-worked, no __stage object left, rebuild works', async () => {
    const conn = await openEmptyDb();
    // orderLevel, plain customers, orderLevel, plain orders, orderLevel: view → table → view … in one build
    const names = ['shopify-orders.csv', 'shopify-customers.csv', 'woocommerce-orders.csv', 'etsy-sold-orders.csv', 'jd-orders.csv'];
    const files: RawFile[] = [];
    for (const [i, n] of names.entries()) files.push(await loadTwoPhase(conn, `${DIR}/${n}`, i + 1, n));
    expect(files.every((f) => f.source)).toBe(true);
    const mappings = files.map(guessMapping);
    expect(mappings.map((m) => Boolean(m.orderLevel))).toEqual([true, false, true, false, true]);
    await buildAll(conn, files, mappings);
    expect(await stageObjects(conn)).toBe(0);
    // per file: README figures (buyers, orders, revenue) — Shopify 2/4/245, WooCommerce 2/2/77, Etsy 2/3/60.49, JD 2/3/293
    const per = await query(
      conn,
      `SELECT source, count(DISTINCT customer_id) FILTER (WHERE NOT is_return) AS buyers,
        count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders, round(sum(amount), 2) AS revenue
       FROM orders GROUP BY source ORDER BY source`,
    );
    expect(per.map((r) => [r.source, Number(r.buyers), Number(r.orders), Number(r.revenue)])).toEqual([
      ['etsy-sold-orders.csv', 2, 3, 60.49],
      ['jd-orders.csv', 2, 3, 293],
      ['shopify-orders.csv', 2, 4, 245],
      ['woocommerce-orders.csv', 2, 2, 77],
    ]);
    // Shopify #1007: a continuation row inherited status and the total counts once
    expect(await one(conn, "SELECT count(*) FROM orders WHERE order_id = '#1007' AND status = 'paid'")).toBe(3);
    expect(await one(conn, "SELECT sum(amount) FROM orders WHERE order_id = '#1007'")).toBe(100);
    expect(await one(conn, 'SELECT count(*) FROM rejects')).toBe(0);
    const before = await one(conn, 'SELECT count(*) FROM orders');
    // a mapping change rebuilds on the same connection: the same tables again
    await buildAll(conn, files, mappings);
    expect(await one(conn, 'SELECT count(*) FROM orders')).toBe(before);
    expect(await stageObjects(conn)).toBe(0);
  });
});
