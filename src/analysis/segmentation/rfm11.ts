/**
 * The 11-segment RFM scheme (Champions … Lost) on the R score and an F score that is either the
 * frequency score or the rounded F/M average. Rules are checked in list order; the first match wins
 * and `others` catches anything the (user-edited) rules leave out.
 */
import { type Sql, sql, raw, join } from '../../lib/sql';
import type { ModelContext } from '../types';
import { type Model, GREY, defineSegments, checkKeyword, checkNumber } from './model';
import { type RfmScoreParams, RFM_SCORE_DEFAULTS, rfmScores, validateRfmScores } from './rfm-scores';
import type { ParamField } from './editor';
import { rfmGrid } from '../breakdown';

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

/** One rule: inclusive score bounds on R and on the rule's F score. */
export interface Rfm11Rule {
  key: Rfm11Key;
  r: [number, number];
  f: [number, number];
}

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

const SEGMENTS = defineSegments(
  'rfm11',
  [...RFM11_KEYS, 'others'],
  ['#1a9850', '#66bd63', '#a6d96a', '#4e79a7', '#76b7b2', '#edc948', '#f28e2b', '#e15759', '#b2182b', '#9c755f', '#6b6b6b', GREY],
);

function validate(p: Rfm11Params): Rfm11Params {
  validateRfmScores(p);
  checkKeyword(p.fScore, 'f score', ['f', 'fm']);
  if (!Array.isArray(p.rules) || p.rules.length === 0) throw new Error('invalid rules: empty');
  const seen = new Set<string>();
  for (const rule of p.rules) {
    checkKeyword(rule.key, 'rule', RFM11_KEYS);
    if (seen.has(rule.key)) throw new Error(`invalid rule: ${rule.key} twice`);
    seen.add(rule.key);
    for (const [dim, [lo, hi]] of [
      ['r', rule.r],
      ['f', rule.f],
    ] as const) {
      checkNumber(lo, `${rule.key} ${dim} lower bound`, 1, p.bins, true);
      checkNumber(hi, `${rule.key} ${dim} upper bound`, lo, p.bins, true);
    }
  }
  return p;
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
  defaults: { ...RFM_SCORE_DEFAULTS, fScore: 'fm', rules: rfm11Rules(5) },
  segments: () => SEGMENTS,
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
    {
      kind: 'choice',
      path: 'monetary',
      label: 'seg.param.monetary',
      options: [
        { value: 'revenue', label: 'seg.param.monetary.revenue' },
        { value: 'aov', label: 'seg.param.monetary.aov' },
      ],
    },
    {
      kind: 'choice',
      path: 'method',
      label: 'seg.param.method',
      testid: 'rfm-method',
      options: [
        { value: 'quantile', label: 'seg.param.method.quantile' },
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
  extras: { grid: (p, ctx, assigned) => rfmGrid(p, ctx, assigned) },
  assign(p: Rfm11Params, ctx: ModelContext): Sql {
    validate(p);
    const f = raw(p.fScore === 'fm' ? '(f_score + m_score + 1) // 2' : 'f_score');
    const whens = p.rules.map(
      (r) => sql`WHEN r_score BETWEEN ${r.r[0]} AND ${r.r[1]} AND ${f} BETWEEN ${r.f[0]} AND ${r.f[1]} THEN ${r.key}`,
    );
    return sql`SELECT customer_id, CASE ${join(whens, ' ')} ELSE 'others' END AS segment,
  recency_days, frequency, monetary, r_score, f_score, m_score
FROM (${rfmScores(p, ctx)})`;
  },
};
