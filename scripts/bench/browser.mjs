/**
 * Drives headless Chromium through the app as a user does (file input, nav buttons, selects) and
 * reads the moments stamped by page-probe.mjs. Every wait has a time-out and gives up early when the
 * page shows an error or crashes.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { PROBE } from './page-probe.mjs';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // measureUserAgentSpecificMemory() answers at once instead of after the next natural GC (≤ 20 s)
  '--enable-blink-features=ForceEagerMeasureMemory',
];

const nodeNow = () => performance.timeOrigin + performance.now();

export function chromiumPath() {
  const p = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((x) => x && existsSync(x));
  if (!p) throw new Error('Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)');
  return p;
}

/** A fresh browser (playwright gives it a fresh, empty profile). */
export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS });
}

/** Thrown when the UI lacks an element of the benchmark contract; the step is reported as missing. */
export class MissingUi extends Error {}

/** A new context (own cache and storage, like a first visit) with the probe installed. */
export async function newPage(browser) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  const crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('the page crashed'))));
  crashed.catch(() => {});
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { context, page, crashed, pageErrors };
}

/**
 * Wait for the probe's condition `cond` (see page-probe.mjs) to return a truthy value, failing on
 * time-out, crash, or a new `[data-testid=error]` element (its text becomes the error).
 */
async function until(s, cond, arg, timeoutMs, what) {
  const errors = await s.page.locator('[data-testid=error]').count();
  let handle;
  try {
    handle = await Promise.race([
      s.page.waitForFunction(
        (a) => {
          const errs = document.querySelectorAll('[data-testid=error]');
          if (errs.length > a.errors) return { error: errs[errs.length - 1].textContent.trim().slice(0, 300) };
          return window.__bench.cond[a.cond](a.arg);
        },
        { errors, arg, cond },
        { timeout: timeoutMs, polling: 50 },
      ),
      s.crashed,
    ]);
  } catch (e) {
    if (/Timeout/i.test(String(e))) throw new Error(`${what}: no answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new Error(`${what}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
  const v = await handle.jsonValue();
  if (v && typeof v === 'object' && 'error' in v) throw new Error(`${what}: the app showed an error: ${v.error}`);
  return v;
}

/** Load the app and wait for DuckDB; returns ms from navigation start to "Ready". */
export async function openApp(s, url, timeoutMs) {
  await s.page.goto(url, { timeout: timeoutMs });
  const ready = await until(s, 'ready', null, timeoutMs, 'start-up ("Ready" in db-status)');
  const info = await s.page.evaluate(() => ({
    accepts: window.__bench.accepts,
    origin: performance.timeOrigin,
    coi: self.crossOriginIsolated,
    status: document.querySelector('[data-testid=db-status]')?.textContent?.trim() ?? '',
  }));
  const m = /(\w+) bundle, (\d+) thread/.exec(info.status);
  return {
    ms: ready - info.origin,
    acceptsMs: info.accepts === null ? null : info.accepts - info.origin,
    coi: info.coi,
    bundle: m?.[1] ?? '?',
    threads: m ? Number(m[2]) : null,
    status: info.status,
  };
}

const chartCounts = (ids) => Object.fromEntries(ids.map((id) => [id, window.__bench.charts[id]?.n ?? 0]));

/** Wait until every chart in `ids` has redrawn since `before`; returns the last redraw's time. */
async function chartsReady(s, ids, before, timeoutMs, what) {
  return until(s, 'charts', { ids, before }, timeoutMs, what);
}

async function has(s, testId) {
  return (await s.page.locator(`[data-testid="${testId}"]`).count()) > 0;
}

/**
 * Give `file` to the page and wait for the overview. When the memory guard offers a filtered load
 * instead, take the offer as it stands (the suggested one customer in n, no dates) the moment it
 * shows; `refused` holds what the page said and `sampleOneIn` the n. Returns when the overview shows.
 */
async function giveFile(s, file, timeoutMs) {
  await s.page.locator('[data-testid=file-input]').setInputFiles(file, { timeout: timeoutMs });
  const loaded = await until(s, 'loaded', null, timeoutMs, 'load (overview or filtered-load offer)');
  if (!loaded.refused) return { overview: loaded.overview, refused: null, sampleOneIn: null };
  const sampleOneIn = Number(await s.page.locator('[data-testid=load-filter-sample]').inputValue());
  await s.page.locator('[data-testid=load-filter-apply]').click({ timeout: timeoutMs });
  const overview = await until(s, 'overview', null, timeoutMs, `filtered load (one customer in ${sampleOneIn})`);
  return { overview, refused: loaded.refused, sampleOneIn };
}

/**
 * One load of `file` on a freshly loaded page: ingest (file → overview), first view (file → RFM
 * breakdown ready, nav-segments clicked the moment the overview shows) and lifecycle (nav-lifecycle
 * → stages and retention ready). Missing UI parts are reported, not fatal. A file the memory guard
 * refuses whole is loaded filtered as the page offers (`giveFile`): the times then include the offer
 * and `refused` / `sampleOneIn` say so.
 */
export async function loadAndView(s, file, timeoutMs) {
  const out = {
    ingestMs: null,
    firstViewMs: null,
    navToBreakdownMs: null,
    lifecycleMs: null,
    refused: null,
    sampleOneIn: null,
    missing: [],
  };
  await s.page.evaluate(() => (window.__bench.autoClick = 'nav-segments'));
  const t0 = nodeNow();
  const given = await giveFile(s, file, timeoutMs);
  out.refused = given.refused;
  out.sampleOneIn = given.sampleOneIn;
  out.ingestMs = given.overview - t0;
  // the progress element must be gone too before the load counts as finished
  await until(s, 'progressGone', null, timeoutMs, 'progress removed');
  const autoClicked = await s.page.evaluate(() => window.__bench.autoClicked);
  if (autoClicked === 'missing' && !(await has(s, 'nav-segments'))) out.missing.push('nav-segments');
  else {
    // the button appeared only after the overview: click it the ordinary way
    if (typeof autoClicked !== 'number') await s.page.locator('[data-testid=nav-segments]').click({ timeout: timeoutMs });
    try {
      const t = await chartsReady(s, ['breakdown'], {}, timeoutMs, 'first view (breakdown ready)');
      const clicked = await s.page.evaluate(() => window.__bench.autoClicked);
      out.firstViewMs = t - t0;
      if (typeof clicked === 'number') out.navToBreakdownMs = t - clicked;
    } catch (e) {
      if (!(await has(s, 'breakdown'))) out.missing.push('breakdown');
      else throw e;
    }
  }
  if (!(await has(s, 'nav-lifecycle'))) out.missing.push('nav-lifecycle');
  else {
    const ids = ['stages-chart', 'retention-heatmap'];
    const before = await s.page.evaluate(chartCounts, ids);
    const t1 = await s.page.evaluate(() => {
      const t = performance.timeOrigin + performance.now();
      document.querySelector('[data-testid=nav-lifecycle]').click();
      return t;
    });
    try {
      out.lifecycleMs = (await chartsReady(s, ids, before, timeoutMs, 'lifecycle (stages + retention ready)')) - t1;
    } catch (e) {
      const gone = [];
      for (const id of ids) if (!(await has(s, id))) gone.push(id);
      if (gone.length) out.missing.push(...gone);
      else throw e;
    }
  }
  return out;
}

/** Set a <select> the way a user does (input + change events); returns the moment and the chart counts before. */
async function setSelect(s, testId, value) {
  return s.page.evaluate(
    ([id, v, ids]) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (!el) throw new Error(`[data-testid=${id}] is not on the page`);
      const before = Object.fromEntries(ids.map((c) => [c, window.__bench.charts[c]?.n ?? 0]));
      const t0 = performance.timeOrigin + performance.now();
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return { t0, before };
    },
    [testId, value, ['breakdown', 'stages-chart', 'retention-heatmap']],
  );
}

/**
 * One load of an event log (issue 10, part 4) on a freshly loaded page: load (file → overview), then
 * the Segments page's activity model (model select → breakdown drawn), then the Lifecycle page with
 * activity from events (nav click → source select set → stages and retention drawn). When the memory
 * guard refuses the file whole, the offered filtered load is taken (`giveFile`) and measured the same way.
 */
export async function loadAndViewEvents(s, file, timeoutMs) {
  const out = { ingestMs: null, activityMs: null, lifecycleMs: null, refused: null, sampleOneIn: null, missing: [] };
  const t0 = nodeNow();
  const given = await giveFile(s, file, timeoutMs);
  out.refused = given.refused;
  out.sampleOneIn = given.sampleOneIn;
  out.ingestMs = given.overview - t0;
  await until(s, 'progressGone', null, timeoutMs, 'progress removed');
  if (!(await has(s, 'nav-segments'))) out.missing.push('nav-segments');
  else {
    await s.page.locator('[data-testid=nav-segments]').click({ timeout: timeoutMs });
    await until(s, 'exists', 'model-select', timeoutMs, 'model select shown');
    const a = await setSelect(s, 'model-select', 'activity');
    out.activityMs = (await chartsReady(s, ['breakdown'], a.before, timeoutMs, 'activity model (breakdown ready)')) - a.t0;
  }
  if (!(await has(s, 'nav-lifecycle'))) out.missing.push('nav-lifecycle');
  else {
    const t1 = await s.page.evaluate(() => {
      const t = performance.timeOrigin + performance.now();
      document.querySelector('[data-testid=nav-lifecycle]').click();
      return t;
    });
    await until(s, 'exists', 'life-source', timeoutMs, 'lifecycle source select shown');
    const l = await setSelect(s, 'life-source', 'events');
    out.lifecycleMs =
      (await chartsReady(
        s,
        ['stages-chart', 'retention-heatmap'],
        l.before,
        timeoutMs,
        'lifecycle from events (stages + retention ready)',
      )) - t1;
  }
  return out;
}

/** Change a <select> the way a user does (input + change events); time to breakdown ready. */
async function selectAndWait(s, testId, value, timeoutMs) {
  const { t0, before } = await s.page.evaluate(
    ([id, v]) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (!el) throw new Error(`[data-testid=${id}] is not on the page`);
      const before = { breakdown: window.__bench.charts.breakdown?.n ?? 0 };
      const t0 = performance.timeOrigin + performance.now();
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return { t0, before };
    },
    [testId, value],
  );
  return (await chartsReady(s, ['breakdown'], before, timeoutMs, `${testId} = ${value}`)) - t0;
}

/** Models that fit BG/NBD (and Gamma-Gamma) first: a fit, not a re-segmentation, so left out here. */
const FITTED = new Set(['alive', 'clv']);

async function selectState(s) {
  const st = await s.page.evaluate(() => {
    const sel = (id) => document.querySelector(`[data-testid="${id}"]`);
    const opts = (el) => (el ? [...el.options].map((o) => o.value) : []);
    return {
      model: sel('model-select')?.value ?? null,
      models: opts(sel('model-select')),
      bins: sel('rfm-bins')?.value ?? null,
      binsOptions: opts(sel('rfm-bins')),
    };
  });
  return { ...st, models: st.models.filter((m) => !FITTED.has(m)) };
}

/**
 * Re-segmentation on the segments page: `runs` model changes, then `runs` bin-count changes. Targets
 * are chosen so each (model, bins) state is new where possible (a revisit could come from a cache);
 * revisits are counted and reported.
 */
export async function resegment(s, runs, timeoutMs) {
  const out = { modelMs: [], binsMs: [], revisits: 0, missing: [] };
  if (!(await has(s, 'breakdown'))) return { ...out, missing: ['breakdown'] };
  const visited = new Set();
  const key = (st) => `${st.model}|${st.bins}`;
  let st = await selectState(s);
  visited.add(key(st));
  if (!st.model) out.missing.push('model-select');
  else {
    const others = st.models.filter((m) => m !== st.model);
    for (let i = 0; i < runs && others.length; i++) {
      const target = others[i % others.length];
      out.modelMs.push(await selectAndWait(s, 'model-select', target, timeoutMs));
      st = await selectState(s);
      if (visited.has(key(st))) out.revisits++;
      visited.add(key(st));
    }
  }
  // Bin changes: prefer unseen (model, bins) states; switch (unmeasured) to another scored model when needed.
  const scored = [];
  for (const m of st.models.length ? st.models : [null]) {
    if (m !== null && m !== st.model) {
      await selectAndWait(s, 'model-select', m, timeoutMs);
      st = await selectState(s);
      visited.add(key(st));
    }
    if (st.bins !== null) scored.push(m);
    if (scored.length >= 2 || m === null) break;
  }
  if (!scored.length) {
    out.missing.push('rfm-bins');
    return out;
  }
  if (!scored.includes(st.model)) {
    await selectAndWait(s, 'model-select', scored[scored.length - 1], timeoutMs);
    st = await selectState(s);
    visited.add(key(st));
  }
  for (let i = 0; i < runs; i++) {
    let target = st.binsOptions.find((b) => b !== st.bins && !visited.has(`${st.model}|${b}`));
    if (target === undefined) {
      const next = scored.find((m) => m !== st.model && st.binsOptions.some((b) => !visited.has(`${m}|${b}`)));
      if (next !== undefined) {
        await selectAndWait(s, 'model-select', next, timeoutMs);
        st = await selectState(s);
        visited.add(key(st));
        target = st.binsOptions.find((b) => b !== st.bins && !visited.has(`${st.model}|${b}`));
      }
    }
    if (target === undefined) {
      target = st.binsOptions.find((b) => b !== st.bins);
      out.revisits++;
    }
    out.binsMs.push(await selectAndWait(s, 'rfm-bins', target, timeoutMs));
    st = await selectState(s);
    visited.add(key(st));
  }
  return out;
}

/** Memory as the browser reports it, and the app's own DuckDB figure. */
export async function pageMemory(s) {
  return s.page.evaluate(async () => {
    let uaBytes = null;
    let uaError = null;
    if (typeof performance.measureUserAgentSpecificMemory === 'function' && self.crossOriginIsolated) {
      try {
        const r = await Promise.race([
          performance.measureUserAgentSpecificMemory(),
          new Promise((_, rej) => setTimeout(() => rej(new Error('measureUserAgentSpecificMemory gave no answer within 10 s')), 10_000)),
        ]);
        uaBytes = r.bytes;
      } catch (e) {
        uaError = String(e);
      }
    } else uaError = 'measureUserAgentSpecificMemory unavailable (needs crossOriginIsolated)';
    const el = document.querySelector('[data-testid=memory]');
    const appBytes = el ? Number(el.getAttribute('data-bytes')) : null;
    return { uaBytes, uaError, appBytes, appMaxBytes: window.__bench.memMax || appBytes, missing: el ? [] : ['memory'] };
  });
}
