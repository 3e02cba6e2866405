/// <reference types="vite/client" />
/**
 * The benchmark's "bare DuckDB-WASM" column: the same DuckDB-WASM bundle the app picks (threads when
 * cross-origin isolated, as many as the app uses), no app around it. A file given to the input is
 * registered by handle, loaded with `read_csv_auto` and run through the same RFM SQL as the native
 * baselines (`../rfm-sql.mjs`). The time runs from the input's change event to the cells in hand,
 * like the app's "first view" (file given → RFM breakdown drawn). Built and served by
 * `bare-server.mjs`; never part of the app.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import coiWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiPthread from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import { loadSql, RFM_CELLS_SQL, cellsDigest } from '../rfm-sql.mjs';

interface BareResult {
  bundle: string;
  threads: number;
  loadMs: number;
  rfmMs: number;
  totalMs: number;
  digest: string;
  error?: string;
}

const status = document.getElementById('status')!;
const out = document.getElementById('result')!;
const input = document.getElementById('file') as HTMLInputElement;

const coi = self.crossOriginIsolated;
const bundle = new URLSearchParams(location.search).get('bundle') === 'eh' || !coi ? 'eh' : 'coi';
const threads = bundle === 'coi' ? Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)) : 1;

async function start(): Promise<duckdb.AsyncDuckDB> {
  const worker = new Worker(bundle === 'coi' ? coiWorker : ehWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle === 'coi' ? coiWasm : ehWasm, bundle === 'coi' ? coiPthread : null);
  await db.open({ maximumThreads: threads, query: { castBigIntToDouble: true } });
  return db;
}

const ready = start();
ready.then(
  () => (status.textContent = `ready ${bundle} ${threads}`),
  (e: unknown) => (status.textContent = `failed ${String(e)}`),
);

input.addEventListener('change', () => {
  const t0 = performance.now();
  void (async (): Promise<BareResult> => {
    const file = input.files![0]!;
    const db = await ready;
    const conn = await db.connect();
    await db.registerFileHandle('orders.csv', file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    // a DuckDB thread cannot read a registered handle reliably (PLATFORM-NOTES): load on one thread
    if (threads > 1) await conn.query('SET threads = 1');
    await conn.query(loadSql('orders.csv'));
    if (threads > 1) await conn.query(`SET threads = ${threads}`);
    const t1 = performance.now();
    const cells = (await conn.query(RFM_CELLS_SQL)).toArray().map((r) => r.toJSON() as Record<string, number>);
    const t2 = performance.now();
    // no cells (seen once at 5M) is a failed run, not a fast one
    if (cells.length === 0) {
      const n = Number((await conn.query('SELECT count(*) AS n FROM orders')).toArray()[0]?.toJSON().n ?? 0);
      throw new Error(`bare DuckDB-WASM got no RFM cells: ${n} rows loaded from ${file.name} (${file.size} bytes)`);
    }
    await conn.query('DROP TABLE orders');
    await conn.close();
    await db.dropFile('orders.csv');
    return { bundle, threads, loadMs: t1 - t0, rfmMs: t2 - t1, totalMs: t2 - t0, digest: cellsDigest(cells) };
  })()
    .catch((e: unknown) => ({ bundle, threads, loadMs: 0, rfmMs: 0, totalMs: 0, digest: '', error: String(e) }))
    .then((r) => {
      out.textContent = JSON.stringify(r);
      out.dataset.done = String(Date.now());
    });
});
