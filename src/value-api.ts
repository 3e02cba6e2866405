/** Requests and results of the Value page that cross the worker boundary. */
import type { Scope } from './analysis/scope';
import type { ModelId } from './analysis/segmentation';
import type { TimeUnit } from './analysis/value/summary';
import type { BgNbdParams } from './analysis/value/bgnbd';
import type { GammaGammaParams } from './analysis/value/gamma-gamma';
import type { HoldoutResult } from './analysis/value/holdout';
import type { DataStats, ValueIssue } from './analysis/value/gating';
import type { PersonaFeature } from './analysis/value/persona-features';
import type { PersonasParams } from './analysis/segmentation/personas';

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
  customers: number;
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

export interface ValueResult {
  stats: DataStats;
  issues: ValueIssue[];
  historic: HistoricResult | null;
  /** fitted on all data in scope (predictions) */
  fit: FitResult | null;
  predictions: PredictionSummary | null;
  /** fitted on the calibration period only, checked on the holdout */
  holdout: (HoldoutResult & { fit: BgNbdParams; tStar: number }) | null;
  personas: PersonasResult | null;
  ms: number;
}
