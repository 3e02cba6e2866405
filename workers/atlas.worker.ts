/**
 * The app's worker: owns the one DuckDB instance and exposes a small typed API over Comlink.
 * Pages ask for things (ingest these files, apply this mapping, run this analysis); SQL is built
 * here from the pure modules and only aggregates or one page of rows go back.
 */
import * as Comlink from 'comlink';
import { getDb, exec, run, cancel, onQueryProgress, setTrace, takeTrace, type Db } from './duckdb';
import { loadFile, dropLoadSql, withOneThread, throttled, type Slicing } from './files';
import { registerSlices } from './slices';
import { AtlasError, Cancelled, attempt, toAppError } from './errors';
import { buildOverview, rejectSample } from './overview';
import { overlapSql, shapeOverlaps } from '../src/ingest/overlap';
import { guessMapping } from '../src/ingest/roles';
import { buildCanonical, validateMapping } from '../src/ingest/canonical';
import { DEFAULT_MEMORY_BUDGET } from '../src/ingest/canonical-size';
import type {
  AppError,
  AtlasApi,
  Bundle,
  FileMapping,
  IngestProgress,
  LoadedFile,
  MappingIssue,
  MemoryInfo,
  Overview,
  RawFile,
  RefundRule,
  Result,
  Slot,
} from '../src/atlas-api';
import { analysisApi } from './analysis';
import { dropBases, noteRowPerOrder, supersede } from './query-runner';
import { toCsv } from '../src/lib/csv';
import { lifecycleApi } from './analysis-lifecycle';
import { dropLifeTables } from './lifecycle-tables';
import { valueApi } from './analysis-value';
import { customApi } from './analysis-custom';
import { behaviourApi } from './analysis-behaviour';
import { persistApi } from './persist';
import { zoneRules } from './zones';
import { checkBuildBudget } from './load-budget';
import { buildTables, storageMode } from './storage';
import { buildShare, buildWeights } from '../src/ingest/build-progress';
import { withUserNames } from '../src/ingest/reader-errors';

interface Loaded {
  raw: RawFile;
  readerRejects: number;
  /** the registered file `raw.source` re-reads (two-phase ingest: never a second copy) */
  vname: string;
  /** estimated canonical bytes of the whole file (the memory guard adds these up) */
  estimate: number;
  /** the whole file would not fit: it is built only with a load filter that fits */
  oversize: boolean;
  /** the share of the file the current tables keep (the load filter); 0 while not built */
  kept: number;
  /** the registered text and its dialect, for a build in slices (`workers/slices.ts`); null: read whole */
  slicing: Slicing | null;
}

const files = new Map<string, Loaded>();
let nextId = 1;
let ingestCancelled = false;
let dataVersion = 0;
let memoryBudget = DEFAULT_MEMORY_BUDGET;
/** slices the last build read its big files in (the memory badge shows it to tests) */
let lastSlices = 0;

function uniqueName(name: string): string {
  if (!files.has(name)) return name;
  for (let i = 2; ; i++) {
    const n = `${name} (${i})`;
    if (!files.has(n)) return n;
  }
}

const api = {
  init: (bundle?: Bundle) => attempt(async () => (await getDb(bundle)).info),

  /** Load files into raw tables; each file succeeds or fails on its own, loaded data is never lost. */
  ingest: (list: File[], onProgress?: (p: IngestProgress) => void) => attempt(() => ingest(list, onProgress)),

  /** Debug option (`?membudget=<bytes>`): what the canonical tables may take; tests set a small one. */
  setMemoryBudget: (bytes: number | null) =>
    attempt(async () => {
      memoryBudget = bytes !== null && Number.isFinite(bytes) && bytes > 0 ? bytes : DEFAULT_MEMORY_BUDGET;
      return null;
    }),

  setTrace: (on: boolean) =>
    attempt(async () => {
      setTrace(on === true);
      return null;
    }),

  statements: () => attempt(async () => takeTrace()),

  cancelIngest: () =>
    attempt(async () => {
      ingestCancelled = true;
      await (await getDb()).cancel('ingest').catch(() => false);
      return null;
    }),

  /** SHA-256 (hex) of a file's bytes: the page asks only when a dropped file has a loaded file's size. */
  hashFile: (file: File) =>
    attempt(async () => {
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }),
  removeFile: (name: string) =>
    attempt(async () => {
      const f = files.get(name);
      if (!f) return null;
      files.delete(name);
      const db = await getDb();
      await exec(db, 'ingest', dropLoadSql(Number(f.raw.table.replace('raw_', ''))));
      await db.db.dropFile(f.vname).catch(() => undefined);
      return null;
    }),

  applyMapping: (mappings: FileMapping[], rule: RefundRule, onProgress?: (p: IngestProgress) => void) =>
    applyMapping(mappings, rule, onProgress),

  rejectedRowsCsv: (file: string) => attempt(() => rejectedRowsCsv(file), { code: 'query' }),

  memory: () => attempt(memory),

  cancel: (slot: Slot) =>
    attempt(async () => {
      await supersede(await getDb(), slot);
      return null;
    }),

  ...analysisApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...lifecycleApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...valueApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...customApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...behaviourApi(
    () => getDb(),
    () => dataVersion,
  ),
  ...persistApi(),
} satisfies AtlasApi;

/** Load files into raw tables; each file succeeds or fails on its own, loaded data is never lost. */
async function ingest(list: File[], onProgress?: (p: IngestProgress) => void) {
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
        budget: { limit: memoryBudget, used: [...files.values()].reduce((sum, f) => sum + f.estimate * f.kept, 0) },
        progress: (p) => onProgress?.({ ...p, fileIndex: i, fileCount: list.length }),
      });
      files.set(name, {
        raw: r.raw,
        readerRejects: r.readerRejects,
        vname: r.vname,
        estimate: r.estimate,
        oversize: r.oversize !== null,
        // counted as used from now on; a file too large to load whole counts once its filtered tables are built
        kept: r.oversize ? 0 : 1,
        slicing: r.slicing,
      });
      loaded.push({
        raw: r.raw,
        guess: guessMapping(r.raw),
        encoding: r.encoding,
        bytes: file.size,
        readerRejects: r.readerRejects,
        readerRejectSamples: r.readerRejectSamples,
        loadMs: Math.round(performance.now() - t0),
        oversize: r.oversize,
      });
    } catch (e) {
      await exec(db, 'ingest', dropLoadSql(id)).catch(() => undefined);
      if (e instanceof Cancelled || ingestCancelled) {
        for (const f of list.slice(i))
          errors.push({ ...toAppError(new Cancelled(), { file: f.name }), message: `Loading ${f.name} was cancelled.` });
        break;
      }
      errors.push(toAppError(e, { code: 'parse-error', file: file.name }));
    }
  }
  return { loaded, errors };
}

/** The registered name of each mapped file beside the user's name for it (for reader messages). */
function userNames(used: readonly FileMapping[]): { vname: string; name: string }[] {
  return used.map((m) => ({ vname: files.get(m.file)!.vname, name: m.file }));
}

/** A mapping problem as an error the page translates. */
function mappingError(i: MappingIssue): AppError {
  return new AtlasError('mapping', i.message, { file: i.file, column: i.column, row: i.row, params: { ...i.params, issue: i.code ?? '' } })
    .error;
}

/**
 * Build the canonical tables from the mapping. On any error the previous tables stay as they
 * were (one transaction), so an analysis that worked keeps working.
 */
async function applyMapping(
  mappings: FileMapping[],
  rule: RefundRule,
  onProgress?: (p: IngestProgress) => void,
): Promise<Result<Overview>> {
  const db = await getDb();
  const t0 = performance.now();
  ingestCancelled = false;
  const used = mappings.filter((m) => files.has(m.file));
  const raws = used.map((m) => files.get(m.file)!.raw);
  const checked = validateMapping(raws, used);
  const firstError = checked.issues.find((i) => i.level === 'error');
  if (firstError) return { ok: false, error: mappingError(firstError) };
  // the build re-reads the files, registered by handle: on one thread with the threaded bundle
  let zoned: Awaited<ReturnType<typeof zoneRules>>;
  try {
    // offset tables of the mappings that name an IANA zone, and warnings on disagreeing offsets
    // (these read the files too)
    zoned = await withOneThread(
      db,
      used.some((m) => m.timeZone),
      () => zoneRules(db, raws, used),
    );
  } catch (e) {
    return { ok: false, error: toAppError(e, { code: 'mapping' }) };
  }
  // the memory guard with the load filter: refuse before building, so the previous tables stay
  let budget: Awaited<ReturnType<typeof checkBuildBudget>>;
  try {
    budget = await withOneThread(db, true, () => checkBuildBudget(db, used, files, zoned.zones, memoryBudget));
  } catch (e) {
    return { ok: false, error: toAppError(e, { code: 'mapping' }) };
  }
  // big orders and events files are built in slices, each committed before the next is read
  let sliced: Awaited<ReturnType<typeof registerSlices>>;
  try {
    sliced = await registerSlices(db, used, files, memoryBudget);
  } catch (e) {
    return { ok: false, error: toAppError(e, { code: 'mapping' }) };
  }
  const built = buildCanonical(raws, used, rule, zoned.zones, sliced.slices);
  built.issues.push(...zoned.issues);
  const err = built.issues.find((i) => i.level === 'error');
  if (err) {
    await sliced.drop();
    return { ok: false, error: mappingError(err) };
  }
  let current = '';
  try {
    await withOneThread(db, true, async () => {
      const names = used.map((m) => m.file).join(', ');
      let at = 0;
      const weights = buildWeights(built.statements);
      // never backwards: a late read report of the statement before must not move the bar back
      let shown = 0;
      const report = (fraction: number) => {
        shown = Math.max(shown, fraction);
        onProgress?.({ file: names, fileIndex: 0, fileCount: 1, phase: 'building', fraction: shown });
      };
      // within a statement, how far it has read its file (passes over a file carry the weight)
      // a statement's reads start near 0: a report near the end right after a new statement began is
      // the last read of the statement before, arriving late
      let started = false;
      const stop = onQueryProgress(
        throttled((p) => {
          started ||= p < 0.9;
          if (started) report(buildShare(weights, at, p));
        }),
      );
      try {
        await buildTables(db, budget.mode, built.groups, (i) => {
          current = built.statements[i] ?? '';
          if (ingestCancelled) throw new Cancelled();
          // real progress: the weighted share of build statements done
          at = i;
          started = false;
          report(buildShare(weights, i, 0));
        });
      } finally {
        stop();
      }
    });
  } catch (e) {
    await sliced.drop();
    if (e instanceof Cancelled || ingestCancelled)
      return { ok: false, error: new AtlasError('cancelled', 'Building the tables was cancelled.').error };
    // the build re-reads the registered files: a reader message names the user's file (and part), not `f<id>.csv`
    const named = e instanceof Error ? new Error(withUserNames(e.message, userNames(used))) : e;
    return { ok: false, error: toAppError(named, { code: 'mapping', sql: current }) };
  }
  await sliced.drop();
  lastSlices = sliced.count;
  dataVersion++;
  for (const [name, f] of files) f.kept = budget.kept.get(name) ?? 0;
  // customer bases and lifecycle tables of the old tables are never read again: free their memory now
  await dropBases(db);
  await dropLifeTables(db);
  return attempt(
    async () => {
      const { overview, rowPerOrder } = await buildOverview(
        db,
        used.map((m) => ({ raw: files.get(m.file)!.raw, mapping: m, readerRejects: files.get(m.file)!.readerRejects })),
        // buildCanonical's issues include the check's (each once)
        built.issues,
        Math.round(performance.now() - t0),
      );
      noteRowPerOrder(dataVersion, rowPerOrder);
      // the check reads the registered files again: on one thread with the threaded bundle (a DuckDB
      // thread cannot open a file registered by handle), and a reader message names the user's files
      const shared = overlapSql(raws, used);
      if (shared)
        overview.overlaps = shapeOverlaps(
          await withOneThread(db, true, () => run(db, 'ingest', shared)).catch((e: unknown) => {
            throw e instanceof Error ? new Error(withUserNames(e.message, userNames(used))) : e;
          }),
        );
      return overview;
    },
    { code: 'query' },
  );
}

/** Rejected rows of one file as CSV text (reader rejects and canonical rejects). */
async function rejectedRowsCsv(file: string): Promise<string> {
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
}

async function memory(): Promise<MemoryInfo> {
  const db = await getDb();
  let duckdbBytes: number | null = null;
  try {
    const [r] = await run(db, 'aux', `SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()`);
    duckdbBytes = r?.b === null || r?.b === undefined ? null : Number(r.b);
  } catch {
    duckdbBytes = null;
  }
  const perf = performance as Performance & { memory?: { usedJSHeapSize: number } };
  return { duckdbBytes, jsHeapBytes: perf.memory?.usedJSHeapSize ?? null, storage: storageMode(), slices: lastSlices };
}

export type { Db };

Comlink.expose(api);
