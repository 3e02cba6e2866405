/**
 * Tables the worker builds in customer parts (`src/analysis/parts.ts`): the customer base and its
 * ranks over more than `rowsPerPart()` order lines, the Value request's per-customer summaries with
 * them, and the Lifecycle page's kept tables over more than `rowsPerPart()` customer days. Each is
 * written one statement per part into a compressed in-memory database, checkpointed after each
 * part, so no statement groups every row at once and the result rests compressed like the big
 * tables it comes from; a later statement in parts reads one part's rows by the rowid range it was
 * written to (docs/data-model.md, "Memory at 20M–50M order lines").
 */
import { inline, raw, type Sql } from '../src/lib/sql';
import { PART_ROWS, type Part } from '../src/analysis/parts';
import type { Engine } from './engine';
import type { Job } from './query-runner';

/** The compressed in-memory database that tables built in parts live in. */
export const CACHE = 'atlas_cache';

/** Rows per part of a build in parts; tests set a small one. */
let partRows = PART_ROWS;

/** Set the rows per part of a build in parts (tests); returns the previous value. */
export function setPartRows(n: number): number {
  const was = partRows;
  partRows = n;
  return was;
}

/** The rows per part now in force. */
export function rowsPerPart(): number {
  return partRows;
}

/** `name` qualified with the cache database when it is built in parts (attached on first use), else as it is. */
export async function homeOf(j: Job, name: string, parts: readonly Part[]): Promise<string> {
  if (parts.length <= 1) return name;
  await j.q(`ATTACH IF NOT EXISTS ':memory:' AS ${CACHE} (COMPRESS)`);
  return `${CACHE}.${name}`;
}

/** Compress what the cache database holds (it may fail, harmlessly, while another connection writes). */
export async function compressCache(j: Job): Promise<void> {
  await j.q(`CHECKPOINT ${CACHE}`).catch(() => undefined);
}

/**
 * Where each part's rows sit in a table written by `writeParts`: part i holds the rows whose rowid
 * is in [bounds[i], bounds[i + 1]). Each part is one statement appending to the table, so its rows
 * take the next rowids, and these tables are never updated or deleted from.
 */
export type PartBounds = readonly number[];

/**
 * Write table `name` one statement per part (the first creates it, the others append), checkpointing
 * the cache database after each part when there are several; answers where each part's rows sit
 * (only `[0]` for one part). A failed or superseded part leaves no half-written table behind.
 */
export async function writeParts(db: Engine, j: Job, name: string, parts: readonly Part[], rows: (p: Part) => Sql): Promise<PartBounds> {
  const bounds = [0];
  try {
    for (const [i, p] of parts.entries()) {
      const q = inline(rows(p));
      await j.q(i === 0 ? `CREATE OR REPLACE TABLE ${name} AS ${q}` : `INSERT INTO ${name} ${q}`);
      if (parts.length > 1) {
        await compressCache(j);
        const [c] = await j.q(`SELECT count(*) AS n FROM ${name}`);
        bounds.push(Number(c?.n ?? 0));
      }
    }
  } catch (e) {
    await db.exec('aux', `DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
    throw e;
  }
  return bounds;
}

/**
 * The rows of part `p` of a table written by `writeParts`, as a FROM item: a rowid range, which the
 * scan skips to (each part reads its own row groups, where a filter on `hash(customer_id)` reads
 * every row); the whole table when it was written in one part.
 */
export function rowsOfPart(table: string, bounds: PartBounds, p: Part): Sql {
  // written in one statement: every row
  if (bounds.length <= 1 && p.count <= 1) return raw(table);
  const from = bounds[p.index];
  const to = bounds[p.index + 1];
  if (bounds.length !== p.count + 1 || from === undefined || to === undefined) {
    throw new Error(`invalid part: ${p.index} of ${p.count} for a table written in ${bounds.length - 1}`);
  }
  return raw(`(SELECT * FROM ${table} WHERE rowid >= ${from} AND rowid < ${to})`);
}
