/**
 * Timestamp detection from sample values, and the SQL that turns a raw column into a plain
 * TIMESTAMP (wall clock, no zone; see docs/data-model.md "Time"). DuckDB-WASM has no ICU, so
 * nothing here produces TIMESTAMPTZ: epochs go through `make_timestamp(micros)` and explicit
 * zones are applied as minute arithmetic.
 */
import { Sql, sql, str, num, raw, join } from '../lib/sql';
import type { RawColumn, TimestampFormat } from './mapping';
import { toLocal, offsetExpr, type ZoneRule } from './timezones';

const INT_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|INT\d*)$/i;
const NATIVE_TYPES = /^(TIMESTAMP(_S|_MS|_NS)?|DATE|DATETIME)$/i;

/** Zone written after a time: ` UTC`, `Z`, `+0800`, `-05:00`. Group 1 = text before, group 2 = zone. */
export const ZONE_RE = /^(.*\d)\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})$/;
const ZONE_RE_SQL = '^(.*\\d)\\s*(UTC|GMT|Z|[+-]\\d{2}:?\\d{2})$';

const TIME_RE = /^(\d{1,2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?$/;
const YMD_RE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:([ T])(.+))?$/;
const DMY_RE = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?: (.+))?$/;
const CN_RE = /^(\d{4})年(\d{1,2})月(\d{1,2})日(\s*)(.*)$/;

function timeFormat(t: string): string | null {
  const m = TIME_RE.exec(t);
  if (!m) return null;
  if (m[4]) return '%H:%M:%S.%f';
  if (m[3]) return '%H:%M:%S';
  if (m[2]) return '%H:%M';
  return '%H';
}

/** Which of the first two parts of `a/b/yyyy` is the day: `dmy` when some first part > 12. */
function dayOrder(values: string[]): 'mdy' | 'dmy' {
  let firstOver12 = false;
  let secondOver12 = false;
  for (const v of values) {
    const m = DMY_RE.exec(v);
    if (!m) continue;
    if (Number(m[1]) > 12) firstOver12 = true;
    if (Number(m[3]) > 12) secondOver12 = true;
  }
  // Month-first (US) unless only the first part ever exceeds 12.
  return firstOver12 && !secondOver12 ? 'dmy' : 'mdy';
}

/** The strptime format of one text value (zone already stripped), or null. */
export function sampleFormat(v: string, order: 'mdy' | 'dmy' = 'mdy'): string | null {
  let m = YMD_RE.exec(v);
  if (m) {
    const sep = m[2] as string;
    const date = `%Y${sep}%m${sep}%d`;
    if (!m[6]) return date;
    const t = timeFormat(m[6]);
    return t ? `${date}${m[5]}${t}` : null;
  }
  m = DMY_RE.exec(v);
  if (m) {
    const sep = m[2] as string;
    const y = (m[4] as string).length === 4 ? '%Y' : '%y';
    const date = order === 'mdy' ? `%m${sep}%d${sep}${y}` : `%d${sep}%m${sep}${y}`;
    if (!m[5]) return date;
    const t = timeFormat(m[5]);
    return t ? `${date} ${t}` : null;
  }
  m = CN_RE.exec(v);
  if (m) {
    if (!m[5]) return '%Y年%m月%d日';
    const t = timeFormat(m[5]);
    return t ? `%Y年%m月%d日${m[4]}${t}` : null;
  }
  return null;
}

function isValidYmd(n: number): boolean {
  const y = Math.floor(n / 10000);
  const mo = Math.floor(n / 100) % 100;
  const d = n % 100;
  return y >= 1900 && y <= 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/** Epoch seconds between 2001-09 and 2033-05 (10 digits); milliseconds (13) and microseconds (16, GA4) likewise. */
function integerKind(values: string[]): TimestampFormat | null {
  if (values.length === 0 || !values.every((v) => /^\d+$/.test(v))) return null;
  const nums = values.map(Number);
  if (nums.every(isValidYmd)) return { kind: 'yyyymmdd' };
  if (nums.every((n) => n >= 1e9 && n < 2e9)) return { kind: 'epoch_s' };
  if (nums.every((n) => n >= 1e12 && n < 2e12)) return { kind: 'epoch_ms' };
  if (nums.every((n) => n >= 1e15 && n < 2e15)) return { kind: 'epoch_us' };
  return null;
}

/**
 * How a column's values read as time, or null when they don't (80 % of non-empty samples must
 * parse). Native TIMESTAMP/DATE columns need no parsing.
 */
export function detectTimestampFormat(column: RawColumn): TimestampFormat | null {
  if (NATIVE_TYPES.test(column.type.trim())) return { kind: 'native' };
  const values = column.samples.filter((s): s is string => s !== null && s.trim() !== '').map((s) => s.trim());
  if (values.length === 0) return null;
  if (INT_TYPES.test(column.type.trim()) || /^VARCHAR$/i.test(column.type.trim())) {
    const k = integerKind(values);
    if (k) return k;
  }
  if (!/^VARCHAR$/i.test(column.type.trim())) return null;
  const order = dayOrder(values.map((v) => ZONE_RE.exec(v)?.[1] ?? v));
  const counts = new Map<string, number>();
  let parsed = 0;
  for (const v of values) {
    const f = sampleFormat(ZONE_RE.exec(v)?.[1] ?? v, order);
    if (!f) continue;
    parsed++;
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  if (parsed < values.length * 0.8) return null;
  // Most frequent first; two-digit-year formats cannot swallow four-digit years, so order is safe.
  const formats = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  return { kind: 'strptime', formats };
}

/** The format used when no strptime format is known: ISO date and time. */
export const DEFAULT_TIMESTAMP_FORMAT: TimestampFormat = { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] };

/**
 * The format to parse a mapped time column with. Detection needs 80 % of samples to read as time;
 * below that (a few rows, one of them broken by a stray quote) the formats the readable samples
 * do have are still the best guess, so they are used, ISO date-time and date last. Rows that
 * match none are rejected as unparseable, which the overview shows.
 */
export function timestampFormatFor(column: RawColumn): TimestampFormat {
  const detected = detectTimestampFormat(column);
  if (detected) return detected;
  const values = column.samples.filter((s): s is string => s !== null && s.trim() !== '').map((s) => s.trim());
  const order = dayOrder(values.map((v) => ZONE_RE.exec(v)?.[1] ?? v));
  const seen: string[] = [];
  for (const v of values) {
    const f = sampleFormat(ZONE_RE.exec(v)?.[1] ?? v, order);
    if (f && !seen.includes(f)) seen.push(f);
  }
  if (seen.length === 0) return DEFAULT_TIMESTAMP_FORMAT;
  for (const f of ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d']) if (!seen.includes(f)) seen.push(f);
  return { kind: 'strptime', formats: seen };
}

/** A value has a date shape *and* its parts are in range (`32/13/2024 25:61` has the shape only). */
function readsAsTime(v: string): boolean {
  const f = sampleFormat(v);
  if (!f) return false;
  const nums = (v.match(/\d+/g) ?? []).map(Number);
  const ymd = YMD_RE.test(v) || CN_RE.test(v);
  const [a = 0, b = 0, c = 0, h = 0, mi = 0, sec = 0] = nums;
  const [month, day] = ymd ? [b, c] : [Math.min(a, b), Math.max(a, b)];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && h < 24 && mi < 60 && sec < 61;
}

/**
 * The 1-based sample row of the first value that reads as no time at all, when *no* sample does
 * (so a mapping is certainly wrong), else null. Native and numeric formats are not judged here.
 */
export function firstUnreadableTime(column: RawColumn, fmt: TimestampFormat | null): { row: number; value: string } | null {
  if (fmt && fmt.kind !== 'strptime') return null;
  if (NATIVE_TYPES.test(column.type.trim()) || INT_TYPES.test(column.type.trim())) return null;
  let first: { row: number; value: string } | null = null;
  for (const [i, s] of column.samples.entries()) {
    if (s === null || s.trim() === '') continue;
    const v = s.trim();
    if (readsAsTime(ZONE_RE.exec(v)?.[1] ?? v) || integerKind([v]) !== null) return null;
    first ??= { row: i + 1, value: s };
  }
  return first;
}

/** The column as trimmed text. */
function text(col: Sql): Sql {
  return sql`trim(CAST(${col} AS VARCHAR))`;
}

/** Minutes east of UTC written in a zone text (`UTC`, `Z`, `+0800`, `-05:00`). */
function zoneMinutes(zone: Sql): Sql {
  return sql`(CASE WHEN ${zone} IN ('UTC', 'GMT', 'Z') THEN 0 ELSE (CASE WHEN left(${zone}, 1) = '-' THEN -1 ELSE 1 END) * (CAST(substr(${zone}, 2, 2) AS INTEGER) * 60 + CAST(right(${zone}, 2) AS INTEGER)) END)`;
}

/** One strptime attempt; `%Y` must not accept a two-digit year (`2/20/11` is not the year 11). */
function parseOne(base: Sql, format: string): Sql {
  // ISO texts cast directly (much faster than strptime); strptime stays the fallback.
  const iso = format === '%Y-%m-%d %H:%M:%S' || format === '%Y-%m-%d' || format === '%Y-%m-%d %H:%M';
  const p = iso
    ? sql`coalesce(TRY_CAST(${base} AS TIMESTAMP), try_strptime(${base}, ${str(format)}))`
    : sql`try_strptime(${base}, ${str(format)})`;
  return format.includes('%Y') ? sql`CASE WHEN year(${p}) >= 1000 THEN ${p} END` : p;
}

/**
 * SQL turning raw column `col` into a TIMESTAMP (NULL when a value does not parse). Epoch values
 * and texts carrying a zone are moved to the target zone: a fixed offset in minutes east of UTC,
 * or an IANA zone's rule (daylight-saving time included, see `timezones.ts`); texts without a
 * zone keep their wall clock.
 */
export function timestampExpr(col: Sql, fmt: TimestampFormat, target: number | ZoneRule): Sql {
  const fixed = typeof target === 'number';
  const tz = num(fixed ? Math.round(target) : 0);
  // UTC instant → wall clock of the target
  const local = (utc: Sql) => (fixed ? sql`${utc} + to_minutes(${tz})` : toLocal(target, utc));
  switch (fmt.kind) {
    case 'native':
      return sql`CAST(${col} AS TIMESTAMP)`;
    case 'epoch_s':
    case 'epoch_ms':
    case 'epoch_us': {
      // the cast ignores spaces at the ends itself: no trim (which the CASE below would compute for every row)
      const n = sql`TRY_CAST(CAST(${col} AS VARCHAR) AS BIGINT)`;
      const micros = fmt.kind === 'epoch_s' ? sql`${n} * 1000000` : fmt.kind === 'epoch_ms' ? sql`${n} * 1000` : n;
      const limit =
        fmt.kind === 'epoch_s' ? raw('253402300799') : fmt.kind === 'epoch_ms' ? raw('253402300799000') : raw('253402300799000000');
      return sql`(CASE WHEN ${n} BETWEEN 0 AND ${limit} THEN ${local(sql`make_timestamp(${micros})`)} END)`;
    }
    case 'yyyymmdd':
      return sql`try_strptime(${text(col)}, '%Y%m%d')`;
    case 'strptime': {
      const s = text(col);
      const base = sql`regexp_replace(${s}, ${str(ZONE_RE_SQL)}, '\\1')`;
      const zone = sql`regexp_extract(${s}, ${str(ZONE_RE_SQL)}, 2)`;
      const formats = fmt.formats.length > 0 ? fmt.formats : ['%Y-%m-%d %H:%M:%S'];
      const parsed =
        formats.length === 1 ? parseOne(base, formats[0] as string) : sql`coalesce(${join(formats.map((f) => parseOne(base, f)))})`;
      // Fast path: a text that cannot end in a zone (`Z`, `UTC`, `±HH:MM`, `±HHMM`) skips the regexes.
      const mayHaveZone = sql`(right(${s}, 1) = 'Z' OR right(${s}, 3) = 'UTC' OR substr(${s}, length(${s}) - 5, 1) IN ('+', '-') OR substr(${s}, length(${s}) - 4, 1) IN ('+', '-'))`;
      const plain = formats.length === 1 ? parseOne(s, formats[0] as string) : sql`coalesce(${join(formats.map((f) => parseOne(s, f)))})`;
      const full = sql`(CASE WHEN NOT ${mayHaveZone} THEN ${plain} WHEN ${zone} = '' THEN ${parsed} ELSE ${local(sql`(${parsed} - to_minutes(${zoneMinutes(zone)}))`)} END)`;
      // ISO texts of a length that cannot carry a zone cast directly — the common case, 6× faster.
      if (!formats.every((f) => f.startsWith('%Y-%m-%d'))) return full;
      // Values without a space at either end skip the trim. In a CASE, not a `coalesce` around
      // one: DuckDB's common-subexpression pass looks into `coalesce` and computed the trimmed
      // text and its length for every row first (5M times: 0.86 s against 0.30 s natively).
      const v = sql`CAST(${col} AS VARCHAR)`;
      const padded = sql`coalesce(CASE WHEN length(${s}) IN (10, 16, 19) THEN TRY_CAST(${s} AS TIMESTAMP) END, ${full})`;
      return sql`(CASE WHEN ${v} LIKE ' %' OR ${v} LIKE '% ' THEN ${padded}
        WHEN length(${v}) IN (10, 16, 19) THEN coalesce(TRY_CAST(${v} AS TIMESTAMP), ${full}) ELSE ${full} END)`;
    }
  }
}

/**
 * SQL: true for a row whose time text carries an offset that differs from the rule's offset at
 * that instant (e.g. `-05:00` in July for America/New_York, which is then at −04:00); false or
 * NULL otherwise. Only strptime (text) formats carry offsets.
 */
export function zoneDisagrees(col: Sql, fmt: TimestampFormat, rule: ZoneRule): Sql {
  if (fmt.kind !== 'strptime') return sql`false`;
  const s = text(col);
  const base = sql`regexp_replace(${s}, ${str(ZONE_RE_SQL)}, '\\1')`;
  const zone = sql`regexp_extract(${s}, ${str(ZONE_RE_SQL)}, 2)`;
  const formats = fmt.formats.length > 0 ? fmt.formats : ['%Y-%m-%d %H:%M:%S'];
  const parsed =
    formats.length === 1 ? parseOne(base, formats[0] as string) : sql`coalesce(${join(formats.map((f) => parseOne(base, f)))})`;
  const written = zoneMinutes(zone);
  // CASE, not AND: DuckDB evaluates both sides, and the offset text of a zone-less value is ''
  return sql`(CASE WHEN ${zone} = '' THEN false ELSE ${written} <> ${offsetExpr(rule, sql`(${parsed} - to_minutes(${written}))`)} END)`;
}
