/**
 * Scope filters on the named attributes of the customers file (`customer_attributes`): text is one
 * of / contains, number and date in a range (bounds inclusive, either may be open), list contains
 * any of. A filter keeps customers whose attribute passes it; a customer without the attribute, or
 * data without it at all, does not pass. Values are bound, never pasted into the SQL.
 */
import * as v from 'valibot';
import { type Sql, sql, join, raw } from '../lib/sql';
import { isIsoDate } from '../lib/dates';

export type NamedFilter =
  | { name: string; type: 'text'; op: 'in'; values: string[] }
  | { name: string; type: 'text'; op: 'contains'; values: string[] }
  | { name: string; type: 'number'; op: 'range'; min: number | null; max: number | null }
  | { name: string; type: 'date'; op: 'range'; min: string | null; max: string | null }
  | { name: string; type: 'list'; op: 'contains'; values: string[] };

/** At most this many named filters (as for attribute filters). */
export const MAX_NAMED_FILTERS = 12;

const Name = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(120),
  v.check((x) => !x.includes('\0')),
);
const Text = v.pipe(
  v.string(),
  v.maxLength(200),
  v.check((x) => !x.includes('\0')),
);
const Values = v.pipe(v.array(Text), v.minLength(1), v.maxLength(200));
const Num = v.nullable(v.pipe(v.number(), v.finite()));
const Day = v.nullable(
  v.pipe(
    v.string(),
    v.check((s) => isIsoDate(s)),
  ),
);
const NamedFilterSchema = v.union([
  v.strictObject({ name: Name, type: v.literal('text'), op: v.picklist(['in', 'contains']), values: Values }),
  v.strictObject({ name: Name, type: v.literal('number'), op: v.literal('range'), min: Num, max: Num }),
  v.strictObject({ name: Name, type: v.literal('date'), op: v.literal('range'), min: Day, max: Day }),
  v.strictObject({ name: Name, type: v.literal('list'), op: v.literal('contains'), values: Values }),
]);

/** A range needs a bound, and its bounds in order. */
function rangeOk(f: NamedFilter): boolean {
  if (f.op !== 'range') return true;
  if (f.min === null && f.max === null) return false;
  return f.min === null || f.max === null || f.min <= f.max;
}

/** The named filters of a link (`fa`), or null when any does not fit (the link's filters are then ignored with a warning). */
export function parseNamedFilters(raw: unknown): NamedFilter[] | null {
  const r = v.safeParse(v.pipe(v.array(NamedFilterSchema), v.maxLength(MAX_NAMED_FILTERS)), raw);
  if (!r.success) return null;
  const out = structuredClone(r.output) as NamedFilter[];
  return out.every(rangeOk) ? out : null;
}

/** Throws on a filter that does not fit (the worker checks what the page sends). */
export function checkNamedFilters(filters: readonly NamedFilter[]): void {
  if (parseNamedFilters(filters) === null) throw new Error('invalid attribute filter');
}

/** The condition one filter puts on the attribute row `a`. */
function valueCond(f: NamedFilter): Sql {
  switch (f.type) {
    case 'text':
      return f.op === 'in'
        ? sql`a.text IN (${f.values})`
        : sql`(${join(
            f.values.map((x) => sql`contains(lower(a.text), lower(${x}))`),
            ' OR ',
          )})`;
    case 'list':
      return sql`list_has_any(a.list, [${f.values}]::VARCHAR[])`;
    case 'number':
      return join(
        [f.min === null ? null : sql`a.num >= ${f.min}`, f.max === null ? null : sql`a.num <= ${f.max}`].filter(
          (x): x is Sql => x !== null,
        ),
        ' AND ',
      );
    case 'date':
      return join(
        [
          f.min === null ? null : sql`a.date >= CAST(${f.min} AS DATE)`,
          f.max === null ? null : sql`a.date <= CAST(${f.max} AS DATE)`,
        ].filter((x): x is Sql => x !== null),
        ' AND ',
      );
  }
}

/**
 * `customer_id IN (…)` for every named filter (AND), or null without any. Reads the
 * `customer_attributes` table, which every load creates (empty without named attributes).
 */
export function namedFilterCond(filters: readonly NamedFilter[] | undefined): Sql | null {
  if (!filters || filters.length === 0) return null;
  checkNamedFilters(filters);
  return join(
    filters.map(
      (f) =>
        sql`customer_id IN (SELECT a.customer_id FROM ${raw('customer_attributes')} a WHERE a.name = ${f.name} AND a.type = ${f.type} AND ${valueCond(f)})`,
    ),
    ' AND ',
  );
}

/** Names the filters refer to that the loaded data does not have (the page says which, and keeps the filters). */
export function missingNamed(filters: readonly NamedFilter[], have: readonly { name: string; type: string }[]): string[] {
  return filters.filter((f) => !have.some((h) => h.name === f.name && h.type === f.type)).map((f) => f.name);
}
