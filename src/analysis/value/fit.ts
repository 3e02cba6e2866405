/**
 * Fit both value models on prepared rows, with every check, into one result the page shows:
 * fitted parameters with their log-likelihood, or the issues that stop them.
 */
import { type BgNbdFit, type RfSummary, fitBgNbdSteps } from './bgnbd';
import { type GammaGammaFit, type SpendSummary, fitGammaGammaSteps, spendFrequencyCorrelation } from './gamma-gamma';
import { runSteps, type Steps } from './optimise';
import { type ValueIssue, MAX_CORRELATION, checkRepeat, blocking } from './gating';

export interface ValueFit {
  bg: BgNbdFit | null;
  /** null when there is no money, no positive repeat spend, or the fit failed */
  gg: GammaGammaFit | null;
  /** corr(x, m_x) over the repeat customers with positive spend */
  correlation: number | null;
  /** customers the models were fitted on (the sample, `sample.ts`) */
  customers: number;
  /** customers in the summary the sample was drawn from (= customers when not sampled) */
  population: number;
  repeatCustomers: number;
  issues: ValueIssue[];
  /** wall-clock fit time in ms (in the worker it includes the pauses for other calls) */
  ms: number;
}

/**
 * Fit BG/NBD on grouped (x, t_x, T) and Gamma-Gamma on the repeat customers' (x, m_x), as steps a
 * caller may pause between (`optimise.ts`). `money` false: the data has no amounts, so only
 * purchases are modelled. `population`: the customers the rows were sampled from (default: the
 * rows' own count).
 */
export function* fitValueSteps(
  groups: readonly RfSummary[],
  spend: readonly { x: number; mx: number | null }[],
  money: boolean,
  population?: number,
): Steps<ValueFit> {
  const t0 = performance.now();
  const customers = groups.reduce((s, g) => s + g.n, 0);
  const repeatCustomers = groups.reduce((s, g) => s + (g.x > 0 ? g.n : 0), 0);
  const issues = checkRepeat(repeatCustomers);
  const done = (bg: BgNbdFit | null, gg: GammaGammaFit | null, correlation: number | null): ValueFit => ({
    bg,
    gg,
    correlation,
    customers,
    population: population ?? customers,
    repeatCustomers,
    issues,
    ms: performance.now() - t0,
  });
  if (blocking(issues)) return done(null, null, null);
  const bg = yield* fitBgNbdSteps(groups);
  if (!bg.converged) {
    issues.push({ code: 'not-converged', severity: 'error', params: { model: 'BG/NBD' } });
    return done(null, null, null);
  }
  if (Math.abs(bg.params.a - 1) < 1e-6 || !(bg.params.a + bg.params.b > bg.params.r)) {
    issues.push({ code: 'no-prediction', severity: 'error', params: { reason: 'BG/NBD' } });
    return done(null, null, null);
  }
  if (!money) return done(bg, null, null);
  const positive: SpendSummary[] = [];
  let nonPositive = 0;
  for (const s of spend) {
    if (s.x <= 0) continue;
    if (s.mx !== null && s.mx > 0) positive.push({ x: s.x, mx: s.mx });
    else nonPositive++;
  }
  if (nonPositive > 0) issues.push({ code: 'non-positive-spend', severity: 'warning', params: { count: nonPositive } });
  if (positive.length === 0) return done(bg, null, null);
  const correlation = spendFrequencyCorrelation(positive);
  if (correlation !== null && Math.abs(correlation) >= MAX_CORRELATION) {
    issues.push({ code: 'spend-frequency-correlation', severity: 'warning', params: { corr: Number(correlation.toFixed(2)) } });
  }
  const gg = yield* fitGammaGammaSteps(positive);
  if (!gg.converged) {
    issues.push({ code: 'not-converged', severity: 'warning', params: { model: 'Gamma-Gamma' } });
    return done(bg, null, correlation);
  }
  return done(bg, gg, correlation);
}

/** `fitValueSteps` run to the end. */
export function fitValue(
  groups: readonly RfSummary[],
  spend: readonly { x: number; mx: number | null }[],
  money: boolean,
  population?: number,
): ValueFit {
  return runSteps(fitValueSteps(groups, spend, money, population));
}
