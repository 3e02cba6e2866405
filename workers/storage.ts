/**
 * Builds the canonical tables into a fresh store (`src/ingest/storage.ts`): plain or compressed,
 * committed part by part (a `CHECKPOINT` after each in compressed mode), then swapped in behind the
 * main database's views. On any error or Cancel the new store is dropped and the previous tables stay.
 */
import { exec, run, type Db } from './duckdb';
import { runStoredBuild, storeName, type StorageMode } from '../src/ingest/storage';

let current: StorageMode = 'plain';
let store: string | null = null;
let builds = 0;
let mainName: string | null = null;

/** Where the canonical tables live now (the memory guard counts compressed bytes for them). */
export function storageMode(): StorageMode {
  return current;
}

/**
 * Run the build's statement groups in `mode`, each group committed on its own; `step(i)` is called
 * before statement i of the flattened groups (progress, and Cancel: it may throw). Throws what the
 * build threw, after dropping what it made.
 */
export async function buildTables(
  db: Db,
  mode: StorageMode,
  groups: readonly (readonly string[])[],
  step: (i: number) => void,
): Promise<void> {
  mainName ??= String((await run(db, 'ingest', 'SELECT current_database() AS d'))[0]?.d ?? 'memory');
  const next = storeName(++builds);
  // `run` polls in steps, so Cancel stops a long statement within a step
  await runStoredBuild({
    exec: (s) => run(db, 'ingest', s),
    admin: (s) => exec(db, 'ingest', s),
    mode,
    store: next,
    previous: store,
    main: mainName,
    groups,
    step,
  });
  current = mode;
  store = next;
}
