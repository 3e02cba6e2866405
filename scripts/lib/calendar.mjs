/**
 * The generators' two-year calendar (2024-01-01 … 2025-12-31, wall-clock time, no zone) and its
 * seasonality: November/December peaks, a 11.11 spike, a smaller 6.18 and 12.12, busier weekends
 * and evenings, gentle growth. Timestamps are formatted from lookup tables because the benchmark
 * writes tens of millions of them.
 */

export const START_MS = Date.UTC(2024, 0, 1);
export const DAYS = 731; // 2024 is a leap year
export const DAY_S = 86_400;

const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayText = Array.from({ length: DAYS }, (_, d) => new Date(START_MS + d * DAY_S * 1000).toISOString().slice(0, 10));

/** `YYYY-MM-DD` of a day index (0 = 2024-01-01). */
export function dayString(day) {
  return dayText[day];
}

/** `YYYY-MM-DD HH:MM:SS` of whole seconds since 2024-01-01 00:00:00 (clamped to the range). */
export function stamp(seconds) {
  let s = Math.floor(seconds);
  if (s < 0) s = 0;
  const day = Math.min(DAYS - 1, Math.floor(s / DAY_S));
  const rest = Math.min(DAY_S - 1, s - day * DAY_S);
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  return `${dayText[day]} ${pad2[h]}:${pad2[m]}:${pad2[rest % 60]}`;
}

/** Month index 0…23 of a day index. */
export function monthOf(day) {
  const d = new Date(START_MS + day * DAY_S * 1000);
  return (d.getUTCFullYear() - 2024) * 12 + d.getUTCMonth();
}

/** Relative order volume per day (length DAYS). Multipliers are documented in public/demo/README.md. */
export function dayWeights() {
  const w = new Float64Array(DAYS);
  for (let day = 0; day < DAYS; day++) {
    const d = new Date(START_MS + day * DAY_S * 1000);
    const month = d.getUTCMonth();
    const date = d.getUTCDate();
    const dow = d.getUTCDay();
    let x = 1 + 0.25 * (day / DAYS); // growth: +25 % over two years
    if (month === 10) x *= 1.6; // November
    if (month === 11) x *= 1.45; // December
    if (dow === 0 || dow === 6) x *= 1.12;
    if (month === 10 && date === 11) x *= 6; // Singles' Day
    if (month === 10 && date === 10) x *= 1.8; // pre-sale evening
    if (month === 5 && date === 18) x *= 2.5; // 6.18
    if (month === 11 && date === 12) x *= 2.2; // 12.12
    w[day] = x;
  }
  return w;
}

/** Relative activity per hour of day: quiet nights, lunch bump, evening peak. */
export const HOUR_WEIGHTS = [
  0.35, 0.2, 0.12, 0.08, 0.06, 0.08, 0.2, 0.45, 0.7, 0.85, 0.95, 1.0, 1.15, 1.05, 0.95, 0.95, 1.0, 1.05, 1.15, 1.35, 1.6, 1.75, 1.5, 0.9,
];
