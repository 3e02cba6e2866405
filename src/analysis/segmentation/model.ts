/**
 * What every segmentation model shares: the extended model contract, colours, parameter checks and
 * the ordinal sort used for data-driven segment keys (`19-24`, `Under 15K`, `250K+`).
 */
import type { Sql } from '../../lib/sql';
import type { ModelContext, SegmentDef, SegmentModel } from '../types';
import type { ParamField } from './editor';

/** Companion outputs a model can declare; the worker computes each in the same request. */
export type ExtraKey = 'grid' | 'affinity';

/** A segmentation model with the extras the breakdown, members list and UI need. */
export interface Model<P> extends SegmentModel<P> {
  /**
   * True when segment keys come from the data (demographics, interest): `segments()` then lists
   * only the fixed keys (`unknown`, `other`), and data keys are ordered by `orderSegmentKeys`.
   */
  dynamic: boolean;
  /** True when `assign()` also returns `r_score`, `f_score`, `m_score`. */
  scored: boolean;
  /**
   * True when `assign()` also returns each customer's `revenue`, `orders` and `recency_days` as the
   * customer base has them, one row per customer: the breakdown then reads them from the assignment
   * and joins nothing on the customer id (`breakdown.ts`).
   */
  measured?: boolean;
  /**
   * True when a customer can be in several segments (the Custom model's saved segments): the
   * assignment has one row per customer and segment, and shares are of every customer in scope.
   */
  overlapping?: boolean;
  /** Display order of data-driven keys (dynamic models); absent for static models. */
  orderKeys?(keys: readonly string[]): string[];
  /** Throws a short `invalid <name>: <value>` error unless the parameters are usable; returns them. */
  validate(params: P): P;
  /** The parameter editor's fields, in order. */
  fields: readonly ParamField<P>[];
  /**
   * Companion outputs (R × F grid, category affinity …): SQL over `assigned`, a SELECT of this
   * model's assignment (computed once per request).
   */
  extras?: { [K in ExtraKey]?: (params: P, ctx: ModelContext, assigned: Sql) => Sql };
}

/** The model with its assignment read from an already computed one (`assigned`: a SELECT). */
export function assignedModel<P>(m: Model<P>, assigned: Sql): Model<P> {
  return { ...m, assign: () => assigned };
}

/** Chart palette (Tableau 10 + 2); a static segment's colour is the palette entry at its position. */
export const PALETTE = [
  '#4e79a7',
  '#59a14f',
  '#f28e2b',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#e15759',
  '#bab0ac',
  '#86bcb6',
  '#d37295',
] as const;
/** Colour of the fallback / unknown / other segments. */
export const GREY = '#bab0ac';

/** Build static segment definitions from keys, in order, with labels `seg.<model>.<key>`. */
export function defineSegments(model: string, keys: readonly string[], colors?: readonly string[]): SegmentDef[] {
  return keys.map((key, i) => ({ key, label: `seg.${model}.${key}`, color: colors?.[i] ?? PALETTE[i % PALETTE.length] ?? GREY }));
}

/** A segment whose key came from the data: the label is the value itself (no i18n key). */
export function dataSegment(key: string, index: number): SegmentDef {
  return { key, label: key, color: PALETTE[index % PALETTE.length] ?? GREY };
}

/** Throws `invalid <name>: <value>` unless `v` is a finite number in [min, max] (and an integer if asked). */
export function checkNumber(v: unknown, name: string, min = -Infinity, max = Infinity, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(`invalid ${name}: ${String(v)}`);
  }
  return v;
}

/** Throws unless `v` is one of `allowed`. */
export function checkKeyword<T extends string>(v: unknown, name: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Error(`invalid ${name}: ${String(v)}`);
  return v as T;
}

/** Throws unless `xs` is a list of finite numbers, strictly ascending, of the given length. */
export function checkAscending(xs: unknown, name: string, length?: number, min = -Infinity): number[] {
  if (!Array.isArray(xs) || (length !== undefined && xs.length !== length)) throw new Error(`invalid ${name}: ${JSON.stringify(xs)}`);
  xs.forEach((x, i) => {
    checkNumber(x, name, min);
    if (i > 0 && !((xs[i - 1] as number) < (x as number))) throw new Error(`invalid ${name}: not ascending`);
  });
  return xs as number[];
}

const LAST = ['other', 'unknown'];
const UNIT: Record<string, number> = { k: 1e3, K: 1e3, m: 1e6, M: 1e6, w: 1e4, W: 1e4, 万: 1e4, 千: 1e3 };

/** A number as written in a band label: `1,000` is one thousand, `2,5` two and a half. */
const NUM = String.raw`(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:[.,]\d+)?)`;
const BAND = new RegExp(`${NUM}\\s*([kKmMwW万千])?(?:\\s*(?:-|–|~|to|至|到)\\s*${NUM}\\s*([kKmMwW万千])?)?`);

function readNumber(s: string): number {
  return /^\d{1,3}(,\d{3})+$/.test(s) ? Number(s.replaceAll(',', '')) : Number(s.replace(',', '.'));
}

/**
 * The numeric position of a band label: its first number (with a K/M/万 unit — in a range such as
 * `15-24K` the unit written after the upper bound applies to the lower one too), nudged down for
 * "under"/"<"/"以下" labels and up for "+"/"over"/"以上" ones; null when it has no number.
 */
export function ordinalValue(label: string): number | null {
  const m = BAND.exec(label);
  if (!m || m[1] === undefined) return null;
  const unit = m[2] ?? (m[3] !== undefined ? m[4] : undefined);
  let v = readNumber(m[1]) * (unit ? (UNIT[unit] ?? 1) : 1);
  if (/^\s*(under|below|less than|<|低于|小于)/i.test(label) || /(以下|以内|及以下)\s*$/.test(label)) v -= 0.5;
  else if (/^\s*(over|above|more than|>)/i.test(label) || /(\+|以上)\s*$/.test(label)) v += 0.5;
  return v;
}

/**
 * Order data-driven segment keys: labels with a number by that number (bands read as ordinals),
 * then the rest alphabetically, then `other` and `unknown` last.
 */
export function orderSegmentKeys(keys: readonly string[]): string[] {
  const rank = (k: string) => (LAST.includes(k) ? 2 + LAST.indexOf(k) : ordinalValue(k) === null ? 1 : 0);
  return [...keys].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 0) return (ordinalValue(a) as number) - (ordinalValue(b) as number) || a.localeCompare(b);
    return a.localeCompare(b);
  });
}
