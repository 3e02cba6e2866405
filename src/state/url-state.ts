/**
 * The view state that lives in the URL (hash part, so it is never sent to any server): versioned,
 * validated, small. A link carries configuration — page, model and its non-default parameters,
 * dates, filters, selected segment, chart options, language, currency, a dataset fingerprint — never data
 * rows. Parsing never throws: what it cannot use is reported and ignored.
 */
import * as v from 'valibot';
import { MODELS, isModelId, type ModelId, type ModelParams } from '../analysis/segmentation';
import { CUSTOMER_FIELDS, ORDER_FIELDS, type AttributeFilter, type FilterField } from '../analysis/scope';
import { LIFE_DEFAULTS, LifeStateSchema, type LifeState } from '../analysis/lifecycle/options';
import { isIsoDate } from '../lib/dates';
import { BEH_DEFAULTS, BehStateSchema, type BehState } from '../analysis/behaviour/options';
import { isCurrencyCode } from '../lib/format';
import { parseSavedSegments, type SavedSegment } from '../analysis/custom/rule';
import { parseDrill, serializeDrill, type Drill } from './drill';
import { parseNamedFilters, type NamedFilter } from '../analysis/named-filter';

export { LIFE_DEFAULTS, type LifeState, BEH_DEFAULTS, type BehState };

export const URL_VERSION = 1;

export const PAGES = ['data', 'segments', 'lifecycle', 'value', 'behaviour', 'custom', 'profile'] as const;
export type Page = (typeof PAGES)[number];
const FILTER_FIELDS = [...CUSTOMER_FIELDS, ...ORDER_FIELDS] as readonly FilterField[];

/** Value page options (see `ValueRequest` in src/atlas-api.ts). */
export interface ValueState {
  unit: 'day' | 'week';
  /** last calibration day of the holdout check, or null for no holdout */
  cal: string | null;
  months: number;
  /** monthly discount rate */
  discount: number;
  /** personas: k, or null for the suggested k */
  k: number | null;
  /** Lorenz / Gini per segment of this model, or null */
  split: ModelId | null;
}

export const VALUE_DEFAULTS: ValueState = { unit: 'week', cal: null, months: 12, discount: 0.01, k: null, split: null };

/** What identifies the data a link was made on (no values from the data). */
export interface Fingerprint {
  files: { name: string; bytes: number; rows: number; role: string }[];
  first: string | null;
  last: string | null;
  /** short hash of the column mapping */
  mapping: string;
}

export type Cell = { kind: 'x'; b: string } | { kind: 'g'; r: number; f: number };

export interface ViewState {
  page: Page;
  lang: 'en' | 'zh' | null;
  asOf: string | null;
  from: string | null;
  filters: AttributeFilter[];
  model: ModelId;
  /** the current model's parameters (complete, validated) */
  params: ModelParams[ModelId];
  segment: string | null;
  /** a cell inside the selected segment: a cross-tab cell (other side's key) or an R × F grid cell */
  cell: Cell | null;
  /** cross-tab against another model id or an attribute field */
  crosstab: string | null;
  crosstabMode: 'count' | 'row';
  /** segment migration from this earlier as-of date (null: 90 days before the as-of date) */
  migrateFrom: string | null;
  life: LifeState;
  value: ValueState;
  beh: BehState;
  /** the currency money is shown in: an ISO 4217 code, '' for none, null to follow the files */
  currency: string | null;
  ds: Fingerprint | null;
  /** the user's saved custom segments (definitions only, never customer ids); the Custom model's segments */
  custom: SavedSegment[];
  /** the customer whose profile is open (the profile page) */
  customer: string | null;
  /** the open drill-down of a lifecycle chart or the migration matrix (`dd`) */
  drill: Drill | null;
  /** scope filters on named attributes of the customers file (`fa`) */
  namedFilters: NamedFilter[];
}

export function defaultState(): ViewState {
  return {
    page: 'data',
    lang: null,
    asOf: null,
    from: null,
    filters: [],
    model: 'rfm11',
    params: structuredClone(MODELS.rfm11.defaults),
    segment: null,
    cell: null,
    crosstab: null,
    crosstabMode: 'count',
    migrateFrom: null,
    life: structuredClone(LIFE_DEFAULTS),
    value: structuredClone(VALUE_DEFAULTS),
    beh: structuredClone(BEH_DEFAULTS),
    currency: null,
    ds: null,
    custom: [],
    customer: null,
    drill: null,
    namedFilters: [],
  };
}

/**
 * Something in a link that was ignored or migrated: an i18n key (`link.*`, src/lib/i18n/input.ts)
 * and the values it names. The view translates it; parsing stays free of UI strings.
 */
export interface LinkWarning {
  key: string;
  vars?: Record<string, string | number>;
}

export interface ParseResult {
  state: ViewState;
  /** what was ignored or migrated */
  warnings: LinkWarning[];
}

/** More unknown keys than this collapse into one warning with a count (a link with 50,000 junk keys is one line). */
const UNKNOWN_KEYS_SHOWN = 3;

/** Text from the link, cut short for a warning. */
const clip = (s: string, n = 40) => s.slice(0, n);

/** Warn about the `keys` that `known` does not have: each by name, or one line with a count. */
function unknownKeys(known: object, keys: Iterable<string>, one: string, many: string, warnings: LinkWarning[]): void {
  const extra = [...new Set(keys)].filter((k) => !Object.hasOwn(known, k));
  if (extra.length === 0) return;
  if (extra.length <= UNKNOWN_KEYS_SHOWN) for (const k of extra) warnings.push({ key: one, vars: { name: clip(k) } });
  else
    warnings.push({
      key: many,
      vars: {
        n: extra.length,
        names: extra
          .slice(0, UNKNOWN_KEYS_SHOWN)
          .map((k) => clip(k, 20))
          .join(', '),
      },
    });
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const DateStr = v.pipe(
  v.string(),
  v.check((s) => isIsoDate(s)),
);
/** A short text from a link; NUL is refused (no SQL literal or spreadsheet can hold it). */
const Short = v.pipe(
  v.string(),
  v.maxLength(200),
  v.check((x) => !x.includes('\0')),
);
const ValueSchema = v.object({
  unit: v.picklist(['day', 'week']),
  cal: v.nullable(DateStr),
  months: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60)),
  discount: v.pipe(v.number(), v.minValue(0), v.maxValue(0.99)),
  k: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(8))),
  split: v.nullable(v.custom<ModelId>((x) => isModelId(x))),
});
const FingerprintSchema = v.object({
  files: v.pipe(
    v.array(v.object({ name: Short, bytes: v.pipe(v.number(), v.minValue(0)), rows: v.pipe(v.number(), v.minValue(0)), role: Short })),
    v.maxLength(50),
  ),
  first: v.nullable(Short),
  last: v.nullable(Short),
  mapping: Short,
});

/** Keep only known keys of `defaults`, taking values from `over` where present. */
function overlay<T extends object>(defaults: T, over: unknown): T {
  const out = structuredClone(defaults);
  if (over && typeof over === 'object' && !Array.isArray(over)) {
    for (const k of Object.keys(defaults) as (keyof T)[]) {
      if (Object.hasOwn(over, k)) out[k] = (over as T)[k];
    }
  }
  return out;
}

/** Keys of `value` that differ from `defaults` (for short links). */
function diff<T extends object>(defaults: T, value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(defaults) as (keyof T)[]) {
    if (JSON.stringify(defaults[k]) !== JSON.stringify(value[k])) out[k] = value[k];
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Validated model parameters: defaults overlaid with the link's values; defaults on any error. */
export function modelParams(model: ModelId, over: unknown, warnings: LinkWarning[]): ModelParams[ModelId] {
  const m = MODELS[model];
  const merged = overlay(m.defaults as object, over);
  try {
    return (m.validate as (p: unknown) => ModelParams[ModelId])(structuredClone(merged));
  } catch (e) {
    warnings.push({ key: 'link.mp_invalid', vars: { reason: clip(e instanceof Error ? e.message : 'invalid', 120) } });
    return structuredClone(m.defaults);
  }
}

function parseFilters(text: string, warnings: LinkWarning[]): AttributeFilter[] {
  const raw = parseJson(text);
  const schema = v.pipe(
    v.array(v.object({ field: v.picklist(FILTER_FIELDS), values: v.pipe(v.array(Short), v.maxLength(200)) })),
    v.maxLength(12),
  );
  const r = v.safeParse(schema, raw);
  if (!r.success) {
    warnings.push({ key: 'link.filters' });
    return [];
  }
  return r.output.filter((f) => f.values.length > 0).map((f) => ({ field: f.field, values: [...f.values] }));
}

const KNOWN = Object.fromEntries(
  [
    'v',
    'p',
    'lang',
    'asof',
    'from',
    'mig',
    'f',
    'm',
    'mp',
    'seg',
    'cell',
    'x',
    'xm',
    'life',
    'val',
    'beh',
    'cur',
    'ds',
    'cs',
    'cust',
    'dd',
    'fa',
  ].map((k) => [k, true]),
);

/** Parse a location hash (with or without `#`). Never throws. */
export function parseState(hash: string): ParseResult {
  const warnings: LinkWarning[] = [];
  const state = defaultState();
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return { state, warnings: [{ key: 'link.unreadable' }] };
  }
  const version = q.get('v');
  if (version !== null && version !== String(URL_VERSION)) {
    const n = Number(version);
    if (Number.isInteger(n) && n > URL_VERSION) warnings.push({ key: 'link.newer', vars: { v: version } });
    else if (Number.isInteger(n) && n >= 0 && n < URL_VERSION)
      warnings.push({ key: 'link.migrated', vars: { v: version, to: URL_VERSION } });
    else warnings.push({ key: 'link.version_unknown', vars: { v: clip(version, 20) } });
  }
  unknownKeys(KNOWN, q.keys(), 'link.unknown_param', 'link.unknown_params', warnings);

  const get = (k: string) => q.get(k);
  const p = get('p');
  if (p !== null) {
    if ((PAGES as readonly string[]).includes(p)) state.page = p as Page;
    else warnings.push({ key: 'link.unknown_page', vars: { v: clip(p) } });
  }
  const lang = get('lang');
  if (lang !== null) {
    if (lang === 'en' || lang === 'zh') state.lang = lang;
    else warnings.push({ key: 'link.unknown_lang' });
  }
  for (const [key, field] of [
    ['asof', 'asOf'],
    ['from', 'from'],
    ['mig', 'migrateFrom'],
  ] as const) {
    const d: string | null = get(key);
    if (d === null) continue;
    if (v.safeParse(DateStr, d).success) state[field] = d;
    else warnings.push({ key: 'link.bad_date', vars: { key, v: clip(d) } });
  }
  if (state.from && state.asOf && state.from >= state.asOf) {
    warnings.push({ key: 'link.window' });
    state.from = null;
  }
  const f = get('f');
  if (f !== null) state.filters = parseFilters(f, warnings);
  const m = get('m');
  if (m !== null) {
    if (isModelId(m)) state.model = m;
    else warnings.push({ key: 'link.unknown_model', vars: { v: clip(m) } });
  }
  const cs = get('cs');
  if (cs !== null) {
    const r = parseSavedSegments(parseJson(cs) ?? null);
    state.custom = r.segments;
    if (r.dropped > 0) warnings.push({ key: 'link.custom_invalid', vars: { n: r.dropped } });
  }
  const cust = get('cust');
  if (cust !== null) {
    if (v.is(Short, cust)) state.customer = cust;
    else warnings.push({ key: 'link.customer' });
  }
  const fa = get('fa');
  if (fa !== null) {
    const r = parseNamedFilters(parseJson(fa));
    if (r) state.namedFilters = r;
    else warnings.push({ key: 'link.named_filters' });
  }
  const dd = get('dd');
  if (dd !== null) {
    const r = parseDrill(dd);
    if (r.ok) state.drill = r.drill;
    else warnings.push({ key: 'link.drill' });
  }
  const mp = get('mp');
  const mpValue = mp === null ? undefined : parseJson(mp);
  if (mp !== null && !isObject(mpValue)) warnings.push({ key: 'link.mp_malformed' });
  else if (isObject(mpValue))
    unknownKeys(MODELS[state.model].defaults as object, Object.keys(mpValue), 'link.mp_unknown', 'link.mp_unknown_many', warnings);
  // the Custom model's parameters are the saved segments (`cs`), not `mp`
  state.params =
    state.model === 'custom'
      ? { segments: structuredClone(state.custom) }
      : modelParams(state.model, isObject(mpValue) ? mpValue : undefined, warnings);
  const seg = get('seg');
  if (seg !== null) {
    if (v.is(Short, seg)) state.segment = seg;
    else warnings.push({ key: 'link.segment' });
  }
  const cell = get('cell');
  if (cell !== null) {
    const g = /^g:([1-5]),([1-5])$/.exec(cell);
    if (cell.startsWith('x:') && v.is(Short, cell.slice(2))) state.cell = { kind: 'x', b: cell.slice(2) };
    else if (g) state.cell = { kind: 'g', r: Number(g[1]), f: Number(g[2]) };
    else warnings.push({ key: 'link.unknown_cell' });
  }
  if (state.segment === null && state.cell?.kind === 'x') state.cell = null;
  const x = get('x');
  if (x !== null) {
    // a model, a filter field, or a named attribute of the customers file (`attr:<name>`)
    if (isModelId(x) || (FILTER_FIELDS as readonly string[]).includes(x) || (x.startsWith('attr:') && v.is(Short, x) && x.length > 5))
      state.crosstab = x;
    else warnings.push({ key: 'link.unknown_crosstab', vars: { v: clip(x) } });
  }
  const xm = get('xm');
  if (xm === 'row' || xm === 'count') state.crosstabMode = xm;
  else if (xm !== null) warnings.push({ key: 'link.unknown_xm' });
  const life = get('life');
  if (life !== null) {
    const lifeValue = parseJson(life);
    if (!isObject(lifeValue)) warnings.push({ key: 'link.life_malformed' });
    else {
      unknownKeys(LIFE_DEFAULTS, Object.keys(lifeValue), 'link.life_unknown', 'link.life_unknown_many', warnings);
      const r = v.safeParse(LifeStateSchema, overlay(LIFE_DEFAULTS, lifeValue));
      if (r.success) state.life = { ...r.output, repurchaseDays: [...r.output.repurchaseDays], activityTypes: [...r.output.activityTypes] };
      else warnings.push({ key: 'link.life_invalid' });
    }
  }
  const val = get('val');
  if (val !== null) {
    const r = v.safeParse(ValueSchema, overlay(VALUE_DEFAULTS, parseJson(val)));
    if (r.success) state.value = { ...r.output };
    else warnings.push({ key: 'link.value_invalid' });
  }
  const beh = get('beh');
  if (beh !== null) {
    const behValue = parseJson(beh);
    if (!isObject(behValue)) warnings.push({ key: 'link.beh_invalid' });
    else {
      unknownKeys(BEH_DEFAULTS, Object.keys(behValue), 'link.beh_unknown', 'link.beh_unknown_many', warnings);
      const r = v.safeParse(BehStateSchema, overlay(BEH_DEFAULTS, behValue));
      if (r.success) state.beh = structuredClone(r.output);
      else warnings.push({ key: 'link.beh_invalid' });
    }
  }
  const cur = get('cur');
  if (cur !== null) {
    // `none`: money without a currency; else a three-letter code the browser can format
    if (cur === 'none') state.currency = '';
    else if (/^[A-Z]{3}$/.test(cur) && isCurrencyCode(cur)) state.currency = cur;
    else warnings.push({ key: 'link.unknown_currency', vars: { v: clip(cur, 12) } });
  }
  const ds = get('ds');
  if (ds !== null) {
    const r = v.safeParse(FingerprintSchema, parseJson(ds));
    if (r.success) state.ds = { ...r.output, files: r.output.files.map((x) => ({ ...x })) };
    else warnings.push({ key: 'link.ds' });
  }
  return { state, warnings };
}

/** Serialise to a hash string (without `#`): only what differs from the defaults. */
export function serializeState(s: ViewState, memo?: WeakMap<object, { of: object; text: string }>): string {
  // the JSON of one part's differences from its defaults; with `memo`, once per part object (the
  // caller promises never to mutate them: a page's links all share the view's one snapshot, and
  // ~50 links each diffing the RFM rules cost ~6 ms per change)
  const delta = <T extends object>(defaults: T, value: T): string => {
    const known = memo?.get(value);
    if (known?.of === defaults) return known.text;
    const d = diff(defaults, value);
    const text = Object.keys(d).length ? JSON.stringify(d) : '';
    memo?.set(value, { of: defaults, text });
    return text;
  };
  const q = new URLSearchParams();
  q.set('v', String(URL_VERSION));
  if (s.page !== 'data') q.set('p', s.page);
  if (s.lang) q.set('lang', s.lang);
  if (s.asOf) q.set('asof', s.asOf);
  if (s.from) q.set('from', s.from);
  if (s.migrateFrom) q.set('mig', s.migrateFrom);
  if (s.filters.length) q.set('f', JSON.stringify(s.filters));
  if (s.model !== 'rfm11') q.set('m', s.model);
  const d = s.model === 'custom' ? '' : delta(MODELS[s.model].defaults as object, s.params as object);
  if (d) q.set('mp', d);
  if (s.segment !== null) q.set('seg', s.segment);
  if (s.cell) q.set('cell', s.cell.kind === 'x' ? `x:${s.cell.b}` : `g:${s.cell.r},${s.cell.f}`);
  if (s.crosstab) q.set('x', s.crosstab);
  if (s.crosstabMode !== 'count') q.set('xm', s.crosstabMode);
  const ld = delta(LIFE_DEFAULTS, s.life);
  if (ld) q.set('life', ld);
  const vd = delta(VALUE_DEFAULTS, s.value);
  if (vd) q.set('val', vd);
  const bd = delta(BEH_DEFAULTS, s.beh);
  if (bd) q.set('beh', bd);
  if (s.currency !== null) q.set('cur', s.currency === '' ? 'none' : s.currency);
  if (s.ds) q.set('ds', JSON.stringify(s.ds));
  if (s.custom.length) q.set('cs', JSON.stringify(s.custom));
  if (s.customer !== null) q.set('cust', s.customer);
  if (s.drill !== null) q.set('dd', serializeDrill(s.drill));
  if (s.namedFilters.length) q.set('fa', JSON.stringify(s.namedFilters));
  return q.toString();
}

/** Short stable hash (FNV-1a, base36) of a text, for the mapping fingerprint. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** What differs between the link's dataset and the loaded one, in plain words (empty = same). */
export function compareFingerprint(expected: Fingerprint, actual: Fingerprint): string[] {
  const out: string[] = [];
  const have = new Map(actual.files.map((f) => [f.name, f]));
  for (const f of expected.files) {
    const a = have.get(f.name);
    if (!a) out.push(`file ${f.name} is not loaded`);
    else if (a.rows !== f.rows || a.bytes !== f.bytes) out.push(`file ${f.name} differs (${a.rows} rows here, ${f.rows} in the link)`);
  }
  if (expected.mapping !== actual.mapping) out.push('the column mapping differs');
  if (expected.first !== actual.first || expected.last !== actual.last)
    out.push(`date range differs (${actual.first ?? '–'} … ${actual.last ?? '–'} here)`);
  return out;
}
