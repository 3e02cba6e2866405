import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Cross-origin isolation lets DuckDB use threads (SharedArrayBuffer). Static hosts: see README. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

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

export default defineConfig({
  plugins: [svelte(), wasmMime()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000, assetsInlineLimit: 0 },
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
});
