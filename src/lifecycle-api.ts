/**
 * What crosses the page ↔ worker boundary for the lifecycle page. Rows keep the column names of
 * the analysis modules (docs/metrics.md (Lifecycle and retention)): numbers, booleans and `YYYY-MM-DD` strings.
 * Only aggregates and single pages of customers ever cross.
 */
import type { Scope } from './analysis/scope';
import type { LifeState } from './state/url-state';
import type { Stage, StageThresholds } from './analysis/lifecycle/stage';
import type { FlowKey } from './analysis/lifecycle/stages-over-time';

export type { Stage, StageThresholds, FlowKey, LifeState };

/** Rows per page of a customer list. */
export const PAGE_SIZE = 50;

/** The page's main request: scope + options; thresholds left null are suggested from the data. */
/** The segmentation whose segments split the cohorts when `life.split` is `segment`. */
export interface SegmentSplit {
  model: string;
  params: unknown;
}

export interface LifecycleRequest {
  scope: Scope;
  life: LifeState;
  segmentSplit?: SegmentSplit | null;
  /** transition matrix dates (date1 < date2 ≤ as-of); null = one period before the as-of date → as-of */
  transition: { date1: string; date2: string } | null;
}

/** `suggestThresholds` row. */
export interface SuggestedThresholds extends StageThresholds {
  gaps: number;
  repeat_customers: number;
  median_gap: number | null;
  p80_gap: number | null;
  p95_gap: number | null;
}

export interface StageCountRow {
  stage: Stage;
  customers: number;
  revenue: number;
}

export interface FlowRow {
  period: string;
  period_end: string;
  complete: boolean;
  stage: FlowKey;
  sign: 1 | -1;
  customers: number;
  revenue: number;
}

export interface CohortRow {
  is_average: boolean;
  cohort: string | null;
  split: string | null;
  period: number;
  period_end: string | null;
  complete: boolean;
  cohort_size: number;
  customers: number | null;
  retention: number | null;
  rolling_customers: number | null;
  rolling_retention: number | null;
  revenue: number | null;
  revenue_retention: number | null;
}

export interface RepurchaseRow {
  is_total: boolean;
  cohort: string | null;
  window_days: number;
  customers: number;
  eligible: number;
  repeaters: number;
  rate: number | null;
}

/** Time-to-second-order bucket; `bucket` null = customers without a second activity day yet. */
export interface GapBucketRow {
  bucket: number | null;
  lo: number | null;
  hi: number | null;
  customers: number;
}

export interface ChurnSummary {
  customers: number;
  at_risk: number;
  value_at_risk: number;
  /** already churned (silent ≥ B days): the win-back list */
  churned: number;
  value_churned: number;
  total_value: number;
  pop_gap: number | null;
}

export interface ChurnRow {
  customer_id: string;
  orders: number;
  first_day: string;
  last_day: string;
  days_since_last: number;
  own_gap: number | null;
  ref_gap: number | null;
  ratio: number | null;
  revenue: number;
  value: number;
}

export interface TransitionRow {
  from_stage: Stage | 'not_yet';
  to_stage: Stage;
  customers: number;
  revenue: number;
}

export interface TransitionResult {
  date1: string;
  date2: string;
  rows: TransitionRow[];
}

export interface LifecycleResult {
  asOf: string;
  /** the thresholds used (user's, else suggested) */
  thresholds: StageThresholds;
  suggested: SuggestedThresholds;
  stages: StageCountRow[];
  flows: FlowRow[];
  cohorts: CohortRow[];
  repurchase: RepurchaseRow[];
  gaps: GapBucketRow[];
  /** rows: first page of the at-risk list; winback: first page of the churned (win-back) list */
  churn: { summary: ChurnSummary; rows: ChurnRow[]; winback: ChurnRow[] };
  transitions: TransitionResult;
  ms: number;
}

/** Whose customers to list. */
export type MembersTarget =
  | { kind: 'stage'; stage: Stage }
  | { kind: 'cohort'; cohort: string; period: number; split: string | null; rolling: boolean }
  | { kind: 'churn' }
  | { kind: 'winback' };

/** A member list request: thresholds are the resolved ones from the last `LifecycleResult`. */
export interface MembersRequest {
  scope: Scope;
  life: LifeState;
  segmentSplit?: SegmentSplit | null;
  thresholds: StageThresholds;
  target: MembersTarget;
  offset: number;
}

export type MemberRow = Record<string, string | number | boolean | null>;

export interface MembersPage {
  rows: MemberRow[];
  offset: number;
  /** a further page exists */
  more: boolean;
}

export interface TransitionsRequest {
  scope: Scope;
  life: LifeState;
  thresholds: StageThresholds;
  date1: string;
  date2: string;
}

/** Shift a `YYYY-MM-DD` date back by one week or one calendar month (day clamped to the month's end). */
export function previousPeriod(date: string, unit: 'week' | 'month'): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (unit === 'week') d.setUTCDate(d.getUTCDate() - 7);
  else {
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 1);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  return d.toISOString().slice(0, 10);
}

/**
 * The thresholds to use: the user's where set, the suggestion elsewhere. When only A was set and
 * the suggested B would not exceed it, B becomes 2 × A (the suggestion's own rule). Throws with a
 * short message when the user's own values contradict (B ≤ A).
 */
export function resolveThresholds(
  life: Pick<LifeState, 'newDays' | 'activeDays' | 'churnDays'>,
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
