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

const generation = new Map<Lane, number>();
const busy = new Map<Lane, number>();
const locks = new Map<Lane, Promise<unknown>>();

/** One statement at a time per lane: a cancelled query must finish unwinding before the next starts. */
function locked<T>(lane: Lane, f: () => Promise<T>): Promise<T> {
  const prev = locks.get(lane) ?? Promise.resolve();
  const next = prev.then(f, f);
  locks.set(lane, next.catch(() => undefined));
  return next;
}

/**
 * Run `body` as the newest job on `lane`: an older job still running there is cancelled and
 * answers `{ok:false, error:{code:'cancelled'}}`.
 */
export async function job<T>(db: Db, lane: Lane, body: (j: Job) => Promise<T>): Promise<Result<T>> {
  const mine = (generation.get(lane) ?? 0) + 1;
  generation.set(lane, mine);
  if ((busy.get(lane) ?? 0) > 0) await cancel(db, lane).catch(() => false);
  busy.set(lane, (busy.get(lane) ?? 0) + 1);
  let current = '';
  const j: Job = {
    get stale() {
      return generation.get(lane) !== mine;
    },
    async q(query) {
      if (generation.get(lane) !== mine) throw new Superseded();
      current = typeof query === 'string' ? query : inline(query);
      const text = current;
      const rows = await locked(lane, () => (generation.get(lane) !== mine ? Promise.reject(new Superseded()) : run(db, lane, text)));
      if (generation.get(lane) !== mine) throw new Superseded();
      return rows;
    },
  };
  try {
    return { ok: true, value: await body(j) };
  } catch (e) {
    if (e instanceof Superseded || generation.get(lane) !== mine) return { ok: false, error: { code: 'cancelled', message: 'Superseded by a newer request.' } };
    return { ok: false, error: queryError(e, current) };
  } finally {
    busy.set(lane, (busy.get(lane) ?? 1) - 1);
  }
}

export function queryError(e: unknown, sqlText: string): AppError {
  const message = e instanceof Error ? e.message : String(e);
  if (/out of memory|could not allocate|memory access out of bounds/i.test(message)) {
    return { code: 'out-of-memory', message: `The browser tab ran out of memory running this analysis. Narrow the date window or filters. (${message.split('\n')[0]})`, sql: sqlText };
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
