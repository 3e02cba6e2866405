/**
 * Owns the single DuckDB-WASM instance: picks the bundle (threads when the page is cross-origin
 * isolated, else exception-handling, else MVP), serves every file from our own origin, switches
 * extension auto-install/auto-load off, and runs queries cancellably.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { Table as ArrowTable, type Table } from 'apache-arrow';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import coiWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiPthread from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import type { Bundle, InitInfo, TracedStatement } from '../src/atlas-api';
import { rowsFromArrow, type Row } from './arrow-rows';
import type { Engine, Lane } from './engine';

export type { Engine, Lane };

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
  coi: { mainModule: coiWasm, mainWorker: coiWorker, pthreadWorker: coiPthread },
};

const START_TIMEOUT_MS = 60_000;

export interface Db extends Engine {
  db: duckdb.AsyncDuckDB;
  info: InitInfo;
  /** one connection per lane, so a cancel in one lane does not touch another */
  conn(lane: Lane): Promise<duckdb.AsyncDuckDBConnection>;
}

let started: Promise<Db> | null = null;

/** One shared start-up promise: concurrent callers never start two databases. */
let progressListener: ((fraction: number) => void) | null = null;

/**
 * Follow DuckDB's progress of the running statements (0…1) until the returned function is called.
 * One listener at a time: the ingest lane's loads and builds are the only followers.
 */
export function onQueryProgress(f: (fraction: number) => void): () => void {
  progressListener = f;
  return () => {
    if (progressListener === f) progressListener = null;
  };
}

export function getDb(forceBundle?: Bundle): Promise<Db> {
  started ??= start(forceBundle);
  return started;
}

async function start(forceBundle?: Bundle): Promise<Db> {
  const t0 = performance.now();
  const picked = await duckdb.selectBundle(BUNDLES);
  let bundle: Bundle = picked.mainModule === coiWasm ? 'coi' : picked.mainModule === ehWasm ? 'eh' : 'mvp';
  let chosen = picked;
  if (forceBundle && forceBundle !== bundle && (forceBundle !== 'coi' || self.crossOriginIsolated)) {
    bundle = forceBundle;
    const b = BUNDLES[forceBundle]!;
    chosen = { mainModule: b.mainModule, mainWorker: b.mainWorker, pthreadWorker: (b as { pthreadWorker?: string }).pthreadWorker ?? null };
  }
  const worker = readProgressWorker(chosen.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  const threads = bundle === 'coi' ? Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)) : 1;
  await withTimeout(
    (async () => {
      await db.instantiate(chosen.mainModule, chosen.pthreadWorker);
      await db.open({
        maximumThreads: threads,
        query: { castBigIntToDouble: true, castTimestampToDate: true, castDecimalToDouble: true },
      });
    })(),
    START_TIMEOUT_MS,
    'DuckDB did not start within 60 s (is the .wasm file served as application/wasm?)',
  );
  const setup = await db.connect();
  // Nothing may be fetched from the network: no extension auto-install or auto-load.
  await setup.query(`SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;`);
  // How far DuckDB has read the file it is scanning: the wrapper script the DuckDB worker starts from
  // (public/duckdb-read-progress.js) posts it as DuckDB-WASM's own progress message; `onQueryProgress` hands it on.
  // (DuckDB's progress bar itself cannot be used: its display runs `eval`, which the CSP forbids.)
  (db as unknown as { _onExecutionProgress: ((p: { percentage: string | number; status: string }) => void)[] })._onExecutionProgress.push(
    (p) => {
      const pct = Number(p.percentage);
      if (Number.isFinite(pct) && pct >= 0) progressListener?.(Math.min(1, pct / 100));
    },
  );
  await setup.close();
  const conns = new Map<Lane, Promise<duckdb.AsyncDuckDBConnection>>();
  const info: InitInfo = {
    bundle,
    threads,
    duckdbVersion: await db.getVersion(),
    crossOriginIsolated: Boolean(self.crossOriginIsolated),
    startMs: Math.round(performance.now() - t0),
  };
  const d: Db = {
    db,
    info,
    conn(lane) {
      let c = conns.get(lane);
      if (!c) {
        c = db.connect();
        conns.set(lane, c);
      }
      return c;
    },
    run: (lane, text, onStart) => run(d, lane, text, onStart),
    exec: (lane, text) => exec(d, lane, text),
    cancel: (lane) => cancel(d, lane),
  };
  return d;
}

/**
 * The DuckDB worker, started through a same-origin wrapper that reports how far a registered file
 * has been read (DuckDB-WASM slices the file for every read). The real script's path goes in the
 * worker's name: a query string would be lost when the service worker answers from its cache.
 */
function readProgressWorker(mainWorker: string): Worker {
  const wrapper = new URL(`${import.meta.env.BASE_URL}duckdb-read-progress.js`, self.location.href);
  return new Worker(wrapper.href, { name: new URL(mainWorker, self.location.href).pathname });
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Run one statement on a lane, cancellably: `send` executes in steps and polls, so a
 * `cancel(lane)` between steps stops it. Returns rows with plain JS values.
 */
export async function run(d: Db, lane: Lane, text: string, onStart?: () => void): Promise<Row[]> {
  const table = await runArrow(d, lane, text, onStart);
  return rowsFromArrow(table);
}

const locks = new Map<Lane, Promise<unknown>>();

/**
 * One statement at a time per connection: two streaming queries interleaved on one DuckDB-WASM
 * connection corrupt each other's results, and a cancelled query must finish unwinding first.
 */
export function serial<T>(lane: Lane, f: () => Promise<T>): Promise<T> {
  const prev = locks.get(lane) ?? Promise.resolve();
  const next = prev.then(f, f);
  locks.set(
    lane,
    next.catch(() => undefined),
  );
  return next;
}

/** The statement log of the debug option `?trace` (null: off). */
let traced: TracedStatement[] | null = null;
const TRACE_MAX = 5000;
/** characters of each statement kept (a read's options come after its column list) */
const TRACE_TEXT = 2000;
/** a file registered by the ingest (files.ts, slices.ts), quoted as SQL reads it */
const REGISTERED_NAME = /'f\d+\.[a-z0-9.]*csv'/g;

/** Switch the statement log on (emptied) or off. */
export function setTrace(on: boolean): void {
  traced = on ? [] : null;
}

/** The statements logged since the last call (the log is emptied). */
export function takeTrace(): TracedStatement[] {
  const out = traced ?? [];
  if (traced) traced = [];
  return out;
}

async function timed<T>(lane: Lane, text: string, f: () => Promise<T>): Promise<T> {
  if (!traced) return f();
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    if (traced.length < TRACE_MAX)
      traced.push({
        lane,
        ms: Math.round(performance.now() - t0),
        at: Math.round(t0),
        text: text.slice(0, TRACE_TEXT),
        files: [...new Set(text.match(REGISTERED_NAME) ?? [])].map((q) => q.slice(1, -1)),
      });
  }
}

/** Like `run` but returns the Arrow table (for results that cross the boundary as Arrow). */
export function runArrow(d: Db, lane: Lane, text: string, onStart?: () => void): Promise<Table> {
  return serial(lane, async () => {
    onStart?.();
    const conn = await d.conn(lane);
    return timed(lane, text, async () => {
      const reader = await conn.send(text, true);
      const batches = [];
      for await (const batch of reader) batches.push(batch);
      return new ArrowTable(batches);
    });
  });
}

/** Plain query for small statements (DDL, settings). */
export function exec(d: Db, lane: Lane, text: string): Promise<void> {
  return serial(lane, async () => {
    const conn = await d.conn(lane);
    await timed(lane, text, () => conn.query(text));
  });
}

/** Cancel whatever runs on a lane. */
export async function cancel(d: Db, lane: Lane): Promise<boolean> {
  const conn = await d.conn(lane);
  return conn.cancelSent();
}
