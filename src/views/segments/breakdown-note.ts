/** Which note the breakdown chart carries: a partition says "exactly one segment", overlapping audiences say they overlap. */
import { MODELS, type ModelId } from '../../analysis/segmentation';

/** i18n key of the breakdown note for a model (Custom segments overlap, so the partition sentence would be wrong). */
export function breakdownNoteKey(model: ModelId): string {
  return MODELS[model].overlapping ? 'seg.breakdown.noteOverlap' : 'seg.breakdown.note';
}
