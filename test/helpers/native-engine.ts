/**
 * The worker's `Engine` on a native DuckDB connection, so worker request code (`workers/analysis*.ts`)
 * runs in Node tests as it runs in the tab: statements serialised, every statement's text logged.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Engine } from '../../workers/engine';
import type { Row } from '../../workers/arrow-rows';
import { query } from './duckdb';

export interface NativeEngine extends Engine {
  /** the text of every statement run, in order */
  readonly log: string[];
}

export function nativeEngine(conn: DuckDBConnection): NativeEngine {
  const log: string[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const one = (text: string, onStart?: () => void): Promise<Row[]> => {
    const next = chain.then(async () => {
      onStart?.();
      log.push(text);
      return (await query(conn, text)) as Row[];
    });
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    log,
    run: (_lane, text, onStart) => one(text, onStart),
    exec: async (_lane, text) => {
      await one(text);
    },
    cancel: async () => false,
  };
}
