/**
 * The memory guard at build time, with the filtered load (`src/ingest/load-filter.ts`): what each
 * file keeps (one customer in n; a date range's share counted in one pass over a file that would
 * not fit whole) against the budget. Refuses in plain words before the build, so the previous tables
 * stay; answers where the tables go (plain or compressed) and each file's kept share of its estimate,
 * which later loads count as used.
 */
import { run, type Db } from './duckdb';
import { AtlasError } from './errors';
import { buildOverBudget, type BuildShare } from '../src/ingest/canonical-size';
import { keptShareSql } from '../src/ingest/canonical';
import { cleanLoadFilter } from '../src/ingest/load-filter';
import { COMPRESSED_SHARE, type StorageMode } from '../src/ingest/storage';
import type { FileMapping, RawFile } from '../src/atlas-api';
import type { ZoneRule } from '../src/ingest/timezones';

export interface BudgetFile {
  raw: RawFile;
  estimate: number;
  /** the file would not fit whole (`files.ts` guard) */
  oversize: boolean;
}

/** Roles the filtered load applies to (lookups such as products are kept whole). */
const FILTERED_ROLES = new Set<FileMapping['role']>(['orders', 'events', 'customers']);

/** Each mapped file's kept share; throws `needs-filter` (as data for the page) when it would not fit. */
export async function checkBuildBudget(
  db: Db,
  used: readonly FileMapping[],
  files: ReadonlyMap<string, BudgetFile>,
  zones: Readonly<Record<string, ZoneRule>>,
  budget: number,
): Promise<{ mode: StorageMode; kept: Map<string, number> }> {
  const items: BuildShare[] = [];
  for (const m of used) {
    const f = files.get(m.file);
    if (!f) continue;
    let filter: ReturnType<typeof cleanLoadFilter>;
    try {
      filter = FILTERED_ROLES.has(m.role) ? cleanLoadFilter(m.loadFilter) : null;
    } catch (e) {
      throw new AtlasError('mapping', `${m.file}: ${e instanceof Error ? e.message : String(e)}`, { file: m.file });
    }
    let share = filter?.sampleOneIn ? 1 / filter.sampleOneIn : 1;
    // a date range's share is known only by reading the file: worth it only where it decides
    const q = f.oversize ? keptShareSql(f.raw, m, zones[m.file]) : null;
    if (q) {
      const [r] = await run(db, 'ingest', q);
      const n = Number(r?.n ?? 0);
      share *= n > 0 ? Number(r?.kept ?? 0) / n : 1;
    }
    items.push({ file: m.file, need: f.estimate, rows: f.raw.rows, share, filtered: filter !== null });
  }
  const verdict = buildOverBudget(items, budget);
  if (verdict.refusal)
    throw new AtlasError('needs-filter', verdict.refusal.message, { file: verdict.refusal.params.file, params: verdict.refusal.params });
  // what later loads count as used: the kept share of each file's plain estimate, compressed or not
  const scale = verdict.mode === 'compressed' ? COMPRESSED_SHARE : 1;
  return { mode: verdict.mode, kept: new Map(items.map((i) => [i.file, i.share * scale])) };
}
