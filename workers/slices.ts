/**
 * Registering the slices of big orders and events files for one build (`src/ingest/slices.ts`):
 * byte ranges of the registered Blob cut at safe line breaks, each registered by handle as the
 * file's header lines plus the range (`new Blob([...])` keeps no copy: it refers to the file).
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import type { Db } from './duckdb';
import type { Slicing } from './files';
import type { FileMapping } from '../src/atlas-api';
import { CUT_WINDOW, planSlices, safeCut, sliceReadCsv, sliceTextBytes, type Dialect } from '../src/ingest/slices';

/** Windows tried after a planned cut before the file is read whole instead. */
const CUT_TRIES = 16;

/** Roles whose files are built in slices (lookups and profiles are read whole: they are small). */
const SLICED = new Set<FileMapping['role']>(['orders', 'events']);

/** The safe cut at or after byte `at` of `blob`, or null (no safe line break in the windows tried). */
async function cutNear(blob: Blob, dialect: Dialect, at: number): Promise<number | null> {
  const quote = dialect.quote ? dialect.quote.charCodeAt(0) : null;
  for (let t = 0, from = at; t < CUT_TRIES && from < blob.size; t++, from += CUT_WINDOW) {
    const window = new Uint8Array(await blob.slice(from, from + CUT_WINDOW).arrayBuffer());
    // a window reaching the end of the file: its end is a line end too
    const cut = safeCut(from + window.length >= blob.size ? withFinalBreak(window) : window, 0, quote);
    if (cut !== null) return from + cut;
  }
  return null;
}

function withFinalBreak(w: Uint8Array): Uint8Array {
  if (w[w.length - 1] === 0x0a) return w;
  const out = new Uint8Array(w.length + 1);
  out.set(w);
  out[w.length] = 0x0a;
  return out;
}

/**
 * The slices of each file of `used` worth slicing under `budget`, registered with DuckDB: the
 * `read_csv` calls for `buildCanonical` by file name, and `drop` to unregister them after the build.
 */
export async function registerSlices(
  db: Db,
  used: readonly FileMapping[],
  files: ReadonlyMap<string, { vname: string; slicing: Slicing | null; raw: { rows: number } }>,
  budget: number,
): Promise<{ slices: Record<string, string[]>; count: number; drop: () => Promise<void> }> {
  const names: string[] = [];
  const slices: Record<string, string[]> = {};
  const drop = async () => {
    for (const n of names) await db.db.dropFile(n).catch(() => undefined);
  };
  try {
    for (const m of used) {
      const f = files.get(m.file);
      const s = f?.slicing;
      if (!f || !s || !SLICED.has(m.role)) continue;
      // short lines cost more per byte of text: the rows the counting pass found size the slices
      const target = sliceTextBytes(budget, f.raw.rows > 0 ? s.blob.size / f.raw.rows : Infinity);
      if (s.blob.size <= target) continue;
      const dialect = await s.dialect();
      if (!dialect) continue;
      const ranges = await planSlices(s.blob.size, target, (at) => cutNear(s.blob, dialect, Math.max(at, s.headerBytes)));
      if (!ranges || ranges.length < 2) continue;
      const header = s.blob.slice(0, s.headerBytes);
      const reads: string[] = [];
      for (const [k, r] of ranges.entries()) {
        const vname = `${f.vname}.s${k}.csv`;
        const part = k === 0 ? s.blob.slice(0, r.end) : new Blob([header, s.blob.slice(r.start, r.end)]);
        await db.db.registerFileHandle(vname, new File([part], vname), duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
        names.push(vname);
        reads.push(sliceReadCsv(vname, dialect, s.columns, s.extra));
      }
      slices[m.file] = reads;
    }
  } catch (e) {
    await drop();
    throw e;
  }
  return { slices, count: names.length, drop };
}
