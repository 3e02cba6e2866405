/**
 * Value page fit time in the worker (issue 14), for `bench.mjs` or on its own:
 *
 *   node scripts/bench/value-fit.mjs [--customers 100k,1m] [--bundle eh] [--timeout S]   (needs `npx vite build` first)
 *
 * For each customer count it loads a generated order file with that many customers (8 orders each
 * on average, `gen-orders.mjs`), opens the Value page and reads what the worker reports: the BG/NBD
 * + Gamma-Gamma fit time (`data-fit-ms`, wall time in the worker including the pauses it makes for
 * other calls) and the fit sample (`data-fit-customers` of `data-fit-population`). While the page
 * computes, a second caller pings the worker every 200 ms over Comlink's own message format: `cancel()`
 * of an unused slot (answered by the worker's own thread: what the fit could hold up) and `memory()`
 * (which also waits for the DuckDB statement running at the time).
 */
import { parseArgs } from 'node:util';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOrders } from '../gen-orders.mjs';
import { newPage, openApp, launch } from './browser.mjs';

/** Installed before the app runs: keeps the app's worker and pings it like a second caller. */
const PINGER = `(() => {
  const W = window.Worker;
  window.Worker = class extends W {
    constructor(...a) {
      super(...a);
      if (!window.__valueBench) window.__valueBench = { worker: this };
    }
  };
  let seq = 0;
  /** One call over Comlink's wire format; the app's own Comlink ignores answers to ids it did not send. */
  const call = (path, args) => new Promise((resolve) => {
    const w = window.__valueBench.worker;
    const id = 'value-bench-' + ++seq;
    const t0 = performance.now();
    const on = (e) => {
      if (!e.data || e.data.id !== id) return;
      w.removeEventListener('message', on);
      resolve({ ms: performance.now() - t0, data: e.data });
    };
    w.addEventListener('message', on);
    w.postMessage({ id, type: 'APPLY', path: [path], argumentList: args.map((value) => ({ type: 'RAW', value })) });
  });
  // cancel() of a slot nobody uses answers from the worker's own thread (no DuckDB statement);
  // memory() also waits for the DuckDB statement running at the time
  // memory() also reports DuckDB's memory at that moment (Comlink's answer: {value: Result<MemoryInfo>})
  const ping = async () => {
    const worker = (await call('cancel', ['value-bench-idle'])).ms;
    const m = await call('memory', []);
    return { worker, duckdb: m.ms, bytes: m.data?.value?.value?.duckdbBytes ?? null };
  };
  window.__valueBenchPing = {
    start() {
      const b = window.__valueBench;
      b.pings = [];
      b.stop = false;
      (async () => {
        while (!b.stop) {
          b.pings.push(await ping());
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
    },
    stop() {
      window.__valueBench.stop = true;
      return window.__valueBench.pings;
    },
  };
})()`;

const nodeNow = () => performance.timeOrigin + performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

/**
 * Measure the Value page at each customer count. `url`: the served app. Returns one row per count:
 * `{customers, rows, ingestMs, requestMs, fitMs, fitted, population, pings, workerMedianMs, workerMaxMs,
 * duckdbMedianMs, duckdbMaxMs, peakBytes, issues}`
 * or `{customers, error}`.
 */
export async function benchValueFit(browser, url, { customers, out, log = () => {}, timeoutMs = 600_000 }) {
  const rows = [];
  for (const n of customers) {
    const orders = n * 8;
    const { orders: file } = await generateOrders({ rows: orders, out, log });
    const s = await newPage(browser);
    try {
      await s.context.addInitScript(PINGER);
      await openApp(s, url, timeoutMs);
      const t0 = nodeNow();
      await s.page.locator('[data-testid=file-input]').setInputFiles(file, { timeout: timeoutMs });
      await s.page.getByTestId('overview').waitFor({ timeout: timeoutMs });
      const ingestMs = nodeNow() - t0;
      await s.page.evaluate(() => window.__valueBenchPing.start());
      const t1 = nodeNow();
      await s.page.evaluate(() => (location.hash = 'v=1&p=value'));
      // done when drawn or refused: a failed request leaves the page idle with its error shown
      await s.page.waitForFunction(
        () => {
          const page = document.querySelector('[data-testid=value-page]');
          return (
            page?.getAttribute('data-state') === 'ready' ||
            (page?.getAttribute('data-state') === 'idle' && !!page.querySelector('[data-testid=value-error]'))
          );
        },
        null,
        { timeout: timeoutMs, polling: 100 },
      );
      const requestMs = nodeNow() - t1;
      const pings = await s.page.evaluate(() => window.__valueBenchPing.stop());
      const info = await s.page.evaluate(() => {
        const f = document.querySelector('[data-testid=value-fit]');
        const issues = [...document.querySelectorAll('[data-testid=value-issue]')].map((e) => e.getAttribute('data-code'));
        const err = document.querySelector('[data-testid=value-error]')?.textContent?.trim() ?? null;
        if (!f) return { fitMs: null, fitted: null, population: null, issues, err };
        return {
          fitMs: Number(f.getAttribute('data-fit-ms')),
          fitted: Number(f.getAttribute('data-fit-customers')),
          population: Number(f.getAttribute('data-fit-population')),
          issues,
          err,
        };
      });
      const row = {
        customers: n,
        rows: orders,
        ingestMs,
        requestMs,
        ...info,
        pings: pings.length,
        workerMedianMs: median(pings.map((p) => p.worker)),
        workerMaxMs: pings.length ? Math.max(...pings.map((p) => p.worker)) : null,
        duckdbMedianMs: median(pings.map((p) => p.duckdb)),
        duckdbMaxMs: pings.length ? Math.max(...pings.map((p) => p.duckdb)) : null,
        peakBytes: pings.some((p) => p.bytes !== null) ? Math.max(...pings.map((p) => p.bytes ?? 0)) : null,
      };
      log(`  value fit, ${n.toLocaleString('en')} customers: ${JSON.stringify(row)}\n`);
      rows.push(info.err && info.fitMs === null ? { customers: n, rows: orders, error: `the page showed: ${info.err}`, requestMs } : row);
    } catch (e) {
      rows.push({ customers: n, rows: orders, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
      log(`  value fit, ${n.toLocaleString('en')} customers FAILED: ${rows.at(-1).error}\n`);
    } finally {
      await s.context.close().catch(() => {});
    }
  }
  return rows;
}

const sec = (ms) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The benchmark's table for the value fit (markdown). */
export function valueFitMarkdown(rows) {
  if (!rows?.length) return '';
  const lines = [
    '',
    '## Value page: BG/NBD + Gamma-Gamma fit in the worker',
    '',
    'Generated orders (8 per customer on average). **Fit** is the wall time of both fits in the worker,',
    'including the pauses it makes every ~40 ms of work for other calls; the models are fitted on a hash sample',
    'of at most 100,000 customers and everyone is scored in SQL. **Request** is the whole Value page',
    '(summary, fit, predictions, holdout, personas, Lorenz). **Other calls waited**: a second caller pings',
    'the worker every 200 ms during the request: `cancel()` of an unused slot is answered by the worker',
    "thread itself (what a fit could hold up); `memory()` also waits for DuckDB's running statement, and its",
    'answer gives **DuckDB memory**: the largest `duckdb_memory()` total among the pings (sampled, so a lower bound of the peak).',
    '',
    '| customers | orders | fitted on | fit | request | worker call waited (median / max) | DuckDB call waited (median / max) | DuckDB memory | issues |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.customers.toLocaleString('en')} | ${r.rows.toLocaleString('en')} | failed: ${r.error} | | | | | | |`);
      continue;
    }
    const fitted = r.fitted === null ? '—' : `${r.fitted.toLocaleString('en')} of ${r.population.toLocaleString('en')}`;
    const waited = (med, max) => `${Math.round(med ?? 0)} ms / ${sec(max)}`;
    lines.push(
      `| ${r.customers.toLocaleString('en')} | ${r.rows.toLocaleString('en')} | ${fitted} | ${sec(r.fitMs)} | ${sec(r.requestMs)} | ${waited(r.workerMedianMs, r.workerMaxMs)} (${r.pings} pings) | ${waited(r.duckdbMedianMs, r.duckdbMaxMs)} | ${r.peakBytes ? `${(r.peakBytes / 2 ** 30).toFixed(2)} GiB` : '—'} | ${r.issues.join(', ') || '—'} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** `100k` → 100000. */
export function parseCount(s) {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`invalid count: ${s} (use e.g. 100k, 1m)`);
  return Math.round(Number(m[1]) * { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]);
}

// on its own: serve the built app and print the table
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: opt } = parseArgs({
    options: { customers: { type: 'string', default: '100k,1m' }, bundle: { type: 'string' }, timeout: { type: 'string', default: '900' } },
  });
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  process.chdir(root);
  const { serveApp } = await import('./app-server.mjs');
  const server = await serveApp();
  const browser = await launch();
  try {
    const rows = await benchValueFit(browser, server.url + (opt.bundle ? `?bundle=${opt.bundle}` : ''), {
      customers: opt.customers.split(',').map(parseCount),
      out: join(root, '.bench-data'),
      log: (s) => process.stderr.write(s),
      timeoutMs: Number(opt.timeout) * 1000,
    });
    process.stdout.write(valueFitMarkdown(rows));
  } finally {
    await browser.close().catch(() => {});
    await server.close().catch(() => {});
  }
}
