/**
 * The breakdown (`breakdown.ts`) in customer parts, for a base built in parts (`parts.ts`): in one
 * statement a model that does not carry its measures (`measured`) joins every assigned customer
 * with the base at once (+0.76 GB at 50M order lines natively, the Segments request's highest point
 * once the ranks were written in parts). Each part reads only its customers and keeps counts per
 * segment and recency day; one last statement sums them, with the median recency found in the
 * counts. Only for an assignment that is a projection per customer (read from cached RFM ranks), so
 * a part's assignment is its customers' rows.
 */
import { type Sql, sql } from '../lib/sql';
import type { ModelContext } from './types';
import type { Model } from './segmentation/model';
import { tableInPart, type Part, type PartReader } from './parts';
import { dayCounts, fromCounts } from './breakdown';

/** `ctx` narrowed to the customers of part `p`: its base and its ranks, each read by `read`. */
export function partContext(ctx: ModelContext, p: Part, read: PartReader = tableInPart): ModelContext {
  if (p.count <= 1) return ctx;
  return {
    ...ctx,
    base: read(ctx.base, p),
    // OFFSET 0 keeps the part's filter under the assignment: without it DuckDB applies the filter
    // above the assignment's projection, and every part scores every customer
    ...(ctx.ranks ? { ranks: sql`(SELECT * FROM ${read(ctx.ranks, p)} OFFSET 0)` } : {}),
  };
}

/**
 * One part's counts: SELECT segment, recency_days, customers, revenue, orders — per segment and
 * recency day (NULL for customers without a sale) of the customers of `ctx` (`partContext`).
 */
export function breakdownPart<P>(model: Model<P>, params: P, ctx: ModelContext): Sql {
  if (model.overlapping) throw new Error('invalid breakdown part: overlapping segments');
  return sql`WITH a AS (${model.assign(params, ctx)})
${dayCounts(model, ctx)}`;
}

/**
 * The `breakdown` rows from the parts' counts `counts` (`breakdownPart` rows of every part), the
 * median recency found in the counts (`fromCounts`). Sums of revenue are added in another order
 * than in one statement, so shares may differ in the last bits.
 */
export function breakdownFromParts<P>(model: Model<P>, params: P, counts: Sql): Sql {
  return sql`WITH c AS (SELECT * FROM ${counts}),
${fromCounts(model, params)}`;
}
