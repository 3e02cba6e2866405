/**
 * The lifecycle page's analysis options: the one schema (valibot) that both the URL parser and the
 * worker validate with, so a value has one set of limits everywhere. Display-only choices (exact
 * or rolling retention, customers or revenue, % or count) are not analysis options: the worker
 * returns every variant and the page picks one to draw.
 */
import * as v from 'valibot';
import { SPLIT_FIELDS } from './cohorts';
import type { StageThresholds } from './stage';

const Days = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650));

/** Options that change the numbers (they travel to the worker). */
export const LifeOptionsSchema = v.object({
  period: v.picklist(['week', 'month']),
  source: v.picklist(['orders', 'events']),
  newDays: v.nullable(Days),
  activeDays: v.nullable(Days),
  churnDays: v.nullable(Days),
  split: v.picklist(SPLIT_FIELDS),
  cohortPeriods: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60)),
  repurchaseDays: v.pipe(v.array(Days), v.minLength(1), v.maxLength(6)),
  churnK: v.pipe(v.number(), v.minValue(1), v.maxValue(20)),
});
export type LifeOptions = v.InferOutput<typeof LifeOptionsSchema>;

/** Choices that only change the drawing (they never reach the worker). */
export const LifeDisplaySchema = v.object({
  retention: v.picklist(['exact', 'rolling']),
  measure: v.picklist(['customers', 'revenue']),
  display: v.picklist(['pct', 'count']),
});
export type LifeDisplay = v.InferOutput<typeof LifeDisplaySchema>;

/** Everything the lifecycle page keeps in the URL. */
export const LifeStateSchema = v.object({ ...LifeOptionsSchema.entries, ...LifeDisplaySchema.entries });
export type LifeState = LifeOptions & LifeDisplay;

export const LIFE_DEFAULTS: LifeState = {
  period: 'month',
  source: 'orders',
  newDays: null,
  activeDays: null,
  churnDays: null,
  retention: 'exact',
  measure: 'customers',
  display: 'pct',
  split: 'none',
  cohortPeriods: 12,
  repurchaseDays: [30, 60, 90],
  churnK: 2,
};

/** The analysis options of a full lifecycle state (what a request carries). */
export function lifeOptions(s: LifeState): LifeOptions {
  const { retention: _r, measure: _m, display: _d, ...options } = s;
  return { ...options, repurchaseDays: [...options.repurchaseDays] };
}

/** Validated options, or a short `invalid lifecycle options: …` error. */
export function checkLifeOptions(x: unknown): LifeOptions {
  const r = v.safeParse(LifeOptionsSchema, x);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new Error(`invalid lifecycle option ${path}: ${issue.message}`);
  }
  return r.output;
}

/**
 * The thresholds to use: the user's where set, the suggestion elsewhere. When only A was set and
 * the suggested B would not exceed it, B becomes 2 × A (the suggestion's own rule). Throws with a
 * short message when the user's own values contradict (B ≤ A).
 */
export function resolveThresholds(
  life: Pick<LifeOptions, 'newDays' | 'activeDays' | 'churnDays'>,
  suggested: StageThresholds,
): StageThresholds {
  const activeDays = life.activeDays ?? suggested.activeDays;
  const newDays = life.newDays ?? suggested.newDays;
  let churnDays = life.churnDays ?? suggested.churnDays;
  if (life.churnDays === null && churnDays <= activeDays) churnDays = 2 * activeDays;
  if (churnDays <= activeDays) throw new Error(`churn days (${churnDays}) must exceed active days (${activeDays})`);
  return { newDays, activeDays, churnDays };
}

/** Repurchase windows as the module wants them: whole days ≥ 1, ascending, no duplicates. */
export function cleanWindows(ws: readonly number[]): number[] {
  const out = [...new Set(ws.filter((w) => Number.isInteger(w) && w >= 1 && w <= 3650))].sort((a, b) => a - b);
  return out.length ? out : [30, 60, 90];
}
