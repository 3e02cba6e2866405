/**
 * Playwright-core on the system Chromium, with the flags this environment needs, plus a recorder
 * of every request the page makes (for the privacy assertions).
 */
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TracedStatement } from '../../src/atlas-api';

export const DATASETS = join(import.meta.dirname, '../../../shared/datasets');
export const hasDatasets = existsSync(DATASETS);

export function chromiumPath(): string {
  const p = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((x) => x && existsSync(x));
  if (!p) throw new Error('Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)');
  return p;
}

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  requests: Request[];
  consoleErrors: string[];
  baseUrl: string;
  close(): Promise<void>;
}

/** `beforeGoto` runs on the fresh page before navigation (routes); `waitReady: false` returns before DuckDB is up. */
export async function openApp(
  opts: { lang?: 'en' | 'zh'; query?: string; waitReady?: boolean; beforeGoto?: (page: Page) => Promise<unknown> } = {},
): Promise<Session> {
  const baseUrl = inject('baseUrl');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // playwright gives every launch a fresh, empty profile directory of its own
    args: FLAGS,
  });
  const context = await browser.newContext({ locale: opts.lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: Request[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r));
  context.on('request', (r) => {
    if (!requests.includes(r)) requests.push(r);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // ATLAS_TEST_BUNDLE=eh runs the suite on the single-threaded bundle (a busy machine starts it far sooner)
  await opts.beforeGoto?.(page);
  await page.goto(baseUrl + withBundle(opts.query ?? '', process.env.ATLAS_TEST_BUNDLE));
  if (opts.waitReady !== false)
    await page
      .getByTestId('db-status')
      .filter({ hasText: /Ready|就绪/ })
      // a busy machine can take minutes to start the database: ATLAS_START_TIMEOUT_MS raises the wait
      .waitFor({ timeout: Number(process.env.ATLAS_START_TIMEOUT_MS) || 60_000 });
  return { browser, context, page, requests, consoleErrors, baseUrl, close: () => browser.close() };
}

/** Give files to the file input (the same path as a user picking them) and wait until idle. */
export async function loadFiles(s: Session, paths: string[]): Promise<void> {
  await s.page.getByTestId('file-input').setInputFiles(paths);
  await waitIdle(s);
}

export async function waitIdle(s: Session): Promise<void> {
  await s.page.waitForTimeout(50);
  await s.page.getByTestId('progress').waitFor({ state: 'detached', timeout: 120_000 });
}

/** A number shown in the page: its `data-value` when it has one, else its text without grouping separators. */
export async function numberAt(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(testId).first();
  // rounded displays (whole units for large money totals) carry the exact value in data-value
  const exact = await el.getAttribute('data-value');
  if (exact !== null) return Number(exact);
  const text = (await el.textContent()) ?? '';
  return Number(text.replace(/[^0-9.\-]/g, ''));
}

export async function errorsShown(page: Page): Promise<string[]> {
  return page.getByTestId('error').allTextContents();
}

/**
 * Wait until the chart `testId` (data-state/data-seq contract) shows a result newer than `after`;
 * returns the new sequence number.
 */
export async function readyAfter(page: Page, after: number, testId = 'breakdown'): Promise<number> {
  await page.waitForFunction(
    ([id, n]) => {
      const e = document.querySelector(`[data-testid=${id}]`);
      return e?.getAttribute('data-state') === 'ready' && Number(e.getAttribute('data-seq')) > n;
    },
    [testId, after] as const,
    { timeout: 60_000 },
  );
  return Number(await page.getByTestId(testId).getAttribute('data-seq'));
}

/** Load the bundled demo data (the button on the Data page) and wait until the overview shows. */
export async function loadDemo(s: Session): Promise<void> {
  if ((await s.page.getByTestId('demo').count()) === 0) await s.page.getByTestId('nav-data').click();
  await s.page.getByTestId('demo').click();
  await waitIdle(s);
  await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
}

/** `query` (`?a=b#hash`, `#hash` or '') with `bundle=` added to its search part, unless it names one. */
function withBundle(query: string, bundle: string | undefined): string {
  if (!bundle || query.includes('bundle=')) return query;
  const [search = '', hash] = query.split('#', 2) as [string, string | undefined];
  const q = search ? `${search}&bundle=${bundle}` : `?bundle=${bundle}`;
  return hash === undefined ? q : `${q}#${hash}`;
}

/** The worker's statement log since the last call (debug option `?trace`; the log is emptied). */
export async function tracedStatements(s: Session): Promise<TracedStatement[]> {
  return s.page.evaluate(async () => {
    const api = (globalThis as { __atlas?: { statements(): Promise<{ ok: boolean; value?: TracedStatement[] }> } }).__atlas;
    const r = await api!.statements();
    return r.ok ? r.value! : [];
  });
}
