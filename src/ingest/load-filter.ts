/**
 * The filtered load: what the page offers when a file would not fit in the tab (the memory guard,
 * `canonical-size.ts`). The canonical build then reads only a deterministic sample of customers
 * (by a hash of the customer key, so every file keeps the same customers) and/or only rows dated
 * in a range. Rows left out this way are not rejects: the page says the load is filtered.
 */
import { sql, raw, join, type Sql } from '../lib/sql';

export interface LoadFilter {
  /** keep one customer in this many (2…1000), chosen by `hash(customer key) % n = 0`; null: all */
  sampleOneIn?: number | null;
  /** keep rows dated on or after this day (`YYYY-MM-DD`); null: no lower bound */
  from?: string | null;
  /** keep rows dated on or before this day (`YYYY-MM-DD`); null: no upper bound */
  to?: string | null;
}

/** The largest sample divisor offered: one customer in a thousand. */
export const MAX_SAMPLE_ONE_IN = 1000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The divisors offered (the page also accepts any whole number in range). */
const NICE = [2, 3, 4, 5, 10, 20, 50, 100, 200, 500, 1000];
/** Room left for the analyses when a suggested sample is judged to fit. */
const HEADROOM = 0.9;

/** A usable `YYYY-MM-DD` date, else null. */
function day(s: string | null | undefined): string | null {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? null : s;
}

/**
 * The filter made safe: a whole divisor in 2…1000 (1 or less: no sample), real dates, `from`
 * not after `to`. Returns null when nothing is left to filter; throws a plain message on a
 * reversed range or a divisor out of range, which the page shows as it is.
 */
export function cleanLoadFilter(f: LoadFilter | null | undefined): LoadFilter | null {
  if (!f) return null;
  let n: number | null = null;
  if (f.sampleOneIn !== null && f.sampleOneIn !== undefined) {
    if (!Number.isInteger(f.sampleOneIn) || f.sampleOneIn < 1 || f.sampleOneIn > MAX_SAMPLE_ONE_IN)
      throw new Error(`invalid sample: one customer in ${String(f.sampleOneIn)} (a whole number from 1 to ${MAX_SAMPLE_ONE_IN})`);
    n = f.sampleOneIn > 1 ? f.sampleOneIn : null;
  }
  if ((f.from && !day(f.from)) || (f.to && !day(f.to))) throw new Error(`invalid date range: ${f.from ?? ''} … ${f.to ?? ''}`);
  const from = day(f.from);
  const to = day(f.to);
  if (from && to && from > to) throw new Error(`invalid date range: ${from} is after ${to}`);
  if (n === null && !from && !to) return null;
  return { sampleOneIn: n, from, to };
}

/**
 * The rows kept: `cust` and `ts` are the canonical customer key and time of a row. A sample keeps
 * no guest rows (no key to hash); a date range keeps no undated rows.
 */
export function loadFilterPredicate(f: LoadFilter, cust: Sql, ts: Sql | null): Sql | null {
  const parts: Sql[] = [];
  if (f.sampleOneIn && f.sampleOneIn > 1) parts.push(sql`(${cust}) IS NOT NULL AND hash(${cust}) % ${raw(String(f.sampleOneIn))} = 0`);
  if (ts && f.from) parts.push(sql`(${ts}) >= CAST(${f.from} AS DATE)`);
  if (ts && f.to) parts.push(sql`(${ts}) < CAST(${f.to} AS DATE) + INTERVAL 1 DAY`);
  return parts.length ? join(parts, ' AND ') : null;
}

/**
 * The smallest offered divisor that makes `need` bytes fit in `free` with room to spare, or null
 * when even one in a thousand would not fit.
 */
export function suggestSample(need: number, free: number): number | null {
  if (need <= free * HEADROOM) return 1;
  return NICE.find((n) => need / n <= free * HEADROOM) ?? null;
}
