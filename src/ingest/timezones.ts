/**
 * IANA time zones without ICU in DuckDB: the worker derives a zone's UTC offsets over the data's
 * years from `Intl.DateTimeFormat` (a small transition table) and SQL applies them with a CASE on
 * the UTC instant. Also: guessing the zone from offsets written in the data, and the SQL that
 * counts rows whose written offset disagrees with the chosen zone. See docs/data-model.md "Time".
 */
import { Sql, sql, raw, join, num } from '../lib/sql';

/** A zone's offsets over a range of years: `offsets[i]` minutes east of UTC from `starts[i]` (UTC, `YYYY-MM-DD HH:MM:SS`) on. */
export interface ZoneRule {
  zone: string;
  /** offset before the first start */
  initial: number;
  transitions: { start: string; offset: number }[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when the runtime knows the IANA zone name (`Europe/Berlin`, `UTC`, …). */
export function isZone(name: string): boolean {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Throws `unknown time zone: <name>` unless the name is a zone the runtime knows. */
export function checkZone(name: string): string {
  if (!isZone(name)) throw new Error(`unknown time zone: ${String(name).slice(0, 64)}`);
  return name;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: checkZone(zone),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes east of UTC in `zone` at the UTC instant `ms` (from the zone's wall clock at that instant). */
export function offsetAt(zone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * The zone's offsets from 1 January of `firstYear` to the end of `lastYear` (UTC): scanned day by
 * day, each change located to the minute by bisection. ~2 transitions per year for DST zones.
 */
export function zoneRule(zone: string, firstYear: number, lastYear: number): ZoneRule {
  checkZone(zone);
  if (!Number.isInteger(firstYear) || !Number.isInteger(lastYear) || lastYear < firstYear || lastYear - firstYear > 200) {
    throw new Error(`invalid years: ${firstYear}–${lastYear}`);
  }
  const start = Date.UTC(firstYear, 0, 1) - 86_400_000;
  const end = Date.UTC(lastYear + 1, 0, 1) + 86_400_000;
  const initial = offsetAt(zone, start);
  const transitions: ZoneRule['transitions'] = [];
  let prev = initial;
  for (let t = start; t < end; t += 86_400_000) {
    const next = Math.min(t + 86_400_000, end);
    const off = offsetAt(zone, next);
    if (off === prev) continue;
    let lo = t;
    let hi = next; // offset(lo) = prev, offset(hi) = off
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetAt(zone, mid) === prev) lo = mid;
      else hi = mid;
    }
    transitions.push({ start: iso(hi), offset: off });
    prev = off;
  }
  return { zone, initial, transitions };
}

/** SQL: minutes east of UTC of the rule's zone at the UTC TIMESTAMP `utc`. */
export function offsetExpr(rule: ZoneRule, utc: Sql): Sql {
  if (rule.transitions.length === 0) return num(rule.initial);
  // latest transition first: the first start ≤ utc wins
  const whens = [...rule.transitions]
    .reverse()
    .map((t) => sql`WHEN ${utc} >= TIMESTAMP ${raw(`'${checkIso(t.start)}'`)} THEN ${num(t.offset)}`);
  return sql`(CASE ${join(whens, ' ')} ELSE ${num(rule.initial)} END)`;
}

/** Transition starts are program-made `YYYY-MM-DD HH:MM:SS` texts; checked before they become SQL literals. */
function checkIso(s: string): string {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) throw new Error(`invalid transition: ${s}`);
  return s;
}

/** SQL: the wall clock in the rule's zone of the UTC TIMESTAMP `utc`. */
export function toLocal(rule: ZoneRule, utc: Sql): Sql {
  return sql`(${utc} + to_minutes(${offsetExpr(rule, utc)}))`;
}

/** Zones tried first when guessing (most common for e-commerce exports), then every other zone by name. */
const PREFERRED = [
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Moscow',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Australia/Sydney',
];

/** Every zone the runtime lists (falls back to the preferred list on runtimes without `supportedValuesOf`). */
let zones: string[] | null = null;
export function allZones(): string[] {
  if (zones) return zones;
  const intl = Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] };
  const listed = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  zones = [...new Set([...PREFERRED, ...listed])].filter(isZone);
  return zones;
}

/** Offset minutes written at the end of a time text (`Z`, `UTC`, `+0800`, `-05:00`), or null. */
export function writtenOffset(text: string): number | null {
  const m = /(?:\s*(UTC|GMT|Z)|([+-])(\d{2}):?(\d{2}))$/.exec(text.trim());
  if (!m || !/\d/.test(text)) return null;
  if (m[1]) return 0;
  return (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
}

/**
 * The zone that explains the offsets written in sample time texts, or null when no sample carries
 * one. `samples` are pairs of the UTC instant (ms) and the written offset. The preferred zones
 * are tried first; a zone matches when its offset at every instant equals the written one.
 */
export function guessZone(samples: readonly { utcMs: number; offset: number }[]): string | null {
  if (samples.length === 0) return null;
  for (const zone of allZones()) {
    if (samples.every((s) => offsetAt(zone, s.utcMs) === s.offset)) return zone;
  }
  return null;
}

/**
 * Pairs for `guessZone` from raw sample texts in ISO-like form (`2024-03-10 01:30:00-05:00`);
 * texts that are not ISO dates or carry no offset are skipped.
 */
export function offsetSamples(texts: readonly (string | null)[]): { utcMs: number; offset: number }[] {
  const out: { utcMs: number; offset: number }[] = [];
  for (const t of texts) {
    if (t === null) continue;
    const off = writtenOffset(t);
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(t.trim());
    if (off === null || !m) continue;
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
    out.push({ utcMs: wall - off * 60_000, offset: off });
  }
  return out;
}
