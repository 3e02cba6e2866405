/**
 * Small pieces shared by the canonical builder: table DDL, column lookup in a mapping, and the
 * event-type CASE. Kept apart so `canonical.ts` reads as the pipeline it is.
 */
import { Sql, sql, raw, ident, join, oneOf } from '../lib/sql';
import type { ColumnRole, FileMapping, RawColumn, RawFile, TimestampFormat } from './mapping';
import { EVENT_TYPES, EVENT_VOCAB, type EventType } from './event-types';
import { timestampFormatFor, timestampExpr } from './timestamps';
import type { ZoneRule } from './timezones';

/** The columns of `orders` in order, with their types (the DDL below, and the part a build writes in place). */
export const ORDER_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['customer_id', 'VARCHAR'],
  ['order_id', 'VARCHAR'],
  ['ts', 'TIMESTAMP'],
  ['amount', 'DOUBLE'],
  ['quantity', 'DOUBLE'],
  ['unit_price', 'DOUBLE'],
  ['status', 'VARCHAR'],
  ['category', 'VARCHAR'],
  ['product_id', 'VARCHAR'],
  ['channel', 'VARCHAR'],
  ['region', 'VARCHAR'],
  ['is_return', 'BOOLEAN'],
  ['source', 'VARCHAR'],
  ['variant', 'VARCHAR'],
];

/** The columns of `events` in order, with their types (the DDL below, and the part a build writes in place). */
export const EVENT_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['customer_id', 'VARCHAR'],
  ['ts', 'TIMESTAMP'],
  ['event_type', 'VARCHAR'],
  ['raw_type', 'VARCHAR'],
  ['product_id', 'VARCHAR'],
  ['category', 'VARCHAR'],
  ['session_id', 'VARCHAR'],
  ['price', 'DOUBLE'],
  ['source', 'VARCHAR'],
  ['channel', 'VARCHAR'],
  ['variant', 'VARCHAR'],
];

/** The columns of `orders` every build stores (the others only when some file fills them: `TableLayout`). */
export const ORDER_ALWAYS = ['customer_id', 'order_id', 'ts', 'amount', 'is_return', 'source'] as const;

/** The columns of `events` every build stores. */
export const EVENT_ALWAYS = ['customer_id', 'ts', 'event_type', 'raw_type', 'source'] as const;

/** The canonical tables besides `orders` and `events`, and the rejects table (a build lays those two out in parts). */
export const SIDE_DDL = [
  `CREATE TABLE customers (customer_id VARCHAR, has_profile BOOLEAN, age INTEGER, age_band VARCHAR, gender VARCHAR,
  region VARCHAR, city VARCHAR, city_tier VARCHAR, occupation VARCHAR, income VARCHAR, channel VARCHAR, variant VARCHAR)`,
  /** rows dropped while building: file name, 1-based data row, reason, the offending value as text */
  `CREATE TABLE rejects (file VARCHAR, "row" BIGINT, reason VARCHAR, value VARCHAR)`,
  /**
   * rows kept but flagged for the overview: `date` far outside the file's bulk (value outside
   * lo…hi, the range the "exclude" button keeps), `amount` beyond a sane bound
   */
  `CREATE TABLE value_flags (file VARCHAR, "row" BIGINT, kind VARCHAR, value VARCHAR, lo DATE, hi DATE)`,
  /** return rows left out of `orders` in exclude mode, kept so the overview can count them and their customers */
  `CREATE TABLE returns_excluded (file VARCHAR, "row" BIGINT, customer_id VARCHAR, order_id VARCHAR, amount DOUBLE)`,
  /** named attributes of customers (profile columns without a role): `src/ingest/extra-attributes.ts` */
  `CREATE TABLE customer_attributes (customer_id VARCHAR, name VARCHAR, type VARCHAR, text VARCHAR, num DOUBLE, date DATE,
  list VARCHAR[])`,
];

/**
 * The canonical tables (docs/data-model.md) and the rejects table, as plain tables with every column:
 * what each analysis reads (tests create them so). A build makes `orders` and `events` views of this
 * schema over tables that store only the filled columns (`canonical-in-place.ts`).
 */
export const CANONICAL_DDL = [
  `CREATE TABLE orders (${ORDER_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
  `CREATE TABLE events (${EVENT_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
  ...SIDE_DDL,
];

/**
 * The last plausible date as a SQL DATE literal: 365 days after `today` (orders dated in the near
 * future happen: pre-orders, zones). Computed here because DuckDB-WASM has no `current_date`
 * without the ICU extension.
 */
export function plausibleEnd(today: Date = new Date()): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 365));
  return `DATE '${d.toISOString().slice(0, 10)}'`;
}
/** Amounts at or beyond this are flagged in the overview (no single order line is worth a billion). */
export const HUGE_AMOUNT = 1e9;

export const CANONICAL_TABLES = [
  'orders',
  'events',
  'customers',
  'rejects',
  'value_flags',
  'returns_excluded',
  'customer_attributes',
] as const;

/** A mapping paired with its loaded file. */
export interface Mapped {
  file: RawFile;
  m: FileMapping;
  /** some customers file maps a `customer_alias` column (customer keys go through `__alias`) */
  hasAlias?: boolean;
  /** the offsets of the mapping's IANA `timeZone` over the data's years (built in the worker) */
  zone?: ZoneRule;
  /** the filtered load's condition on the raw row `r` (`load-filter.ts`), when the load is filtered */
  keep?: Sql | null;
}

/** The first column mapped to `role`, with its raw column facts. */
export function colOf(x: Mapped, role: ColumnRole): RawColumn | undefined {
  const name = Object.keys(x.m.columns).find((n) => x.m.columns[n] === role);
  if (name === undefined) return undefined;
  return x.file.columns.find((c) => c.name === name) ?? { name, type: 'VARCHAR', samples: [] };
}

/** `r."col"` for a raw column. */
export function rc(c: RawColumn): Sql {
  return sql`r.${ident(c.name)}`;
}

/** The file's rows: a re-read of the registered file (two-phase ingest) or the raw table. */
export function tableOf(x: Mapped): Sql {
  const all = x.file.source ? raw(x.file.source) : ident(x.file.table);
  // rows are numbered before the filter, so rejects keep the file's own line numbers
  return x.keep ? sql`(SELECT * FROM ${all} r WHERE ${x.keep})` : all;
}

/** The column's value as text, for reject messages. */
export function rawText(c: RawColumn | undefined): Sql {
  return c ? sql`CAST(${rc(c)} AS VARCHAR)` : raw('CAST(NULL AS VARCHAR)');
}

function fail(x: Mapped): never {
  throw new Error(`${x.file.name}: time zone ${String(x.m.timeZone)} has no offset table`);
}

/** Timestamp SQL for a mapped time column, detecting the format when the mapping has none. */
export function tsOf(x: Mapped, c: RawColumn | undefined): Sql {
  if (!c) return raw('CAST(NULL AS TIMESTAMP)');
  const fmt: TimestampFormat = x.m.timestampFormat ?? timestampFormatFor(c);
  return timestampExpr(rc(c), fmt, x.m.timeZone ? (x.zone ?? fail(x)) : x.m.tzOffsetMinutes);
}

/** Canonical event type: the mapping's overrides on the value as written, then the built-in vocabulary. */
export function eventTypeExpr(rawType: Sql, overrides: Record<string, string> | undefined): Sql {
  const whens: Sql[] = [];
  for (const [k, v] of Object.entries(overrides ?? {})) {
    const t: EventType = (EVENT_TYPES as readonly string[]).includes(v) ? (v as EventType) : 'other';
    whens.push(sql`WHEN ${rawType} = ${k} THEN ${t}`);
  }
  for (const t of EVENT_TYPES) {
    const words = Object.keys(EVENT_VOCAB).filter((w) => EVENT_VOCAB[w] === t);
    if (words.length > 0) whens.push(sql`WHEN ${oneOf(sql`lower(${rawType})`, words)} THEN ${t}`);
  }
  return sql`(CASE ${join(whens, ' ')} ELSE 'other' END)`;
}
