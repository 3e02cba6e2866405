import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { offlineShell } from './scripts/offline-plugin.ts';

/** Cross-origin isolation lets DuckDB use threads (SharedArrayBuffer). Static hosts: see README. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The headers a static host sends for every path (the `/*` block of public/_headers: isolation,
 * CSP, referrer policy). `vite preview` sends exactly these, so the browser tests run under the
 * same policy a user gets.
 */
function staticHeaders(): Record<string, string> {
  const out: Record<string, string> = {};
  let all = false;
  for (const line of readFileSync(new URL('./public/_headers', import.meta.url), 'utf8').split('\n')) {
    if (!/^\s/.test(line)) {
      all = line.trim() === '/*';
      continue;
    }
    const m = /^\s+([\w-]+):\s*(.+?)\s*$/.exec(line);
    if (all && m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Serve .wasm with the right type everywhere (instantiate can hang without it). */
function wasmMime(): Plugin {
  const mw = (req: { url?: string }, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    if (req.url?.split('?')[0]?.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
    next();
  };
  return {
    name: 'wasm-mime',
    configureServer: (s) => void s.middlewares.use(mw),
    configurePreviewServer: (s) => void s.middlewares.use(mw),
  };
}

/**
 * duckdb-wasm's dist files carry source maps whose sources point into packages that are not
 * installed (`@duckdb/apache-arrow/…`), so the dev server printed 117 "Sourcemap … points to a
 * source file outside its package" warnings. In dev, serve those files without their map
 * comment (the production build never reads them).
 */
function duckdbWithoutSourcemaps(): Plugin {
  const dist = /\/@duckdb\/duckdb-wasm\/dist\/[^?]+\.(?:c|m)?js(?:\?.*)?$/;
  return {
    name: 'duckdb-without-sourcemaps',
    apply: 'serve',
    enforce: 'pre',
    async load(id) {
      // `?url` (and `?raw`, `?worker`) imports are Vite's own: their module is the URL, not the code.
      // Loading the code for them broke every `…worker.js?url` import, so DuckDB never started in dev.
      if (!dist.test(id) || /[?&](?:url|raw|worker|sharedworker|inline)\b/.test(id)) return null;
      const code = await readFile(id.split('?')[0]!, 'utf8');
      return { code: code.replace(/^\/\/# sourceMappingURL=.*$/gm, ''), map: { mappings: '' } };
    },
  };
}

export default defineConfig({
  plugins: [svelte(), wasmMime(), offlineShell(), duckdbWithoutSourcemaps()],
  server: { headers: isolation },
  preview: { headers: staticHeaders() },
  resolve: {
    // @stdlib's polynomial factory uses `new Function`, which our CSP refuses (src/lib/evalpoly-no-codegen.cjs)
    alias: [
      {
        find: /^@stdlib\/math-base-tools-evalpoly$/,
        replacement: fileURLToPath(new URL('./src/lib/evalpoly-no-codegen.cjs', import.meta.url)),
      },
      // @stdlib probes generator support with `eval` (refused by the CSP): src/lib/no-generator-probe.cjs
      {
        find: /^@stdlib\/assert-has-generator-support$/,
        replacement: fileURLToPath(new URL('./src/lib/no-generator-probe.cjs', import.meta.url)),
      },
    ],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000, assetsInlineLimit: 0 },
  optimizeDeps: {
    exclude: ['@duckdb/duckdb-wasm'],
    // The worker's dependencies are found only when the worker starts, after the first page view,
    // and Vite then reloaded the page once: bundle them up front.
    include: ['apache-arrow', 'hyparquet', 'comlink', 'valibot'],
  },
});
