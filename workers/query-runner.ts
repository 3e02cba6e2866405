/**
 * Running analysis SQL in the worker: values are inlined as escaped literals (DuckDB-WASM can only
 * cancel non-prepared queries), a newer request on a lane supersedes and cancels the older one,
 * errors come back as data carrying the SQL that failed, and the per-customer base is materialised
 * once per (data version, scope) and reused by every model.
 */
import { inline, type Sql, sql, raw } from '../src/lib/sql';
import { customerBase } from '../src/analysis/customer-base';
import type { Scope } from '../src/analysis/scope';
import type { AppError, Result } from '../src/worker-api';
import { run, cancel, exec, type Db, type Lane } from './duckdb';
import type { Row } from './arrow-rows';

/** A request's run context: `q()` runs SQL unless a newer request took the lane. */
export interface Job {
  q(query: Sql | string): Promise<Row[]>;
  readonly stale: boolean;
}

class Superseded extends Error {}

/** Latest job per slot (a slot is one kind of request, e.g. the page's breakdown or its members list). */
const generation = new Map<string, number>();
/** Which slot's statement runs on each lane right now (only that slot's newer job may cancel it). */
const running = new Map<Lane, string>();

/**
 * Run `body` as the newest job of `slot` on `lane`: an older job of the same slot is cancelled
 * (its running statement interrupted) and answers `{ok:false, error:{code:'cancelled'}}`. Jobs of
 * other slots on the lane just wait their turn.
 */
export async function job<T>(db: Db, lane: Lane, slot: string, body: (j: Job) => Promise<T>): Promise<Result<T>>;
/** Slot = lane: every job on the lane supersedes the previous one. */
export async function job<T>(db: Db, lane: Lane, body: (j: Job) => Promise<T>): Promise<Result<T>>;
export async function job<T>(db: Db, lane: Lane, a: string | ((j: Job) => Promise<T>), b?: (j: Job) => Promise<T>): Promise<Result<T>> {
  const slot = typeof a === 'string' ? a : lane;
  const body = typeof a === 'string' ? b! : a;
  const mine = (generation.get(slot) ?? 0) + 1;
  generation.set(slot, mine);
  if (running.get(lane) === slot) await cancel(db, lane).catch(() => false);
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
      const rows = await run(db, lane, text, () => {
        if (isStale()) throw new Superseded();
        running.set(lane, slot);
      }).finally(() => {
        if (running.get(lane) === slot) running.delete(lane);
      });
      if (isStale()) throw new Superseded();
      return rows;
    },
  };
  try {
    return { ok: true, value: await body(j) };
  } catch (e) {
    if (e instanceof Superseded || isStale()) return { ok: false, error: { code: 'cancelled', message: 'Superseded by a newer request.' } };
    return { ok: false, error: queryError(e, current) };
  }
}

/** Make the running job of `slot` stale (and interrupt its statement): its answer is no longer wanted. */
export async function supersede(db: Db, lane: Lane, slot: string): Promise<void> {
  generation.set(slot, (generation.get(slot) ?? 0) + 1);
  if (running.get(lane) === slot) await cancel(db, lane).catch(() => false);
}

export function queryError(e: unknown, sqlText: string): AppError {
  const message = e instanceof Error ? e.message : String(e);
  if (/out of memory|could not allocate|memory access out of bounds/i.test(message)) {
    return {
      code: 'out-of-memory',
      message: `The browser tab ran out of memory running this analysis. Narrow the date window or filters. (${message.split('\n')[0]})`,
      sql: sqlText,
    };
  }
  if (/interrupt/i.test(message)) return { code: 'cancelled', message: 'Cancelled.', sql: sqlText };
  return { code: 'query', message: message.split('\n')[0] ?? message, sql: sqlText };
}

const bases = new Map<string, string>();
let baseSeq = 0;

/**
 * The customer base for a scope as a table name (Sql), built once per data version and scope;
 * the four most recent are kept.
 */
export async function ensureBase(db: Db, j: Job, version: number, scope: Scope): Promise<Sql> {
  const key = `${version}|${JSON.stringify(scope)}`;
  let name = bases.get(key);
  if (!name) {
    name = `cb_${++baseSeq}`;
    await j.q(`CREATE OR REPLACE TABLE ${name} AS ${inline(customerBase(scope))}`);
    bases.set(key, name);
    while (bases.size > 4) {
      const [oldKey, oldName] = bases.entries().next().value as [string, string];
      bases.delete(oldKey);
      await exec(db, 'aux', `DROP TABLE IF EXISTS ${oldName}`).catch(() => undefined);
    }
  }
  return raw(name);
}

/** Forget cached bases (after the canonical tables change). */
export async function dropBases(db: Db): Promise<void> {
  for (const name of bases.values()) await exec(db, 'aux', `DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
  bases.clear();
}

export { sql };
