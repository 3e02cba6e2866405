#!/usr/bin/env node
/**
 * Memory of the Segments request at 20M–50M order lines, natively, statement by statement:
 *   node scripts/bench/segments-memory.mjs --file .bench-data/orders-50000000.csv --store /tmp/s50m.duckdb
 *     [--limit 3GB] [--one-statement]
 * Builds (once) a disk database with the canonical `orders` and `customers` of a generated orders CSV
 * (`scripts/gen-orders.mjs` layout), then per run copies them into a compressed in-memory store in 5M-row
 * batches with a checkpoint after each (as the app's sliced build leaves them), sets the tab's limits
 * (`memory_limit`, no temp directory: nothing spills) and runs the worker's own Segments request
 * (`analysisApi(...).segments`, default RFM, TypeScript loaded through Vite's module runner) on one
 * thread. Every statement gets its wall and CPU time and its peak `duckdb_memory()` in all (sampled every
 * 50 ms from a second connection). `--one-statement`: afterwards, the ranks again as one statement
 * (`rfmRanks(base, true)`, the form before the ranks were written in parts), for a back-to-back peak.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadTs } from './load-ts.mjs';
import { DuckDBInstance } from '@duckdb/node-api';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    store: { type: 'string' },
    limit: { type: 'string', default: '3GB' },
    'one-statement': { type: 'boolean', default: false },
  },
});
if (!values.file || !values.store) throw new Error('usage: segments-memory.mjs --file F --store S.duckdb [--limit 3GB] [--one-statement]');

const load = loadTs;
const { analysisApi } = await load('workers/analysis.ts');
const { dropBases } = await load('workers/query-runner.ts');
const { CANONICAL_DDL } = await load('src/ingest/canonical-parts.ts');
const { MODELS } = await load('src/analysis/segmentation/index.ts');
const { oneStatementRanks } = await load('scripts/bench/segments-sql.ts');

const q = (s) => `'${s.replaceAll("'", "''")}'`;
const mb = (b) => `${Math.round(b / 1e6)}`.padStart(6);
const sec = (ms) => (ms / 1000).toFixed(1).padStart(7);

/** The canonical tables of the CSV in a disk database (built once: the slow part, not measured). */
async function buildStore() {
  const inst = await DuckDBInstance.create(values.store, { threads: '1' });
  const db = await inst.connect();
  for (const ddl of CANONICAL_DDL.slice(0, 3)) await db.run(ddl);
  await db.run(`INSERT INTO orders (customer_id, order_id, ts, amount, category, channel, is_return, source)
    SELECT customer_id, CAST(order_id AS VARCHAR), CAST(order_time AS TIMESTAMP), amount, category, channel, false, 'bench'
    FROM read_csv(${q(values.file)}, header = true)`);
  await db.run(
    `INSERT INTO customers (customer_id, has_profile, channel) SELECT customer_id, false, arg_min(channel, ts) FROM orders GROUP BY ALL`,
  );
  await db.run('CHECKPOINT');
  db.closeSync();
  inst.closeSync();
}

if (!existsSync(values.store)) await buildStore();

const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await inst.connect();
const probe = await inst.connect();
const inUse = async () =>
  Number((await probe.runAndReadAll('SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()')).getRowObjectsJS()[0].b);

await conn.run(`ATTACH ${q(values.store)} AS src (READ_ONLY)`);
await conn.run(`ATTACH ':memory:' AS store (COMPRESS)`);
await conn.run('USE store');
for (const ddl of CANONICAL_DDL.slice(0, 3)) await conn.run(ddl);
const rows = Number((await conn.runAndReadAll('SELECT count(*) AS n FROM src.orders')).getRowObjectsJS()[0].n);
for (let from = 0; from < rows; from += 5_000_000) {
  await conn.run(`INSERT INTO orders SELECT * FROM src.orders WHERE rowid >= ${from} AND rowid < ${from + 5_000_000}`);
  await conn.run('CHECKPOINT store');
}
await conn.run('INSERT INTO customers SELECT * FROM src.customers');
await conn.run('CHECKPOINT store');
await conn.run('DETACH src');
const asOf = (await conn.runAndReadAll(`SELECT CAST(CAST(max(ts) AS DATE) + 1 AS VARCHAR) AS d FROM orders`)).getRowObjectsJS()[0].d;
await conn.run(`SET memory_limit = ${q(values.limit)}`);
await conn.run(`SET temp_directory = ''`);
const atRest = await inUse();
console.log(
  `${values.file}: ${rows} order lines in a compressed store, ${mb(atRest)} MB at rest; limit ${values.limit}, 1 thread, as-of ${asOf}`,
);

/** Peak of `duckdb_memory()` while `body` runs. */
async function peakOf(body) {
  let peak = await inUse();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    peak = Math.max(peak, await inUse().catch(() => 0));
    busy = false;
  }, 50);
  try {
    const value = await body();
    return { value, peak: Math.max(peak, await inUse()) };
  } finally {
    clearInterval(timer);
  }
}

const label = (t) => {
  const s = t.replace(/\s+/g, ' ');
  const m = /^(CREATE OR REPLACE TABLE|INSERT INTO) (\S+)/.exec(s);
  if (m)
    return `${m[1] === 'INSERT INTO' ? 'insert' : 'create'} ${m[2]}${/hash\(customer_id\) % (\d+) = (\d+)/.test(s) ? ` part ${RegExp.$2}/${RegExp.$1}` : ''}`;
  return s.slice(0, 70);
};

/** The worker's Engine on the native connection, every statement timed and its peak sampled. */
const log = [];
let chain = Promise.resolve();
const run = (text) => {
  const next = chain.then(async () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { value, peak } = await peakOf(async () => (await conn.runAndReadAll(text)).getRowObjectsJS());
    const c = process.cpuUsage(c0);
    log.push({ label: label(text), wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, peak });
    return value.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  });
  chain = next.catch(() => undefined);
  return next;
};
const engine = {
  run: (_l, text, onStart) => (onStart?.(), run(text)),
  exec: async (_l, text) => void (await run(text)),
  cancel: async () => false,
};

const api = analysisApi(
  async () => engine,
  () => 1,
);
await dropBases(engine);
const l0 = loadavg()[0];
const c0 = process.cpuUsage();
const w0 = performance.now();
const res = await api.segments(
  { scope: { asOf, from: null, filters: [] }, model: 'rfm11', params: structuredClone(MODELS.rfm11.defaults), crosstab: null },
  'seg',
);
const wall = performance.now() - w0;
const c = process.cpuUsage(c0);
console.log(
  `Segments request: ${res.ok ? `${res.value.rows.length} segments` : `FAILED ${res.error.message.slice(0, 200)}`}; load average ${l0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
);
console.log('   wall s    cpu s  peak MB in all  statement');
for (const s of log) console.log(`${sec(s.wall)}  ${sec(s.cpu)}  ${mb(s.peak)}          ${s.label}`);
console.log(
  `${sec(wall)}  ${sec((c.user + c.system) / 1000)}  ${mb(Math.max(...log.map((s) => s.peak)))}          TOTAL (${log.length} statements); at rest afterwards ${mb(await inUse())} MB`,
);
if (res.ok) console.log('answer', JSON.stringify(res.value.rows.map((r) => [r.segment ?? r.key ?? r.id, r.customers ?? r.count])));

if (values['one-statement']) {
  const base = (
    await conn.runAndReadAll(`SELECT database_name || '.' || table_name AS t FROM duckdb_tables() WHERE table_name SIMILAR TO 'cb_[0-9]+'`)
  ).getRowObjectsJS()[0].t;
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  const { peak } = await peakOf(() =>
    conn.run(`CREATE OR REPLACE TABLE ${base}_one AS ${oneStatementRanks(base)}`).then(() => conn.run(`CHECKPOINT ${base.split('.')[0]}`)),
  );
  const c2 = process.cpuUsage(c1);
  console.log(
    `ranks of ${base} as one statement (before): ${sec(performance.now() - t1)} s wall, ${sec((c2.user + c2.system) / 1000)} s CPU, peak ${mb(peak)} MB in all; load ${loadavg()[0].toFixed(1)}`,
  );
}
