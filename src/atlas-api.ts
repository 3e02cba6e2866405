/**
 * The worker contract: everything that crosses the page ↔ worker boundary, in one file. The worker
 * implements `AtlasApi` (`satisfies`); the page only ever sees this interface.
 *
 * - Every method answers a `Result`: expected failures are data (Comlink keeps only
 *   message/name/stack of a throw), with an error code and parameters the page translates.
 * - Methods that run analysis SQL take a `slot`: a newer call with the same slot cancels the
 *   older one (its statement is interrupted and it answers `cancelled`); calls with other slots
 *   wait their turn. The request helper (`src/state/remote.svelte.ts`) gives each consumer its own.
 * - Requests carry analysis options only; choices that merely change a drawing stay on the page.
 * - Only aggregates or one page of customers come back.
 */
import type { ListSort } from './analysis/list-sort';
import type { FileMapping, RawFile, RefundRule, MappingIssue } from './ingest/mapping';
import type { OrderOverlap } from './ingest/overlap';
import type { Scope, FilterField } from './analysis/scope';
import type { SegmentDef } from './analysis/types';
import type { BreakdownRow, RfmGridRow } from './analysis/breakdown';
import type { ModelId } from './analysis/segmentation';
import type { MemberSort } from './analysis/members';
import type { Stage, StageThresholds } from './analysis/lifecycle/stage';
import type { FlowKey } from './analysis/lifecycle/stages-over-time';
import type { LifeOptions } from './analysis/lifecycle/options';
import type { PeriodStatus } from './analysis/lifecycle/period-lifecycle';
import type { PeriodUnit } from './analysis/lifecycle/activity';

import type { TimeUnit } from './analysis/value/summary';
import type { BgNbdParams } from './analysis/value/bgnbd';
import type { GammaGammaParams } from './analysis/value/gamma-gamma';
import type { HoldoutResult } from './analysis/value/holdout';
import type { DataStats, ValueIssue } from './analysis/value/gating';
import type { PersonaFeature } from './analysis/value/persona-features';
import type { PersonasParams } from './analysis/segmentation/personas';
import type { FunnelParams } from './analysis/behaviour/funnel';
import type { MetricSplit, MetricsRow, MetricAudience } from './analysis/behaviour/metrics';
import type { AbOutcome } from './analysis/behaviour/ab-compare';
import type { AbSource } from './analysis/behaviour/ab';
import type { PathParams } from './analysis/behaviour/paths';
import type { ClvTiersParams } from './analysis/segmentation/clv-tiers';
import type { Rule, SavedSegment, AttributeType } from './analysis/custom/rule';
import type { ContactRow } from './analysis/audience/normalise';
import type { ExportColumns } from './analysis/audience/export-columns';

export type { OrderOverlap };
export type { FileMapping, RawFile, RefundRule, MappingIssue, Scope, Stage, StageThresholds, FlowKey, LifeOptions, PeriodStatus };

// ─── Results and errors ────────────────────────────────────────────────────────────────────────

/** What went wrong, as a code the page translates (`error.<code>` in the dictionaries). */
export type ErrorCode =
  | 'empty-file'
  | 'binary-file'
  | 'unsupported-format'
  | 'parse-error'
  | 'out-of-memory'
  | 'too-large'
  | 'needs-filter'
  | 'slice-mismatch'
  | 'cancelled'
  | 'mapping'
  | 'query'
  | 'storage'
  | 'internal';

/** A user-facing error: a code with parameters, where it happened, and the SQL for a details pane. */
export interface AppError {
  code: ErrorCode;
  /** values the translated sentence needs (`{detail}`, `{file}` …) */
  params: Record<string, string | number>;
  /** English text, for logs and for anyone reading the raw result */
  message: string;
  file?: string;
  column?: string;
  row?: number;
  /** the SQL that failed, for the "details" disclosure */
  sql?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** A consumer's cancellation slot: a newer call with the same slot supersedes the older. */
export type Slot = string;

// ─── Start-up, ingest, mapping ─────────────────────────────────────────────────────────────────

export type Bundle = 'coi' | 'eh' | 'mvp';

export interface InitInfo {
  bundle: Bundle;
  threads: number;
  duckdbVersion: string;
  crossOriginIsolated: boolean;
  /** worker start → database open, ms */
  startMs: number;
}

export interface IngestProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  /** `counting`: the full pass over a file at load; `building`: the canonical tables (two-phase ingest) */
  phase: 'reading' | 'transcoding' | 'loading' | 'describing' | 'counting' | 'building';
  /** 0..1 within this file when known */
  fraction: number | null;
}

/** A rejected raw row (sample) with its reason. */
export interface RejectedRow {
  file: string;
  row: number | null;
  column: string | null;
  reason: string;
  text: string | null;
}

export interface LoadedFile {
  raw: RawFile;
  /** the guessed mapping (the page may correct it) */
  guess: FileMapping;
  encoding: string;
  bytes: number;
  /** rows the CSV reader could not read (ragged, unbalanced quotes …) */
  readerRejects: number;
  readerRejectSamples: RejectedRow[];
  loadMs: number;
  /**
   * Set when the whole file would not fit in the tab (the memory guard): it is loaded (registered,
   * sampled and counted, nothing of it copied), and its tables are built only with a filter that fits.
   */
  oversize?: Oversize | null;
}

/** The memory guard's figures for a file that would not fit whole (bytes; estimates). */
export interface Oversize {
  /** estimated bytes of the whole file in the canonical tables */
  need: number;
  rows: number;
  /** bytes of the budget left beside the files loaded before */
  free: number;
  budget: number;
  /** the smallest offered customer sample (one in n) that fits */
  sampleOneIn: number;
}

export interface IngestOutcome {
  loaded: LoadedFile[];
  errors: AppError[];
}

export interface ColumnNulls {
  column: string;
  role: string;
  nulls: number;
}

export interface FileOverview {
  file: string;
  role: string;
  rowsRead: number;
  rowsRejected: number;
  rejectReasons: { reason: string; rows: number }[];
  nulls: ColumnNulls[];
}

/** Values kept but named in the overview because they are far off (docs/bad-input.md). */
export interface FlaggedValues {
  kind: 'date' | 'amount';
  count: number;
  /** per file; for dates `keep` is the range the "exclude" button keeps (ISO dates, inclusive) */
  files: { file: string; count: number; keep: { min: string; max: string } | null }[];
  /** the first rows: file, 1-based data row, the value as written */
  rows: { file: string; row: number; value: string | null }[];
}

export interface Overview {
  files: FileOverview[];
  /** distinct customers with at least one non-return order (buyers) */
  customers: number;
  /** every customer id seen in orders, events or profiles */
  people: number;
  orders: number;
  orderLines: number;
  revenue: number;
  /** revenue of orders without a customer id: in `revenue`, in no customer view */
  guestRevenue: number;
  guestOrders: number;
  /** return rows: kept as negative rows (net mode) plus excluded ones (exclude mode) */
  returns: number;
  /** customers whose only order rows are returns or cancellations (not buyers) */
  noKeptOrder: number;
  /** the first of them (at most NO_KEPT_ORDER_LIST), most return rows first */
  noKeptOrderList: { customer_id: string; return_rows: number; amount: number }[];
  /** order rows with a non-zero amount (0: no money column, or it is empty) */
  amountRows: number;
  /** order and event rows with a category */
  categoryRows: number;
  /** first and last time over orders and events */
  firstTs: string | null;
  lastTs: string | null;
  events: { type: string; count: number }[];
  /** each event file's type values as written, their canonical type and rows (most frequent first, at most 300) */
  eventValues?: { file: string; raw: string; type: string; count: number }[];
  eventCustomers: number;
  /** share of customers (0..1) with each profile field */
  coverage: { field: string; share: number }[];
  /** the default as-of date: day after the last order (or event) */
  defaultAsOf: string | null;
  /** far-off dates and huge amounts, flagged */
  flagged: FlaggedValues[];
  issues: MappingIssue[];
  /** files whose order ids an earlier file of the same role already has (absent: none) */
  overlaps?: OrderOverlap[];
  buildMs: number;
}

/** One statement the worker ran (debug option `?trace`). */
export interface TracedStatement {
  lane: string;
  /** from the statement's start (after its lane's queue) to its last row */
  ms: number;
  /** when it started, ms since the worker started */
  at: number;
  text: string;
  /** the registered files (`f12.csv`, `f12.s0.csv`…) the whole statement reads, even past the kept text */
  files: string[];
}

export interface MemoryInfo {
  /** bytes DuckDB reports in use */
  duckdbBytes: number | null;
  /** the worker's JS heap, where the browser tells */
  jsHeapBytes: number | null;
  /** where the canonical tables live: plain, or compressed when plain would not fit (`ingest/storage.ts`) */
  storage: 'plain' | 'compressed';
  /** slices the last build read its big files in (`ingest/slices.ts`); 0: every file read whole */
  slices?: number;
}

// ─── Customer lists (one shape for every page) ─────────────────────────────────────────────────

/** One customer of a list: `customer_id` plus the list's own columns (numbers, text, dates as text). */
export type MemberRow = { customer_id: string } & Record<string, string | number | boolean | null>;

/** One page of a customer list. */
export interface MembersPage {
  rows: MemberRow[];
  offset: number;
  /** customers in the whole list, when the query knows it */
  total: number | null;
  /** a further page exists */
  more: boolean;
}

/** Rows per page of a customer list. */
export const PAGE_SIZE = 50;

// ─── Segments page ─────────────────────────────────────────────────────────────────────────────

export interface SegmentsRequest {
  scope: Scope;
  model: ModelId;
  /** validated again in the worker */
  params: unknown;
  /** another model id or a cross-tab attribute, or null */
  crosstab: string | null;
  /** the saved segments when the cross-tab's other side is the Custom model (`crosstab` = 'custom') */
  crosstabCustom?: SavedSegment[];
}

export interface CrosstabRow {
  a: string;
  b: string;
  customers: number;
  revenue: number;
}

export interface AffinityRow {
  segment: string;
  category: string;
  customers: number;
  revenue: number;
  /** category revenue / segment revenue */
  share: number | null;
  /** share / the category's share of all revenue (1 = like everyone) */
  lift: number | null;
}

/** A model's companion outputs (declared by the model: `Model.extras`). */
export interface SegmentExtras {
  /** R × F grid (scored models) */
  grid?: RfmGridRow[];
  /** segment × category affinity (Interest) */
  affinity?: AffinityRow[];
}

export interface SegmentsResult {
  /** segment definitions in display order (data-driven segments included) */
  defs: SegmentDef[];
  rows: BreakdownRow[];
  extras: SegmentExtras;
  crosstab: { rows: CrosstabRow[]; defs: SegmentDef[] | null } | null;
  universe: { customers: number; revenue: number };
  ms: number;
}

/** Which customers of the current model: a segment, a cross-tab cell or an R × F grid cell. */
export interface SegmentMembersRequest {
  scope: Scope;
  model: ModelId;
  params: unknown;
  segment: string;
  /** a cross-tab cell instead of a whole segment */
  cell?: { crosstab: string; b: string; custom?: SavedSegment[] } | null;
  /** an R × F grid cell instead of a whole segment */
  grid?: { r: number; f: number } | null;
  sort: MemberSort;
  desc: boolean;
  offset: number;
}

export interface ProfileRow {
  grp: 'segment' | 'all';
  key: string;
  n: number;
  share: number;
}

export type ProfileResult = Record<'demographics' | 'categories' | 'channels' | 'orderValue' | 'recency', ProfileRow[]>;

export interface MigrationRequest {
  scope: Scope;
  model: ModelId;
  params: unknown;
  /** the earlier as-of date (YYYY-MM-DD), before `scope.asOf` */
  from: string;
}

export interface MigrationRow {
  /** segment key at `from`, or `not_yet` (not in the model's universe then) */
  from_segment: string;
  /** segment key at the current as-of date, or `gone` (no longer in the universe) */
  to_segment: string;
  customers: number;
}

/** The customers of one migration cell (`from_segment` → `to_segment`), sortable by any list column. */
export interface MigrationMembersRequest extends MigrationRequest {
  cell: { from: string; to: string };
  sort?: ListSort | null;
  offset: number;
}

export interface MigrationResult {
  from: string;
  to: string;
  rows: MigrationRow[];
  /** the model's segments in display order (both dates' keys) */
  defs: SegmentDef[];
}

// ─── Lifecycle page ────────────────────────────────────────────────────────────────────────────

/** The segmentation whose segments split the cohorts when the split is `segment`. */
export interface SegmentSplit {
  model: string;
  params: unknown;
}

/** The page's main request: scope + analysis options; thresholds left null are suggested from the data. */
export interface LifecycleRequest {
  scope: Scope;
  options: LifeOptions;
  segmentSplit: SegmentSplit | null;
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

/** `periodLifecycle` row (lifecycle by period, PostHog / Amplitude). */
export interface PeriodFlowRow {
  period: string;
  period_end: string;
  complete: boolean;
  status: PeriodStatus;
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
  /** lifecycle by period; empty unless `options.definition` is `period` */
  periodFlows: PeriodFlowRow[];
  /** first and last activity day in the window (null without activity) and the period suggested for that span */
  span: { first: string; last: string; suggest: PeriodUnit } | null;
  cohorts: CohortRow[];
  repurchase: RepurchaseRow[];
  gaps: GapBucketRow[];
  /** first: first page of the at-risk list; winback: first page of the churned (win-back) list */
  churn: { summary: ChurnSummary; first: MembersPage; winback: MembersPage };
  transitions: TransitionResult;
  ms: number;
}

/** Whose customers to list. */
export type LifeMembersTarget =
  | { kind: 'stage'; stage: Stage }
  | { kind: 'period'; period: string; status: PeriodStatus }
  | { kind: 'cohort'; cohort: string; period: number; split: string | null; rolling: boolean }
  | { kind: 'churn' }
  | { kind: 'winback' }
  /** a transition-matrix cell (stage at date1 → stage at date2) */
  | { kind: 'transition'; date1: string; date2: string; from: Stage | 'not_yet'; to: Stage }
  /** a bar of the stages-over-time chart */
  | { kind: 'flow'; period: string; flow: FlowKey }
  /** a repurchase-rate bar: the repeaters within `window` days (of one cohort, or all) */
  | { kind: 'repurchase'; window: number; cohort: string | null }
  /** a time-to-second-order bar; bucket null = no second order yet */
  | { kind: 'gap'; bucket: number | null };

/** A lifecycle customer list: thresholds are the resolved ones from the last `LifecycleResult`. */
export interface LifeMembersRequest {
  scope: Scope;
  options: LifeOptions;
  segmentSplit: SegmentSplit | null;
  thresholds: StageThresholds;
  target: LifeMembersTarget;
  /** sort by one of the list's own columns (in SQL); null: the list's own order */
  sort?: ListSort | null;
  offset: number;
}

export interface TransitionsRequest {
  scope: Scope;
  options: LifeOptions;
  thresholds: StageThresholds;
  date1: string;
  date2: string;
}

// ─── Value page ────────────────────────────────────────────────────────────────────────────────
/** Requests and results of the Value page that cross the worker boundary. */

export interface ValueRequest {
  scope: Scope;
  unit: TimeUnit;
  /** last calibration day for the holdout check, or null for none */
  calibrationEnd: string | null;
  months: number;
  monthlyDiscount: number;
  /** personas: k, or null for the suggested k */
  k: number | null;
  /** Lorenz / Gini per segment of this model (its default parameters), or null for overall only */
  split: ModelId | null;
}

export interface LorenzSeries {
  segment: string;
  customers: number;
  revenue: number;
  gini: number | null;
  points: { pct: number; share: number }[];
  /** share of revenue held by the top 1, 5, 10, 20, 50 % */
  top: Record<'1' | '5' | '10' | '20' | '50', number | null>;
}

export interface HistoricResult {
  customers: number;
  revenue: number;
  mean_revenue: number | null;
  median_revenue: number | null;
  aov: number | null;
  mean_tenure_days: number | null;
  mean_revenue_per_active_month: number | null;
  overall: LorenzSeries;
  segments: LorenzSeries[];
}

export interface FitResult {
  bg: BgNbdParams;
  bgLL: number;
  gg: GammaGammaParams | null;
  ggLL: number | null;
  correlation: number | null;
  /** customers the models were fitted on: a hash sample of at most 100,000 (`analysis/value/sample.ts`) */
  customers: number;
  /** customers in scope; everyone is scored with the fitted parameters */
  population: number;
  repeatCustomers: number;
  /** fit time in the worker, ms */
  ms: number;
}

export interface PredictionSummary {
  customers: number;
  meanPAlive: number;
  /** expected purchases of all customers over the horizon (null without a spend model) */
  expectedPurchases: number | null;
  /** Σ CLV over the horizon (null without a spend model) */
  totalClv: number | null;
  /** customers per P(alive) band */
  bands: { likely_alive: number; at_risk: number; likely_lost: number };
}

export interface PersonaCard {
  key: string;
  customers: number;
  revenueShare: number;
  /** centroid in standard deviations from the mean of all buyers, per feature */
  profile: { feature: PersonaFeature; z: number }[];
  /** i18n keys `persona.word.<w>` */
  words: string[];
}

export interface PersonasResult {
  k: number;
  suggested: number;
  silhouettes: { k: number; silhouette: number }[];
  cards: PersonaCard[];
  /** the segmentation model's parameters (to open the personas on the Segments page) */
  params: PersonasParams;
}

/** Predicted CLV of one segment of another model (`analysis/value/clv-by-segment.ts`). */
export interface ClvSegmentRow {
  segment: string;
  customers: number;
  mean: number;
  p05: number;
  q1: number;
  median: number;
  q3: number;
  p95: number;
  total: number;
  /** customers per predicted-CLV tier */
  high: number;
  mid: number;
  low: number;
}

/** Predicted CLV per segment of an RFM model, with the CLV tiers model's parameters to open them. */
export interface ClvByModel {
  model: ModelId;
  /** the predicted-CLV tiers model's complete parameters (fitted), as used for the tier counts */
  clv: ClvTiersParams;
  rows: ClvSegmentRow[];
}

export interface ValueResult {
  stats: DataStats;
  issues: ValueIssue[];
  historic: HistoricResult | null;
  /** fitted on all data in scope (predictions) */
  fit: FitResult | null;
  predictions: PredictionSummary | null;
  /** fitted on the calibration period only, checked on the holdout */
  holdout: (HoldoutResult & { fit: BgNbdParams; tStar: number }) | null;
  /** predicted CLV per RFM segment (null without a spend model) */
  clvByRfm: ClvByModel | null;
  personas: PersonasResult | null;
  ms: number;
}

// ─── Custom segments, customer profile, audience export (issue 15) ───────────────────────────

/** The rule builder's live count. */
export interface RuleCountRequest {
  scope: Scope;
  rule: Rule;
}

export interface RuleCountResult {
  customers: number;
  revenue: number;
  /** named attributes the rule refers to that the loaded data does not have */
  missing: string[];
}

/** What the rule builder can offer: named attributes, event types, categories. */
/** A named attribute of the customers file (`customer_attributes`), with how many customers have it. */
export interface NamedAttributeInfo {
  name: string;
  type: AttributeType;
  customers: number;
}

export interface RuleVocabulary {
  attributes: NamedAttributeInfo[];
  eventTypes: { value: string; n: number }[];
  categories: { value: string; n: number }[];
}

export interface CustomerProfileRequest {
  scope: Scope;
  customerId: string;
  /** the user's saved segments (which of them the customer is in) */
  custom: SavedSegment[];
  /** stage thresholds (the Lifecycle page's, else the fallback) */
  thresholds: StageThresholds | null;
}

export interface CustomerProfile {
  customerId: string;
  /** false when no such customer is in the data */
  found: boolean;
  /** the customer-base row (numbers in scope and built-in attributes) */
  base: Record<string, string | number | boolean | null> | null;
  /** named attributes (text form) */
  attributes: { name: string; type: AttributeType; value: string }[];
  /** the most recent orders and events (at most 500 each), newest first */
  orders: { ts: string; order_id: string; amount: number; category: string | null; product_id: string | null; is_return: boolean }[];
  events: { ts: string; event_type: string; category: string | null; product_id: string | null }[];
  /** the segment in every model that needs no fit (value models only when already fitted) */
  segments: { model: string; segment: string | null }[];
  /** saved custom segments the customer is in (ids) */
  custom: string[];
  /** stage now and at the end of each of the last 12 months (oldest first) */
  stage: Stage | null;
  stageHistory: { asOf: string; stage: Stage | null }[];
  /** predictions when the Value page has fitted its models on this scope */
  prediction: { p_alive: number; exp_purchases: number; clv: number } | null;
}

/** The contact values of a segment's (or cell's) customers, for the hashed audience file. */
export interface AudienceRequest extends Omit<SegmentMembersRequest, 'offset' | 'sort' | 'desc'> {
  /** named attributes holding e-mail and phone (null: none) */
  email: string | null;
  phone: string | null;
}

export type { ContactRow };

// ─── Behaviour page ────────────────────────────────────────────────────────────────────────────

export type { FunnelParams, MetricSplit, MetricsRow, MetricAudience, AbOutcome, AbSource, PathParams };

/** The Behaviour page's main request: funnel and metrics of the scope's events. */
export interface BehaviourRequest {
  scope: Scope;
  funnel: FunnelParams;
  paths: PathParams;
  /** metrics per period, attribute or segment */
  split: MetricSplit;
  /** the model whose segments split the metrics when `split` is `segment` */
  segmentSplit: SegmentSplit | null;
}

/** Entities reaching a funnel step, overall (`breakdown` null) or in one breakdown group. */
export interface FunnelStepRow {
  breakdown: string | null;
  step: number;
  entities: number;
  customers: number;
  /** median seconds from the previous step (ordered funnels, steps ≥ 2) */
  median_secs: number | null;
}

export interface BehaviourResult {
  /** events in the scope */
  events: number;
  /** events per canonical type in the scope */
  types: { type: string; count: number }[];
  /** `id`: sessions from the file's session id; `gap`: 30 minutes without an event ends a session */
  sessionMode: 'id' | 'gap';
  totals: MetricsRow | null;
  metrics: MetricsRow[];
  funnel: FunnelStepRow[];
  /** top paths after / before the anchor event, and sessions per step and type (the flow) */
  paths: { top: { path: string; sessions: number }[]; flow: { step: number; event_type: string; sessions: number }[] };
  /** what customers buy next: 1st → 2nd and 2nd → 3rd order category */
  sequences: { first: SequenceRow[]; second: SequenceRow[] };
  /** from the orders' channel column; empty without orders */
  channels: {
    overTime: { period: string; channel: string; customers: number; orders: number; revenue: number }[];
    newCustomers: { period: string; channel: string; customers: number }[];
    retention: { channel: string; customers: number; repurchased: number; retained: number; repurchase_90: number; retained_90: number }[];
    /** buyers per channel by first and last touch of their first purchase (event sources, else the first order's channel) */
    touch: TouchRow[];
    /** some event carries a source (a channel column is mapped on the events file) */
    eventSources: boolean;
  };
  ms: number;
}

export interface TouchRow {
  channel: string;
  first_touch: number;
  last_touch: number;
  /** of those, buyers whose touch came from an event's source (the rest: the first order's channel) */
  first_from_events: number;
  last_from_events: number;
}

export interface SequenceRow {
  from_category: string;
  to_category: string;
  customers: number;
}

/** Whose customers a Behaviour list holds. */
export type BehaviourTarget =
  | { kind: 'funnel'; step: number; drop: boolean; breakdown: string | null }
  | { kind: 'metric'; key: string; audience: MetricAudience; all: boolean }
  | { kind: 'ab'; variant: string; source: AbSource }
  | { kind: 'channel'; channel: string; touch?: 'first' | 'last' };

export interface BehaviourMembersRequest extends BehaviourRequest {
  target: BehaviourTarget;
  offset: number;
}

export interface AbRequest {
  scope: Scope;
  /** the control group, or null for the guessed one */
  control: string | null;
  /** the table whose experiment column gives the groups; null (or one without groups): the first that has them */
  source: AbSource | null;
}

export interface AbResult extends AbOutcome {
  /** the tables with an experiment column holding groups (customers, events, orders order) */
  sources: AbSource[];
  /** the table the groups came from (null: none has groups) */
  source: AbSource | null;
  /** customers seen in more than one group of an events or orders column: left out of every group */
  excluded: number;
  ms: number;
}

// ─── Keep my data in this browser ──────────────────────────────────────────────────────────────

/** What is stored next to the files. Holds configuration only, no values from the data. */
export interface PersistManifest {
  version: 1;
  savedAt: string;
  files: { name: string; bytes: number; type: string; stored: string }[];
  mappings: FileMapping[];
  rule: RefundRule;
}

export interface PersistStatus {
  /** false when this browser has no origin-private file system (then only memory is possible) */
  available: boolean;
  manifest: PersistManifest | null;
  /** bytes stored in total (files + manifest) */
  bytes: number;
}

// ─── The API ───────────────────────────────────────────────────────────────────────────────────

/** The worker's API. Arguments and results are structured-cloneable; callbacks are Comlink proxies. */
export interface AtlasApi {
  /** Start DuckDB (once; concurrent callers share the start-up). */
  init(bundle?: Bundle): Promise<Result<InitInfo>>;
  /**
   * Load files (two-phase ingest: each stays registered, a sample becomes its raw table); each file
   * succeeds or fails on its own, loaded data is never lost. A file over the memory budget fails with `too-large`.
   */
  ingest(files: File[], onProgress?: (p: IngestProgress) => void): Promise<Result<IngestOutcome>>;
  /** What the canonical tables may take (bytes; null: the default). Debug option `?membudget=`. */
  setMemoryBudget(bytes: number | null): Promise<Result<null>>;
  /**
   * Debug option `?trace`: from now on keep every statement the worker runs (lane, milliseconds,
   * the first 300 characters), for the benchmark's breakdown and the tests that pin how many passes
   * a step makes. `statements()` answers them (and empties the log).
   */
  setTrace(on: boolean): Promise<Result<null>>;
  statements(): Promise<Result<TracedStatement[]>>;
  /** Stop a running ingest, or the canonical build of `applyMapping` (which then answers `cancelled`). */
  cancelIngest(): Promise<Result<null>>;
  /** SHA-256 (hex) of a file's bytes, to tell a file dropped twice. */
  hashFile(file: File): Promise<Result<string>>;
  removeFile(name: string): Promise<Result<null>>;
  /**
   * Build the canonical tables from the mappings; on error or cancel the previous tables stay.
   * `onProgress` hears phase `building` with the share of build statements done.
   */
  applyMapping(mappings: FileMapping[], rule: RefundRule, onProgress?: (p: IngestProgress) => void): Promise<Result<Overview>>;
  /** Rejected rows of one file as CSV text (reader rejects and canonical rejects). */
  rejectedRowsCsv(file: string): Promise<Result<string>>;
  memory(): Promise<Result<MemoryInfo>>;
  /** Make the running call of `slot` stale: its answer is no longer wanted. */
  cancel(slot: Slot): Promise<Result<null>>;

  /** Everything the segments page draws: breakdown, the model's extras, cross-tab. */
  segments(req: SegmentsRequest, slot: Slot): Promise<Result<SegmentsResult>>;
  segmentMembers(req: SegmentMembersRequest, slot: Slot): Promise<Result<MembersPage>>;
  /** All customers of a segment or cell as spreadsheet-safe CSV, in one query. */
  segmentMembersCsv(req: Omit<SegmentMembersRequest, 'offset'> & { columns?: ExportColumns }, slot: Slot): Promise<Result<string>>;
  profile(req: Omit<SegmentMembersRequest, 'sort' | 'desc' | 'offset'>, slot: Slot): Promise<Result<ProfileResult>>;
  migration(req: MigrationRequest, slot: Slot): Promise<Result<MigrationResult>>;
  /** One page of a migration cell's customers. */
  migrationMembers(req: MigrationMembersRequest, slot: Slot): Promise<Result<MembersPage>>;
  /** All customers of a migration cell as spreadsheet-safe CSV, in one query. */
  migrationCsv(req: Omit<MigrationMembersRequest, 'offset'>, slot: Slot): Promise<Result<string>>;
  /** Distinct values of a filter field (most frequent first, at most 500). */
  filterValues(field: FilterField, slot: Slot): Promise<Result<{ value: string; n: number }[]>>;

  lifecycle(req: LifecycleRequest, slot: Slot): Promise<Result<LifecycleResult>>;
  lifecycleMembers(req: LifeMembersRequest, slot: Slot): Promise<Result<MembersPage>>;
  lifecycleCsv(req: Omit<LifeMembersRequest, 'offset'>, slot: Slot): Promise<Result<string>>;
  transitions(req: TransitionsRequest, slot: Slot): Promise<Result<TransitionResult>>;
  /** Value page: historic value, BG/NBD + Gamma-Gamma fit, predictions, holdout check, personas . */
  value(req: ValueRequest, slot: Slot): Promise<Result<ValueResult>>;
  /** Behaviour page: events in scope, metrics, funnel. */
  behaviour(req: BehaviourRequest, slot: Slot): Promise<Result<BehaviourResult>>;
  behaviourMembers(req: BehaviourMembersRequest, slot: Slot): Promise<Result<MembersPage>>;
  behaviourCsv(req: Omit<BehaviourMembersRequest, 'offset'>, slot: Slot): Promise<Result<string>>;
  /** A/B comparison of the customers' experiment groups. */
  abTest(req: AbRequest, slot: Slot): Promise<Result<AbResult>>;

  /** The rule builder's live count of customers and revenue. */
  ruleCount(req: RuleCountRequest, slot: Slot): Promise<Result<RuleCountResult>>;
  ruleVocabulary(slot: Slot): Promise<Result<RuleVocabulary>>;
  /** The named attributes only (the scope bar, cross-tab and exports): no scan of the orders or events. */
  namedAttributes(slot: Slot): Promise<Result<NamedAttributeInfo[]>>;
  /** Customer ids (or e-mail attribute values) starting with / containing the text; at most 20. */
  customerSearch(text: string, slot: Slot): Promise<Result<{ customer_id: string; match: string }[]>>;
  customerProfile(req: CustomerProfileRequest, slot: Slot): Promise<Result<CustomerProfile>>;
  /** Every customer of a segment or cell with their e-mail and phone values, in one query. */
  audienceContacts(req: AudienceRequest, slot: Slot): Promise<Result<ContactRow[]>>;

  persistStatus(): Promise<Result<PersistStatus>>;
  persistSave(files: File[], mappings: FileMapping[], rule: RefundRule): Promise<Result<PersistStatus>>;
  persistConfig(mappings: FileMapping[], rule: RefundRule): Promise<Result<null>>;
  persistLoad(): Promise<Result<{ manifest: PersistManifest; files: File[] } | null>>;
  persistForget(): Promise<Result<null>>;
}
