/**
 * What a segmentation model needs from the data, and what it says when that is missing (issue 11
 * §4): a model that would otherwise draw nothing, or draw something wrong (everyone "High spend"
 * without amounts), gets a sentence instead. Pure: facts in, message keys out.
 */
import type { ModelId } from './index';
import { DEMOGRAPHIC_DIMENSIONS, type DemographicDimension } from './demographics';

/** What the loaded data holds (from the overview). */
export interface DataFacts {
  /** orders with a customer id (buyers > 0) */
  buyers: number;
  /** order rows with a non-zero amount */
  amountRows: number;
  events: number;
  /** order and event rows with a category */
  categoryRows: number;
  /** share of customers (0..1) with each profile field (`age` stands for `age_band`) */
  coverage: Partial<Record<string, number>>;
}

/** A sentence to show: an i18n key and its values. */
export interface InputGap {
  key: string;
  vars?: Record<string, string>;
}

/** Profile coverage of a demographic dimension (`age_band` is covered by ages or bands). */
function coverageOf(f: DataFacts, d: DemographicDimension): number | undefined {
  return f.coverage[d === 'age_band' ? 'age' : d];
}

/**
 * The demographic dimension to start with: age band when customers have it, else the first
 * dimension with data, else age band (the model then says that no profile data exists).
 */
export function defaultDimension(f: DataFacts): DemographicDimension {
  return DEMOGRAPHIC_DIMENSIONS.find((d) => (coverageOf(f, d) ?? 0) > 0) ?? 'age_band';
}

/** Does this model, with these parameters, read order amounts? */
function readsAmounts(model: ModelId, params: Record<string, unknown>): boolean {
  switch (model) {
    case 'rfm11':
    case 'rfm8':
    case 'behaviour':
    case 'tier':
      return true;
    case 'spend':
      return params.measure !== 'orders';
    default:
      return false;
  }
}

/** The sentences to show above the model's breakdown; empty when the model has what it needs. */
export function missingInputs(model: ModelId, params: unknown, f: DataFacts): InputGap[] {
  const p = (params ?? {}) as Record<string, unknown>;
  const out: InputGap[] = [];
  const buyersModel = model === 'rfm11' || model === 'rfm8' || model === 'spend' || model === 'behaviour' || model === 'tier';
  if (buyersModel && f.buyers === 0) return [{ key: 'seg.missing.orders' }];
  if (readsAmounts(model, p) && f.buyers > 0 && f.amountRows === 0) out.push({ key: `seg.missing.amount.${model}` });
  if ((model === 'activity' || model === 'engagement') && f.events === 0)
    out.push({ key: f.buyers === 0 ? 'seg.missing.activity' : 'seg.missing.events' });
  if (model === 'interest' && f.categoryRows === 0) out.push({ key: 'seg.missing.category' });
  if (model === 'demographics') {
    const dim = (typeof p.dimension === 'string' ? p.dimension : 'age_band') as DemographicDimension;
    const any = DEMOGRAPHIC_DIMENSIONS.some((d) => (coverageOf(f, d) ?? 0) > 0);
    if (!any) out.push({ key: 'seg.missing.profiles' });
    else if (coverageOf(f, dim) === 0) out.push({ key: 'seg.missing.attribute', vars: { field: dim, suggest: defaultDimension(f) } });
  }
  return out;
}
