/**
 * Thin data under the period setting (issue 11 §4, issue 12 item 1): nine days of data under
 * monthly periods draw one point per chart. Pure: the data's first and last day (or the window's
 * activity span) and the chosen period in, one hint out.
 */
import { PERIOD_UNITS, suggestPeriod, type PeriodUnit } from './activity';

/** Fewer periods than this make stage flows and cohort curves too short to read. */
export const MIN_PERIODS = 3;

const DAY = 86_400_000;
const dayOf = (ts: string) => Date.parse(`${ts.slice(0, 10)}T00:00:00Z`);

/** Calendar periods (days, Monday weeks or months) touched by the days first … last. */
export function periodsSpanned(first: string, last: string, unit: PeriodUnit): number {
  const a = new Date(dayOf(first));
  const b = new Date(dayOf(last));
  if (unit === 'day') return Math.round((b.getTime() - a.getTime()) / DAY) + 1;
  if (unit === 'month') return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
  const monday = (d: Date) => d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY;
  return Math.round((monday(b) - monday(a)) / (7 * DAY)) + 1;
}

/** The one thin-data sentence the lifecycle page shows (issue 12: never two overlapping hints). */
export interface ThinDataHint {
  /** `lifecycle.span.suggest`: a finer period suits the data; `lifecycle.hint.short`: too short even so */
  key: 'lifecycle.span.suggest' | 'lifecycle.hint.short';
  /** days of activity the sentence speaks of */
  days: number;
  /** the period to switch to (finer than the chosen one), or null */
  suggest: PeriodUnit | null;
}

/**
 * One hint from the window's activity span (the last result's, when there is one) or else the
 * data's whole range: a finer period when `suggestPeriod` picks one finer than `unit`; else "too
 * short" when the range touches fewer than MIN_PERIODS periods of `unit`; else null.
 */
export function thinDataHint(
  first: string | null,
  last: string | null,
  unit: PeriodUnit,
  span: { first: string; last: string } | null = null,
): ThinDataHint | null {
  const a = span?.first ?? first;
  const b = span?.last ?? last;
  if (!a || !b) return null;
  const days = Math.round((dayOf(b) - dayOf(a)) / DAY) + 1;
  const suggest = suggestPeriod(a.slice(0, 10), b.slice(0, 10));
  if (PERIOD_UNITS.indexOf(suggest) < PERIOD_UNITS.indexOf(unit)) return { key: 'lifecycle.span.suggest', days, suggest };
  if (periodsSpanned(a, b, unit) < MIN_PERIODS) return { key: 'lifecycle.hint.short', days, suggest: null };
  return null;
}
