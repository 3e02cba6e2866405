/**
 * Where the canonical tables live. Every build writes a fresh attached in-memory database (a
 * "store"): plain, the fastest to build and to read, or with compression (`ATTACH ':memory:' …
 * (COMPRESS)`), ~6–12× smaller at rest on the data measured (docs/data-model.md) and ~2× slower to
 * build. The build is committed in parts (`buildCanonical`'s groups: the set-up, each slice of a
 * big file, the rest), each followed by a `CHECKPOINT` that compresses what it added, so a build
 * never holds more than one slice uncompressed (DuckDB-WASM cannot spill to disk). Only after the
 * last part commits does the main database get one view per table onto the new store, so every
 * analysis reads `orders`, `events`, `customers` … unchanged, and the previous store is detached;
 * on an error or Cancel the new store is detached instead and the previous tables stay.
 *
 * DuckDB lets one transaction write the temp catalog and one database, not two: the build writes
 * only the new store (after `USE`), and the views in the main database are swapped in a
 * transaction of their own. Everything the build reads besides the files is a TEMP table of the
 * same connection. The SQL here is run in order by the worker (`workers/storage.ts`) and by the
 * Node tests, on one connection.
 */
import { CANONICAL_TABLES } from './canonical-parts';
import { ident } from '../lib/sql';

export type StorageMode = 'plain' | 'compressed';

/** The store of build number `n` (each build attaches a new one). */
export function storeName(n: number): string {
  return `atlas_store_${Math.floor(n)}`;
}

/**
 * Compressed bytes per plain byte once the build is done (the tables at rest). Measured 0.07–0.16
 * on generated orders (docs/data-model.md); real exports (longer ids, more distinct values) compress
 * less, so the guard assumes 0.2.
 */
export const COMPRESSED_SHARE = 0.2;

/**
 * A slice of a big file (`slices.ts`) is cut so that its plain estimate is this share of the
 * budget. While a slice is built it is in memory about twice (its typed copy `__slice`, and its
 * rows before the `CHECKPOINT` compresses them).
 */
export const SLICE_SHARE = 1 / 8;

/**
 * Plain when the plain estimate fits the budget; compressed when the tables at rest (a fifth of the
 * plain size) plus one slice being built (twice `SLICE_SHARE` of the budget) fit; else null
 * (filter or refuse).
 */
export function storageFor(plainBytes: number, budget: number): StorageMode | null {
  if (plainBytes <= budget) return 'plain';
  if (plainBytes * COMPRESSED_SHARE + 2 * SLICE_SHARE * budget <= budget) return 'compressed';
  return null;
}

/** The SQL around a build into store `store` in `mode`; `main` is the main database's name (`current_database()`). */
export interface StorageSteps {
  /** before the build (the new store is attached and becomes the connection's default database) */
  before: string[];
  /** after each committed part of the build (compressed: what it added is compressed now) */
  checkpoint: string | null;
  /** always, after the build (committed or not): back to the main database */
  reset: string[];
  /** after a failed or cancelled build: the new store is dropped, the previous tables stay */
  abort: string[];
  /** in one transaction after the build: the main database's views onto the new store */
  swap: string[];
  /** after the swap: the previous store is freed */
  after: string[];
}

/** What to run around a build into the new store `store`, when the tables now live in `previous` (null: none yet). */
export function storageSteps(mode: StorageMode, store: string, previous: string | null, main: string): StorageSteps {
  const m = ident(main).text;
  const st = ident(store).text;
  return {
    before: [`ATTACH ':memory:' AS ${st}${mode === 'compressed' ? ' (COMPRESS)' : ''}`, `USE ${st}`],
    checkpoint: mode === 'compressed' ? `CHECKPOINT ${st}` : null,
    reset: [`USE ${m}`],
    abort: [`DETACH DATABASE IF EXISTS ${st}`],
    swap: CANONICAL_TABLES.map((t) => `CREATE OR REPLACE VIEW ${m}.main.${t} AS SELECT * FROM ${st}.main.${t}`),
    after: previous && previous !== store ? [`DETACH DATABASE IF EXISTS ${ident(previous).text}`] : [],
  };
}

/**
 * Statements that only declare, drop or rename (a table with its columns, a drop, a column dropped
 * or a table renamed, a view over a table's parts: none copies rows): they read nothing, so
 * consecutive ones go to DuckDB in one call (`admin`, which takes several statements); each call
 * crossing to DuckDB-WASM's worker costs a few milliseconds, and a build has about thirty of them.
 */
const PLAIN_DDL =
  /^\s*(DROP\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?[\w".]+\s*;?\s*$|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?TABLE\s+[\w".]+\s*\((?![\s\S]*\bSELECT\b)|ALTER\s+TABLE\s+[\w".]+\s+(DROP\s+COLUMN\s+[\w"]+|RENAME\s+TO\s+[\w"]+)\s*;?\s*$)/i;

/** A select list of a canonical view (`canonicalView`): `*`, or columns, casts of columns and typed NULLs. */
const VIEW_LIST = String.raw`(\*|(\w+|CAST\(\w+ AS \w+\) AS \w+)(\s*,\s*(\w+|CAST\(\w+ AS \w+\) AS \w+))*)`;

/** A view over a table's parts: each part's columns, the missing ones as typed NULLs (reads nothing). */
const PARTS_VIEW = new RegExp(
  String.raw`^\s*CREATE\s+OR\s+REPLACE\s+VIEW\s+\w+\s+AS\s+SELECT\s+${VIEW_LIST}\s+FROM\s+\w+(\s+UNION\s+ALL\s+SELECT\s+${VIEW_LIST}\s+FROM\s+\w+)*\s*$`,
  'i',
);

export function isPlainDdl(statement: string): boolean {
  return PLAIN_DDL.test(statement) || PARTS_VIEW.test(statement);
}

/** A build to run with `runStoredBuild`. */
export interface StoredBuild {
  /** runs one statement (the worker: `run`, which Cancel can stop; tests: a native connection) */
  exec: (sql: string) => Promise<unknown>;
  /** runs the statements around them (transactions, ATTACH, USE, the views); default `exec` */
  admin?: (sql: string) => Promise<unknown>;
  mode: StorageMode;
  /** the new store, and the one the tables live in now (null: none yet) */
  store: string;
  previous: string | null;
  main: string;
  /** `buildCanonical`'s groups: each is committed on its own */
  groups: readonly (readonly string[])[];
  /** called before statement i of the flattened groups (progress, and Cancel: it may throw) */
  step?: (i: number) => void;
}

/**
 * The build's sequence, shared by the worker and the Node tests: attach the new store, commit each
 * group (then `CHECKPOINT`), swap the views, detach the previous store. On any error the group is
 * rolled back, the new store detached, the connection is back on the main database, and the error
 * is thrown; the previous tables stay.
 */
export async function runStoredBuild(b: StoredBuild): Promise<void> {
  const steps = storageSteps(b.mode, b.store, b.previous, b.main);
  const admin = b.admin ?? b.exec;
  const quiet = async (s: string) => {
    try {
      await admin(s);
    } catch {
      // housekeeping that may have nothing to do
    }
  };
  try {
    for (const s of steps.before) await admin(s);
    let i = 0;
    for (const group of b.groups) {
      await admin('BEGIN TRANSACTION');
      let ddl: string[] = [];
      const flush = async () => {
        if (ddl.length) await admin(ddl.join(';\n'));
        ddl = [];
      };
      for (const s of group) {
        b.step?.(i++);
        if (isPlainDdl(s)) {
          ddl.push(s);
          continue;
        }
        await flush();
        await b.exec(s);
      }
      await flush();
      await admin('COMMIT');
      // the part's rows rest compressed before the next part is read
      if (steps.checkpoint) await quiet(steps.checkpoint);
    }
    for (const s of steps.reset) await admin(s);
    await admin('BEGIN TRANSACTION');
    for (const s of steps.swap) await admin(s);
    await admin('COMMIT');
  } catch (e) {
    await quiet('ROLLBACK');
    for (const s of [...steps.reset, ...steps.abort]) await quiet(s);
    throw e;
  }
  // the previous store is no longer read: free it
  for (const s of steps.after) await quiet(s);
}
