/**
 * P(alive) bands from a fitted BG/NBD (Fader, Hardie & Lee 2005, eq. 13): likely lost, at risk,
 * likely alive. The fitted parameters travel in the model parameters as bound values; `fit: null`
 * means "not fitted yet": the worker fits on the current scope first (workers/analysis-value.ts).
 */
import { type Sql, sql } from '../../lib/sql';
import type { ModelContext } from '../types';
import type { BgNbdParams } from '../value/bgnbd';
import { rfSummary, type TimeUnit } from '../value/summary';
import { type Model, defineSegments, checkKeyword, checkNumber, checkAscending } from './model';

export interface PAliveParams {
  unit: TimeUnit;
  fit: BgNbdParams | null;
  /** two ascending cut points in (0, 1): below the first likely lost, from the second likely alive */
  bands: [number, number];
}

const SEGMENTS = defineSegments('alive', ['likely_alive', 'at_risk', 'likely_lost'], ['#1a9850', '#f28e2b', '#e15759']);

/** Throws unless the fitted BG/NBD parameters are usable (all finite and positive). */
export function checkBgNbd(f: BgNbdParams): BgNbdParams {
  for (const k of ['r', 'alpha', 'a', 'b'] as const) checkNumber(f[k], k, Number.MIN_VALUE);
  return f;
}

function validate(p: PAliveParams): PAliveParams {
  checkKeyword(p.unit, 'unit', ['day', 'week']);
  if (p.fit !== null) checkBgNbd(p.fit);
  checkAscending(p.bands, 'bands', 2);
  checkNumber(p.bands[0], 'bands', Number.MIN_VALUE, 1);
  checkNumber(p.bands[1], 'bands', Number.MIN_VALUE, 1);
  return p;
}

/** P(alive) in SQL for a summary relation row alias `s` (x, t_x, T) with bound parameters. */
export function pAliveExpr(f: BgNbdParams): Sql {
  return sql`CASE WHEN x = 0 THEN 1.0 ELSE 1 / (1 + ${f.a} / (${f.b} + x - 1) * exp((${f.r} + x) * ln((${f.alpha} + T) / (${f.alpha} + t_x)))) END`;
}

export const pAliveBands: Model<PAliveParams> = {
  id: 'alive',
  universe: 'buyers',
  dynamic: false,
  scored: false,
  defaults: { unit: 'week', fit: null, bands: [0.3, 0.7] },
  segments: () => SEGMENTS,
  validate,
  fields: [
    { kind: 'number', path: 'bands.0', label: 'seg.param.alive.0', min: 0, max: 1, step: 0.05, width: '4rem' },
    { kind: 'number', path: 'bands.1', label: 'seg.param.alive.1', min: 0, max: 1, step: 0.05, width: '4rem' },
  ],
  assign(p: PAliveParams, ctx: ModelContext): Sql {
    validate(p);
    if (p.fit === null) throw new Error('invalid fit: not fitted');
    return sql`SELECT customer_id,
  CASE WHEN p_alive >= ${p.bands[1]} THEN 'likely_alive' WHEN p_alive >= ${p.bands[0]} THEN 'at_risk' ELSE 'likely_lost' END AS segment,
  round(p_alive, 4) AS p_alive
FROM (SELECT customer_id, ${pAliveExpr(p.fit)} AS p_alive FROM (${rfSummary(ctx.scope, { unit: p.unit, calibrationEnd: null })}))`;
  },
};
