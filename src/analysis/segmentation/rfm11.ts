/**
 * The 11-segment RFM scheme (Champions … Lost) on the R score and an F score that is either the
 * frequency score or the rounded F/M average, optionally bounding the M score too. Rules are
 * checked in list order; the first match wins and `others` catches anything the (user-edited)
 * rules leave out. Users may rename, add and remove segments; `RFM_R_PRESET` is the R `rfm`
 * package's segment table.
 */
import { type Sql, sql, raw, join } from '../../lib/sql';
import type { ModelContext, SegmentDef } from '../types';
import { type Model, GREY, PALETTE, defineSegments, checkKeyword, checkNumber } from './model';
import { type RfmScoreParams, BREAK_BOUNDARIES, RFM_SCORE_DEFAULTS, rfmScores, usesRanks, validateRfmScores } from './rfm-scores';
import type { ParamField } from './editor';
import { rfmGrid } from '../breakdown';
import { monetaryField } from './rfm-scores';

export const RFM11_KEYS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
  'lost',
] as const;
export type Rfm11Key = (typeof RFM11_KEYS)[number];

/**
 * One rule: inclusive score bounds on R, on the rule's F score and (optionally) on the M score.
 * `key` is a built-in key (`RFM11_KEYS`, translated label) or a user key `s1`, `s2`…; `name`, when
 * set, is the label shown instead.
 */
export interface Rfm11Rule {
  key: string;
  name?: string;
  r: [number, number];
  f: [number, number];
  /** bounds on m_score; absent = any M */
  m?: [number, number];
}

/** Keys a rule may have: lower-case ASCII, digits and `_`, not `others`. */
const RULE_KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;
/** Longest segment name a user may type. */
export const MAX_RULE_NAME = 60;
/** Most rules a model may have. */
export const MAX_RULES = 20;

export interface Rfm11Params extends RfmScoreParams {
  /** `f`: the frequency score; `fm`: (f_score + m_score) / 2 rounded half up. */
  fScore: 'f' | 'fm';
  /** Rules in precedence order (first match wins), bounds within 1..bins. */
  rules: Rfm11Rule[];
}

/** The default rules on the 1..5 scale; together they cover every (R, F) cell exactly once. */
const RULES_5: Rfm11Rule[] = [
  { key: 'champions', r: [5, 5], f: [4, 5] },
  { key: 'loyal', r: [3, 4], f: [4, 5] },
  { key: 'potential_loyalist', r: [4, 5], f: [2, 3] },
  { key: 'new_customers', r: [5, 5], f: [1, 1] },
  { key: 'promising', r: [4, 4], f: [1, 1] },
  { key: 'need_attention', r: [3, 3], f: [3, 3] },
  { key: 'about_to_sleep', r: [3, 3], f: [1, 2] },
  { key: 'at_risk', r: [1, 2], f: [3, 4] },
  { key: 'cant_lose', r: [1, 2], f: [5, 5] },
  { key: 'hibernating', r: [2, 2], f: [1, 2] },
  { key: 'lost', r: [1, 1], f: [1, 2] },
];

/**
 * Default rules for a score scale: the 1..5 rules with every bound s mapped to ceil(s * bins / 5).
 * The mapping is monotone and onto, so the rules still cover every cell (overlaps go to the earlier rule).
 */
export function rfm11Rules(bins: 3 | 4 | 5): Rfm11Rule[] {
  const m = (s: number) => Math.ceil((s * bins) / 5);
  return RULES_5.map((r) => ({ key: r.key, r: [m(r.r[0]), m(r.r[1])], f: [m(r.f[0]), m(r.f[1])] }));
}

/**
 * The R `rfm` package's segment table (0.3.0, the `rfm_segment()` examples and vignette), in its
 * order, on 1..5 scores with F = frequency score: R, F and M lower–upper bounds.
 */
export const R_RFM_RULES: Rfm11Rule[] = [
  { key: 'champions', r: [5, 5], f: [5, 5], m: [5, 5] },
  { key: 'potential_loyalist', r: [3, 5], f: [3, 5], m: [2, 5] },
  { key: 'loyal', r: [2, 4], f: [2, 4], m: [2, 4] },
  { key: 'promising', r: [3, 4], f: [1, 3], m: [3, 5] },
  { key: 'new_customers', r: [4, 5], f: [1, 3], m: [1, 5] },
  { key: 'cant_lose', r: [1, 2], f: [3, 4], m: [4, 5] },
  { key: 'at_risk', r: [1, 2], f: [2, 5], m: [4, 5] },
  { key: 'need_attention', r: [1, 3], f: [3, 5], m: [3, 5] },
  { key: 'about_to_sleep', r: [2, 3], f: [1, 3], m: [1, 4] },
  { key: 'lost', r: [1, 1], f: [1, 5], m: [1, 5] },
];

const COLORS: readonly string[] = [
  '#1a9850',
  '#66bd63',
  '#a6d96a',
  '#4e79a7',
  '#76b7b2',
  '#edc948',
  '#f28e2b',
  '#e15759',
  '#b2182b',
  '#9c755f',
  '#6b6b6b',
];
const BUILT_IN = defineSegments('rfm11', [...RFM11_KEYS, 'others'], [...COLORS, GREY]);

/**
 * Segments in rule order, then `others`. Built-in keys keep their colour and (unless renamed)
 * their translated label; user segments take palette colours and their name as label.
 */
function segmentsOf(p: Rfm11Params): SegmentDef[] {
  const rules = Array.isArray(p?.rules) ? p.rules : RULES_5;
  let extra = 0;
  const defs = rules.map((r) => {
    const built = BUILT_IN.find((d) => d.key === r.key);
    const color = built?.color ?? PALETTE[extra++ % PALETTE.length] ?? GREY;
    return { key: r.key, label: r.name ?? built?.label ?? r.key, color };
  });
  return [...defs, BUILT_IN[BUILT_IN.length - 1] as SegmentDef];
}

function validate(p: Rfm11Params): Rfm11Params {
  validateRfmScores(p);
  checkKeyword(p.fScore, 'f score', ['f', 'fm']);
  if (!Array.isArray(p.rules) || p.rules.length === 0) throw new Error('invalid rules: empty');
  if (p.rules.length > MAX_RULES) throw new Error(`invalid rules: more than ${MAX_RULES}`);
  const seen = new Set<string>();
  for (const rule of p.rules) {
    if (typeof rule.key !== 'string' || !RULE_KEY_RE.test(rule.key) || rule.key === 'others') {
      throw new Error(`invalid rule: ${String(rule.key).slice(0, 40)}`);
    }
    if (seen.has(rule.key)) throw new Error(`invalid rule: ${rule.key} twice`);
    seen.add(rule.key);
    if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name.trim() === '' || rule.name.length > MAX_RULE_NAME)) {
      throw new Error(`invalid rule name: ${rule.key}`);
    }
    if (rule.name === undefined && !(RFM11_KEYS as readonly string[]).includes(rule.key))
      throw new Error(`invalid rule: ${rule.key} needs a name`);
    const dims: [string, [number, number] | undefined][] = [
      ['r', rule.r],
      ['f', rule.f],
      ['m', rule.m],
    ];
    for (const [dim, bounds] of dims) {
      if (bounds === undefined && dim === 'm') continue;
      if (!Array.isArray(bounds) || bounds.length !== 2) throw new Error(`invalid ${rule.key} ${dim} bounds`);
      const [lo, hi] = bounds;
      checkNumber(lo, `${rule.key} ${dim} lower bound`, 1, p.bins, true);
      checkNumber(hi, `${rule.key} ${dim} upper bound`, lo, p.bins, true);
    }
  }
  return p;
}

/** A key for a new user segment: `s1`, `s2`, … not used by any rule yet. */
export function newRuleKey(rules: readonly Rfm11Rule[]): string {
  for (let i = 1; ; i++) if (!rules.some((r) => r.key === `s${i}`)) return `s${i}`;
}

/** New bin count: breaks cut to bins − 1 values and the rules reset to the count's defaults. */
function withBins(p: Rfm11Params, bins: 3 | 4 | 5): Rfm11Params {
  const keep = (xs: number[]) => xs.slice(0, bins - 1);
  return {
    ...structuredClone(p),
    bins,
    breaks: { recency: keep(p.breaks.recency), frequency: keep(p.breaks.frequency), monetary: keep(p.breaks.monetary) },
    rules: rfm11Rules(bins),
  };
}

export const rfm11: Model<Rfm11Params> = {
  id: 'rfm11',
  universe: 'buyers',
  dynamic: false,
  scored: true,
  measured: true,
  defaults: { ...RFM_SCORE_DEFAULTS, fScore: 'fm', rules: rfm11Rules(5) },
  segments: segmentsOf,
  validate,
  fields: [
    {
      kind: 'choice',
      path: 'bins',
      label: 'seg.param.bins',
      testid: 'rfm-bins',
      options: [3, 4, 5].map((b) => ({ value: b, label: String(b), raw: true })),
      set: (p, v) => withBins(p, Number(v) as 3 | 4 | 5),
    },
    monetaryField(),
    {
      kind: 'choice',
      path: 'method',
      label: 'seg.param.method',
      testid: 'rfm-method',
      options: [
        { value: 'quantile', label: 'seg.param.method.quantile' },
        { value: 'r7', label: 'seg.param.method.r7' },
        { value: 'breaks', label: 'seg.param.method.breaks' },
      ],
    },
    {
      kind: 'choice',
      path: 'fScore',
      label: 'seg.param.fScore',
      options: [
        { value: 'fm', label: 'seg.param.fScore.fm' },
        { value: 'f', label: 'seg.param.fScore.f' },
      ],
    },
    {
      kind: 'choice',
      path: 'breakBoundary',
      label: 'seg.param.boundary',
      testid: 'rfm-boundary',
      options: BREAK_BOUNDARIES.map((b) => ({ value: b, label: `seg.param.boundary.${b}` })),
      when: (p) => p.method === 'breaks',
    },
    ...(['recency', 'frequency', 'monetary'] as const).map((dim) => ({
      kind: 'list' as const,
      path: `breaks.${dim}`,
      label: `seg.param.breaks.${dim}`,
      testid: `breaks-${dim}`,
      size: 14,
      when: (p: Rfm11Params) => p.method === 'breaks',
    })),
    { kind: 'custom', path: 'rules', label: 'seg.param.rules', component: 'rfm11-rules' },
  ],
  // the grid needs the scores, not the segments: read from the ranks (no rule lookup) when they serve,
  // else from the assignment (its scores are not ranked twice)
  extras: { grid: (p, ctx, assigned) => (ctx.ranks && usesRanks(p) ? rfmGrid(p, ctx) : rfmGrid(p, ctx, assigned)) },
  assign(p: Rfm11Params, ctx: ModelContext): Sql {
    validate(p);
    // the F × M average computed once per customer, not once per rule it is tested in (−15 % natively at 1M)
    const f = raw(p.fScore === 'fm' ? 'fm' : 'f_score');
    const scores = p.fScore === 'fm' ? sql`SELECT *, (f_score + m_score + 1) // 2 AS fm FROM (${rfmScores(p, ctx)})` : rfmScores(p, ctx);
    // the rules looked up per score cell (a join with a table of at most bins³ rows) instead of a CASE
    // of every rule on every customer: in DuckDB-WASM the CASE took ~40 % of a 1M breakdown
    const cells = ruleCells(p);
    const withM = p.rules.some((r) => r.m);
    const rows = cells.map((c) => (withM ? sql`(${c.r}, ${c.f}, ${c.m}, ${c.key})` : sql`(${c.r}, ${c.f}, ${c.key})`));
    const on = withM ? sql`k.r = x.r_score AND k.f = x.${f} AND k.m = x.m_score` : sql`k.r = x.r_score AND k.f = x.${f}`;
    return sql`SELECT x.customer_id, coalesce(k.segment, 'others') AS segment,
  x.recency_days, x.frequency, x.monetary, x.r_score, x.f_score, x.m_score, x.revenue, x.frequency AS orders
FROM (${scores}) x LEFT JOIN (VALUES ${join(rows)}) k(${raw(withM ? 'r, f, m, segment' : 'r, f, segment')}) ON ${on}`;
  },
};

/**
 * Every score cell (R, the rule's F score and, when a rule bounds it, M; each 1..bins) that a rule
 * matches, with the first matching rule's key (the rules' precedence); cells no rule matches are
 * `others` and left out. Scores are whole numbers in 1..bins for every scoring method.
 */
export function ruleCells(p: Rfm11Params): { r: number; f: number; m: number; key: string }[] {
  const withM = p.rules.some((r) => r.m);
  const out: { r: number; f: number; m: number; key: string }[] = [];
  const inside = (v: number, b: [number, number] | undefined) => !b || (v >= b[0] && v <= b[1]);
  for (let r = 1; r <= p.bins; r++)
    for (let f = 1; f <= p.bins; f++)
      for (let m = 1; m <= (withM ? p.bins : 1); m++) {
        const rule = p.rules.find((x) => inside(r, x.r) && inside(f, x.f) && (!withM || inside(m, x.m)));
        if (rule) out.push({ r, f, m, key: rule.key });
      }
  return out;
}

/**
 * The R `rfm` package setup (0.3.0): 5 bins cut at type-7 quantiles (+1, `[lower, upper)`), F =
 * frequency score, M = revenue, and its segment table. Frequency differs only when one order has
 * several rows: R counts rows, Atlas distinct orders.
 */
export const RFM_R_PRESET: Rfm11Params = {
  ...RFM_SCORE_DEFAULTS,
  method: 'r7',
  monetary: 'revenue',
  bins: 5,
  fScore: 'f',
  rules: R_RFM_RULES,
};
