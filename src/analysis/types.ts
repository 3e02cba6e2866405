/**
 * Contracts shared by the analysis modules. A module is pure: typed parameters in, SQL out
 * (no DOM, no worker, no DuckDB import), so it runs in Node tests and in the worker alike.
 */
import type { Sql } from '../lib/sql';
import type { Scope } from './scope';

export type { Scope };

/** Which customers a segmentation model classifies. */
export type Universe =
  /** customers with at least one non-return order in scope */
  | 'buyers'
  /** every customer in scope (buyers, browsers, profile-only) */
  | 'all';

/** One named segment of a model, in display order. */
export interface SegmentDef {
  /** Stable key stored in URLs and results (ASCII, e.g. `champions`, `important_value`). */
  key: string;
  /** i18n dictionary key for the label (e.g. `seg.rfm11.champions`). */
  label: string;
  /** Colour for charts; the same segment has the same colour in every view. */
  color: string;
}

/** Where a model reads its per-customer numbers from. */
export interface ModelContext {
  scope: Scope;
  /**
   * Name of the materialised customer-base relation (see `customer-base.ts`), or a parenthesised
   * subquery. Columns: see `CustomerBaseRow`.
   */
  base: Sql;
  /**
   * A materialised `rfmRanks(base)` of this same base (the worker keeps one per base), or absent:
   * RFM quantile scores then read their ranks from it instead of ranking in the query.
   */
  ranks?: Sql;
}

/**
 * A segmentation model: parameters with defaults, the ordered list of segments, and the SQL that
 * assigns every customer of its universe exactly one segment.
 */
export interface SegmentModel<P> {
  id: string;
  universe: Universe;
  defaults: P;
  /** Segments in their stable display order (may depend on the parameters, e.g. band bounds). */
  segments(params: P): SegmentDef[];
  /**
   * SELECT with at least `customer_id VARCHAR, segment VARCHAR` (segment = a `SegmentDef.key`),
   * one row per customer of the universe; may add model columns (e.g. r_score, f_score, m_score).
   */
  assign(params: P, ctx: ModelContext): Sql;
}

/** Columns of the customer base (one row per customer in scope). */
export interface CustomerBaseRow {
  customer_id: string;
  first_ts: string | null;
  last_ts: string | null;
  /** days from the last order day to the as-of day; null for non-buyers */
  recency_days: number | null;
  /** distinct non-return orders in scope (0 for non-buyers) */
  orders: number;
  /** net revenue in scope, cents-rounded */
  revenue: number;
  /** revenue / orders; null for non-buyers */
  aov: number | null;
  /** distinct categories bought */
  categories: number;
  top_category: string | null;
  has_profile: boolean;
  age: number | null;
  age_band: string | null;
  gender: string | null;
  region: string | null;
  city: string | null;
  city_tier: string | null;
  occupation: string | null;
  income: string | null;
  channel: string | null;
}
