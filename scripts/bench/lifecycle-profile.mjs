#!/usr/bin/env node
/**
 * Where the Lifecycle (or Segments) page's time goes, natively:
 *   node scripts/bench/lifecycle-profile.mjs --file .bench-data/orders-5000000.csv --threads 1,2 [--reps 1] [--dump out.json] [--statements sql.json] [--again]
 *     [--page segments]   (the Segments page's first request: RFM 11, default bins, a new customer base each run)
 * Loads a generated orders CSV (`scripts/gen-orders.mjs` layout) into the canonical `orders` table, then
 * runs the worker's own request code (`lifecycleApi(...).lifecycle`, TypeScript loaded through Vite's
 * module runner) with the page's default request on native DuckDB, once per thread count, and prints
 * every statement's wall and CPU time (process CPU: DuckDB's threads included) and a digest of the
 * answer, so a change can be checked to answer the same. `--dump` writes the last answer as JSON, `--statements`
 * the statements of the last first request (label and SQL text). Each rep is a
 * new API on a new engine (the page's kept tables are per engine: every rep builds them); `--again` then
 * sends the same API a second request with other thresholds (60/60/120 days), as after a change on the page.
 */
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadTs } from './load-ts.mjs';
import { DuckDBInstance } from '@duckdb/node-api';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    reps: { type: 'string', default: '1' },
    dump: { type: 'string' },
    statements: { type: 'string' },
    explain: { type: 'string' },
    again: { type: 'boolean', default: false },
    page: { type: 'string', default: 'lifecycle' },
  },
});
if (!values.file) throw new Error('usage: lifecycle-profile.mjs --file F [--threads 1,2] [--reps R] [--dump out.json]');

const load = loadTs;
const { lifecycleApi } = await load('workers/analysis-lifecycle.ts');
const { analysisApi } = await load('workers/analysis.ts');
const { MODELS } = await load('src/analysis/segmentation/index.ts');
const { CANONICAL_DDL } = await load('src/ingest/canonical-parts.ts');
const { LIFE_DEFAULTS, lifeOptions } = await load('src/analysis/lifecycle/options.ts');

/** Short name of a statement, for the table. */
function label(text) {
  const t = text.replace(/\s+/g, ' ');
  const m = /^CREATE OR REPLACE TABLE (\w+?)(_\d+)? /.exec(t);
  if (m) return `build ${m[1]}`;
  const known = [
    [/value_at_risk/, 'churn summary'],
    [/WHERE at_risk ORDER BY/, 'churn list'],
    [/WHERE churned ORDER BY/, 'win-back list'],
    [/p80_gap/, 'suggested thresholds'],
    [/AS first, CAST\(max\(day\)/, 'range'],
    [/FROM \(VALUES \('new', 0\)/, 'stage counts'],
    [/'reactivated' END AS stage/, 'stages over time'],
    [/'resurrecting' END AS status/, 'period statuses'],
    [/is_average/, 'cohort retention'],
    [/window_days/, 'repurchase rates'],
    [/bucket NULLS LAST/, 'time to second order'],
    [/from_stage/, 'transitions'],
  ];
  return known.find(([re]) => re.test(t))?.[1] ?? t.slice(0, 60);
}

/** The worker's Engine on one native connection, timing every statement (`push` gets each one's figures). */
function engine(conn, push) {
  let chain = Promise.resolve();
  const run = (text) => {
    const next = chain.then(async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const rows = (await conn.runAndReadAll(text)).getRowObjectsJS().map((r) => {
        const out = {};
        for (const [k, v] of Object.entries(r))
          out[k] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString().slice(0, 10) : v;
        return out;
      });
      const c = process.cpuUsage(c0);
      push({ label: label(text), text, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
      return rows;
    });
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    run: (_lane, text, onStart) => (onStart?.(), run(text)),
    exec: async (_lane, text) => void (await run(text)),
    cancel: async () => false,
  };
}

const file = values.file.replaceAll("'", "''");
const request = {
  scope: { asOf: null, from: null, filters: [] },
  options: lifeOptions(LIFE_DEFAULTS),
  segmentSplit: null,
  transition: null,
};

/** The Segments page's first request for the same scope. */
const segmentsRequest = (r) => ({ scope: r.scope, model: 'rfm11', params: structuredClone(MODELS.rfm11.defaults), crosstab: null });

const fmt = (ms) => (ms / 1000).toFixed(2).padStart(7);
for (const threads of values.threads.split(',').map(Number)) {
  const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await inst.connect();
  for (const ddl of CANONICAL_DDL.slice(0, 3)) await conn.run(ddl);
  const t0 = performance.now();
  await conn.run(`INSERT INTO orders (customer_id, order_id, ts, amount, category, channel, is_return, source)
    SELECT customer_id, CAST(order_id AS VARCHAR), CAST(order_time AS TIMESTAMP), amount, category, channel, coalesce(amount < 0, false), 'bench'
    FROM read_csv('${file}', header = true)`);
  const asOf = (await conn.runAndReadAll(`SELECT CAST(CAST(max(ts) AS DATE) + 1 AS VARCHAR) AS d FROM orders`)).getRowObjectsJS()[0].d;
  console.log(`\n${values.file}: loaded in ${fmt(performance.now() - t0)} s, as-of ${asOf}, ${threads} thread(s)`);
  const req = { ...request, scope: { ...request.scope, asOf } };
  for (let rep = 0; rep < Number(values.reps); rep++) {
    let log = [];
    const eng = engine(conn, (s) => log.push(s));
    const version = () => rep + 1; // a new data version per run: the Segments page builds its base again
    const api =
      values.page === 'segments'
        ? { lifecycle: (r, slot) => analysisApi(async () => eng, version).segments(segmentsRequest(r), slot) }
        : lifecycleApi(async () => eng, version);
    const requests = [['run', req]];
    if (values.again && values.page !== 'segments')
      requests.push(['again (other thresholds)', { ...req, options: { ...req.options, newDays: 60, activeDays: 60, churnDays: 120 } }]);
    for (const [name, r] of requests) {
      log = [];
      const l0 = loadavg()[0];
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const res = await api.lifecycle(r, 'lifecycle');
      const wall = performance.now() - w0;
      const c = process.cpuUsage(c0);
      if (!res.ok) throw new Error(JSON.stringify(res.error));
      const { ms: _ms, ...answer } = res.value;
      const json = JSON.stringify(answer);
      console.log(`${name} ${rep + 1}: load average ${l0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
      console.log('   wall s    cpu s  statement');
      for (const s of log) console.log(`${fmt(s.wall)}  ${fmt(s.cpu)}  ${s.label}`);
      console.log(`${fmt(wall)}  ${fmt((c.user + c.system) / 1000)}  TOTAL (${log.length} statements)`);
      console.log(`answer digest ${createHash('sha1').update(json).digest('hex').slice(0, 12)} (${json.length} chars)`);
      if (values.dump && r === req) writeFileSync(values.dump, JSON.stringify(answer, null, 1));
      if (values.statements && r === req)
        writeFileSync(
          values.statements,
          JSON.stringify(
            log.map((x) => ({ label: x.label, text: x.text })),
            null,
            1,
          ),
        );
      for (const st of log.filter((x) => values.explain && x.label.includes(values.explain) && !x.text.startsWith('CREATE'))) {
        const plan = (await conn.runAndReadAll(`EXPLAIN ANALYZE ${st.text}`)).getRowObjectsJS();
        console.log(String(plan[0]?.explain_value ?? ''));
      }
    }
  }
  conn.closeSync();
  inst.closeSync();
}
