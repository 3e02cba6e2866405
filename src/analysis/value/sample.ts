/**
 * The deterministic fit sample: above `FIT_SAMPLE` customers the BG/NBD and Gamma-Gamma models are
 * fitted on the customers with the smallest DuckDB `hash(customer_id)` (ties by id), and everyone
 * is then scored with the fitted parameters in SQL (`predict-sql.ts`). The same data and DuckDB
 * version give the same sample, so a fit is reproducible and a share link shows the same numbers.
 */
import { type Sql, sql } from '../../lib/sql';

/**
 * Customers the models are fitted on. At 100,000 the fit's sampling error is small next to the
 * model's own (test `value/sample.test.ts`), and the fit takes a few seconds in the browser.
 */
export const FIT_SAMPLE = 100_000;

/** `size` customers of `summary` (a relation with `customer_id`), picked by hash; all of them when fewer. */
export function fitSample(summary: Sql, size: number = FIT_SAMPLE): Sql {
  if (!Number.isInteger(size) || size < 1) throw new Error(`invalid sample size: ${size}`);
  return sql`SELECT * FROM (${summary}) ORDER BY hash(customer_id), customer_id LIMIT ${size}`;
}
