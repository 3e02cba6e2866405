#!/usr/bin/env node
/**
 * SQL timed in DuckDB-WASM itself (the app's bundle and thread count, headless Chromium, no app):
 *   node scripts/bench/wasm-sql.mjs --file .bench-data/orders-1000000.csv --sql statements.json [--reps 9] [--explain] [--bundle eh]
 * Loads the generated orders CSV (`scripts/gen-orders.mjs` layout) into the canonical `orders`
 * table, then takes the statements of `--sql` (a JSON list of { label, text }, as
 * `lifecycle-profile.mjs --statements` writes them): every `CREATE` statement runs once, in order
 * (the tables the others read), and every other statement runs `--reps` times; prints the median
 * and the range, and with `--explain` the median time of `EXPLAIN` of the statement (parse, bind,
 * optimise and the plan text). Native timings (`lifecycle-profile.mjs`) say little about the tab:
 * planning took ~5× native time here and a CASE of eleven rules per customer ~40 % of a 1M
 * breakdown (docs/benchmarks.md, session 11).
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servePage } from './bare-server.mjs';
import { launch } from './browser.mjs';
import { loadTs } from './load-ts.mjs';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    sql: { type: 'string' },
    reps: { type: 'string', default: '9' },
    explain: { type: 'boolean', default: false },
    bundle: { type: 'string' },
    out: { type: 'string', default: '.bench-data/wasm-sql-dist' },
  },
});
if (!values.file || !values.sql) throw new Error('usage: wasm-sql.mjs --file F --sql statements.json [--reps 9] [--explain] [--bundle eh]');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), 'wasm-sql');
const statements = JSON.parse(readFileSync(values.sql, 'utf8'));
const reps = Number(values.reps);

const server = await servePage(ROOT, values.out);
const browser = await launch();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}${values.bundle ? `?bundle=${values.bundle}` : ''}`);
  await page
    .locator('#status')
    .filter({ hasText: /^(ready|failed)/ })
    .waitFor({ timeout: 240_000 });
  const st = await page.locator('#status').innerText();
  if (st.startsWith('failed')) throw new Error(st);
  await page.locator('#file').setInputFiles(resolve(values.file));
  await page.evaluate(() => window.probe.register('orders.csv'));
  const sql = (text) => page.evaluate((t) => window.probe.sql(t), text);
  const threads = await page.evaluate(() => window.probe.threads);
  const { CANONICAL_DDL } = await loadTs('src/ingest/canonical-parts.ts');
  for (const ddl of CANONICAL_DDL.slice(0, 3)) await sql(ddl);
  // a DuckDB thread cannot read a registered handle reliably (PLATFORM-NOTES): load on one thread
  if (threads > 1) await sql('SET threads = 1');
  const load = await sql(`INSERT INTO orders (customer_id, order_id, ts, amount, category, channel, is_return, source)
    SELECT customer_id, CAST(order_id AS VARCHAR), CAST(order_time AS TIMESTAMP), amount, category, channel, coalesce(amount < 0, false), 'bench'
    FROM read_csv('orders.csv', header = true)`);
  if (threads > 1) await sql(`SET threads = ${threads}`);
  console.log(`${st}: ${values.file} loaded in ${(load.ms / 1000).toFixed(2)} s`);
  const fmt = (x) => x.toFixed(1).padStart(8);
  console.log(`  median     min      max  ${values.explain ? ' explain ' : ''} statement`);
  for (const { label, text } of statements) {
    const name = (label ?? text).replace(/\s+/g, ' ').slice(0, 70);
    if (/^\s*CREATE\b/i.test(text)) {
      console.log(`${fmt((await sql(text)).ms)}  (once)            ${name}`);
      continue;
    }
    const times = [];
    for (let i = 0; i < reps; i++) times.push((await sql(text)).ms);
    times.sort((a, b) => a - b);
    let ex = '';
    if (values.explain) {
      const e = [];
      for (let i = 0; i < reps; i++) e.push((await sql(`EXPLAIN ${text}`)).ms);
      e.sort((a, b) => a - b);
      ex = `${fmt(e[reps >> 1])} `;
    }
    console.log(`${fmt(times[reps >> 1])} ${fmt(times[0])} ${fmt(times[reps - 1])} ${ex} ${name}`);
  }
} finally {
  await browser.close();
  await server.close();
}
