/**
 * What the query runner needs from a database: one statement at a time per lane, and a way to
 * interrupt a lane. The worker's DuckDB-WASM (`duckdb.ts`) implements it; unit tests script one.
 */
import type { Row } from './arrow-rows';

/** One connection per lane, so a cancel in one lane does not touch another. */
export type Lane = 'ingest' | 'analysis' | 'aux';

export interface Engine {
  /** One statement on a lane, serialised per lane; `onStart` runs when it is its turn. */
  run(lane: Lane, text: string, onStart?: () => void): Promise<Row[]>;
  exec(lane: Lane, text: string): Promise<void>;
  /** Interrupt whatever runs on a lane. */
  cancel(lane: Lane): Promise<boolean>;
}
