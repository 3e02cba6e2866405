/**
 * Running analysis SQL in the worker: values are inlined as escaped literals (DuckDB-WASM can only
 * cancel non-prepared queries), a newer request of a slot supersedes and cancels the older one,
 * errors come back as data carrying the SQL that failed, and the per-customer base is materialised
 * once per (data version, scope) and reused by every model, with its RFM ranks beside it.
 */
import { inline, type Sql, sql, raw } from '../src/lib/sql';
import { customerBase } from '../src/analysis/customer-base';
import { partsOf, tableInPart, type Part } from '../src/analysis/parts';
import { compressCache, homeOf, rowsOfPart, rowsPerPart, writeParts, type PartBounds } from './cache-db';
import { RANK_MEASURES, rfmRanks, rfmRanksPart, rfmValueRanks } from '../src/analysis/segmentation/rfm-ranks';
import type { Scope } from '../src/analysis/scope';
import type { Result, Slot } from '../src/atlas-api';
import { toAppError } from './errors';
import type { Engine, Lane } from './engine';
import type { Row } from './arrow-rows';

/** A request's run context: `q()` runs SQL unless a newer request took the slot. */
export interface Job {
  q(query: Sql | string): Promise<Row[]>;
  readonly stale: boolean;
}

class Superseded extends Error {}

/** Latest job per slot (a slot is one consumer, e.g. the page's breakdown or one members list). */
const generation = new Map<Slot, number>();
/** Which slot's statement runs on each lane right now (only that slot's newer job may cancel it). */
const running = new Map<Lane, Slot>();
/** The lane each slot last ran on (to interrupt it from `supersede`). */
const laneOf = new Map<Slot, Lane>();

/**
 * Run `body` as the newest job of `slot` on `lane`: an older job of the same slot is cancelled
 * (its running statement interrupted) and answers `{ok:false, error:{code:'cancelled'}}`. Jobs of
 * other slots on the lane just wait their turn. Errors come back as data with the SQL that failed.
 */
export async function job<T>(db: Engine, lane: Lane, slot: Slot, body: (j: Job) => Promise<T>): Promise<Result<T>> {
  const mine = (generation.get(slot) ?? 0) + 1;
  generation.set(slot, mine);
  laneOf.set(slot, lane);
  if (running.get(lane) === slot) await db.cancel(lane).catch(() => false);
  const isStale = () => generation.get(slot) !== mine;
  let current = '';
  const j: Job = {
    get stale() {
      return isStale();
    },
    async q(query) {
      if (isStale()) throw new Superseded();
      current = typeof query === 'string' ? query : inline(query);
      const text = current;
      // `run` queues behind the lane's current statement; mark the lane ours only once it starts.
      const rows = await db
        .run(lane, text, () => {
          if (isStale()) throw new Superseded();
          running.set(lane, slot);
        })
        .finally(() => {
          if (running.get(lane) === slot) running.delete(lane);
        });
      if (isStale()) throw new Superseded();
      return rows;
    },
  };
  try {
    return { ok: true, value: await body(j) };
  } catch (e) {
    if (e instanceof Superseded || isStale()) {
      return { ok: false, error: { code: 'cancelled', message: 'Superseded by a newer request.', params: {} } };
    }
    return { ok: false, error: toAppError(e, { code: 'query', sql: current || undefined }) };
  }
}

/** Make the running job of `slot` stale (and interrupt its statement): its answer is no longer wanted. */
export async function supersede(db: Engine, slot: Slot): Promise<void> {
  generation.set(slot, (generation.get(slot) ?? 0) + 1);
  const lane = laneOf.get(slot);
  if (lane && running.get(lane) === slot) await db.cancel(lane).catch(() => false);
}

const bases = new Map<string, string>();
/** base table name → its `rfmRanks` table (dropped with the base) */
const ranks = new Map<string, string>();
let baseSeq = 0;

async function dropBase(db: Engine, name: string): Promise<void> {
  const r = ranks.get(name);
  ranks.delete(name);
  parted.delete(name);
  if (r) parted.delete(r);
  if (r) await dropTables(db, [r]);
  await db.exec('aux', `DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
}

/** tables written in parts (bases, and their ranks in the same parts) → where each part's rows sit */
const parted = new Map<string, PartBounds>();

async function dropTables(db: Engine, names: readonly string[]): Promise<void> {
  for (const n of names) await db.exec('aux', `DROP TABLE IF EXISTS ${n}`).catch(() => undefined);
}

/** The data version whose orders table holds one row per order (the overview checks: `orderIdsSql`). */
let rowPerOrderVersion = -1;

/** Say whether the orders of data version `version` hold one row per order (no order id repeats). */
export function noteRowPerOrder(version: number, yes: boolean): void {
  if (yes) rowPerOrderVersion = version;
  else if (rowPerOrderVersion === version) rowPerOrderVersion = -1;
}

/**
 * The customer base for a scope as a table name (Sql), built once per data version and scope;
 * the four most recent are kept. Over more than `rowsPerPart()` order lines it is built in customer
 * parts, one statement each (`parts.ts`), so no statement groups every order line at once, into
 * the compressed cache database.
 */
export async function ensureBase(db: Engine, j: Job, version: number, scope: Scope): Promise<Sql> {
  const key = `${version}|${JSON.stringify(scope)}`;
  let name = bases.get(key);
  if (!name) {
    const [c] = await j.q('SELECT count(*) AS n FROM orders');
    const parts = partsOf(Number(c?.n ?? 0), rowsPerPart());
    name = await homeOf(j, `cb_${++baseSeq}`, parts);
    const opts = { rowPerOrder: rowPerOrderVersion === version };
    // a part that fails or is superseded leaves no half-built base behind
    const bounds = await writeParts(db, j, name, parts, (p) => customerBase(scope, p, opts));
    if (parts.length > 1) parted.set(name, bounds);
    bases.set(key, name);
    while (bases.size > 4) {
      const [oldKey, oldName] = bases.entries().next().value as [string, string];
      bases.delete(oldKey);
      await dropBase(db, oldName);
    }
  }
  return raw(name);
}

/** The customer parts a base was built in (`ensureBase`); none for a base built in one statement. */
export function baseParts(base: Sql): Part[] {
  const bounds = parted.get(inline(base));
  return bounds ? partsOf(bounds.length - 1, 1) : [];
}

/**
 * Part `p` of a kept table as a FROM item: a base or ranks table written in parts is read by the
 * rowid range of that part (`rowsOfPart`: only its row groups), any other table by the hash.
 */
export function readPart(table: Sql, p: Part): Sql {
  const name = inline(table);
  const bounds = parted.get(name);
  return bounds ? rowsOfPart(name, bounds, p) : tableInPart(table, p);
}

/**
 * The RFM ranks (`rfmRanks`) of the base `ensureBase` gives for this data version and scope, as a
 * table name, built on first use and kept as long as that base: a change of data (new version,
 * `dropBases`), of filters, window or as-of date is a new base and so new ranks. A base built in
 * parts gets its ranks looked up by value and written in the same customer parts (`writeRankParts`).
 */
export async function ensureRanks(db: Engine, j: Job, version: number, scope: Scope): Promise<Sql> {
  const base = inline(await ensureBase(db, j, version, scope));
  let name = ranks.get(base);
  if (!name) {
    name = `${base}_rk`;
    const bounds = parted.get(base);
    if (bounds) await writeRankParts(db, j, base, name, bounds.length - 1);
    else await j.q(`CREATE OR REPLACE TABLE ${name} AS ${inline(rfmRanks(raw(base)))}`);
    // the base may have been evicted and rebuilt meanwhile by another request: only keep ranks of a live base
    if ([...bases.values()].includes(base)) ranks.set(base, name);
  }
  return raw(name);
}

/**
 * The ranks of a base built in `count` parts, into the cache database: one value table per measure
 * over every buyer (a row per distinct value), then one statement per customer part joining that
 * part's buyers to them, checkpointed after each, so no statement holds every buyer's ranks row
 * uncompressed (one statement at 50M order lines peaked at 2.72 GB natively). The value tables are
 * dropped afterwards; a failed part leaves no half-written ranks.
 */
async function writeRankParts(db: Engine, j: Job, base: string, name: string, count: number): Promise<void> {
  const lookups = RANK_MEASURES.map((_, i) => `${name}_v${i}`);
  try {
    for (const [i, t] of lookups.entries()) await j.q(`CREATE OR REPLACE TABLE ${t} AS ${inline(rfmValueRanks(raw(base), i))}`);
    await compressCache(j);
    const bounds = await writeParts(db, j, name, partsOf(count, 1), (p) => rfmRanksPart(raw(base), lookups.map(raw), p, readPart));
    parted.set(name, bounds);
  } finally {
    await dropTables(db, lookups);
  }
}

/** Forget cached bases and their ranks (after the canonical tables change). */
export async function dropBases(db: Engine): Promise<void> {
  for (const name of [...bases.values()]) await dropBase(db, name);
  bases.clear();
}

export { sql };
