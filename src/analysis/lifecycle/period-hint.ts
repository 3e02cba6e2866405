/**
 * Thin data under the period setting (issue 11 §4): nine days of data under monthly periods draw
 * one point per chart. Pure: the data's first and last day and the chosen period in, a hint out.
 */
import type { PeriodUnit } from './activity';

/** Fewer periods than this make stage flows and cohort curves too short to read. */
export const MIN_PERIODS = 3;

export interface PeriodHint {
  /** i18n key: `lifecycle.hint.week` (switch to weeks) or `lifecycle.hint.short` (too short even for weeks) */
  key: 'lifecycle.hint.week' | 'lifecycle.hint.short';
  days: number;
  periods: number;
  /** the period to switch to, when one helps */
  suggest: PeriodUnit | null;
}

const DAY = 86_400_000;
const dayOf = (ts: string) => Date.parse(`${ts.slice(0, 10)}T00:00:00Z`);

/** Calendar periods (Monday weeks or months) touched by the days first … last. */
export function periodsSpanned(first: string, last: string, unit: PeriodUnit): number {
  const a = new Date(dayOf(first));
  const b = new Date(dayOf(last));
  if (unit === 'month') return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
  const monday = (d: Date) => d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY;
  return Math.round((monday(b) - monday(a)) / (7 * DAY)) + 1;
}

/** A hint when the data spans fewer than MIN_PERIODS periods of the chosen unit; null otherwise. */
export function periodHint(first: string | null, last: string | null, unit: PeriodUnit): PeriodHint | null {
  if (!first || !last) return null;
  const days = Math.round((dayOf(last) - dayOf(first)) / DAY) + 1;
  const periods = periodsSpanned(first, last, unit);
  if (periods >= MIN_PERIODS) return null;
  if (unit === 'month' && periodsSpanned(first, last, 'week') > periods)
    return { key: 'lifecycle.hint.week', days, periods, suggest: 'week' };
  return { key: 'lifecycle.hint.short', days, periods, suggest: null };
}
