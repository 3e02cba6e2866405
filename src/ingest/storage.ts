/**
 * Where the canonical tables live. Plain in-memory tables are the fastest to build and to read;
 * when the data would not leave room for the analyses that way, the same build runs in an attached
 * in-memory database with compression (`ATTACH ':memory:' … (COMPRESS)`), ~6–12× smaller at rest on
 * the data measured (docs/data-model.md; the build's peak is still the plain size) and ~2× slower to
 * build, and the main database gets one view per table, so
 * every analysis reads `orders`, `events`, `customers` … unchanged. The SQL here is run in order by
 * the worker (`workers/storage.ts`) and by the Node tests, on one connection.
 *
 * DuckDB lets one transaction write the temp catalog and one database, not two: the build writes
 * only the store (after `USE`), and the views in the main database are swapped in a second
 * transaction. Everything the build reads besides the files is a TEMP table of the same connection.
 */
import { CANONICAL_TABLES } from './canonical-parts';
import { ident } from '../lib/sql';

export type StorageMode = 'plain' | 'compressed';

/** The attached, compressed in-memory database. */
export const STORE = 'atlas_store';

/**
 * Compressed bytes per plain byte once the build is done (the tables at rest). Measured 0.07–0.16
 * on generated orders (docs/data-model.md); real exports (longer ids, more distinct values) compress
 * less, so the guard assumes 0.2.
 */
export const COMPRESSED_SHARE = 0.2;

/**
 * While the build runs, its one transaction holds the new rows uncompressed (DuckDB compresses them
 * at commit; native DuckDB would spill to disk, DuckDB-WASM cannot): the peak is the plain size.
 * Compressed storage is chosen while that peak stays within this multiple of the budget (the budget
 * keeps room for the analyses, which compressed tables at rest leave free again).
 */
export const BUILD_PEAK_SHARE = 1.25;

/**
 * Plain when the plain estimate fits the budget; compressed when the build's plain-sized peak still
 * fits `BUILD_PEAK_SHARE` × budget (the tables then rest at a fifth of it); else null (filter or refuse).
 */
export function storageFor(plainBytes: number, budget: number): StorageMode | null {
  if (plainBytes <= budget) return 'plain';
  if (plainBytes <= budget * BUILD_PEAK_SHARE && plainBytes * COMPRESSED_SHARE <= budget) return 'compressed';
  return null;
}

/** The SQL around a build of the canonical tables; `main` is the main database's name (`current_database()`). */
export interface StorageSteps {
  /** before the build's transaction (the connection's default database becomes the store) */
  before: string[];
  /** first statements inside the build's transaction */
  first: string[];
  /** after a successful commit, each group in its own transaction (a CHECKPOINT alone, outside one) */
  after: string[][];
  /** always, after the build (committed or rolled back): back to the main database */
  reset: string[];
}

/** What to run around a build in `mode`, when the tables now live in `previous`. */
export function storageSteps(mode: StorageMode, previous: StorageMode, main: string): StorageSteps {
  const m = ident(main).text;
  if (mode === 'plain') {
    return {
      before: [],
      // the views onto the store go in the same transaction as the new tables (both in main)
      first: previous === 'compressed' ? CANONICAL_TABLES.map((t) => `DROP VIEW IF EXISTS ${m}.main.${t}`) : [],
      // the store's copy is no longer read: free it
      after: previous === 'compressed' ? [[`DETACH DATABASE IF EXISTS ${STORE}`]] : [],
      reset: [],
    };
  }
  return {
    before: [`ATTACH IF NOT EXISTS ':memory:' AS ${STORE} (COMPRESS)`, `USE ${STORE}`],
    first: [],
    after: [
      // row groups the build left uncompressed are compressed now (fails harmlessly if a reader is busy)
      [`CHECKPOINT ${STORE}`],
      // plain tables of an earlier build make way for views onto the store
      CANONICAL_TABLES.flatMap((t) => [
        ...(previous === 'plain' ? [`DROP TABLE IF EXISTS ${m}.main.${t}`] : []),
        `CREATE OR REPLACE VIEW ${m}.main.${t} AS SELECT * FROM ${STORE}.main.${t}`,
      ]),
    ],
    reset: [`USE ${m}`],
  };
}
