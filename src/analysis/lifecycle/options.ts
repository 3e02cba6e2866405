/**
 * The lifecycle page's analysis options: the one schema (valibot) that both the URL parser and the
 * worker validate with, so a value has one set of limits everywhere. Display-only choices (exact
 * or rolling retention, customers or revenue, % or count) are not analysis options: the worker
 * returns every variant and the page picks one to draw.
 */
import * as v from 'valibot';
import { SPLIT_FIELDS, COHORT_KINDS, EVENT_CHOICES } from './cohorts';
import { PERIOD_UNITS, WEEK_STARTS, DEFAULT_ACTIVITY } from './activity';
import { EVENT_TYPES } from '../../ingest/event-types';
import type { StageThresholds } from './stage';

const Days = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650));

/**
 * Options that change the numbers (they travel to the worker). `definition` is one of them: the
 * period-based lifecycle (PostHog / Amplitude) is an extra query the worker runs only when chosen.
 */
export const LifeOptionsSchema = v.object({
  period: v.picklist(PERIOD_UNITS),
  /** first day of a week period */
  weekStart: v.picklist(WEEK_STARTS),
  /** lifecycle over time: by inactivity days (CRM thresholds) or by period (PostHog / Amplitude) */
  definition: v.picklist(['threshold', 'period']),
  /** retention cohorts: by first start event, or recurring (every period with a start event) */
  cohortKind: v.picklist(COHORT_KINDS),
  /** what starts a cohort, and what counts as coming back */
  startEvent: v.picklist(EVENT_CHOICES),
  returnEvent: v.picklist(EVENT_CHOICES),
  source: v.picklist(['orders', 'events']),
  /** with `source` events: the event types that make a day active (issue 13) */
  activityTypes: v.pipe(v.array(v.picklist(EVENT_TYPES)), v.minLength(1), v.maxLength(EVENT_TYPES.length)),
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
  /** split cohorts: the group the retention chart shows ('' = every group, as small multiples) */
  retGroup: v.pipe(v.string(), v.maxLength(300)),
});
export type LifeDisplay = v.InferOutput<typeof LifeDisplaySchema>;

/** Everything the lifecycle page keeps in the URL. */
export const LifeStateSchema = v.object({ ...LifeOptionsSchema.entries, ...LifeDisplaySchema.entries });
export type LifeState = LifeOptions & LifeDisplay;

export const LIFE_DEFAULTS: LifeState = {
  period: 'month',
  weekStart: 'monday',
  definition: 'threshold',
  cohortKind: 'first',
  startEvent: 'activity',
  returnEvent: 'activity',
  source: 'orders',
  activityTypes: [...DEFAULT_ACTIVITY.eventTypes] as LifeState['activityTypes'],
  newDays: null,
  activeDays: null,
  churnDays: null,
  retention: 'exact',
  measure: 'customers',
  display: 'pct',
  retGroup: '',
  split: 'none',
  cohortPeriods: 12,
  repurchaseDays: [30, 60, 90],
  churnK: 2,
};

/** The analysis options of a full lifecycle state (what a request carries). */
export function lifeOptions(s: LifeState): LifeOptions {
  const { retention: _r, measure: _m, display: _d, ...options } = s;
  return { ...options, repurchaseDays: [...options.repurchaseDays], activityTypes: [...options.activityTypes] };
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
