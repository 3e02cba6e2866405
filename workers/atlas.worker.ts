/**
 * The app's worker: owns the one DuckDB instance and exposes a small typed API over Comlink.
 * Pages ask for things (ingest these files, apply this mapping, run this analysis); SQL is built
 * here from the pure modules and only aggregates or one page of rows go back.
 */
import * as Comlink from 'comlink';
import { getDb, exec, run, cancel, type Db } from './duckdb';
import { loadFile, IngestError, Cancelled } from './files';
import { buildOverview, rejectSample } from './overview';
import { guessMapping } from '../src/ingest/roles';
import { buildCanonical, validateMapping } from '../src/ingest/canonical';
import type {
  AppError,
  Bundle,
  FileMapping,
  IngestOutcome,
  IngestProgress,
  InitInfo,
  LoadedFile,
  MemoryInfo,
  Overview,
  RefundRule,
  Result,
} from '../src/worker-api';
import type { RawFile } from '../src/ingest/mapping';
import { analysisApi } from './analysis';
import { dropBases } from './query-runner';
import { toCsv } from '../src/lib/csv';
import { lifecycleApi } from './analysis-lifecycle';
import { persistApi } from './persist';

interface Loaded {
  raw: RawFile;
  readerRejects: number;
}

const files = new Map<string, Loaded>();
let nextId = 1;
let ingestCancelled = false;
let dataVersion = 0;
let lastOverview: Overview | null = null;

function asError(e: unknown, fallback: AppError['code'] = 'internal'): AppError {
  if (e instanceof IngestError) return e.error;
  const message = e instanceof Error ? e.message : String(e);
  if (/out of memory|could not allocate|Maximum call stack|memory access out of bounds/i.test(message)) {
    return {
      code: 'out-of-memory',
      message: `The browser tab ran out of memory (${message.split('\n')[0]}). Load fewer or smaller files, or filter them to a shorter period.`,
    };
  }
  if (/interrupt|cancel/i.test(message)) return { code: 'cancelled', message: 'Cancelled.' };
  return { code: fallback, message: message.split('\n')[0] ?? message };
}

function uniqueName(name: string): string {
  if (!files.has(name)) return name;
  for (let i = 2; ; i++) {
    const n = `${name} (${i})`;
    if (!files.has(n)) return n;
  }
}

const api = {
  async init(bundle?: Bundle): Promise<InitInfo> {
    return (await getDb(bundle)).info;
  },

  /** Load files into raw tables; each file succeeds or fails on its own, loaded data is never lost. */
  async ingest(list: File[], onProgress?: (p: IngestProgress) => void): Promise<IngestOutcome> {
    const db = await getDb();
    ingestCancelled = false;
    const loaded: LoadedFile[] = [];
    const errors: AppError[] = [];
    for (let i = 0; i < list.length; i++) {
      const file = list[i]!;
      const name = uniqueName(file.name);
      const id = nextId++;
      const t0 = performance.now();
      try {
        const renamed = name === file.name ? file : new File([file], name, { type: file.type, lastModified: file.lastModified });
        const r = await loadFile(renamed, {
          db,
          id,
          isCancelled: () => ingestCancelled,
          progress: (p) => onProgress?.({ ...p, fileIndex: i, fileCount: list.length }),
        });
        files.set(name, { raw: r.raw, readerRejects: r.readerRejects });
        loaded.push({
          raw: r.raw,
          guess: guessMapping(r.raw),
          encoding: r.encoding,
          bytes: file.size,
          readerRejects: r.readerRejects,
          readerRejectSamples: r.readerRejectSamples,
          loadMs: Math.round(performance.now() - t0),
        });
      } catch (e) {
        await exec(db, 'ingest', `DROP TABLE IF EXISTS raw_${id}`).catch(() => undefined);
        if (e instanceof Cancelled || ingestCancelled) {
          errors.push({ code: 'cancelled', file: file.name, message: `Loading ${file.name} was cancelled.` });
          for (const rest of list.slice(i + 1))
            errors.push({ code: 'cancelled', file: rest.name, message: `Loading ${rest.name} was cancelled.` });
          break;
        }
        errors.push({ ...asError(e, 'parse-error'), file: file.name });
      }
    }
    return { loaded, errors };
  },

  async cancelIngest(): Promise<void> {
    ingestCancelled = true;
    const db = await getDb();
    await cancel(db, 'ingest').catch(() => false);
  },

  async removeFile(name: string): Promise<void> {
    const f = files.get(name);
    if (!f) return;
    files.delete(name);
    await exec(await getDb(), 'ingest', `DROP TABLE IF EXISTS ${f.raw.table}`);
  },

  /**
   * Build the canonical tables from the mapping. On any error the previous tables stay as they
   * were (one transaction), so an analysis that worked keeps working.
   */
  async applyMapping(mappings: FileMapping[], rule: RefundRule): Promise<Result<Overview>> {
    const db = await getDb();
    const t0 = performance.now();
    const used = mappings.filter((m) => files.has(m.file));
    const raws = used.map((m) => files.get(m.file)!.raw);
    const checked = validateMapping(raws, used);
    const firstError = checked.issues.find((i) => i.level === 'error');
    if (firstError) {
      return {
        ok: false,
        error: { code: 'mapping', message: firstError.message, file: firstError.file, column: firstError.column, row: firstError.row },
      };
    }
    const built = buildCanonical(raws, used, rule);
    const err = built.issues.find((i) => i.level === 'error');
    if (err) return { ok: false, error: { code: 'mapping', message: err.message, file: err.file, column: err.column, row: err.row } };
    let current = '';
    try {
      await exec(db, 'ingest', 'BEGIN TRANSACTION');
      for (const s of built.statements) {
        current = s;
        await exec(db, 'ingest', s);
      }
      await exec(db, 'ingest', 'COMMIT');
    } catch (e) {
      await exec(db, 'ingest', 'ROLLBACK').catch(() => undefined);
      return { ok: false, error: { ...asError(e, 'mapping'), sql: current } };
    }
    dataVersion++;
    // customer bases of the old tables are never read again: free their memory now
    await dropBases(db);
    try {
      lastOverview = await buildOverview(
        db,
        used.map((m) => ({ raw: files.get(m.file)!.raw, mapping: m, readerRejects: files.get(m.file)!.readerRejects })),
        [...checked.issues, ...built.issues],
        Math.round(performance.now() - t0),
      );
      return { ok: true, value: lastOverview };
    } catch (e) {
      return { ok: false, error: asError(e, 'query') };
    }
  },

  /** Rejected rows of one file as CSV text (reader rejects and canonical rejects). */
  async rejectedRowsCsv(file: string): Promise<string> {
    const db = await getDb();
    const f = files.get(file);
    const id = f ? Number(f.raw.table.replace('raw_', '')) : NaN;
    // lines the CSV reader could not read (line numbers count the header), then rows the mapping dropped
    const reader = Number.isInteger(id)
      ? // rej_<id> is a TEMP table of the ingest connection: the aux connection does not see it
        await run(db, 'ingest', `SELECT line, error_type, error_message, csv_line FROM rej_${id} ORDER BY line LIMIT 1000`).catch(() => [])
      : [];
    const rows = await rejectSample(db, file);
    return toCsv(
      ['line_or_row', 'reason', 'value'],
      [
        ...reader.map((r) => [
          r.line as number,
          `${String(r.error_type).toLowerCase()}: ${String(r.error_message).split('\n')[0]}`,
          r.csv_line as string,
        ]),
        ...rows.map((r) => [r.row, r.reason, r.value]),
      ],
    );
  },

  async memory(): Promise<MemoryInfo> {
    const db = await getDb();
    let duckdbBytes: number | null = null;
    try {
      const [r] = await run(db, 'aux', `SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()`);
      duckdbBytes = r?.b === null || r?.b === undefined ? null : Number(r.b);
    } catch {
      duckdbBytes = null;
    }
    const perf = performance as Performance & { memory?: { usedJSHeapSize: number } };
    return { duckdbBytes, jsHeapBytes: perf.memory?.usedJSHeapSize ?? null };
  },

  ...analysisApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...lifecycleApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...persistApi(),
};

export type AtlasApi = typeof api;
export type { Db };

Comlink.expose(api);
