/**
 * The three real event logs built into the canonical tables on native DuckDB (the raw loader the
 * dataset tests use, the guessed mapping, the canonical build), for the behaviour tests.
 */
import { expect } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { openEmptyDb } from './duckdb';
import { loadRaw } from './raw-load';
import { guessMapping } from '../../src/ingest/roles';
import { buildCanonical } from '../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping } from '../../src/ingest/mapping';
import { DATASETS as D } from './datasets';

export const EVENT_LOGS = {
  userBehavior: `${D}/tianchi-userbehavior/UserBehavior_head84k.csv`,
  rees46: `${D}/rees46-multicategory/2019-Oct_head17k.csv`,
  mobile: `${D}/tianchi-mobile-recommend/sample_user_behavior.csv`,
} as const;

export const hasLog = (k: keyof typeof EVENT_LOGS) => existsSync(EVENT_LOGS[k]);

/** Build one event log; Tianchi logs are China time (UTC+8), as their READMEs say. */
export async function buildLog(
  k: keyof typeof EVENT_LOGS,
  edit = (m: FileMapping) => m,
): Promise<{ conn: DuckDBConnection; mapping: FileMapping }> {
  const conn = await openEmptyDb();
  const f = await loadRaw(conn, EVENT_LOGS[k], 'raw_1');
  const guessed = guessMapping(f);
  const m = edit(k === 'rees46' ? guessed : { ...guessed, tzOffsetMinutes: 480 });
  const { statements, issues } = buildCanonical([f], [m], DEFAULT_REFUND_RULE);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await conn.run(s);
  return { conn, mapping: m };
}
