/**
 * `npm run dev` without noise (issue 16 item 17): the dev server, started here as `npm run dev`
 * starts it but on a cold dependency cache (a first run), prints no "Sourcemap … outside its
 * package" warnings, and the first page view does not reload itself while Vite re-optimises the
 * dependencies it found late; the page logs no console warnings or errors, and DuckDB starts
 * (the sourcemap plugin once served the code for `…worker.js?url` imports: it never did).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, createLogger, type ViteDevServer } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './browser';

const ROOT = join(import.meta.dirname, '../..');

describe('the dev server', () => {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let cacheDir = '';
  /** what the dev server printed (warnings and errors, and its info lines such as "reloading") */
  const printed: string[] = [];

  beforeAll(async () => {
    // a fresh dependency cache: the first `npm run dev` on a clone optimises everything from scratch
    cacheDir = mkdtempSync(join(tmpdir(), 'atlas-vite-'));
    const logger = createLogger('info');
    for (const level of ['info', 'warn', 'warnOnce', 'error'] as const) {
      const base = logger[level].bind(logger);
      logger[level] = (msg: string, opts?: object) => {
        printed.push(`${level}: ${msg}`);
        if (level === 'error') base(msg, opts);
      };
    }
    server = await createServer({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      cacheDir,
      customLogger: logger,
      // no file watcher: edits elsewhere in the worktree must not reload the page under test
      server: { port: 0, host: '127.0.0.1', strictPort: false, watch: null },
    });
    await server.listen();
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('starts the page once, to Ready, without warnings in the terminal or the console', async () => {
    const url = server!.resolvedUrls?.local[0];
    expect(url).toBeDefined();
    const page = await browser!.newPage();
    const consoleNoise: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') consoleNoise.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleNoise.push(`pageerror: ${String(e)}`));
    let loads = 0;
    page.on('load', () => loads++);
    // the single-threaded bundle: on a busy machine the threaded one can take a minute to start
    // a cold dependency cache: Vite optimises the dependencies before the first page is served
    await page.goto(`${url}?bundle=eh`, { timeout: 180_000 });
    await page
      .getByTestId('db-status')
      .filter({ hasText: /Ready|就绪/ })
      // dev mode serves the worker's modules one by one, transformed on request: far slower than the build
      .waitFor({ timeout: Number(process.env.ATLAS_START_TIMEOUT_MS) || 240_000 });
    // a late re-optimisation would reload the page a moment later: give it the time to show
    await page.waitForTimeout(2000);
    expect(loads).toBe(1);
    expect(printed.filter((l) => /reloading|new dependencies optimized|optimized dependencies changed/i.test(l))).toEqual([]);
    expect(printed.filter((l) => /sourcemap/i.test(l))).toEqual([]);
    expect(printed.filter((l) => /^(warn|warnOnce|error):/.test(l))).toEqual([]);
    expect(consoleNoise).toEqual([]);
  }, 300_000);
});
