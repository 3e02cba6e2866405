#!/usr/bin/env node
/**
 * Where the page's main thread spends a re-segmentation, besides the worker's SQL:
 *   node scripts/bench/redraw-profile.mjs --file .bench-data/orders-1000000.csv [--changes 4] [--bundle eh] [--no-build]
 *     [--control model-select --values rfm8,spend,behaviour,rfm11]   (another select, and the values to pick in turn)
 * Loads the file in the production build (as `npm run bench` does), opens the Segments page, then changes the
 * RFM bins `--changes` times while the V8 CPU profiler and a `devtools.timeline` trace record. Prints each change's
 * time to the redrawn breakdown, the functions with the most self time, and the main thread's timeline events
 * (paint, layout, message handling). Found the per-link state copies and per-number formatters of session 7.
 */
import { parseArgs } from 'node:util';
import { launch, newPage, openApp, loadAndView } from './browser.mjs';
import { buildApp, serveApp } from './app-server.mjs';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    changes: { type: 'string', default: '4' },
    control: { type: 'string', default: 'rfm-bins' },
    values: { type: 'string' },
    bundle: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!values.file) throw new Error('usage: redraw-profile.mjs --file F [--changes N] [--bundle eh] [--no-build]');

const ms = (us) => String(Math.round(us / 1000)).padStart(6);

/** Self time per function of a V8 CPU profile, largest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    out.set(k, (out.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

/** Total duration per event name on the renderer's main thread, largest first (nested events overlap). */
function mainThreadEvents(events) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const out = new Map();
  for (const e of events)
    if (main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur) out.set(e.name, (out.get(e.name) ?? 0) + e.dur);
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

if (!values['no-build']) await buildApp();
const server = await serveApp();
const browser = await launch();
try {
  const s = await newPage(browser);
  await openApp(s, server.url + (values.bundle ? `?bundle=${values.bundle}` : ''), 240_000);
  await loadAndView(s, values.file, 1_800_000);
  await s.page.locator('[data-testid=nav-segments]').click();
  await s.page.locator('[data-testid=breakdown][data-state=ready]').waitFor({ timeout: 600_000 });
  await s.page.waitForTimeout(1000);
  const control = `[data-testid=${values.control}]`;
  const options = await s.page.$$eval(`${control} option`, (os) => os.map((o) => o.value));
  const current = await s.page.locator(control).inputValue();
  const others = options.filter((o) => o !== current);
  const picks = values.values?.split(',');
  const cdp = await s.page.context().newCDPSession(s.page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const traced = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  await cdp.send('Profiler.start');
  const times = [];
  for (let i = 0; i < Number(values.changes); i++) {
    const target = picks ? picks[i % picks.length] : i % 2 === 0 ? others[(i / 2) % others.length] : current;
    const before = await s.page.evaluate(() => window.__bench.charts.breakdown?.n ?? 0);
    const t0 = performance.now();
    await s.page.selectOption(control, target);
    await s.page.waitForFunction((n) => (window.__bench.charts.breakdown?.n ?? 0) > n, before, { polling: 20, timeout: 600_000 });
    times.push(Math.round(performance.now() - t0));
    await s.page.waitForTimeout(300);
  }
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await traced;
  console.log(`${values.control} changes (ms to the redrawn breakdown, driver latency included): ${times.join(', ')}`);
  console.log('\nself time, ms (all changes)');
  for (const [k, us] of selfTimes(profile).slice(0, 20)) console.log(`${ms(us)}  ${k}`);
  console.log('\nmain-thread timeline, ms (all changes; nested events overlap)');
  for (const [k, us] of mainThreadEvents(events).slice(0, 15)) console.log(`${ms(us)}  ${k}`);
} finally {
  await browser.close();
  await server.close();
}
