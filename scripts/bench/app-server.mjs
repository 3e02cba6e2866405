/**
 * Builds the app with the Vite JS API, serves dist/ with `vite preview` (the project config sends
 * COOP/COEP, so the page is cross-origin isolated), and measures what a visitor downloads.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { build, preview } from 'vite';

export async function buildApp() {
  await build({ logLevel: 'warn' });
}

/** Start `vite preview` on a free port; returns { url, close }. */
export async function serveApp() {
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
}

/** Which download a dist file belongs to: the app itself, one DuckDB bundle, or not loaded at start. */
function group(rel) {
  const m = /(?:^|\/)duckdb-(?:browser-)?(mvp|eh|coi)[-.]/.exec(rel);
  if (m) return `duckdb-${m[1]}`;
  if (/\.(js|css|html)$/.test(rel) && !rel.startsWith('demo/')) return 'app';
  return null;
}

/**
 * Raw, gzip (level 9) and brotli (quality 11, what a host that pre-compresses serves) bytes per
 * group. Brotli 11 takes about a minute per wasm file, so results are cached by name and size
 * (Vite puts a content hash in every asset name).
 */
export async function transferSizes(distDir, cacheFile) {
  const cache = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const groups = {};
  const work = files(distDir).map(async (path) => {
    const rel = relative(distDir, path);
    const g = group(rel);
    if (!g) return;
    const size = statSync(path).size;
    const k = `${rel}:${size}`;
    if (!cache[k]) {
      const buf = readFileSync(path);
      const [gz, br] = await Promise.all([
        gzip(buf, { level: 9 }),
        brotli(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } }),
      ]);
      cache[k] = { gzip: gz.length, brotli: br.length };
    }
    const t = (groups[g] ??= { raw: 0, gzip: 0, brotli: 0, files: [] });
    t.raw += size;
    t.gzip += cache[k].gzip;
    t.brotli += cache[k].brotli;
    t.files.push(rel);
  });
  await Promise.all(work);
  writeFileSync(cacheFile, JSON.stringify(cache, null, 1));
  return groups;
}
