/**
 * Persona features per buyer, computed by DuckDB: log recency, log frequency, log monetary,
 * tenure, category breadth and (when an event log exists) log event activity. The page
 * standardises them (z-scores over all buyers), clusters a seeded sample with k-means in JS
 * (`personas.ts`), and the persona model assigns every buyer to its nearest centroid in SQL.
 * Discount share is not a feature: the canonical orders carry no discount column.
 */
import { type Sql, sql, raw, join } from '../../lib/sql';
import { type Scope, scopedEvents } from '../scope';

export const PERSONA_FEATURES = ['recency', 'frequency', 'monetary', 'tenure', 'breadth', 'events'] as const;
export type PersonaFeature = (typeof PERSONA_FEATURES)[number];

/** SQL expression of one feature over the customer base row `b` and event counts `e`. */
const EXPR: Record<PersonaFeature, string> = {
  recency: 'ln(1 + b.recency_days)',
  frequency: 'ln(b.orders)',
  monetary: 'ln(1 + greatest(b.revenue, 0))',
  tenure: "date_diff('day', CAST(b.first_ts AS DATE), CAST(? AS DATE))",
  breadth: 'b.categories',
  events: 'ln(1 + coalesce(e.events, 0))',
};

/** The feature expressions, each as a `Sql` (tenure binds the as-of date). */
export function featureExpr(f: PersonaFeature, scope: Scope): Sql {
  return f === 'tenure' ? sql`date_diff('day', CAST(b.first_ts AS DATE), CAST(${scope.asOf} AS DATE))` : raw(EXPR[f]);
}

/**
 * `customer_id, <feature>…` for the buyers of `base`, raw (not standardised). Events are joined
 * only when asked for.
 */
export function personaFeatures(scope: Scope, base: Sql, features: readonly PersonaFeature[]): Sql {
  const cols = features.map((f) => sql`${featureExpr(f, scope)} AS ${raw(f)}`);
  const ev = features.includes('events')
    ? sql`LEFT JOIN (SELECT customer_id, count(*) AS events FROM (${scopedEvents(scope)}) GROUP BY customer_id) e USING (customer_id)`
    : raw('');
  return sql`SELECT b.customer_id, ${join(cols)} FROM ${base} b ${ev} WHERE b.orders > 0`;
}

/** Mean and standard deviation of each feature (one row: `<f>_mean, <f>_sd`). */
export function featureMoments(features: Sql, names: readonly PersonaFeature[]): Sql {
  const cols = names.flatMap((f) => [sql`avg(${raw(f)}) AS ${raw(`${f}_mean`)}`, sql`stddev_pop(${raw(f)}) AS ${raw(`${f}_sd`)}`]);
  return sql`SELECT count(*) AS n, ${join(cols)} FROM (${features})`;
}

/**
 * A reproducible sample of at most `size` rows: ordered by a hash of the customer id, so the same
 * data gives the same sample in every run and browser.
 */
export function featureSample(features: Sql, size: number): Sql {
  return sql`SELECT * FROM (${features}) ORDER BY hash(customer_id), customer_id LIMIT ${size}`;
}
