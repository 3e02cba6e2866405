/**
 * Personas as a segmentation model: every buyer goes to the nearest k-means centroid in
 * standardised feature space. The page clusters (value/personas.ts) and puts the standardiser and
 * the centroids into the parameters, which reach the SQL as bound values; `centroids: null`
 * makes the worker cluster first (workers/analysis-value.ts).
 */
import { type Sql, sql, raw, join } from '../../lib/sql';
import type { ModelContext } from '../types';
import { PERSONA_FEATURES, type PersonaFeature, personaFeatures } from '../value/persona-features';
import { type Model, defineSegments, checkNumber, checkKeyword } from './model';

/** Most personas the page offers. */
export const MAX_PERSONAS = 8;

export interface PersonasParams {
  k: number;
  features: PersonaFeature[];
  /** z-score standardiser per feature (same order as `features`) */
  means: number[] | null;
  sds: number[] | null;
  /** k centroids in standardised units, or null before clustering */
  centroids: number[][] | null;
}

const KEYS = Array.from({ length: MAX_PERSONAS }, (_, i) => `p${i + 1}`);
const ALL = defineSegments('persona', KEYS);

function validate(p: PersonasParams): PersonasParams {
  checkNumber(p.k, 'k', 2, MAX_PERSONAS, true);
  if (!Array.isArray(p.features) || p.features.length === 0 || new Set(p.features).size !== p.features.length) {
    throw new Error(`invalid features: ${JSON.stringify(p.features)}`);
  }
  p.features.forEach((f) => checkKeyword(f, 'feature', PERSONA_FEATURES));
  const n = p.features.length;
  const vec = (v: unknown, name: string, min = -Infinity) => {
    if (!Array.isArray(v) || v.length !== n) throw new Error(`invalid ${name}: ${JSON.stringify(v)}`);
    v.forEach((x) => checkNumber(x, name, min));
  };
  if (p.centroids !== null) {
    vec(p.means, 'means');
    vec(p.sds, 'sds', 0);
    if (!Array.isArray(p.centroids) || p.centroids.length !== p.k) throw new Error('invalid centroids: not k of them');
    p.centroids.forEach((c) => vec(c, 'centroid'));
  }
  return p;
}

export const personas: Model<PersonasParams> = {
  id: 'persona',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  defaults: { k: 4, features: ['recency', 'frequency', 'monetary', 'tenure', 'breadth'], means: null, sds: null, centroids: null },
  segments: (p) => ALL.slice(0, p.k),
  validate,
  fields: [],
  assign(p: PersonasParams, ctx: ModelContext): Sql {
    validate(p);
    if (p.centroids === null || p.means === null || p.sds === null) throw new Error('invalid centroids: not clustered');
    const { means, sds, centroids } = p;
    const z = p.features.map((f, j) => (sds[j]! > 0 ? sql`(${raw(f)} - ${means[j]!}) / ${sds[j]!}` : raw('0.0')));
    const d = centroids.map(
      (c, i) =>
        sql`(${join(
          z.map((zj, j) => sql`pow(${zj} - ${c[j]!}, 2)`),
          ' + ',
        )}) AS ${raw(`d${i + 1}`)}`,
    );
    const least = sql`least(${join(centroids.map((_, i) => raw(`d${i + 1}`)))})`;
    // ties go to the lower index, as in the JS nearest-centroid search
    const whens = centroids.map((_, i) => sql`WHEN ${raw(`d${i + 1}`)} = ${least} THEN ${`p${i + 1}`}`);
    return sql`SELECT customer_id, CASE ${join(whens, ' ')} END AS segment
FROM (SELECT customer_id, ${join(d)} FROM (${personaFeatures(ctx.scope, ctx.base, p.features)}))`;
  },
};
