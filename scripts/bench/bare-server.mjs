/**
 * Builds and serves the bare DuckDB-WASM page (`bare/`) for the benchmark's side-by-side column,
 * with the same COOP/COEP headers as the app, so it gets the same bundle and thread count.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, 'bare');
const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Build into `outDir` and serve it; returns { url, close }. */
export function serveBare(outDir) {
  return servePage(ROOT, outDir);
}

/**
 * Build the page in `root` (a folder with an `index.html`, no app config) into `outDir` and serve it
 * with the app's COOP/COEP headers; returns { url, close }. The bare page and `wasm-sql.mjs` use it.
 */
export async function servePage(root, outDir) {
  const out = resolve(outDir);
  await build({ root, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  const server = await preview({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: out },
    preview: { port: 0, host: '127.0.0.1', strictPort: false, headers: HEADERS },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

/**
 * One bare run in a fresh page: wait for DuckDB, give the file, wait for the result.
 * Returns { bundle, threads, loadMs, rfmMs, totalMs, digest } or { error }.
 */
export async function bareRun(browser, url, file, timeoutMs) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page
      .locator('#status')
      .filter({ hasText: /^(ready|failed)/ })
      .waitFor({ timeout: timeoutMs });
    const st = await page.locator('#status').innerText();
    if (st.startsWith('failed')) return { error: st };
    await page.locator('#file').setInputFiles(file);
    await page.locator('#result[data-done]').waitFor({ state: 'attached', timeout: timeoutMs });
    return JSON.parse(await page.locator('#result').innerText());
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  } finally {
    await context.close();
  }
}
