/** Shared helpers for the segmentation tests: load fixtures, materialise the base, read segments. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { raw, inline } from '../../../src/lib/sql';
import { openDb, query, load, type OrderFixture, type EventFixture, type CustomerFixture } from '../../helpers/duckdb';
import { customerBase } from '../../../src/analysis/customer-base';
import type { ModelContext, Scope } from '../../../src/analysis/types';
import type { Model } from '../../../src/analysis/segmentation/model';

export const scopeOf = (asOf: string, from: string | null = null, filters: Scope['filters'] = []): Scope => ({ asOf, from, filters });

/** Open a DB with the fixtures and the customer base materialised as temp table `base`. */
export async function setup(
  data: { orders?: OrderFixture[]; events?: EventFixture[]; customers?: CustomerFixture[] },
  scope: Scope,
): Promise<{ db: DuckDBConnection; ctx: ModelContext }> {
  const db = await openDb();
  await load(db, data);
  await db.run(`CREATE TEMP TABLE base AS ${inline(customerBase(scope))}`);
  return { db, ctx: { scope, base: raw('base') } };
}

/** customer_id → segment, checking there is exactly one row per customer. */
export async function segmentsOf<P>(
  db: DuckDBConnection,
  model: Model<P>,
  params: NoInfer<P>,
  ctx: ModelContext,
): Promise<Record<string, string>> {
  const rows = await query(db, model.assign(params, ctx));
  const out: Record<string, string> = {};
  for (const r of rows) {
    const id = String(r.customer_id);
    if (id in out) throw new Error(`customer ${id} assigned twice`);
    out[id] = String(r.segment);
  }
  return out;
}

/** `n` orders for one customer: the last `daysBefore` days before `asOf`, the rest one day apart before it, summing to `total`. */
export function ordersFor(customer: string, asOf: string, daysBefore: number, n: number, total: number): OrderFixture[] {
  const day = (d: number) => new Date(Date.parse(`${asOf}T00:00:00Z`) - d * 86_400_000).toISOString().slice(0, 10);
  const out: OrderFixture[] = [];
  for (let k = n - 1; k >= 1; k--) out.push({ customer_id: customer, order_id: `${customer}-${k}`, ts: day(daysBefore + k), amount: 1 });
  out.push({ customer_id: customer, order_id: `${customer}-0`, ts: day(daysBefore), amount: total - (n - 1) });
  return out;
}
