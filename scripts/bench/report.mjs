/**
 * Turns the collected results into the console table and docs/benchmarks.md: medians, ratios to the
 * native engines, the issue's targets marked met / not met, transfer sizes and the machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export function median(xs) {
  const v = (xs ?? []).filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const fmtBytes = (b) =>
  b === null || b === undefined ? '—' : b >= 1e9 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
const fmtRows = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
/** A size's label: rows, and "events" for a behaviour log (`--with-large`). */
const sizeLabel = (s) => `${fmtRows(s.rows)}${s.kind === 'events' ? ' events' : ''}`;
/** The label of a size's row in a table: a file the memory guard refused whole was loaded filtered. */
const rowLabel = (s) => `${sizeLabel(s)}${s.app?.refused ? ` (filtered: 1 customer in ${s.app.sampleOneIn})` : ''}`;
/**
 * DuckDB's own memory (data-bytes, max) per million rows loaded; a filtered load keeps about one row
 * in n (the sample is by customer, so "about").
 */
function perMillion(s) {
  const b = s.app?.memory?.appMaxBytes ?? null;
  if (b === null || b === undefined) return '—';
  const rows = s.app?.refused ? s.rows / (s.app.sampleOneIn || 1) : s.rows;
  return `${s.app?.refused ? '≈ ' : ''}${fmtBytes((b * 1e6) / rows)}`;
}
const ratio = (a, b) => (a === null || b === null || !b ? '—' : `${(a / b).toFixed(2)}×`);

/** Median of a list with the spread and count, e.g. "512 ms (498–530, n=3)". */
function spread(xs) {
  const v = (xs ?? []).filter((x) => typeof x === 'number');
  if (!v.length) return '—';
  if (v.length === 1) return fmtMs(v[0]);
  return `${fmtMs(median(v))} (${fmtMs(Math.min(...v))}–${fmtMs(Math.max(...v))}, n=${v.length})`;
}

export function machineInfo(chromiumPath) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?';
  let chromium = '?';
  try {
    chromium = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpu,
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    chromium,
    node: process.version,
    date: new Date().toISOString(),
    load: loadavg()[0],
  };
}

function sizeByRows(r, rows) {
  return r.sizes.find((s) => s.rows === rows && s.kind !== 'events');
}

/** The issue's targets: [label, status, measured]. */
export function targets(r) {
  const out = [];
  const app = (rows) => sizeByRows(r, rows)?.app;
  const verdict = (ok) => (ok === null ? 'not measured' : ok ? 'met' : '**not met**');
  for (const rows of [1e6, 5e6]) {
    const s = sizeByRows(r, rows);
    const fv = median(s?.app?.firstViewMs);
    const bare = median(s?.bare?.totalMs);
    out.push([
      `first view at ${fmtRows(rows)} ≤ 1.2× bare DuckDB-WASM`,
      verdict(fv === null || bare === null ? null : fv <= 1.2 * bare),
      `${fmtMs(fv)} vs ${fmtMs(bare)} (${ratio(fv, bare)})`,
    ]);
  }
  // a file loaded filtered (the guard refused it whole) is not compared with pandas on the whole file
  const big = r.sizes.filter((s) => s.kind !== 'events' && s.rows >= 1e6 && !s.app?.refused);
  const vsPandas = big.map((s) => [s, median(s.app?.firstViewMs), s.pandas?.seconds ? median(s.pandas.seconds) * 1000 : null]);
  const measured = vsPandas.filter(([, fv, pd]) => fv !== null && pd !== null);
  out.push([
    'first view faster than pandas from 1M up',
    verdict(measured.length ? measured.every(([, fv, pd]) => fv < pd) : null),
    measured.map(([s, fv, pd]) => `${sizeLabel(s)}: ${fmtMs(fv)} vs ${fmtMs(pd)}`).join('; ') || '—',
  ]);
  for (const [rows, limit] of [
    [1e6, 100],
    [5e6, 400],
  ]) {
    const m = median(app(rows)?.modelMs);
    const b = median(app(rows)?.binsMs);
    const ok = m === null && b === null ? null : (m ?? 0) <= limit && (b ?? 0) <= limit;
    out.push([`re-segmentation at ${fmtRows(rows)} ≤ ${limit} ms`, verdict(ok), `model ${fmtMs(m)}, bins ${fmtMs(b)}`]);
  }
  const s20 = sizeByRows(r, 20e6);
  const ok20 = s20 ? !s20.app?.error && !s20.app?.refused && median(s20.app?.firstViewMs) !== null : null;
  out.push([
    '20M loads and segments without a crash',
    verdict(ok20),
    s20
      ? (s20.app?.error ??
        `${s20.app?.refused ? `refused whole by the memory guard; filtered (1 customer in ${s20.app.sampleOneIn}): ` : ''}first view ${fmtMs(median(s20.app?.firstViewMs))}`)
      : 'not run (--with-20m)',
  ]);
  // --with-large: 50M orders and 100M events, and the largest size of each kind that worked
  // an event log works when it loads and both the activity model and the lifecycle page (from events) are drawn;
  // a file the guard refused whole and that was loaded filtered did not (it is said apart)
  const drawn = (s) =>
    !s.app?.error &&
    (s.kind === 'events' ? median(s.app?.activityMs) !== null && median(s.app?.lifecycleMs) !== null : median(s.app?.firstViewMs) !== null);
  const worked = (s) => drawn(s) && !s.app?.refused;
  const s50 = sizeByRows(r, 50e6);
  const e100 = r.sizes.find((s) => s.kind === 'events' && s.rows === 100e6);
  const largest = (kind) => {
    const ok = r.sizes.filter((s) => (s.kind ?? 'orders') === kind && worked(s)).sort((a, b) => b.rows - a.rows)[0];
    return ok ? sizeLabel(ok) : 'none';
  };
  out.push([
    '50M orders and 100M events load and segment',
    verdict(s50 && e100 ? worked(s50) && worked(e100) : null),
    s50 || e100
      ? `largest that worked: ${largest('orders')} orders, ${largest('events')}; ${[s50, e100]
          .filter((s) => s && !worked(s))
          .map(
            (s) =>
              `${sizeLabel(s)}: ${
                s.app?.error ??
                s.app?.skipped ??
                (s.app?.refused
                  ? `the memory guard offered a filtered load; taken as offered (1 customer in ${s.app.sampleOneIn}) it ${drawn(s) ? (s.kind === 'events' ? 'loaded and drew both views' : `loaded and segmented (first view ${fmtMs(median(s.app.firstViewMs))})`) : 'did not finish'}`
                  : 'not drawn')
              }`,
          )
          .join('; ')}`
      : 'not run (--with-large)',
  ]);
  const lc5 = median(app(5e6)?.lifecycleMs);
  out.push(['lifecycle page at 5M ≤ 3 s', verdict(lc5 === null ? null : lc5 <= 3000), fmtMs(lc5)]);
  const rs = median(r.coldStart?.repeatMs);
  const ra = median(r.coldStart?.repeatAcceptsMs);
  out.push([
    'repeat visit: accepts files ≤ 1 s',
    verdict(ra === null ? null : ra <= 1000),
    `${fmtMs(ra)} (a file picked before DuckDB is ready is held, then loaded)`,
  ]);
  out.push([
    'repeat visit: DuckDB ready ≤ 1 s',
    verdict(rs === null ? null : rs <= 1000),
    `${fmtMs(rs)} (first visit ${fmtMs(median(r.coldStart?.ms))})`,
  ]);
  return out;
}

/** A table cell on one line: an engine's error text runs over several lines and may hold a `|`. */
const cell = (x) =>
  String(x)
    .replace(/\s*\n[\s\S]*$/, '')
    .replace(/\|/g, '\\|');

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((x) => `| ${x.map(cell).join(' | ')} |`)].join(
    '\n',
  );
}

/** What the memory guard said of a refused file, its first sentence (the rest is the offer). */
const refusal = (s) => /^[\s\S]*?\.(?=\s|$)/.exec(s.app?.refused ?? '')?.[0] ?? s.app?.refused ?? '';

/** Markdown tables (also printed to the console). */
export function tables(r) {
  const endToEnd = table(
    [
      'orders',
      'file',
      'app ingest',
      'app first view',
      'bare DuckDB-WASM',
      `native DuckDB 1 thr`,
      `native DuckDB ${r.machine.cores} thr`,
      'pandas',
      'first view / bare',
      'first view / native 1 thr',
      'first view / pandas',
    ],
    orderSizes(r).map((s) => {
      const fv = median(s.app?.firstViewMs);
      const n1 = s.native1?.seconds ? median(s.native1.seconds) * 1000 : null;
      const nN = s.nativeN?.seconds ? median(s.nativeN.seconds) * 1000 : null;
      const pd = s.pandas?.seconds ? median(s.pandas.seconds) * 1000 : null;
      const bare = median(s.bare?.totalMs);
      return [
        rowLabel(s),
        `${(s.bytes / 1e6).toFixed(0)} MB`,
        spread(s.app?.ingestMs),
        spread(s.app?.firstViewMs),
        s.bare?.error ?? spread(s.bare?.totalMs),
        n1 === null ? (s.native1?.error ?? '—') : fmtMs(n1),
        nN === null ? (s.nativeN?.error ?? '—') : fmtMs(nN),
        pd === null ? (s.pandas?.error ?? '—') : fmtMs(pd),
        // a filtered load is not the same work as the engines' whole file
        ...(s.app?.refused ? ['—', '—', '—'] : [ratio(fv, bare), ratio(fv, n1), ratio(fv, pd)]),
      ];
    }),
  );
  const interactive = table(
    [
      'orders',
      'segments page after nav',
      're-segment: model',
      're-segment: RFM bins',
      'lifecycle page',
      'memory (measureUserAgentSpecificMemory)',
      'browser PSS peak',
      'DuckDB (data-bytes, max)',
      'DuckDB per million rows',
    ],
    orderSizes(r).map((s) => [
      rowLabel(s),
      spread(s.app?.navToBreakdownMs),
      spread(s.app?.modelMs),
      spread(s.app?.binsMs),
      spread(s.app?.lifecycleMs),
      s.app?.memory?.uaBytes ? fmtBytes(s.app.memory.uaBytes) : s.app?.memory?.uaError ? 'n/a' : '—',
      fmtBytes(s.app?.pssPeak),
      fmtBytes(s.app?.memory?.appMaxBytes ?? null),
      perMillion(s),
    ]),
  );
  const start = table(
    ['start-up', 'median'],
    [
      ['first visit: accepts files (navigation → demo button and file picker enabled)', spread(r.coldStart?.acceptsMs)],
      ['first visit: DuckDB ready (navigation → "Ready")', spread(r.coldStart?.ms)],
      ['repeat visit: accepts files (reload, browser cache warm)', spread(r.coldStart?.repeatAcceptsMs)],
      ['repeat visit: DuckDB ready (reload, browser cache warm)', spread(r.coldStart?.repeatMs)],
    ],
  );
  const goals = table(['target', 'status', 'measured'], targets(r));
  const sizes = table(
    ['download', 'raw', 'gzip -9', 'brotli 11'],
    Object.entries(r.transfer ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([g, t]) => [
        g === 'app' ? 'app JS/CSS/HTML' : `${g} (wasm + its worker JS)`,
        fmtBytes(t.raw),
        fmtBytes(t.gzip),
        fmtBytes(t.brotli),
      ]),
  );
  const logs = r.sizes.filter((s) => s.kind === 'events');
  const events = logs.length
    ? table(
        [
          'events',
          'file',
          'load (file → overview)',
          'Segments: activity model',
          'Lifecycle from events',
          'browser PSS peak',
          'DuckDB (data-bytes, max)',
          'DuckDB per million rows',
          'result',
        ],
        logs.map((s) => [
          rowLabel(s),
          `${(s.bytes / 1e6).toFixed(0)} MB`,
          spread(s.app?.ingestMs),
          spread(s.app?.activityMs),
          spread(s.app?.lifecycleMs),
          fmtBytes(s.app?.pssPeak),
          fmtBytes(s.app?.memory?.appMaxBytes ?? null),
          perMillion(s),
          s.app?.skipped ?? [s.app?.refused ? 'filtered load taken as offered' : null, s.app?.error ?? 'drawn'].filter(Boolean).join(': '),
        ]),
      )
    : null;
  return { endToEnd, interactive, start, goals, sizes, events };
}

/** The order sizes (event logs have their own table). */
const orderSizes = (r) => r.sizes.filter((s) => s.kind !== 'events');

const notes = (r) => {
  const n = [];
  if (r.error) n.push(`the browser part stopped early: ${r.error}`);
  for (const s of r.sizes) {
    const a = s.app ?? {};
    if (a.error) n.push(`${sizeLabel(s)}: the app run failed: ${a.error}`);
    if (a.refused)
      n.push(
        `${sizeLabel(s)}: the memory guard refused the file whole ("${refusal(s)}") and offered a filtered load; the benchmark took it as offered, one customer in ${a.sampleOneIn}, and every figure of that row is of the filtered data`,
      );
    if (a.missing?.length)
      n.push(`${sizeLabel(s)}: not in the UI, so not measured: ${[...new Set(a.missing)].map((m) => `\`${m}\``).join(', ')}`);
    if (a.revisits)
      n.push(
        `${sizeLabel(s)}: ${a.revisits} re-segmentation step(s) revisited a model/bins state already computed (could come from a cache)`,
      );
    if (a.memory?.uaError) n.push(`${sizeLabel(s)}: ${a.memory.uaError}`);
    const digests = [s.bare?.digest, s.native1?.digest, s.nativeN?.digest, s.pandas?.digest].filter(Boolean);
    if (new Set(digests).size > 1) n.push(`${sizeLabel(s)}: the baselines disagree on the RFM cells: ${digests.join(' / ')}`);
    else if (digests.length) n.push(`${sizeLabel(s)}: baselines agree on the RFM cells (${digests[0]})`);
    for (const k of ['bare', 'native1', 'nativeN', 'pandas']) if (s[k]?.error) n.push(`${sizeLabel(s)}: ${k}: ${cell(s[k].error)}`);
  }
  return n;
};

/** The console summary. */
export function consoleReport(r) {
  const t = tables(r);
  return [
    `\nApp: ${r.app.bundle} bundle, ${r.app.threads ?? '?'} thread(s), crossOriginIsolated=${r.app.coi}`,
    '\nEnd to end (file → RFM)',
    t.endToEnd,
    '\nInteractive and memory',
    t.interactive,
    ...(t.events ? ['\nEvent logs (Tianchi layout): load → activity → lifecycle from events', t.events] : []),
    '\nStart-up',
    t.start,
    '\nTargets',
    t.goals,
    '\nTransfer sizes',
    t.sizes,
    '',
    ...notes(r).map((x) => `note: ${x}`),
  ].join('\n');
}

/** The whole docs/benchmarks.md. */
export function markdown(r, previous = '') {
  const page = generated(r);
  // a hand-written block (e.g. the bundle choice, measured with --bundle) survives a re-run
  const kept = /<!-- hand-written -->[\s\S]*?<!-- \/hand-written -->\n/.exec(previous)?.[0];
  const line = page.indexOf('\n---\n');
  if (!kept || line < 0 || r.quick) return page;
  return `${page.slice(0, line)}\n${kept}${page.slice(line)}`;
}

function generated(r) {
  const t = tables(r);
  const m = r.machine;
  return `# Benchmarks

Generated by \`npm run bench\` (\`scripts/bench.mjs\`) on ${m.date.slice(0, 10)}${r.quick ? ' — **quick run (100k rows, one repetition): not for comparison**' : ''}.
Re-run it to refresh this file; everything below the line is generated.

**What is measured.** The production build (\`vite build\`) served by \`vite preview\` with the
COOP/COEP headers, driven in headless Chromium through the page exactly as a user does: the file
goes to the file input, the benchmark clicks the navigation buttons and changes the selects. Times
are stamped inside the page by a MutationObserver (\`scripts/bench/page-probe.mjs\`) so the driver's
polling does not count. Each figure is ${r.quick ? 'a single run with no warm-up' : `the median of ${r.reps} runs after a warm-up run`}; ingest,
first view and lifecycle reload the page for every run, cold start uses a new browser context (empty
cache) for every run.

- **ingest**: file given to the input → overview shown (canonical tables built).
- **first view**: file given → segments page → RFM breakdown drawn (nav clicked the moment the overview shows).
- **re-segment**: model select (or RFM bins select) changed → breakdown redrawn; each step goes to a
  model/bins state not computed before where the UI allows.
- **lifecycle page**: nav click → stages-over-time and cohort retention both drawn.
- **bare DuckDB-WASM**: the same DuckDB-WASM bundle and thread count in the same browser, no app
  (\`scripts/bench/bare/\`): the file given to a file input, registered by handle, \`read_csv_auto\`
  into a table, then the same RFM SQL as the native baselines; file given → cells in hand, fresh page
  per run. "first view / bare" is what the app costs over the engine it runs on.
- **baselines**: the same RFM — load the CSV, per-customer recency/frequency/monetary, tie-aware
  quintile scores \`1 + floor(5·(rank−1)/n)\`, customers per R×F×M cell — in native DuckDB
  (\`@duckdb/node-api\`, fresh in-memory instance per run, 1 thread and all threads) and pandas
  ${r.pandasVersion ?? ''} (\`scripts/bench/rfm_pandas.py\`), timed end to end after a warm-up. The
  app's first view does more (validation, canonical tables, overview, charts), so the ratios are a
  conservative comparison.
- **memory**: \`performance.measureUserAgentSpecificMemory()\` at the end of the size's runs (the
  wasm heap never shrinks, so this is close to its peak), the peak proportional set size of the
  whole Chromium process tree sampled every 250 ms, and the app's own DuckDB figure (\`data-bytes\`).

---

## Machine
${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM; ${m.chromium}; Node ${m.node}. Load average when the run started: ${m.load?.toFixed(2) ?? '?'} (anything well above 0 means other work shared the CPU).
App: **${r.app.bundle}** bundle, ${r.app.threads ?? '?'} DuckDB thread(s), crossOriginIsolated: **${r.app.coi}**${r.bundleForced ? ` (forced with \`?bundle=${r.bundleForced}\`)` : ''}.

## Targets
${t.goals}

## End to end: file → RFM segments
${t.endToEnd}

## Interaction and memory
${t.interactive}

${
  t.events
    ? `## Event logs: load → Segments activity → Lifecycle from events
Generated Tianchi UserBehavior layout (\`scripts/gen-behavior.mjs\`), one run each (no warm-up), smallest first; a
log that does not work stops the larger ones.

${t.events}

`
    : ''
}## Start-up
${t.start}

## Download size
${t.sizes}

## Notes
${
  notes(r)
    .map((x) => `- ${x}`)
    .join('\n') || '- none'
}
`;
}
