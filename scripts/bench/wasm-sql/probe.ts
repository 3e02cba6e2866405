/// <reference types="vite/client" />
/**
 * The page of `../wasm-sql.mjs`: the app's DuckDB-WASM bundle (threads when cross-origin isolated,
 * as many as the app uses) with no app around it, and `window.probe` to register the given file and
 * run SQL text, timed in the page. Built and served by `wasm-sql.mjs`; never part of the app.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import coiWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiPthread from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';

const status = document.getElementById('status')!;
const input = document.getElementById('file') as HTMLInputElement;
const coi = self.crossOriginIsolated && new URLSearchParams(location.search).get('bundle') !== 'eh';
const threads = coi ? Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)) : 1;

const ready = (async () => {
  const worker = new Worker(coi ? coiWorker : ehWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(coi ? coiWasm : ehWasm, coi ? coiPthread : null);
  await db.open({ maximumThreads: threads, query: { castBigIntToDouble: true } });
  return { db, conn: await db.connect() };
})();
ready.then(
  () => (status.textContent = `ready ${coi ? 'coi' : 'eh'} ${threads}`),
  (e: unknown) => (status.textContent = `failed ${String(e)}`),
);

/** Plain JSON values (BigInt as Number). */
function plain(rows: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown[];
}

(window as unknown as { probe: unknown }).probe = {
  threads,
  /** Register the file given to the input as `name` (read by handle, as the app reads files). */
  async register(name: string): Promise<void> {
    const { db } = await ready;
    await db.registerFileHandle(name, input.files![0]!, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  },
  /** Run one statement as the app does (streamed, as `send`); the time includes reading the result. */
  async sql(text: string): Promise<{ ms: number; rows: unknown[] }> {
    const { conn } = await ready;
    const t0 = performance.now();
    const reader = await conn.send(text, true);
    const batches = [];
    for await (const b of reader) batches.push(b);
    const ms = performance.now() - t0;
    return { ms, rows: plain(batches.flatMap((b) => b.toArray().map((r) => (r as { toJSON(): unknown }).toJSON()))) };
  },
};
