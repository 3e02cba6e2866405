#!/usr/bin/env node
/**
 * Native DuckDB baseline: `node scripts/bench/native.mjs --file F --threads N --reps R`.
 * Runs a warm-up and then R timed runs, each on a fresh in-memory instance (create, load the CSV,
 * RFM cells), and prints one JSON line {threads, seconds: [...], digest}. Runs in its own process so
 * its memory and threads are gone before the browser is measured.
 */
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { RFM_CELLS_SQL, cellsDigest, loadSql } from './rfm-sql.mjs';

const { values } = parseArgs({
  options: { file: { type: 'string' }, threads: { type: 'string', default: '1' }, reps: { type: 'string', default: '3' } },
});
if (!values.file) throw new Error('usage: native.mjs --file F [--threads N] [--reps R]');
const threads = Number(values.threads);
const reps = Number(values.reps);

async function once() {
  const t0 = performance.now();
  const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await inst.connect();
  await conn.run(loadSql(values.file));
  const reader = await conn.runAndReadAll(RFM_CELLS_SQL);
  const rows = reader.getRowObjectsJS();
  const seconds = (performance.now() - t0) / 1000;
  conn.closeSync();
  inst.closeSync();
  return { seconds, rows };
}

await once(); // warm-up: file in the page cache, code paged in
const seconds = [];
let digest = '';
for (let i = 0; i < reps; i++) {
  const r = await once();
  seconds.push(r.seconds);
  digest = cellsDigest(r.rows);
}
process.stdout.write(JSON.stringify({ threads, seconds, digest }) + '\n');
