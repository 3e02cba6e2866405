/**
 * The Behaviour page's state in the URL (`beh=`): the one schema (valibot) the URL parser uses;
 * the worker validates the funnel with the same `FunnelSchema`.
 */
import * as v from 'valibot';
import { FunnelSchema, FUNNEL_DEFAULTS } from './funnel';
import { MetricSplitSchema } from './metrics';
import { PathSchema, PATH_DEFAULTS } from './paths';
import { isModelId, type ModelId } from '../segmentation';
import { AB_SOURCES } from './ab';

const Short = v.pipe(
  v.string(),
  v.maxLength(200),
  v.check((s) => !s.includes('\0')),
);

export const BehStateSchema = v.object({
  funnel: FunnelSchema,
  /** paths: anchor event, direction and depth */
  paths: PathSchema,
  /** metrics per period, attribute or segment */
  split: MetricSplitSchema,
  /** the model whose segments split the metrics when `split` is `segment` */
  splitModel: v.custom<ModelId>((x) => isModelId(x)),
  /** A/B: the control group, or null for the guessed one */
  control: v.nullable(Short),
  /** A/B: the table whose experiment column gives the groups, or null for the first that has one */
  abSource: v.nullable(v.picklist(AB_SOURCES)),
  /** sample-size calculator: baseline conversion and the absolute lift to detect */
  p0: v.pipe(v.number(), v.minValue(0.0001), v.maxValue(0.9999)),
  mde: v.pipe(v.number(), v.minValue(0.0001), v.maxValue(0.5)),
});
export type BehState = v.InferOutput<typeof BehStateSchema>;

export const BEH_DEFAULTS: BehState = {
  funnel: structuredClone(FUNNEL_DEFAULTS),
  paths: { ...PATH_DEFAULTS },
  split: 'week',
  splitModel: 'rfm11',
  control: null,
  abSource: null,
  p0: 0.1,
  mde: 0.02,
};
