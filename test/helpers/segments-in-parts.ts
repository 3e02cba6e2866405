/**
 * The worker's Segments request (RFM 11 with its defaults) on a fresh native database holding `data`,
 * with the part size set to `partRows` order lines for that request only: the tests of the customer
 * base, the ranks and the breakdown in parts compare one statement (a large size) with parts.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { openDb, load } from './duckdb';
import { nativeEngine } from './native-engine';
import { analysisApi } from '../../workers/analysis';
import { dropBases } from '../../workers/query-runner';
import { setPartRows } from '../../workers/cache-db';
import { MODELS } from '../../src/analysis/segmentation';
import { CANONICAL_DDL } from '../../src/ingest/canonical-parts';
import type { Scope } from '../../src/analysis/types';
import type { SegmentsResult } from '../../src/atlas-api';
import type { Db } from '../../workers/duckdb';

export async function segmentsInParts(
  data: Parameters<typeof load>[1],
  scope: Scope,
  partRows: number,
  slot: string,
): Promise<{ conn: DuckDBConnection; log: string[]; result: SegmentsResult }> {
  const conn = await openDb();
  await load(conn, data);
  const engine = nativeEngine(conn);
  const api = analysisApi(
    async () => engine as unknown as Db,
    () => 1,
  );
  await dropBases(engine);
  const was = setPartRows(partRows);
  try {
    const r = await api.segments({ scope, model: 'rfm11', params: structuredClone(MODELS.rfm11.defaults), crosstab: null }, slot);
    if (!r.ok) throw new Error(r.error.message);
    return { conn, log: engine.log, result: r.value };
  } finally {
    setPartRows(was);
  }
}

/**
 * A native database (one thread) whose canonical tables live in a compressed in-memory store, as
 * the app keeps big loads: 800,000 order lines, each its own order, of `customers` customers over
 * 170 days, with the amount `amount` of line `i`. For tests that set a memory limit.
 */
export async function compressedOrders(customers: number, amount: string): Promise<DuckDBConnection> {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await inst.connect();
  await db.run(`ATTACH ':memory:' AS store (COMPRESS)`);
  await db.run('USE store');
  for (const ddl of CANONICAL_DDL.slice(0, 3)) await db.run(ddl);
  await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, category, is_return, source)
    SELECT 'C' || (i % ${customers}), 'O' || (1000000 + i), TIMESTAMP '2024-01-01' + INTERVAL (i % 170) DAY, ${amount},
      'k' || (i % 5), false, 'gen' FROM range(800000) t(i)`);
  await db.run(`INSERT INTO customers (customer_id, has_profile) SELECT DISTINCT customer_id, false FROM orders`);
  return db;
}
