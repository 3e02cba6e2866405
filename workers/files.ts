/**
 * Getting a user's file into a raw DuckDB table without freezing anything and without copying
 * large UTF-8 files into the JS heap: UTF-8 CSV (plain or gzip) is registered by handle and read by
 * DuckDB directly; other encodings and whitespace-separated layouts are transcoded in a streaming
 * pass; JSON and Parquet are parsed here and inserted as Arrow.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { parquetReadObjects } from 'hyparquet';
import {
  detectEncoding,
  binaryReason,
  guessDelimiter,
  hasMixedLineEnds,
  isWhitespaceSeparated,
  nulCount,
  sliceOffsets,
  whitespaceLineToCsv,
  type TextEncoding,
} from '../src/ingest/encoding';
import {
  badLineSql,
  hasLongLine,
  insertBadLinesSql,
  rejectsAsText,
  LONG_LINE_OPTIONS,
  type RawRejectKind,
} from '../src/ingest/raw-rejects';
import { isLineSizeError, isSniffError, withoutInternalName } from '../src/ingest/reader-errors';
import type { AppError, IngestProgress, Oversize, RejectedRow } from '../src/atlas-api';
import { AtlasError, Cancelled } from './errors';
import type { RawColumn, RawFile } from '../src/ingest/mapping';
import { literal } from '../src/lib/sql';
import {
  countPassSql,
  headBuffer,
  dialectSql,
  fileSourceSql,
  headerLinesSql,
  numberedSourceSql,
  readCsvSql,
  rejectOptions,
  sampleTableSql,
  skippedLinesSql,
} from '../src/ingest/canonical-source';
import { budgetParams, estimateRows, estimateTableBytes, overBudget } from '../src/ingest/canonical-size';
import { suggestSample } from '../src/ingest/load-filter';
import { storageFor } from '../src/ingest/storage';
import { dialectOf, headerEnd, sliceReadCsv, sniffedDialect, type Dialect } from '../src/ingest/slices';
import { exec, run, onQueryProgress, type Db } from './duckdb';

/** `f` at most every 150 ms and only when the share moved by a percent or more (each call crosses to the page). */
export function throttled(f: (fraction: number) => void): (fraction: number) => void {
  let last = -1;
  let at = 0;
  return (fraction) => {
    const now = performance.now();
    if (Math.abs(fraction - last) < 0.01 || now - at < 150) return;
    last = fraction;
    at = now;
    f(fraction);
  };
}

export type Format = 'csv' | 'csv.gz' | 'json' | 'parquet';

const CHUNK = 4 * 1024 * 1024;

/** A file that cannot be loaded, with where and why (answered to the page as data). */
export class IngestError extends AtlasError {
  constructor(e: Omit<AppError, 'params'> & { params?: AppError['params'] }) {
    super(e.code, e.message, e);
  }
}

export { Cancelled };

export interface LoadContext {
  db: Db;
  /** unique suffix for the table and virtual file names */
  id: number;
  progress: (p: Omit<IngestProgress, 'fileIndex' | 'fileCount'>) => void;
  isCancelled: () => boolean;
  /** the memory guard: what the canonical tables may take, and the estimate of the files loaded before */
  budget: { limit: number; used: number };
}

export interface RawLoad {
  raw: RawFile;
  encoding: string;
  readerRejects: number;
  readerRejectSamples: RejectedRow[];
  /** the registered file that `raw.source` re-reads; dropped with the file */
  vname: string;
  /** estimated bytes of this file in the canonical tables (`canonical-size.ts`) */
  estimate: number;
  /** set when the whole file would not fit: it is loaded, but built only with a filter */
  oversize: Oversize | null;
  /** what the build needs to read the file in slices (`slices.ts`); null: always read whole */
  slicing: Slicing | null;
}

/**
 * A registered CSV text the build may read in slices: the Blob, its header lines and its dialect.
 * The dialect is sniffed only when a build slices the file (`workers/slices.ts`): most files are
 * read whole, and the sniff cost 0.2 s at load.
 */
export interface Slicing {
  blob: Blob;
  /** bytes of the lines before the first data row (each slice after the first starts with them) */
  headerBytes: number;
  /** the sniffer's dialect of the whole file (null: the file cannot be sliced, read it whole) */
  dialect: () => Promise<Dialect | null>;
  /** the file's columns, as the reader named them */
  columns: string[];
  /** the reader options of every pass (a larger line size) */
  extra: string[];
}

/**
 * The memory guard, before anything of the file is copied: its estimate, and when it would not fit
 * beside the files loaded before, what the page offers instead (a filtered load: `load-filter.ts`).
 * A file that would not fit even as one customer in a thousand is refused here.
 */
function guard(ctx: LoadContext, file: string, totalBytes: number, rows: number): { estimate: number; oversize: Oversize | null } {
  const estimate = estimateTableBytes(totalBytes, rows);
  // fits plain, or compressed with one slice being built (`storage.ts`)
  if (storageFor(estimate + ctx.budget.used, ctx.budget.limit)) return { estimate, oversize: null };
  const check = { file, need: estimate, rows, used: ctx.budget.used, budget: ctx.budget.limit };
  const free = Math.max(0, check.budget - check.used);
  const sampleOneIn = suggestSample(estimate, free);
  if (sampleOneIn === null) fail(file, 'too-large', overBudget(check) ?? '', budgetParams(check));
  return { estimate, oversize: { need: estimate, rows, free, budget: check.budget, sampleOneIn } };
}

function fail(file: string, code: AppError['code'], message: string, params: AppError['params'] = {}): never {
  throw new IngestError({ code, message, file, params });
}

function sniffFormat(name: string, head: Uint8Array): Format {
  const lower = name.toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'csv.gz';
  if (lower.endsWith('.parquet')) return 'parquet';
  if (/\.(json|ndjson|jsonl)$/.test(lower)) return 'json';
  return 'csv';
}

/**
 * Load one file, phase one of two: register it with DuckDB (by handle, or as a transcoded UTF-8
 * buffer), keep a sample of its first rows as `raw_<id>` for the guessers, and count its rows,
 * empty values and unreadable lines in one streaming pass that keeps nothing. The file stays
 * registered: the canonical build (phase two) re-reads it through `raw.source`, only the mapped
 * columns. Throws IngestError (as data for the page) or Cancelled; on a throw nothing stays behind.
 */
export async function loadFile(file: File, ctx: LoadContext): Promise<RawLoad> {
  if (file.size === 0) fail(file.name, 'empty-file', `${file.name} is empty (0 bytes).`);
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  const format = sniffFormat(file.name, head);
  ctx.progress({ file: file.name, phase: 'reading', fraction: 0 });
  if (format === 'parquet') return loadParquet(file, ctx);
  if (format === 'json') return loadJson(file, ctx);
  let bytesHead: Uint8Array = head;
  if (format === 'csv.gz') bytesHead = await gunzipHead(file);
  // slices further in: the encoding, NUL bytes, line ends and line lengths are judged on more than the head
  const slices = format === 'csv' ? await readSlices(file) : [];
  const bin = binaryReason(bytesHead, slices);
  if (bin) fail(file.name, 'binary-file', `${file.name} cannot be read as a table: ${bin}.`);
  const enc = detectEncoding(bytesHead, slices);
  let encoding: string = enc.encoding;
  const decodedHead = new TextDecoder(decoderLabel(enc.encoding)).decode(bytesHead.subarray(enc.skip));
  if (decodedHead.trim() === '') fail(file.name, 'empty-file', `${file.name} holds no data (only blank lines).`);
  const whitespace = isWhitespaceSeparated(decodedHead);
  const delimiter = whitespace ? ',' : guessDelimiter(decodedHead);
  const vname = `f${ctx.id}.csv`;
  const withNul = nulCount([bytesHead, ...slices]) > 0;
  let longLines = hasLongLine([bytesHead, ...slices]);
  let lfOnly = hasMixedLineEnds([bytesHead, ...slices]);
  // the guard before any copy; a gzip file's text size is known only after decompressing it
  let guarded =
    format === 'csv.gz' ? { estimate: 0, oversize: null } : guard(ctx, file.name, file.size, estimateRows(file.size, bytesHead));
  let registered: Blob = file;
  const register = async (): Promise<void> => {
    if (enc.encoding === 'utf-8' && !whitespace && format === 'csv' && !lfOnly) {
      // By handle: DuckDB reads the file in slices; it is never copied whole into memory.
      registered = file;
      await registerBlob(ctx, vname, file);
    } else {
      // Transcoding (other encodings, whitespace layout, gzip, mixed line ends) writes a UTF-8 copy,
      // kept as a Blob outside the wasm heap and registered by handle as well.
      const source = format === 'csv.gz' ? gunzipStream(file) : file.stream();
      const copy = await transcode(source, file.size, enc.encoding, enc.skip, whitespace, lfOnly, file.name, ctx);
      if (format === 'csv.gz') guarded = guard(ctx, file.name, copy.size, estimateRows(copy.size, bytesHead));
      registered = copy;
      await registerBlob(ctx, vname, copy);
    }
  };
  const scan = async (): Promise<Scanned> => {
    await register();
    const kinds: RawRejectKind[] = [...(longLines ? (['long'] as const) : []), ...(withNul ? (['nul'] as const) : [])];
    return scanRegistered(file.name, vname, ctx, {
      extra: longLines ? [LONG_LINE_OPTIONS] : [],
      headerLines: null,
      rejects: true,
      kinds,
    });
  };
  let loaded: Scanned;
  try {
    loaded = await scan();
  } catch (e) {
    // one long line, or mixed line ends the slices did not show: read once more the right way
    const msg = e instanceof CsvReadError ? e.readerMessage : '';
    if (ctx.isCancelled() || !((isLineSizeError(msg) && !longLines) || (isSniffError(msg) && !lfOnly))) throw e;
    if (isLineSizeError(msg)) longLines = true;
    else lfOnly = true;
    loaded = await scan();
  }
  if (whitespace) encoding += ' (whitespace-separated, rewritten as CSV)';
  if (lfOnly) encoding += ' (mixed line ends, read as LF)';
  const headerBytes = headerEnd(new Uint8Array(await registered.slice(0, 65536).arrayBuffer()), loaded.raw.sourceParts?.headerLines ?? 1);
  const extra = longLines ? [LONG_LINE_OPTIONS] : [];
  const columnCount = loaded.raw.columns.length;
  let sniffed: Promise<Dialect | null> | null = null;
  const slicing =
    loaded.sliceable && headerBytes !== null
      ? {
          blob: registered,
          headerBytes,
          // the same options as every pass, `ignore_errors` included (see `dialectSql`), on one thread
          // the dialect the file was read with; else the sniffer's answer for the full passes' options
          dialect: () =>
            (sniffed ??= loaded.dialect
              ? Promise.resolve(loaded.dialect)
              : withOneThread(ctx.db, true, () => run(ctx.db, 'ingest', dialectSql(vname, extra)))
                  .then((rows) => dialectOf(rows[0], columnCount))
                  .catch(() => null)),
          columns: loaded.raw.columns.map((c) => c.name),
          extra,
        }
      : null;
  return { ...loaded, raw: { ...loaded.raw, delimiter }, encoding, ...guarded, slicing };
}

/** What phase one's scan gives (`loadFile` adds the encoding and the guard's verdict). */
type Scanned = Omit<RawLoad, 'encoding' | 'estimate' | 'oversize' | 'slicing'> & {
  sliceable: boolean;
  /** the dialect every pass read the file with (null: each pass sniffed on its own) */
  dialect: Dialect | null;
};

interface ScanOptions {
  /** `read_csv` options besides the defaults of `readCsvSql` */
  extra: string[];
  /** lines before the first row, when known (records written by us); else DuckDB's sniffer says */
  headerLines: number | null;
  /** keep the reader's rejects (CSV from the user) */
  rejects: boolean;
  /** lines the reader loads that are rejected all the same (`raw-rejects.ts`): too long, NUL bytes */
  kinds?: RawRejectKind[];
}

/** Phase one on a registered file (see `loadFile`); drops what it made when it fails. */
async function scanRegistered(name: string, vname: string, ctx: LoadContext, o: ScanOptions): Promise<Scanned> {
  const table = `raw_${ctx.id}`;
  const skipped = `skip_${ctx.id}`;
  const rej = `rej_${ctx.id}`;
  ctx.progress({ file: name, phase: 'loading', fraction: null });
  let ok = false;
  try {
    await exec(ctx.db, 'ingest', dropLoadSql(ctx.id));
    const { raw, rows, nulls, headerLines, bad, reading, sniffed } = await withOneThread(ctx.db, true, async () => {
      // One sniff of the file's head; the sample, the counting pass and the build then read it with
      // that dialect and those columns, sniffing no more. Without a usable answer every pass sniffs
      // with the same reader options (and a reader error surfaces from the sample, as before).
      const sniffed =
        o.headerLines === null
          ? await run(ctx.db, 'ingest', dialectSql(vname, o.extra))
              .then((r) => sniffedDialect(r[0]))
              .catch(() => null)
          : null;
      const read = (errors: string[]) =>
        sniffed ? sliceReadCsv(vname, sniffed.dialect, sniffed.columns, o.extra, errors) : readCsvSql(vname, [...o.extra, ...errors]);
      const reading = read(['ignore_errors = true']);
      // line numbers only: when the sniffer cannot answer on its own, assume one header line
      const [h] = sniffed
        ? [{ h: sniffed.dialect.skip + (sniffed.dialect.header ? 1 : 0) }]
        : o.headerLines === null
          ? await run(ctx.db, 'ingest', headerLinesSql(vname, o.extra)).catch(() => [{ h: 1 }])
          : [{ h: o.headerLines }];
      if (ctx.isCancelled()) throw new Cancelled();
      // the sample reads the head only: a small buffer (the LIMIT stops the reader a buffer late);
      // without the sniffed dialect every pass sniffs alike, with the same options
      const head = sniffed ? headBuffer(o.extra) : [];
      await run(ctx.db, 'ingest', sampleTableSql(table, read(['ignore_errors = true', ...head])));
      if (ctx.isCancelled()) throw new Cancelled();
      let sample = await describe(ctx.db, name, table);
      // lines the reader loads but that are rejected (too long, NUL bytes) leave the sample, the count and the re-read
      const bad = badLineSql(
        sample.columns.map((col) => col.name),
        o.kinds ?? [],
      );
      if (bad) {
        await exec(ctx.db, 'ingest', `DELETE FROM ${table} WHERE ${bad}`);
        sample = await describe(ctx.db, name, table);
      }
      ctx.progress({ file: name, phase: 'counting', fraction: null });
      const counting = read(o.rejects ? ['ignore_errors = true', ...rejectOptions(ctx.id)] : ['ignore_errors = true']);
      // the reader's own progress (bytes of the file read) makes the bar real
      const stop = onQueryProgress(throttled((fraction) => ctx.progress({ file: name, phase: 'counting', fraction })));
      const [c] = await run(
        ctx.db,
        'ingest',
        countPassSql(
          counting,
          sample.columns.map((col) => col.name),
          bad,
        ),
      ).finally(stop);
      const n = Number(c?.n ?? 0);
      return {
        raw: sample,
        rows: n,
        nulls: Object.fromEntries(sample.columns.map((col, i) => [col.name, n - Number(c?.[`c${i}`] ?? 0)])),
        headerLines: Number(h?.h ?? 1),
        bad,
        reading,
        sniffed,
      };
    });
    if (ctx.isCancelled()) throw new Cancelled();
    const skippedByReader = o.rejects ? (await readerRejects(ctx.db, name, ctx.id)).count : 0;
    if (skippedByReader > 0) await exec(ctx.db, 'ingest', skippedLinesSql(rej, skipped, headerLines));
    const from = { readCsv: reading, headerLines, skipped: skippedByReader > 0 ? skipped : null };
    if (bad && o.rejects) {
      // the rejected lines go to the reader's rejects with their line numbers (after the skip table: they are not skipped)
      for (const st of rejectsAsText(rej)) await exec(ctx.db, 'ingest', st);
      const insert = insertBadLinesSql(
        numberedSourceSql(from),
        rej,
        raw.columns.map((col) => col.name),
        o.kinds ?? [],
      );
      if (insert) await withOneThread(ctx.db, true, () => exec(ctx.db, 'ingest', insert));
    }
    if (rows === 0) fail(name, 'empty-file', `${name} has a header but no data rows.`);
    const rejects = o.rejects ? await readerRejects(ctx.db, name, ctx.id) : { count: 0, samples: [] };
    const source = fileSourceSql({ ...from, exclude: bad });
    ok = true;
    return {
      raw: { ...raw, rows, nulls, source, sourceParts: { ...from, exclude: bad } },
      readerRejects: rejects.count,
      readerRejectSamples: rejects.samples,
      vname,
      // a file whose dialect the sniffer found may be read in slices, alike (records written by us: whole)
      sliceable: o.headerLines === null,
      dialect: sniffed?.dialect ?? null,
    };
  } catch (e) {
    if (ctx.isCancelled() || e instanceof Cancelled) throw new Cancelled();
    if (e instanceof IngestError) throw e;
    throw new CsvReadError(csvError(name, vname, e), e instanceof Error ? e.message : String(e));
  } finally {
    if (!ok) {
      await exec(ctx.db, 'ingest', dropLoadSql(ctx.id)).catch(() => undefined);
      await ctx.db.db.dropFile(vname).catch(() => undefined);
    }
  }
}

/** A CSV the reader refused, with the reader's own message (to decide on a second read). */
class CsvReadError extends IngestError {
  constructor(
    e: AppError,
    readonly readerMessage: string,
  ) {
    super(e);
  }
}

/** Everything phase one makes for file `id` (the registered file itself is dropped separately). */
export function dropLoadSql(id: number): string {
  return `DROP TABLE IF EXISTS raw_${id}; DROP TABLE IF EXISTS rej_${id}; DROP TABLE IF EXISTS rejs_${id}; DROP TABLE IF EXISTS skip_${id};`;
}

/**
 * With the threaded bundle a pthread cannot read a registered file handle reliably ("No HTML5 file
 * registered", PLATFORM-NOTES), and every file is registered by handle (`registerBlob`): run what
 * reads files on one thread (when `reads`), then give the threads back.
 */
export async function withOneThread<T>(db: Db, reads: boolean, f: () => Promise<T>): Promise<T> {
  const one = reads && db.info.threads > 1;
  if (one) await exec(db, 'ingest', 'SET threads = 1');
  try {
    return await f();
  } finally {
    if (one) await exec(db, 'ingest', `SET threads = ${db.info.threads}`).catch(() => undefined);
  }
}

function decoderLabel(e: TextEncoding): string {
  return e === 'utf-8-bom' ? 'utf-8' : e;
}

/** Head slices as `sliceOffsets` places them (8 × 64 KiB over the rest of the file). */
async function readSlices(file: File): Promise<Uint8Array[]> {
  return Promise.all(sliceOffsets(file.size).map(async (o) => new Uint8Array(await file.slice(o.start, o.end).arrayBuffer())));
}

function csvError(file: string, vname: string, e: unknown): AppError {
  const msg = withoutInternalName(e instanceof Error ? e.message : String(e), vname, file);
  if (/out of memory|memory|allocate/i.test(msg)) {
    return {
      code: 'out-of-memory',
      file,
      params: { detail: 'file too large' },
      message: `${file} is too large for this browser tab's memory (DuckDB-WASM can use about 3 GB). Split the file, drop unneeded columns, or filter it to a shorter period and load it again.`,
    };
  }
  const line = /line[: ]+(\d+)/i.exec(msg)?.[1];
  return {
    code: 'parse-error',
    file,
    params: { detail: msg.split('\n')[0] ?? msg },
    row: line ? Number(line) : undefined,
    message: `${file} could not be read as CSV${line ? ` (near line ${line})` : ''}: ${msg.split('\n')[0]}`,
  };
}

async function readerRejects(db: Db, file: string, id: number): Promise<{ count: number; samples: RejectedRow[] }> {
  try {
    const [c] = await run(db, 'ingest', `SELECT count(DISTINCT line) AS n FROM rej_${id}`);
    const count = Number(c?.n ?? 0);
    const rows = await run(
      db,
      'ingest',
      `SELECT line, column_name, error_type, error_message, csv_line FROM rej_${id} ORDER BY line LIMIT 50`,
    );
    return {
      count,
      samples: rows.map((r) => ({
        file,
        row: r.line === null ? null : Number(r.line),
        column: r.column_name === null ? null : String(r.column_name),
        reason: `${String(r.error_type).toLowerCase()}: ${String(r.error_message).split('\n')[0]}`,
        text: r.csv_line === null ? null : String(r.csv_line).slice(0, 500),
      })),
    };
  } catch {
    return { count: 0, samples: [] };
  }
}

/** Columns with their types and 200 text samples. */
export async function describe(db: Db, name: string, table: string): Promise<RawFile> {
  // DESCRIBE reads the table's own entry; `duckdb_columns()` lists every column of every database
  // (the stores, temp tables): 350 ms against 21 ms in the tab at 1M orders
  const cols = (await run(db, 'ingest', `DESCRIBE ${table}`)).map((c) => ({ column_name: c.column_name, data_type: c.column_type }));
  const [cnt] = await run(db, 'ingest', `SELECT count(*) AS n FROM ${table}`);
  const dataCols = cols.filter((c) => c.column_name !== '__row');
  const sample = dataCols.length
    ? await run(
        db,
        'ingest',
        `SELECT ${dataCols.map((c) => `CAST("${String(c.column_name).replaceAll('"', '""')}" AS VARCHAR) AS "c${dataCols.indexOf(c)}"`).join(', ')} FROM ${table} ORDER BY __row LIMIT 200`,
      )
    : [];
  const columns: RawColumn[] = dataCols.map((c, i) => ({
    name: String(c.column_name),
    type: String(c.data_type),
    samples: sample.map((r) => (r[`c${i}`] === null || r[`c${i}`] === undefined ? null : String(r[`c${i}`]))),
  }));
  return { name, table, rows: Number(cnt?.n ?? 0), columns };
}

async function gunzipHead(file: File): Promise<Uint8Array> {
  const reader = gunzipStream(file).getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < 65536) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.length;
    }
  } catch {
    fail(file.name, 'binary-file', `${file.name} looks gzip-compressed but cannot be decompressed.`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return concat(parts, n).subarray(0, 65536);
}

function gunzipStream(file: File): ReadableStream<Uint8Array> {
  return file.stream().pipeThrough(new DecompressionStream('gzip')) as ReadableStream<Uint8Array>;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Every file DuckDB reads is registered by handle, never with `registerFileBuffer`: in the threaded
 * bundle that call copies through a heap view a DuckDB thread may have outgrown ("offset is out of
 * bounds", duckdb-wasm#2256), and a buffer would sit whole in the wasm heap besides.
 */
async function registerBlob(ctx: LoadContext, vname: string, blob: Blob): Promise<void> {
  const file = blob instanceof File ? blob : new File([blob], vname);
  await ctx.db.db.registerFileHandle(vname, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
}

/** Stream-decode to UTF-8 (and rewrite whitespace-separated lines as CSV) into one Blob. */
async function transcode(
  source: ReadableStream<Uint8Array>,
  size: number,
  enc: TextEncoding,
  skip: number,
  whitespace: boolean,
  lfOnly: boolean,
  name: string,
  ctx: LoadContext,
): Promise<Blob> {
  const decoder = new TextDecoder(decoderLabel(enc));
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let read = 0;
  let carry = '';
  let first = true;
  const reader = source.getReader();
  const emit = (text: string) => {
    const b = encoder.encode(text);
    parts.push(b);
  };
  const handle = (text: string, final: boolean) => {
    if (!whitespace && lfOnly) {
      // CRLF → LF; a CR at the end of a chunk waits for the next one
      let all = carry + text;
      carry = !final && all.endsWith('\r') ? '\r' : '';
      if (carry) all = all.slice(0, -1);
      emit(all.replace(/\r\n/g, '\n'));
      return;
    }
    if (!whitespace) {
      emit(text);
      return;
    }
    const all = carry + text;
    const lines = all.split(/\r?\n/);
    carry = final ? '' : (lines.pop() ?? '');
    emit(
      lines
        .map(whitespaceLineToCsv)
        .filter((l) => l !== '')
        .join('\n') + (lines.length ? '\n' : ''),
    );
  };
  for (;;) {
    if (ctx.isCancelled()) {
      await reader.cancel();
      throw new Cancelled();
    }
    const { done, value } = await reader.read();
    if (done) break;
    let chunk = value;
    if (first && skip) chunk = chunk.subarray(skip);
    first = false;
    read += value.length;
    handle(decoder.decode(chunk, { stream: true }), false);
    ctx.progress({ file: name, phase: 'transcoding', fraction: size ? Math.min(1, read / size) : null });
  }
  handle(decoder.decode(), true);
  if (whitespace && carry) emit(whitespaceLineToCsv(carry) + '\n');
  else if (carry) emit(carry);
  return new Blob(parts as BlobPart[]);
}

/** A record value as text (dates as `YYYY-MM-DD HH:MM:SS`, nested values as JSON). */
function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** RFC 4180 field: always quoted, so commas, quotes and line breaks in values survive. */
function csvField(v: string | null): string {
  return v === null ? '' : `"${v.replaceAll('"', '""')}"`;
}

/**
 * Records (JSON, Parquet) as a registered CSV buffer written here, then phase one as for dropped
 * CSV files, so every file has the same shape (VARCHAR columns, `__row`). Rows are numbered by
 * record (header lines 0). Arrow would need runtime code generation, which the Content-Security-
 * Policy forbids.
 */
async function loadObjects(rows: Record<string, unknown>[], ctx: LoadContext, name: string): Promise<RawLoad> {
  if (rows.length === 0) fail(name, 'empty-file', `${name} holds no records.`);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const lines = [names.map(csvField).join(',')];
  for (const r of rows) lines.push(names.map((k) => csvField(textOf(r[k]))).join(','));
  const vname = `f${ctx.id}.records.csv`;
  const text = new TextEncoder().encode(lines.join('\n') + '\n');
  const guarded = guard(ctx, name, text.length, rows.length);
  await registerBlob(ctx, vname, new Blob([text]));
  const extra = [
    'header = true',
    `delim = ','`,
    `quote = '"'`,
    `escape = '"'`,
    'auto_detect = false',
    `columns = {${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`,
  ];
  const loaded = await scanRegistered(name, vname, ctx, { extra, headerLines: 0, rejects: false });
  // records are small and their quoted values may hold line breaks: always read whole
  return { ...loaded, encoding: 'utf-8', ...guarded, slicing: null };
}

async function loadJson(file: File, ctx: LoadContext): Promise<RawLoad> {
  const text = await file.text();
  const t = text.trimStart();
  let rows: unknown;
  try {
    if (t.startsWith('[')) rows = JSON.parse(t);
    else {
      rows = t
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .map((l, i) => {
          try {
            return JSON.parse(l) as unknown;
          } catch {
            throw new IngestError({
              code: 'parse-error',
              file: file.name,
              row: i + 1,
              message: `${file.name}: line ${i + 1} is not valid JSON.`,
            });
          }
        });
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    fail(file.name, 'parse-error', `${file.name} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    fail(file.name, 'unsupported-format', `${file.name}: expected an array of records or one JSON record per line.`);
  }
  return loadObjects(rows as Record<string, unknown>[], ctx, file.name);
}

async function loadParquet(file: File, ctx: LoadContext): Promise<RawLoad> {
  let rows: Record<string, unknown>[];
  try {
    rows = (await parquetReadObjects({ file: await file.arrayBuffer() })) as Record<string, unknown>[];
  } catch (e) {
    fail(file.name, 'parse-error', `${file.name} could not be read as Parquet: ${e instanceof Error ? e.message : String(e)}`);
  }
  return loadObjects(rows, ctx, file.name);
}
