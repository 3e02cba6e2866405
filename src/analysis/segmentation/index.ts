/** The registry of segmentation models, keyed by id, and the union of their parameters. */
import type { Model } from './model';
import { rfm11, type Rfm11Params } from './rfm11';
import { rfm8, type Rfm8Params } from './rfm8';
import { spendTiers, type SpendTiersParams } from './spend-tiers';
import { purchaseBehaviour, type PurchaseBehaviourParams } from './purchase-behaviour';
import { demographics, type DemographicsParams } from './demographics';
import { activity, engagement, type ActivityParams, type EngagementParams } from './activity';
import { interest, type InterestParams } from './interest';
import { valueTiers, type ValueTiersParams } from './value-tiers';
import { valueScore, type ValueScoreParams } from './value-score';
import { pAliveBands, type PAliveParams } from './p-alive';
import { clvTiers, type ClvTiersParams } from './clv-tiers';
import { personas, type PersonasParams } from './personas';
import { custom, bindRegistry, type CustomParams } from '../custom/model';

/** Parameters of each model, by model id. */
export interface ModelParams {
  rfm11: Rfm11Params;
  rfm8: Rfm8Params;
  spend: SpendTiersParams;
  behaviour: PurchaseBehaviourParams;
  demographics: DemographicsParams;
  activity: ActivityParams;
  engagement: EngagementParams;
  interest: InterestParams;
  tier: ValueTiersParams;
  value: ValueScoreParams;
  alive: PAliveParams;
  clv: ClvTiersParams;
  persona: PersonasParams;
  /** the user's saved segments (overlapping, not a partition) */
  custom: CustomParams;
}
export type ModelId = keyof ModelParams;

export const MODELS: { [K in ModelId]: Model<ModelParams[K]> } = {
  rfm11,
  rfm8,
  spend: spendTiers,
  behaviour: purchaseBehaviour,
  demographics,
  activity,
  engagement,
  interest,
  tier: valueTiers,
  value: valueScore,
  alive: pAliveBands,
  clv: clvTiers,
  persona: personas,
  custom,
};

bindRegistry(MODELS as Record<string, Model<unknown>>);

export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

/** True when `id` names a registered model. */
export function isModelId(id: unknown): id is ModelId {
  return typeof id === 'string' && Object.hasOwn(MODELS, id);
}

export type { Model } from './model';
export { orderSegmentKeys } from './model';
