/**
 * The open drill-down (the customers behind one count of a chart) as it lives in the link (`dd`):
 * a lifecycle list (stage, period bar, cohort cell, transition cell, flow bar, repurchase or
 * second-order bar, at-risk / win-back list) or a migration cell. Validated like every other URL
 * parameter: what does not fit the schema is ignored with a warning.
 */
import * as v from 'valibot';
import { STAGES } from '../analysis/lifecycle/stage';
import { FLOWS } from '../analysis/lifecycle/stages-over-time';
import { PERIOD_STATUSES } from '../analysis/lifecycle/period-lifecycle';
import { NOT_YET } from '../analysis/lifecycle/transitions';
import { isIsoDate } from '../lib/dates';
import type { LifeMembersTarget } from '../atlas-api';

/** The customers of one migration cell. */
export interface MigrationDrill {
  kind: 'migration';
  from: string;
  to: string;
}

export type Drill = LifeMembersTarget | MigrationDrill;

const DateStr = v.pipe(
  v.string(),
  v.check((s) => isIsoDate(s)),
);
const Key = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(200),
  v.check((x) => !x.includes('\0')),
);
const Int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

const DrillSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('stage'), stage: v.picklist(STAGES) }),
  v.strictObject({ kind: v.literal('period'), period: DateStr, status: v.picklist(PERIOD_STATUSES) }),
  v.strictObject({ kind: v.literal('cohort'), cohort: DateStr, period: Int(0, 1000), split: v.nullable(Key), rolling: v.boolean() }),
  v.strictObject({ kind: v.literal('churn') }),
  v.strictObject({ kind: v.literal('winback') }),
  v.strictObject({
    kind: v.literal('transition'),
    date1: DateStr,
    date2: DateStr,
    from: v.picklist([NOT_YET, ...STAGES] as const),
    to: v.picklist(STAGES),
  }),
  v.strictObject({ kind: v.literal('flow'), period: DateStr, flow: v.picklist(FLOWS.map((f) => f.key)) }),
  v.strictObject({ kind: v.literal('repurchase'), window: Int(1, 3650), cohort: v.nullable(DateStr) }),
  v.strictObject({ kind: v.literal('gap'), bucket: v.nullable(Int(0, 100)) }),
  v.strictObject({ kind: v.literal('migration'), from: Key, to: Key }),
]);

/** The drill-down of a link's `dd` value, or null (and `ok` false) when it does not fit. */
export function parseDrill(text: string): { drill: Drill | null; ok: boolean } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { drill: null, ok: false };
  }
  const r = v.safeParse(DrillSchema, raw);
  if (!r.success) return { drill: null, ok: false };
  const d = r.output as Drill;
  if (d.kind === 'transition' && d.date1 >= d.date2) return { drill: null, ok: false };
  return { drill: structuredClone(d), ok: true };
}

/** The `dd` value of a drill-down. */
export function serializeDrill(d: Drill): string {
  return JSON.stringify(d);
}
