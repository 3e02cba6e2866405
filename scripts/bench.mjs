#!/usr/bin/env node
/**
 * `npm run bench [-- --sizes 100k,1m,5m] [--with-20m] [--with-large] [--quick] [--reps N] [--bundle eh|coi|mvp]
 *  [--no-build] [--timeout S] [--out FILE] [--value-customers 100k,1m]`
 *
 * Generates (cached) order files, builds and serves the app, drives headless Chromium through it as a
 * user does, runs the same RFM in native DuckDB and pandas on the same files, prints a table and
 * writes docs/benchmarks.md (see that file for what each figure means). `--quick`: 100k rows, one
 * run, no warm-up, written to .bench-data/benchmarks-quick.md unless --out is given.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { cpus } from 'node:os';
import { generateOrders } from './gen-orders.mjs';
import { generateBehavior } from './gen-behavior.mjs';
import { buildApp, serveApp, transferSizes } from './bench/app-server.mjs';
import { chromiumPath, launch, loadAndView, loadAndViewEvents, newPage, openApp, pageMemory, resegment } from './bench/browser.mjs';
import { startSampler } from './bench/memory.mjs';
import { bareRun, serveBare } from './bench/bare-server.mjs';
import { consoleReport, fmtMs, machineInfo, markdown } from './bench/report.mjs';
import { benchValueFit, parseCount, valueFitMarkdown } from './bench/value-fit.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const DATA = join(ROOT, '.bench-data');
const run = promisify(execFile);
const log = (s) => process.stderr.write(s);

const { values: opt } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100k,1m,5m' },
    'with-20m': { type: 'boolean', default: false },
    'with-large': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    reps: { type: 'string', default: '3' },
    bundle: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '120' },
    out: { type: 'string' },
    'value-customers': { type: 'string', default: '100k,1m' },
  },
});

function parseRows(s) {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`invalid size: ${s} (use e.g. 100k, 1m, 5m)`);
  return Math.round(Number(m[1]) * { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]);
}

const sizes = opt.quick ? [100_000] : opt.sizes.split(',').map(parseRows);
if ((opt['with-20m'] || opt['with-large']) && !sizes.includes(20e6)) sizes.push(20e6);
if (opt['with-large'] && !sizes.includes(50e6)) sizes.push(50e6);
/**
 * Event logs (Tianchi layout) run after the order sizes, smallest first, so the largest that worked is
 * known even when 100M does not; after one fails (or the guard refuses it) the larger ones are skipped.
 */
const eventSizes = opt['with-large'] ? [10e6, 30e6, 100e6] : [];
const reps = opt.quick ? 1 : Math.max(1, Number(opt.reps));
const warmups = opt.quick ? 0 : 1;
/** From this many rows a size runs once, with no warm-up (minutes a load), like the event logs. */
const ONE_RUN_ROWS = 20e6;
/** Warm-ups and measured runs of a size. */
const runsOf = (rows) => (rows >= ONE_RUN_ROWS ? { warmups: 0, reps: 1 } : { warmups, reps });
if (opt.bundle && !['eh', 'coi', 'mvp'].includes(opt.bundle)) throw new Error(`invalid bundle: ${opt.bundle}`);
const outFile = resolve(opt.out ?? (opt.quick ? join(DATA, 'benchmarks-quick.md') : 'docs/benchmarks.md'));
/** Per-step time-out: the base plus a minute per million rows. */
const stepMs = (rows) => (Number(opt.timeout) + 60 * (rows / 1e6)) * 1000;

async function step(what, fn) {
  const t0 = performance.now();
  log(`• ${what} …\n`);
  const v = await fn();
  log(`  done in ${fmtMs(performance.now() - t0)}\n`);
  return v;
}

async function baseline(cmd, args, timeoutMs) {
  try {
    const { stdout } = await run(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop());
  } catch (e) {
    const msg = String(e.stderr || e.message || e)
      .trim()
      .split('\n')
      .pop();
    return { error: msg.slice(0, 200) };
  }
}

const results = {
  quick: opt.quick,
  reps,
  bundleForced: opt.bundle ?? null,
  machine: machineInfo(chromiumPath()),
  app: {},
  coldStart: { ms: [], repeatMs: [], acceptsMs: [], repeatAcceptsMs: [] },
  sizes: [],
  transfer: {},
};

// 1. data
mkdirSync(DATA, { recursive: true });
for (const rows of sizes) {
  const { orders } = await step(`order file, ${rows.toLocaleString('en')} rows`, () => generateOrders({ rows, out: DATA, log }));
  results.sizes.push({ rows, file: orders, bytes: statSync(orders).size, app: {} });
}
for (const rows of eventSizes) {
  const { events } = await step(`behaviour log, ${rows.toLocaleString('en')} rows`, () => generateBehavior({ rows, out: DATA, log }));
  results.sizes.push({ rows, kind: 'events', file: events, bytes: statSync(events).size, app: {} });
}

// 2. build, sizes (before any timing: brotli keeps both cores busy)
if (!opt['no-build'] || !existsSync('dist/index.html')) await step('vite build', buildApp);
results.transfer = await step('transfer sizes (gzip -9, brotli 11; cached by file name)', () =>
  transferSizes(join(ROOT, 'dist'), join(DATA, 'transfer-sizes.json')),
);

// 3. the app in Chromium
let server;
let bare;
let browser;
const sampler = startSampler(250);
const cleanup = async () => {
  sampler.stop();
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await bare?.close().catch(() => {});
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
try {
  server = await step('vite preview', serveApp);
  bare = await step('bare DuckDB-WASM page (build + preview)', () => serveBare(join(DATA, 'bare-dist')));
  const url = server.url + (opt.bundle ? `?bundle=${opt.bundle}` : '');
  browser = await launch();
  const baseMs = stepMs(0);

  await step(`cold start × ${warmups + reps} (new context each)`, async () => {
    for (let i = 0; i < warmups + reps; i++) {
      const s = await newPage(browser);
      try {
        const r = await openApp(s, url, baseMs);
        results.app = { bundle: r.bundle, threads: r.threads, coi: r.coi, status: r.status };
        if (i >= warmups) results.coldStart.ms.push(r.ms);
        if (i >= warmups && r.acceptsMs !== null) results.coldStart.acceptsMs.push(r.acceptsMs);
      } finally {
        await s.context.close();
      }
    }
    const s = await newPage(browser);
    try {
      for (let i = 0; i < warmups + reps + 1; i++) {
        const r = await openApp(s, url, baseMs); // the first load fills the cache
        if (i > warmups) results.coldStart.repeatMs.push(r.ms);
        if (i > warmups && r.acceptsMs !== null) results.coldStart.repeatAcceptsMs.push(r.acceptsMs);
      }
    } finally {
      await s.context.close();
    }
    log(`  ${results.app.status} (crossOriginIsolated=${results.app.coi}); cold ${results.coldStart.ms.map(fmtMs).join(', ')}\n`);
  });

  let eventsFailed = null;
  for (const size of results.sizes) {
    if (size.kind === 'events') {
      size.app = eventsFailed
        ? { skipped: `not run: the ${eventsFailed} log did not work` }
        : await step(`${size.rows.toLocaleString('en')} events: load + activity + lifecycle (events), one run`, () =>
            eventsRun(url, size.file, stepMs(size.rows)),
          );
      if (!size.app.skipped && !(size.app.activityMs?.length && size.app.lifecycleMs?.length))
        eventsFailed ??= size.rows.toLocaleString('en');
      continue;
    }
    const a = (size.app = { ingestMs: [], firstViewMs: [], navToBreakdownMs: [], lifecycleMs: [], modelMs: [], binsMs: [], missing: [] });
    const ms = stepMs(size.rows);
    const { warmups, reps } = runsOf(size.rows);
    const s = await newPage(browser);
    sampler.reset();
    try {
      for (let i = 0; i < warmups + reps; i++) {
        await step(
          `${size.rows.toLocaleString('en')} rows: load + first view + lifecycle, run ${i + 1}/${warmups + reps}${i < warmups ? ' (warm-up)' : ''}`,
          async () => {
            await openApp(s, url, ms);
            const r = await loadAndView(s, size.file, ms);
            a.missing.push(...r.missing);
            log(
              keepRefusal(a, r) +
                `  ingest ${fmtMs(r.ingestMs)}, first view ${fmtMs(r.firstViewMs)}, lifecycle ${fmtMs(r.lifecycleMs)}${r.missing.length ? `; missing in UI: ${r.missing.join(', ')}` : ''}\n`,
            );
            if (i < warmups) return;
            for (const k of ['ingestMs', 'firstViewMs', 'navToBreakdownMs', 'lifecycleMs']) if (r[k] !== null) a[k].push(r[k]);
          },
        );
      }
      await step(`${size.rows.toLocaleString('en')} rows: re-segmentation`, async () => {
        // Back to the segments page (the last run ended on lifecycle).
        if (await s.page.locator('[data-testid=nav-segments]').count()) {
          await s.page.locator('[data-testid=nav-segments]').click({ timeout: ms });
          await s.page.locator('[data-testid=breakdown][data-state=ready]').waitFor({ state: 'attached', timeout: ms });
        }
        const r = await resegment(s, warmups + reps, ms);
        a.modelMs = r.modelMs.slice(warmups);
        a.binsMs = r.binsMs.slice(warmups);
        a.revisits = r.revisits;
        a.missing.push(...r.missing);
        log(`  model ${r.modelMs.map(fmtMs).join(', ') || '—'}; bins ${r.binsMs.map(fmtMs).join(', ') || '—'}\n`);
      });
      a.memory = await step('memory', () => pageMemory(s));
      a.missing.push(...a.memory.missing);
    } catch (e) {
      failed(a, e);
    } finally {
      await closeRun(s, a);
    }
    // the engine alone on the same file, whatever happened to the app's run
    if (size.kind !== 'events')
      size.bare = await step(`bare DuckDB-WASM, ${size.rows.toLocaleString('en')} rows`, () => bareRuns(size, ms));
  }

  // ── Value page fit at 100k and 1M customers (issue 14; scripts/bench/value-fit.mjs) ──
  const valueCustomers = opt.quick ? [10_000] : opt['value-customers'].split(',').map(parseCount);
  results.valueFit = await step(`value fit at ${valueCustomers.map((n) => n.toLocaleString('en')).join(', ')} customers`, () =>
    benchValueFit(browser, url, { customers: valueCustomers, out: DATA, log, timeoutMs: stepMs(8 * Math.max(...valueCustomers)) }),
  );
} catch (e) {
  results.error = e instanceof Error ? e.message : String(e);
  log(`benchmark aborted: ${results.error}\n`);
} finally {
  await cleanup();
}

/** A run the memory guard refused whole (loaded filtered as offered): kept in the size's figures; the log line saying so. */
function keepRefusal(a, r) {
  if (!r.refused) return '';
  Object.assign(a, { refused: r.refused, sampleOneIn: r.sampleOneIn });
  return `  the memory guard offered a filtered load (${r.refused}); taken as offered, one customer in ${r.sampleOneIn}:\n`;
}

/** A size's runs stopped on `e`: kept in its figures and said. */
function failed(a, e) {
  a.error = e instanceof Error ? e.message : String(e);
  log(`  FAILED: ${a.error}\n`);
}

/** After a size's runs, whatever happened: the memory peak, missing UI parts once, page errors; the page closed. */
async function closeRun(s, a) {
  a.pssPeak = sampler.peak();
  a.missing = [...new Set(a.missing)];
  if (s.pageErrors.length) a.pageErrors = s.pageErrors.slice(0, 5);
  await s.context.close().catch(() => {});
}

/**
 * One run on an event log (hours at 100M, so no warm-up and no repetitions): load, the activity
 * model, the lifecycle page from events; memory as for orders.
 */
async function eventsRun(url, file, ms) {
  const s = await newPage(browser);
  sampler.reset();
  const a = { ingestMs: [], activityMs: [], lifecycleMs: [], missing: [] };
  try {
    await openApp(s, url, ms);
    const r = await loadAndViewEvents(s, file, ms);
    for (const k of ['ingestMs', 'activityMs', 'lifecycleMs']) if (r[k] !== null) a[k].push(r[k]);
    a.missing.push(...r.missing);
    log(keepRefusal(a, r) + `  load ${fmtMs(r.ingestMs)}, activity ${fmtMs(r.activityMs)}, lifecycle ${fmtMs(r.lifecycleMs)}\n`);
    a.memory = await pageMemory(s);
    a.missing.push(...a.memory.missing);
  } catch (e) {
    failed(a, e);
  } finally {
    await closeRun(s, a);
  }
  return a;
}

/** The same file through bare DuckDB-WASM (same bundle, same browser, same RFM SQL), fresh page per run. */
async function bareRuns(size, ms) {
  const b = { totalMs: [], loadMs: [], rfmMs: [] };
  const { warmups, reps } = runsOf(size.rows);
  for (let i = 0; i < warmups + reps; i++) {
    const r = await bareRun(browser, bare.url + (opt.bundle ? `?bundle=${opt.bundle}` : ''), size.file, ms);
    if (r.error) return { ...b, error: r.error };
    Object.assign(b, { bundle: r.bundle, threads: r.threads, digest: r.digest });
    log(`  bare ${fmtMs(r.totalMs)} (load ${fmtMs(r.loadMs)}, RFM ${fmtMs(r.rfmMs)})\n`);
    if (i < warmups) continue;
    b.totalMs.push(r.totalMs);
    b.loadMs.push(r.loadMs);
    b.rfmMs.push(r.rfmMs);
  }
  return b;
}

// 4. baselines, with the browser closed
const hasPandas = !(await baseline('/usr/bin/python3', ['-c', 'import pandas, json; print(json.dumps({"v": pandas.__version__}))'], 30_000))
  .error;
if (!hasPandas) log('note: pandas is not importable by /usr/bin/python3; the pandas column is skipped\n');
for (const size of results.sizes) {
  if (size.kind === 'events') {
    size.native1 = size.nativeN = size.pandas = { error: 'no baseline for event logs' };
    continue;
  }
  const t = 30 * 60_000;
  const file = size.file;
  size.native1 = await step(`native DuckDB, 1 thread, ${size.rows.toLocaleString('en')} rows`, () =>
    baseline(process.execPath, ['scripts/bench/native.mjs', '--file', file, '--threads', '1', '--reps', String(reps)], t),
  );
  size.nativeN = await step(`native DuckDB, ${cpus().length} threads`, () =>
    baseline(process.execPath, ['scripts/bench/native.mjs', '--file', file, '--threads', String(cpus().length), '--reps', String(reps)], t),
  );
  size.pandas = hasPandas
    ? await step('pandas', () => baseline('/usr/bin/python3', ['scripts/bench/rfm_pandas.py', file, String(reps)], t))
    : { error: 'pandas missing' };
  results.pandasVersion ??= size.pandas.pandas;
}

// 5. report
process.stdout.write(consoleReport(results) + '\n' + valueFitMarkdown(results.valueFit));
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, markdown(results, existsSync(outFile) ? readFileSync(outFile, 'utf8') : '') + valueFitMarkdown(results.valueFit));
writeFileSync(join(DATA, `results${opt.quick ? '-quick' : ''}.json`), JSON.stringify(results, null, 1));
log(`\nwrote ${outFile} (raw figures: .bench-data/results${opt.quick ? '-quick' : ''}.json)\n`);
process.exitCode = results.error ? 1 : 0;
