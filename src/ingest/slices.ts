/**
 * Big CSV files are built in slices (docs/data-model.md, "Whole loads in slices"): byte ranges of
 * the registered file cut at line breaks, each registered as its own Blob (the file's header lines
 * first, then the range) and read once by the build (`canonical.ts`, `__slice`), its rows numbered
 * after the rows of the slices before it, so every line number is the file's own. Each slice is
 * committed and compressed before the next is read, so a build never holds more than one slice
 * uncompressed. Pure: byte scanning and `read_csv` text; the worker reads the bytes.
 */
import { literal } from '../lib/sql';
import { NAME_SEPARATOR } from './canonical-source';
import { MEMORY_PER_CSV_BYTE, MIN_ROW_BYTES } from './canonical-size';
import { SLICE_SHARE } from './storage';

/** No slice smaller than this (a budget set by a test may be tiny). */
export const MIN_SLICE_BYTES = 64 * 1024;
/** Bytes read around a planned cut to find a safe line break (the worker reads this window). */
export const CUT_WINDOW = 256 * 1024;

const LF = 0x0a;

/**
 * Bytes of CSV text per slice for a memory budget: a slice's plain estimate is `SLICE_SHARE` of it.
 * The estimate is the guard's (`estimateTableBytes`): 2.8 × the text, but at least `MIN_ROW_BYTES` a
 * row, so a file of short lines (an event log: ~30 bytes a line, ~100 in the tables) is cut in
 * smaller slices; `bytesPerRow` is the file's mean line length (unknown: the text alone decides).
 */
export function sliceTextBytes(budget: number, bytesPerRow = Infinity): number {
  const perByte = Math.max(MEMORY_PER_CSV_BYTE, bytesPerRow > 0 ? MIN_ROW_BYTES / bytesPerRow : 0);
  return Math.max(MIN_SLICE_BYTES, Math.floor((budget * SLICE_SHARE) / perByte));
}

/** The byte offset just after the `lines`-th line break of `head`, or null when the head holds fewer. */
export function headerEnd(head: Uint8Array, lines: number): number | null {
  if (lines <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === LF && ++seen === lines) return i + 1;
  return null;
}

function quotesIn(bytes: Uint8Array, from: number, to: number, quote: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (bytes[i] === quote) n++;
  return n;
}

/**
 * The first safe cut in `window` at or after index `from`: just after a line break, where the line
 * before and the line after both lie wholly in the window and each hold an even number of quote
 * characters (a value with a line break inside quotes opens on a line with an odd count and closes
 * on one). Null when there is none. `quote`: the dialect's quote byte (null: none, any line break
 * is safe). A value spanning three or more lines can still fool this: the build checks that the
 * slices gave the file's rows (`checkSlices` in `canonical.ts`).
 */
export function safeCut(window: Uint8Array, from: number, quote: number | null): number | null {
  const breaks: number[] = [];
  for (let i = 0; i < window.length; i++) if (window[i] === LF) breaks.push(i);
  // a cut after break b, with the line before ending at b (starting after break a) and the line after ending at break c
  for (let k = 1; k + 1 < breaks.length; k++) {
    const [a, b, c] = [breaks[k - 1]!, breaks[k]!, breaks[k + 1]!];
    if (b + 1 < from) continue;
    if (quote === null || (quotesIn(window, a + 1, b, quote) % 2 === 0 && quotesIn(window, b + 1, c, quote) % 2 === 0)) return b + 1;
  }
  return null;
}

/** A byte range `[start, end)` of the file; every slice but the first is read after the file's header lines. */
export interface SliceRange {
  start: number;
  end: number;
}

/**
 * Cut a file of `size` bytes into ranges of about `target` bytes. `cutNear(at)` answers the safe
 * cut at or after byte `at` (the worker reads a window there and calls `safeCut`), or null; then the
 * file is not sliced (null here). The first range starts at 0, so it carries the header itself.
 */
export async function planSlices(
  size: number,
  target: number,
  cutNear: (at: number) => Promise<number | null>,
): Promise<SliceRange[] | null> {
  if (size <= target) return [{ start: 0, end: size }];
  const out: SliceRange[] = [];
  let start = 0;
  while (size - start > target * 1.25) {
    const cut = await cutNear(start + target);
    if (cut === null || cut <= start) return null;
    if (cut >= size) break;
    out.push({ start, end: cut });
    start = cut;
  }
  out.push({ start, end: size });
  return out;
}

/** The dialect a file was read with, fixed for its slices. */
export interface Dialect {
  skip: number;
  header: boolean;
  delim: string;
  /** null: no quoting (DuckDB's sniffer says `(empty)`) */
  quote: string | null;
  /** null: the reader's default (the quote doubled) */
  escape: string | null;
  /** the character that starts a comment line (null: none) */
  comment: string | null;
}

/**
 * The dialect from a `dialectSql` row (DuckDB's sniffer), or null when it has none or its column
 * count is not the file's (`columns`): then the file is read whole.
 */
export function dialectOf(row: Record<string, unknown> | undefined, columns: number): Dialect | null {
  if (!row || typeof row.delim !== 'string' || row.delim.length === 0 || Number(row.n) !== columns) return null;
  const one = (v: unknown) => (typeof v === 'string' && v.length === 1 ? v : null);
  return {
    skip: Number(row.skip ?? 0),
    header: Boolean(row.header),
    delim: row.delim,
    quote: one(row.quote),
    escape: one(row.escape),
    comment: one(row.comment),
  };
}

/**
 * The dialect and column names of a `dialectSql` row, for reading the whole file with them
 * (`sliceReadCsv`), or null when the sniffer gave no usable dialect: then every pass sniffs on its own.
 */
export function sniffedDialect(row: Record<string, unknown> | undefined): { dialect: Dialect; columns: string[] } | null {
  if (!row || typeof row.names !== 'string') return null;
  const columns = row.names.split(NAME_SEPARATOR);
  const dialect = dialectOf(row, columns.length);
  if (!dialect || columns.some((c) => c === '') || new Set(columns).size !== columns.length) return null;
  return { dialect, columns };
}

/**
 * The `read_csv` call of a registered file or one of its slices: the file's options, with its
 * sniffed dialect and its columns fixed (`auto_detect = false`: no pass sniffs again, so none reads
 * the file differently, and a slice cut inside a quoted value cannot stop the sniffer). `errors`:
 * what the reader does with a bad line (skip it; the counting pass also stores it: `rejectOptions`).
 */
export function sliceReadCsv(
  vname: string,
  dialect: Dialect,
  columns: readonly string[],
  extra: readonly string[],
  errors: readonly string[] = ['ignore_errors = true'],
): string {
  const opts = [
    literal(vname),
    'auto_detect = false',
    `columns = {${columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`,
    ...extra,
    `skip = ${Math.max(0, Math.floor(dialect.skip))}`,
    `header = ${dialect.header ? 'true' : 'false'}`,
    `delim = ${literal(dialect.delim)}`,
    `quote = ${literal(dialect.quote ?? '')}`,
    ...(dialect.escape ? [`escape = ${literal(dialect.escape)}`] : []),
    ...(dialect.comment ? [`comment = ${literal(dialect.comment)}`] : []),
    ...errors,
  ];
  return `read_csv(${opts.join(', ')})`;
}
