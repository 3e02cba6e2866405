/** Requests and results of the segments page that cross the worker boundary. */
import type { Scope } from './analysis/scope';
import type { SegmentDef } from './analysis/types';
import type { BreakdownRow, RfmGridRow } from './analysis/breakdown';
import type { ModelId } from './analysis/segmentation';
import type { MemberSort } from './analysis/members';

export interface SegmentsRequest {
  scope: Scope;
  model: ModelId;
  /** validated again in the worker */
  params: unknown;
  /** another model id or a cross-tab attribute, or null */
  crosstab: string | null;
}

export interface CrosstabRow {
  a: string;
  b: string;
  customers: number;
  revenue: number;
}

export interface SegmentsResult {
  /** segment definitions in display order (data-driven segments included) */
  defs: SegmentDef[];
  rows: BreakdownRow[];
  grid: RfmGridRow[] | null;
  crosstab: { rows: CrosstabRow[]; defs: SegmentDef[] | null } | null;
  universe: { customers: number; revenue: number };
  /** segment × category affinity (Interest model only) */
  affinity: AffinityRow[] | null;
  ms: number;
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

export interface MembersRequest {
  scope: Scope;
  model: ModelId;
  params: unknown;
  segment: string;
  /** a cross-tab cell instead of a whole segment */
  cell?: { crosstab: string; b: string } | null;
  /** an R × F grid cell instead of a whole segment */
  grid?: { r: number; f: number } | null;
  sort: MemberSort;
  desc: boolean;
  limit: number;
  offset: number;
}

export interface MemberRow {
  customer_id: string;
  recency_days: number | null;
  orders: number;
  revenue: number;
  aov: number | null;
  last_ts: string | null;
  r_score?: number;
  f_score?: number;
  m_score?: number;
}

export interface MembersResult {
  rows: MemberRow[];
  total: number;
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

export interface MigrationResult {
  from: string;
  to: string;
  rows: MigrationRow[];
  /** the model's segments in display order (both dates' keys) */
  defs: SegmentDef[];
}
