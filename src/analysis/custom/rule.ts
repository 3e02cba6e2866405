/**
 * The rule of a custom segment: conditions combined with AND/OR and one level of groups, as plain
 * data (it travels in the URL and in localStorage) with one valibot schema. `compile.ts` turns a
 * rule into SQL; nothing here knows SQL.
 */
import * as v from 'valibot';
import { isModelId, type ModelId } from '../segmentation';
import { ATTRIBUTES } from '../attributes';
import { isIsoDate } from '../../lib/dates';

/** Per-customer numbers a metric condition compares (the customer base's columns, plus tenure). */
export const METRICS = ['revenue', 'orders', 'aov', 'recency_days', 'tenure_days'] as const;
export type Metric = (typeof METRICS)[number];
/** Metrics that can be counted over the last d days only (from the scoped orders). */
export const WINDOWED_METRICS: readonly Metric[] = ['revenue', 'orders'];
/** Per-customer dates a date condition compares. */
export const DATE_FIELDS = ['first_order', 'last_order'] as const;
export type DateField = (typeof DATE_FIELDS)[number];

export const NUMBER_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type NumberOp = (typeof NUMBER_OPS)[number];
export const DATE_OPS = ['before', 'on_or_after'] as const;
export type DateOp = (typeof DATE_OPS)[number];
export const TEXT_OPS = ['in', 'not_in', 'contains', 'empty', 'not_empty'] as const;
export type TextOp = (typeof TEXT_OPS)[number];

/** Types of a named attribute (a customers-file column the mapping knows no role for). */
export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'list'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** Profile attributes held in the customer base (`age` as a number, the rest as text). */
export const BUILTIN_ATTRIBUTES = [...ATTRIBUTES.map((a) => a.key), 'age', 'top_category'] as const;

export type Condition =
  /** a per-customer number; `days`: revenue / orders of the last d days only */
  | { kind: 'metric'; metric: Metric; op: NumberOp; value: number; days: number | null }
  | { kind: 'date'; field: DateField; op: DateOp; value: string }
  /** did (or did not) do an event type at least `atLeast` times, in the last `days` days (null: in scope) */
  | { kind: 'event'; event: string; did: boolean; atLeast: number; days: number | null }
  /** bought (or not) one of these categories or products, in the last `days` days */
  | { kind: 'bought'; what: 'category' | 'product'; values: string[]; did: boolean; days: number | null }
  /**
   * a profile attribute: a built-in one (`builtin`: the base's column) or a named attribute of the
   * customers file. Text ops for text, number ops for number, date ops for date, `in`/`not_in`
   * (has any of) and `empty`/`not_empty` for list.
   */
  | {
      kind: 'attribute';
      name: string;
      builtin: boolean;
      type: AttributeType;
      op: TextOp | NumberOp | DateOp;
      values: string[];
    }
  /** in (or not in) one of these segments of a model (its parameters from the page; defaults otherwise) */
  | { kind: 'segment'; model: ModelId; segments: string[]; not: boolean };

export type Match = 'all' | 'any';
export interface Group {
  kind: 'group';
  match: Match;
  conditions: Condition[];
}
export interface Rule {
  match: Match;
  items: (Condition | Group)[];
}

/** A saved, named custom segment. `id` is its stable segment key (ASCII). */
export interface SavedSegment {
  id: string;
  name: string;
  rule: Rule;
}

/** Limits that keep a rule (and the link that carries it) small. */
export const MAX_ITEMS = 20;
export const MAX_SEGMENTS = 20;
const MAX_DAYS = 36_500;

const Text = v.pipe(
  v.string(),
  v.maxLength(200),
  v.check((s) => !s.includes('\0')),
);
const Values = v.pipe(v.array(Text), v.maxLength(200));
const Days = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DAYS)));
const Finite = v.pipe(
  v.number(),
  v.check((n) => Number.isFinite(n)),
);

const ConditionSchema = v.variant('kind', [
  v.object({ kind: v.literal('metric'), metric: v.picklist(METRICS), op: v.picklist(NUMBER_OPS), value: Finite, days: Days }),
  v.object({
    kind: v.literal('date'),
    field: v.picklist(DATE_FIELDS),
    op: v.picklist(DATE_OPS),
    value: v.pipe(
      v.string(),
      v.check((s) => isIsoDate(s)),
    ),
  }),
  v.object({
    kind: v.literal('event'),
    event: Text,
    did: v.boolean(),
    atLeast: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
    days: Days,
  }),
  v.object({ kind: v.literal('bought'), what: v.picklist(['category', 'product']), values: Values, did: v.boolean(), days: Days }),
  v.pipe(
    v.object({
      kind: v.literal('attribute'),
      name: v.pipe(Text, v.minLength(1)),
      builtin: v.boolean(),
      type: v.picklist(ATTRIBUTE_TYPES),
      op: v.picklist([...new Set([...TEXT_OPS, ...NUMBER_OPS, ...DATE_OPS])]),
      values: Values,
    }),
    v.check((c) => !c.builtin || (BUILTIN_ATTRIBUTES as readonly string[]).includes(c.name), 'unknown built-in attribute'),
    v.check((c) => opsFor(c.type).includes(c.op as never), 'operator does not fit the attribute type'),
  ),
  v.object({
    kind: v.literal('segment'),
    model: v.custom<ModelId>((x) => isModelId(x)),
    segments: Values,
    not: v.boolean(),
  }),
]);

const GroupSchema = v.object({
  kind: v.literal('group'),
  match: v.picklist(['all', 'any']),
  conditions: v.pipe(v.array(ConditionSchema), v.maxLength(MAX_ITEMS)),
});

export const RuleSchema = v.object({
  match: v.picklist(['all', 'any']),
  items: v.pipe(v.array(v.union([GroupSchema, ConditionSchema])), v.maxLength(MAX_ITEMS)),
});

export const SavedSegmentSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,40}$/)),
  name: Text,
  rule: RuleSchema,
});

/** Operators that fit an attribute type. */
export function opsFor(type: AttributeType): readonly string[] {
  if (type === 'number') return [...NUMBER_OPS, 'empty', 'not_empty'];
  if (type === 'date') return [...DATE_OPS, 'empty', 'not_empty'];
  if (type === 'list') return ['in', 'not_in', 'empty', 'not_empty'];
  return TEXT_OPS;
}

/** Every condition of a rule, groups flattened. */
export function conditionsOf(rule: Rule): Condition[] {
  return rule.items.flatMap((i) => (i.kind === 'group' ? i.conditions : [i]));
}

/** Named (non built-in) attributes a rule refers to, so a caller can say which are missing. */
export function referencedAttributes(rule: Rule): string[] {
  return [...new Set(conditionsOf(rule).flatMap((c) => (c.kind === 'attribute' && !c.builtin ? [c.name] : [])))];
}

/** Why a rule cannot be used (a short `code`), or null: a rule needs at least one condition. */
export function ruleProblem(rule: Rule): 'empty-rule' | 'empty-group' | null {
  if (rule.items.length === 0) return 'empty-rule';
  if (rule.items.some((i) => i.kind === 'group' && i.conditions.length === 0)) return 'empty-group';
  return null;
}

/**
 * Why a segment name is refused, or null. A name is shown in the page and written into CSV files
 * and spreadsheets, so markup (`<`, `>`) and a leading formula character (`=`, `+`, `-`, `@`, tab,
 * carriage return) are refused rather than silently changed.
 */
export function nameProblem(name: string): 'name-empty' | 'name-markup' | 'name-formula' | 'name-long' | null {
  const n = name.trim();
  if (n.length === 0) return 'name-empty';
  if (n.length > 60) return 'name-long';
  if (/[<>]/.test(n)) return 'name-markup';
  if (/^[=+\-@\t\r]/.test(n)) return 'name-formula';
  return null;
}

/** Parse saved segments (URL or storage): valid ones kept, the rest counted as `dropped`. */
export function parseSavedSegments(input: unknown): { segments: SavedSegment[]; dropped: number } {
  if (!Array.isArray(input)) return { segments: [], dropped: input === undefined ? 0 : 1 };
  const segments: SavedSegment[] = [];
  let dropped = 0;
  for (const x of input.slice(0, MAX_SEGMENTS)) {
    const r = v.safeParse(SavedSegmentSchema, x);
    if (r.success && nameProblem(r.output.name) === null && !segments.some((s) => s.id === r.output.id))
      segments.push(r.output as SavedSegment);
    else dropped++;
  }
  return { segments, dropped: dropped + Math.max(0, input.length - MAX_SEGMENTS) };
}

/** A fresh segment id, not among `taken`. */
export function newSegmentId(taken: readonly string[]): string {
  for (let i = 1; ; i++) {
    const id = `c${i}`;
    if (!taken.includes(id)) return id;
  }
}
