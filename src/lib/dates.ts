/**
 * The one home of calendar-date helpers. Dates cross the worker boundary and live in the URL as
 * `YYYY-MM-DD` strings in UTC; these helpers never depend on the browser's own time zone.
 */

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True when `d` is a real calendar date `YYYY-MM-DD` (2023-02-30 is not). */
export function isIsoDate(d: unknown): d is string {
  return typeof d === 'string' && DATE_RE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && toDate(d).toISOString().startsWith(d);
}

/** Throws `invalid <name>: <d>` unless `d` is a real calendar date. */
export function assertDate(d: string, name: string): void {
  if (!isIsoDate(d)) throw new Error(`invalid ${name}: ${d}`);
}

function toDate(d: string): Date {
  return new Date(`${d}T00:00:00Z`);
}

/** The `YYYY-MM-DD` of a Date (UTC). */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Today as `YYYY-MM-DD` (UTC). */
export function todayIso(): string {
  return isoDate(new Date());
}

/** `d` shifted by `n` days (negative = earlier). */
export function addDays(d: string, n: number): string {
  const x = toDate(d);
  x.setUTCDate(x.getUTCDate() + n);
  return isoDate(x);
}

/** Shift a date back by one week or one calendar month (day clamped to the month's end). */
export function previousPeriod(date: string, unit: 'day' | 'week' | 'month'): string {
  if (unit === 'day') return addDays(date, -1);
  if (unit === 'week') return addDays(date, -7);
  const d = toDate(date);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return isoDate(d);
}
