/**
 * Demographic segments: one customer attribute as the segment, `unknown` when missing. Keys come
 * from the data (dynamic), except age bands computed from ages with the editable band bounds.
 */
import { type Sql, sql, ident, join } from '../../lib/sql';
import type { ModelContext, SegmentDef } from '../types';
import { type Model, GREY, checkAscending, checkKeyword, dataSegment, orderSegmentKeys } from './model';
import { DEMOGRAPHIC_DIMENSIONS, type Attribute } from '../attributes';
import type { ParamField } from './editor';

export { DEMOGRAPHIC_DIMENSIONS };
export type DemographicDimension = Attribute;

export interface DemographicsParams {
  dimension: DemographicDimension;
  /** `all`: every customer in scope; `buyers`: customers with an order in scope. */
  universe: 'all' | 'buyers';
  /** Lower bounds of the age bands, ascending integers: [15, 25, 35, 45, 55] → <15, 15-24 … 55+. */
  ageBands: number[];
}

/** Band labels for the bounds: `<b0`, `b0-(b1-1)`, …, `bn+`. */
export function ageBandLabels(bounds: readonly number[]): string[] {
  const out = [`<${bounds[0] ?? 0}`];
  bounds.forEach((b, i) => {
    const next = bounds[i + 1];
    out.push(next === undefined ? `${b}+` : `${b}-${next - 1}`);
  });
  return out;
}

/** Age band of `age` for the bounds; the band as written in the profile wins (customers.age_band). */
function ageBand(bounds: readonly number[]): Sql {
  const labels = ageBandLabels(bounds);
  const whens = bounds.map((b, i) => sql`WHEN b.age < ${b} THEN ${labels[i] ?? ''}`);
  return sql`coalesce(cu.age_band, CASE WHEN b.age IS NULL THEN NULL ${join(whens, ' ')} ELSE ${labels[labels.length - 1] ?? ''} END)`;
}

function validate(p: DemographicsParams): DemographicsParams {
  checkKeyword(p.dimension, 'dimension', DEMOGRAPHIC_DIMENSIONS);
  checkKeyword(p.universe, 'universe', ['all', 'buyers']);
  const b = checkAscending(p.ageBands, 'age bands', undefined, 0);
  if (b.length === 0 || b.some((x) => !Number.isInteger(x))) throw new Error('invalid age bands: need ascending integers');
  return p;
}

export const demographics: Model<DemographicsParams> = {
  id: 'demographics',
  /** `params.universe` narrows this to buyers. */
  universe: 'all',
  dynamic: true,
  scored: false,
  measured: true,
  defaults: { dimension: 'age_band', universe: 'all', ageBands: [15, 25, 35, 45, 55] },
  segments(p: DemographicsParams): SegmentDef[] {
    const bands = p.dimension === 'age_band' ? ageBandLabels(p.ageBands).map(dataSegment) : [];
    return [...bands, { key: 'unknown', label: 'seg.unknown', color: GREY }];
  },
  orderKeys: orderSegmentKeys,
  validate,
  fields: [
    {
      kind: 'choice',
      path: 'dimension',
      label: 'seg.param.dimension',
      testid: 'demo-dimension',
      options: DEMOGRAPHIC_DIMENSIONS.map((d) => ({ value: d, label: `field.${d}` })),
    },
    { kind: 'list', path: 'ageBands', label: 'seg.param.ageBands', size: 16, when: (p) => p.dimension === 'age_band' },
    {
      kind: 'choice',
      path: 'universe',
      label: 'seg.param.universe',
      options: [
        { value: 'all', label: 'seg.param.universe.all' },
        { value: 'buyers', label: 'seg.param.universe.buyers' },
      ],
    },
  ] satisfies ParamField<DemographicsParams>[],
  assign(p: DemographicsParams, ctx: ModelContext): Sql {
    validate(p);
    const v = p.dimension === 'age_band' ? ageBand(p.ageBands) : sql`b.${ident(p.dimension)}`;
    const where = p.universe === 'buyers' ? sql` WHERE b.orders > 0` : sql``;
    return sql`SELECT b.customer_id, coalesce(nullif(trim(CAST(${v} AS VARCHAR)), ''), 'unknown') AS segment,
  b.revenue, b.orders, b.recency_days
FROM ${ctx.base} b LEFT JOIN customers cu ON cu.customer_id = b.customer_id${where}`;
  },
};
