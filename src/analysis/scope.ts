/**
 * The analysis scope: as-of date, date window and attribute filters. Every analysis reads orders
 * and events through `scopedOrders` / `scopedEvents`, so all of them see the same rows.
 */
import { Sql, sql, raw, ident, join } from '../lib/sql';
import { assertDate } from '../lib/dates';
import { CUSTOMER_FIELDS, ORDER_FIELDS } from './attributes';
import { namedFilterCond, type NamedFilter } from './named-filter';

export { CUSTOMER_FIELDS, ORDER_FIELDS, assertDate };
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];
export type OrderField = (typeof ORDER_FIELDS)[number];
export type FilterField = CustomerField | OrderField;

export interface AttributeFilter {
  field: FilterField;
  /** Keep rows whose value is one of these (text as stored). */
  values: readonly string[];
}

export interface Scope {
  /** Exclusive end, `YYYY-MM-DD`: only activity strictly before this day counts; recency is measured to it. */
  asOf: string;
  /** Inclusive start of the window, `YYYY-MM-DD`, or null for all history before `asOf`. */
  from: string | null;
  filters: readonly AttributeFilter[];
  /** Filters on named attributes of the customers file (`named-filter.ts`); absent = none. */
  named?: readonly NamedFilter[];
}

/** A key of every filter of a scope (attribute and named), for caches built for one set of filters. */
export function filtersKey(scope: Scope): string {
  return JSON.stringify([scope.filters, scope.named ?? []]);
}

function isCustomerField(f: FilterField): f is CustomerField {
  return (CUSTOMER_FIELDS as readonly string[]).includes(f);
}

/** The age band expression used for filtering and demographics (customers.age_band wins). */
export function ageBandExpr(alias = 'c'): Sql {
  const a = raw(`${alias}.age`);
  return sql`coalesce(${raw(`${alias}.age_band`)}, CASE WHEN ${a} IS NULL THEN NULL WHEN ${a} < 15 THEN '<15' WHEN ${a} < 25 THEN '15-24' WHEN ${a} < 35 THEN '25-34' WHEN ${a} < 45 THEN '35-44' WHEN ${a} < 55 THEN '45-54' ELSE '55+' END)`;
}

function customerFilter(filters: readonly AttributeFilter[]): Sql | null {
  const cf = filters.filter((f) => isCustomerField(f.field) && f.values.length > 0);
  if (cf.length === 0) return null;
  const conds = cf.map((f) =>
    f.field === 'age_band' ? sql`${ageBandExpr('c')} IN (${[...f.values]})` : sql`c.${ident(f.field)} IN (${[...f.values]})`,
  );
  return sql`customer_id IN (SELECT c.customer_id FROM customers c WHERE ${join(conds, ' AND ')})`;
}

/** Conditions shared by orders and events: window and customer filters. */
function commonConds(scope: Scope, withOrderFields: boolean): Sql[] {
  assertDate(scope.asOf, 'as-of date');
  const conds: Sql[] = [sql`customer_id IS NOT NULL`, sql`ts < CAST(${scope.asOf} AS TIMESTAMP)`];
  if (scope.from !== null) {
    assertDate(scope.from, 'window start');
    conds.push(sql`ts >= CAST(${scope.from} AS TIMESTAMP)`);
  }
  const cf = customerFilter(scope.filters);
  if (cf) conds.push(cf);
  const nf = namedFilterCond(scope.named);
  if (nf) conds.push(nf);
  for (const f of scope.filters) {
    if (isCustomerField(f.field) || f.values.length === 0) continue;
    if (withOrderFields || f.field === 'category') conds.push(sql`${ident(f.field)} IN (${[...f.values]})`);
  }
  return conds;
}

/** Orders of identified customers inside the scope (window, as-of date, filters). */
export function scopedOrders(scope: Scope): Sql {
  return sql`SELECT * FROM orders WHERE ${join(commonConds(scope, true), ' AND ')}`;
}

/** Events inside the scope; channel filters do not apply to events (an event's channel is its traffic source, not the order channel). */
export function scopedEvents(scope: Scope): Sql {
  return sql`SELECT * FROM events WHERE ${join(commonConds(scope, false), ' AND ')}`;
}

/** Customers passing the customer-attribute filters (window does not apply). */
export function scopedCustomers(scope: Scope): Sql {
  const conds = [customerFilter(scope.filters), namedFilterCond(scope.named)].filter((c): c is Sql => c !== null);
  return conds.length ? sql`SELECT * FROM customers WHERE ${join(conds, ' AND ')}` : sql`SELECT * FROM customers`;
}
