/**
 * Builds the canonical tables where they fit (`src/ingest/storage.ts`): plain in the main database,
 * or compressed in an attached in-memory database behind views. One transaction holds the build,
 * so on any error the previous tables stay; the views are swapped in afterwards.
 */
import { exec, run, type Db } from './duckdb';
import { storageSteps, type StorageMode } from '../src/ingest/storage';

let current: StorageMode = 'plain';
let mainName: string | null = null;

/** Where the canonical tables live now (the memory guard counts compressed bytes for them). */
export function storageMode(): StorageMode {
  return current;
}

/**
 * Run the build's statements in one transaction in `mode`; `step(i)` is called before statement i
 * (progress, and Cancel: it may throw). Throws what the build threw, after rolling it back.
 */
export async function buildTables(db: Db, mode: StorageMode, statements: readonly string[], step: (i: number) => void): Promise<void> {
  mainName ??= String((await run(db, 'ingest', 'SELECT current_database() AS d'))[0]?.d ?? 'memory');
  const steps = storageSteps(mode, current, mainName);
  for (const s of steps.before) await exec(db, 'ingest', s);
  try {
    await exec(db, 'ingest', 'BEGIN TRANSACTION');
    const all = [...steps.first, ...statements];
    for (const [i, s] of all.entries()) {
      step(Math.max(0, i - steps.first.length));
      // `run` polls in steps, so Cancel stops a long build within a step
      await run(db, 'ingest', s);
    }
    await exec(db, 'ingest', 'COMMIT');
  } catch (e) {
    await exec(db, 'ingest', 'ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    for (const s of steps.reset) await exec(db, 'ingest', s).catch(() => undefined);
  }
  const previous = current;
  current = mode;
  for (const group of steps.after) {
    if (group.length === 1 && /^(CHECKPOINT|DETACH)/.test(group[0]!)) {
      // housekeeping: compression of the last row groups, or freeing the old store; harmless if it cannot run now
      await exec(db, 'ingest', group[0]!).catch(() => undefined);
      continue;
    }
    try {
      await exec(db, 'ingest', 'BEGIN TRANSACTION');
      for (const s of group) await exec(db, 'ingest', s);
      await exec(db, 'ingest', 'COMMIT');
    } catch (e) {
      await exec(db, 'ingest', 'ROLLBACK').catch(() => undefined);
      current = previous;
      throw e;
    }
  }
}
