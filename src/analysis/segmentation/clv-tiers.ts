/**
 * Predicted-CLV tiers: buyers ranked by BG/NBD × Gamma-Gamma CLV over a horizon (see
 * `value/predict-sql.ts`), top share high, next share mid, rest low. Like `alive`, the fitted
 * parameters are bound values in the model parameters; `fit: null` makes the worker fit first.
 */
import { type Sql, sql } from '../../lib/sql';
import type { ModelContext } from '../types';
import type { BgNbdParams } from '../value/bgnbd';
import type { GammaGammaParams } from '../value/gamma-gamma';
import { rfSummary, type TimeUnit } from '../value/summary';
import { predictions } from '../value/predict-sql';
import { type Model, defineSegments, checkKeyword, checkNumber } from './model';
import { checkBgNbd } from './p-alive';

export interface ClvTiersParams {
  unit: TimeUnit;
  fit: { bg: BgNbdParams; gg: GammaGammaParams } | null;
  months: number;
  monthlyDiscount: number;
  /** share of buyers in the high tier, 0 < top ≤ 1 */
  top: number;
  /** share in the mid tier, top + next ≤ 1 */
  next: number;
}

const SEGMENTS = defineSegments('clv', ['high', 'mid', 'low'], ['#1a9850', '#f28e2b', '#9c755f']);

function validate(p: ClvTiersParams): ClvTiersParams {
  checkKeyword(p.unit, 'unit', ['day', 'week']);
  if (p.fit !== null) {
    checkBgNbd(p.fit.bg);
    for (const k of ['p', 'q', 'gamma'] as const) checkNumber(p.fit.gg[k], k, Number.MIN_VALUE);
  }
  checkNumber(p.months, 'horizon months', 1, 60, true);
  checkNumber(p.monthlyDiscount, 'monthly discount', 0, 0.99);
  checkNumber(p.top, 'top share', Number.MIN_VALUE, 1);
  checkNumber(p.next, 'next share', 0, 1 - p.top);
  return p;
}

export const clvTiers: Model<ClvTiersParams> = {
  id: 'clv',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  defaults: { unit: 'week', fit: null, months: 12, monthlyDiscount: 0.01, top: 0.2, next: 0.3 },
  segments: () => SEGMENTS,
  validate,
  fields: [
    { kind: 'number', path: 'months', label: 'value.months', min: 1, max: 60, width: '4rem' },
    { kind: 'number', path: 'top', label: 'seg.param.clv.top', min: 0, max: 1, step: 0.05, width: '4rem' },
    { kind: 'number', path: 'next', label: 'seg.param.clv.next', min: 0, max: 1, step: 0.05, width: '4rem' },
  ],
  assign(p: ClvTiersParams, ctx: ModelContext): Sql {
    validate(p);
    if (p.fit === null) throw new Error('invalid fit: not fitted');
    const pred = predictions(rfSummary(ctx.scope, { unit: p.unit, calibrationEnd: null }), {
      bg: p.fit.bg,
      gg: p.fit.gg,
      unit: p.unit,
      months: p.months,
      monthlyDiscount: p.monthlyDiscount,
    });
    return clvTierRows(pred, p);
  },
};

/**
 * The tiers over per-customer predictions `pred` (`customer_id, clv, p_alive`, see `predictions`):
 * `customer_id, segment, clv, p_alive`. The model's assignment, and the Value page's reuse of the
 * predictions it already computed.
 */
export function clvTierRows(pred: Sql, p: Pick<ClvTiersParams, 'top' | 'next'>): Sql {
  // customers strictly ahead (ties share a rank) against the tier's share of all buyers
  const ahead = sql`(rank() OVER (ORDER BY clv DESC) - 1)`;
  return sql`SELECT customer_id,
  CASE WHEN ${ahead} < ${p.top} * count(*) OVER () THEN 'high' WHEN ${ahead} < ${p.top + p.next} * count(*) OVER () THEN 'mid' ELSE 'low' END AS segment,
  round(clv, 2) AS clv, round(p_alive, 4) AS p_alive
FROM (${pred})`;
}
