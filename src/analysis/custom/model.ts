/**
 * The "Custom" segmentation model: the user's saved segments, registered like a built-in model so
 * breakdown, cross-tab, migration, lifecycle splits, members and export work on them. Unlike the
 * built-in models it is not a partition: a customer is in every saved segment whose rule matches
 * (one assignment row per customer and segment), and in none when no rule matches.
 */
import { type Sql, sql, join } from '../../lib/sql';
import type { ModelContext, SegmentDef } from '../types';
import { type Model, PALETTE, GREY } from '../segmentation/model';
import type { ModelId } from '../segmentation';
import { parseSavedSegments, type SavedSegment } from './rule';
import { ruleExpr, referencedModels } from './compile';

export interface CustomParams {
  segments: SavedSegment[];
  /**
   * Parameters of the models the rules' "in segment" conditions name (the worker fills in fitted
   * parameters for value models); a model not listed uses its defaults. Never in a link.
   */
  resolved?: Partial<Record<ModelId, unknown>>;
}

function validate(p: CustomParams): CustomParams {
  const { segments, dropped } = parseSavedSegments(p.segments);
  if (dropped > 0) throw new Error(`invalid custom segments: ${dropped} not readable`);
  if (segments.some((s) => s.rule.items.length === 0)) throw new Error('invalid rule: no conditions');
  return { segments, resolved: p.resolved ?? {} };
}

/** Segment definitions: the saved segments in their order, labelled with their names. */
export function customDefs(segments: readonly SavedSegment[]): SegmentDef[] {
  return segments.map((s, i) => ({ key: s.id, label: s.name, color: PALETTE[i % PALETTE.length] ?? GREY }));
}

/**
 * The model registry, handed over by `segmentation/index.ts` once it is built (importing it here
 * would be a cycle: the registry lists this model).
 */
let registry: Readonly<Record<string, Model<unknown>>> = {};
export function bindRegistry(models: Readonly<Record<string, Model<unknown>>>): void {
  registry = models;
}

/** SELECT customer_id, segment for one model, with the parameters `resolved` holds (else its defaults). */
export function assignmentOf(id: ModelId, resolved: CustomParams['resolved'], ctx: ModelContext): Sql {
  if (id === 'custom') throw new Error('invalid rule: a custom segment cannot refer to the custom model');
  const m = registry[id];
  if (!m) throw new Error(`invalid model: ${id}`);
  return sql`SELECT customer_id, segment FROM (${m.assign(resolved?.[id] ?? m.defaults, ctx)})`;
}

/** Models that every saved segment's rules refer to (the worker resolves fitted ones first). */
export function customReferences(p: CustomParams): ModelId[] {
  return [...new Set(p.segments.flatMap((s) => referencedModels(s.rule)))];
}

export const custom: Model<CustomParams> = {
  id: 'custom',
  universe: 'all',
  dynamic: false,
  scored: false,
  overlapping: true,
  defaults: { segments: [] },
  segments: (p) => customDefs(p.segments),
  validate,
  fields: [],
  assign(p: CustomParams, ctx: ModelContext): Sql {
    const { segments, resolved } = validate(p);
    if (segments.length === 0) return sql`SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS segment WHERE false`;
    const env = { scope: ctx.scope, base: ctx.base, segmentOf: (id: ModelId) => assignmentOf(id, resolved, ctx) };
    return join(
      segments.map((s) => sql`SELECT b.customer_id, ${s.id} AS segment FROM ${ctx.base} b WHERE ${ruleExpr(s.rule, env)}`),
      ' UNION ALL ',
    );
  },
};
