/**
 * The Lifecycle page's shared tables (docs/data-model.md, "Lifecycle page"): the per-day activity
 * and its summaries, built once per data version, scope (attribute filters and as-of date; the
 * window start does not change them) and activity definition, and kept between requests, so a
 * change of thresholds, transition dates, lists or sort reads them again instead of rebuilding.
 * `life_periods` also depends on the period and week start and is rebuilt alone when they change.
 * One set is kept per database; a new key drops the old set first, and a change of data drops it.
 * Over more than `rowsPerPart()` customer days (bounded by the activity rows and by the customers
 * times the days of the data's span: `dayRowsBound`) the per-customer tables are built in customer
 * parts into the compressed cache database (`cache-db.ts`): no statement groups or sorts every row
 * at once, and the set rests compressed.
 */
import type { Engine } from './engine';
import type { Job } from './query-runner';
import { homeOf, rowsOfPart, rowsPerPart, writeParts, type PartBounds } from './cache-db';
import { inline, raw, type Sql } from '../src/lib/sql';
import { partsOf, type Part } from '../src/analysis/parts';
import { filtersKey, type Scope } from '../src/analysis/scope';
import {
  customerActivity,
  dayGaps,
  gapStats,
  lookback,
  periodTable,
  type ActivityCache,
  type ActivityParams,
  type PeriodUnit,
  type WeekStart,
} from '../src/analysis/lifecycle/activity';

/** One kept set: the table names built so far (a cancelled build leaves the rest to the next request). */
interface Kept {
  key: string;
  asOf: string;
  filters: string;
  /** the number in the names of this set's tables */
  n: number;
  /** the customer parts the set is built in (one: plain tables in the main database) */
  parts: Part[];
  /** every activity row with its gaps (`dayGaps`): the cache's `table` and `days` */
  days?: string;
  /** where each customer part's rows sit in `days` */
  daysBounds?: PartBounds;
  customers?: string;
  gaps?: string;
  periods?: { table: string; unit: PeriodUnit; weekStart: WeekStart };
}

const kept = new WeakMap<Engine, Kept>();
let seq = 0;

/** What the kept tables depend on besides the period: data version, as-of date, filters, activity definition. */
export function lifeKey(version: number, scope: Scope, act: ActivityParams): string {
  const types = act.source === 'events' ? [...act.eventTypes].join(',') : '';
  return `${version}|${scope.asOf}|${filtersKey(scope)}|${act.source}|${types}`;
}

/** The kept set as the modules read it (only its complete tables; `undefined` without the days table). */
function asCache(k: Kept): ActivityCache | undefined {
  if (!k.days) return undefined;
  const c: ActivityCache = { table: raw(k.days), days: raw(k.days), asOf: k.asOf, filters: k.filters };
  if (k.customers) c.customers = raw(k.customers);
  if (c.customers && k.gaps) c.gaps = raw(k.gaps);
  if (c.customers && k.periods) c.periods = { table: raw(k.periods.table), unit: k.periods.unit, weekStart: k.periods.weekStart };
  return c;
}

async function drop(db: Engine, names: (string | undefined)[]): Promise<void> {
  for (const name of names) if (name) await db.exec('aux', `DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
}

/**
 * The page's tables for this data version, scope, activity and period, built where missing (in
 * order: days, customers, gaps, periods; each table one statement, or one per customer part) on the
 * job's lane.
 */
export async function ensureLifeTables(
  db: Engine,
  j: Job,
  version: number,
  scope: Scope,
  act: ActivityParams,
  period: { unit: PeriodUnit; weekStart: WeekStart },
): Promise<ActivityCache> {
  const key = lifeKey(version, scope, act);
  let found = kept.get(db);
  if (!found || found.key !== key) {
    // the old set is never read again: free its memory before building the new one
    if (found) await dropLifeTables(db);
    const parts = partsOf(await dayRowsBound(j, act), rowsPerPart());
    found = { key, asOf: scope.asOf, filters: filtersKey(scope), n: ++seq, parts };
    kept.set(db, found);
  }
  const k = found;
  const life = lookback(scope);
  const plain: ActivityParams = { source: act.source, eventTypes: act.eventTypes };
  /** table `name` (qualified with the cache database when built in parts), written part by part */
  const build = async (name: string, rows: (p: Part) => Sql, parts: Part[] = k.parts) => {
    const table = await homeOf(j, name, k.parts);
    const bounds = await writeParts(db, j, table, parts, rows);
    if (kept.get(db) !== k) {
      // another request replaced the set meanwhile: this table belongs to no set
      await drop(db, [table]);
      throw new Error('lifecycle tables replaced by a newer request');
    }
    return { table, bounds };
  };
  const at = (): ActivityParams => ({ ...plain, cached: asCache(k) });
  /** the kept days of customer part `p` only: its rowid range of `life_days` (`rowsOfPart`) */
  const daysOfPart = (p: Part): ActivityParams => {
    const c = asCache(k)!;
    const rows = rowsOfPart(k.days!, k.daysBounds!, p);
    return { ...plain, cached: { ...c, table: rows, days: rows } };
  };
  if (!k.days) {
    // the grouping of the orders by customer and day feeds the window directly (no table between)
    const d = await build(`life_days_${k.n}`, (p) => dayGaps(plain, life, p));
    k.daysBounds = d.bounds;
    k.days = d.table;
  }
  // a customer's summary and periods read only the customer's days: each part its own rows of life_days
  k.customers ??= (await build(`life_customers_${k.n}`, (p) => customerActivity(daysOfPart(p), life))).table;
  // one row over every customer's gaps: one statement
  k.gaps ??= (await build(`life_gaps_${k.n}`, () => gapStats(at(), life), partsOf(0))).table;
  const p = k.periods;
  if (!p || p.unit !== period.unit || p.weekStart !== period.weekStart) {
    // a list reading the old period table fails and is re-run without it (`isKept`)
    k.periods = undefined;
    await drop(db, [p?.table]);
    const { table } = await build(`life_periods_${++seq}`, (q) => periodTable(daysOfPart(q), life, period.unit, period.weekStart));
    k.periods = { table, ...period };
  }
  return asCache(k) as ActivityCache;
}

/**
 * At most how many customer-day rows the activity days can have: no more than the rows they are
 * grouped from (orders, plus events when activity comes from events), nor than every customer
 * active on every day of the data's span. An event log holds many events per customer and day, so
 * its days are far fewer than its rows (10M generated events: ~0.9M customer-days). The span is
 * read only when the rows alone would need parts.
 */
async function dayRowsBound(j: Job, act: ActivityParams): Promise<number> {
  const events = act.source === 'events';
  const [c] = await j.q(
    events ? 'SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM events) AS n' : 'SELECT count(*) AS n FROM orders',
  );
  const rows = Number(c?.n ?? 0);
  if (partsOf(rows, rowsPerPart()).length <= 1) return rows;
  const [s] = await j.q(`SELECT (SELECT count(*) FROM customers) * (date_diff('day', CAST(min(ts) AS DATE), CAST(max(ts) AS DATE)) + 1) AS n
    FROM (SELECT ts FROM orders${events ? ' UNION ALL SELECT ts FROM events' : ''})`);
  const days = Number(s?.n ?? rows);
  return Number.isFinite(days) ? Math.min(rows, days) : rows;
}

/** The kept tables when they were built for this data version, scope and activity (no build). */
export function keptLifeTables(db: Engine, version: number, scope: Scope, act: ActivityParams): ActivityCache | undefined {
  const k = kept.get(db);
  return k && k.key === lifeKey(version, scope, act) ? asCache(k) : undefined;
}

/** True while `c` names the tables kept now (a list that read a dropped table re-runs without them). */
export function isKept(db: Engine, c: ActivityCache): boolean {
  const k = kept.get(db);
  const name = (t: Sql | undefined) => (t ? inline(t) : undefined);
  return !!k && k.days === name(c.table) && k.periods?.table === name(c.periods?.table);
}

/** Drop the kept tables (after the canonical tables change, or for a new key). */
export async function dropLifeTables(db: Engine): Promise<void> {
  const k = kept.get(db);
  kept.delete(db);
  if (k) await drop(db, [k.days, k.customers, k.gaps, k.periods?.table]);
}
