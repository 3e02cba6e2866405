/**
 * A model's parameter editor, declared as data: each model lists its fields and the page renders
 * them with one generic component (`src/views/segments/ModelParams.svelte`). Labels are i18n keys.
 * Paths are dotted keys into the parameters (`fixed.revenue.mid`, `breaks.recency`).
 */

interface FieldBase<P> {
  /** dotted path into the parameters */
  path: string;
  /** i18n key of the label (with `{…}` filled from `labelVars`) */
  label: string;
  labelVars?: Record<string, string>;
  /** show only when this holds */
  when?: (p: P) => boolean;
  testid?: string;
}

export type ParamField<P> =
  | (FieldBase<P> & {
      kind: 'choice';
      /** values with i18n keys of their labels */
      options: readonly { value: string | number; label: string; raw?: boolean }[];
      /** a change that must adjust other parameters too (e.g. fewer bins → shorter breaks) */
      set?: (p: P, value: string | number) => P;
    })
  | (FieldBase<P> & { kind: 'number'; min?: number; max?: number; step?: number; width?: string })
  /** comma-separated numbers */
  | (FieldBase<P> & { kind: 'list'; size?: number })
  /** a model-specific table editor, rendered by the component registered under this name */
  | (FieldBase<P> & { kind: 'custom'; component: string });

/** Read a dotted path. */
export function getPath(p: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), p);
}

/** A copy of `p` with the value at a dotted path replaced. */
export function setPath<P>(p: P, path: string, value: unknown): P {
  const out = structuredClone(p) as Record<string, unknown>;
  const keys = path.split('.');
  let o = out;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
  return out as P;
}
