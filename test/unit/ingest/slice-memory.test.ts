/**
 * What a sliced build holds at once (docs/data-model.md, "Event logs at scale"): one slice's part,
 * written in place with the events columns and what its checks read, and no copy of the slice's rows for a products lookup when
 * there is no products file. An event log in the Tianchi layout, built in slices into a compressed
 * store on native DuckDB, gives the same tables as the file read whole.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { sliceFiles } from '../../helpers/slice-files';
import { buildCanonical } from '../../../src/ingest/canonical';
import { guessMapping } from '../../../src/ingest/roles';
import { DEFAULT_REFUND_RULE, type FileMapping } from '../../../src/ingest/mapping';
import { sliceTextBytes } from '../../../src/ingest/slices';
import { runStoredBuild, storeName, SLICE_SHARE } from '../../../src/ingest/storage';
import { MEMORY_PER_CSV_BYTE, MIN_ROW_BYTES } from '../../../src/ingest/canonical-size';
import { EVENT_COLUMNS } from '../../../src/ingest/canonical-parts';

/** A headerless Tianchi-layout log: user, item, category, type, epoch seconds (Beijing days). */
function writeLog(dir: string, rows: number): string {
  const types = ['pv', 'pv', 'pv', 'cart', 'fav', 'buy'];
  const lines: string[] = [];
  for (let i = 0; i < rows; i++)
    lines.push(`${1 + ((i * 7) % 97)},${1000 + (i % 311)},${50 + (i % 13)},${types[i % 6]},${1511539200 + i * 37}`);
  const p = join(dir, `log-${rows}.csv`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

async function bare(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
}

const TABLES = `SELECT
  (SELECT md5(string_agg(customer_id || '|' || ts::VARCHAR || '|' || event_type || '|' || raw_type || '|' || product_id || '|' || category,
    ',' ORDER BY ts, customer_id, product_id)) FROM events) AS events,
  (SELECT count(*) FROM events) AS n, (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM customers) AS customers`;

describe('an event log built in slices', () => {
  let dir = '';
  let path = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slice-memory-'));
    path = writeLog(dir, 6000);
  });

  it('holds one slice at a time, with only its mapped columns, and gives the whole read’s tables', async () => {
    const whole = await bare();
    const f = await loadTwoPhase(whole, path, 1);
    const m: FileMapping = { ...guessMapping(f), tzOffsetMinutes: 480 };
    expect(m.role).toBe('events');
    await runStoredBuild({
      exec: (s) => whole.run(s),
      mode: 'plain',
      store: storeName(1),
      previous: null,
      main: 'memory',
      groups: buildCanonical([f], [m], DEFAULT_REFUND_RULE).groups,
    });
    const want = (await query(whole, TABLES))[0]!;
    expect(want.n).toBe(6000);

    const conn = await bare();
    const g = await loadTwoPhase(conn, path, 1);
    const reads = await sliceFiles(conn, g, path, 20_000);
    expect(reads.length).toBeGreaterThanOrEqual(5);
    const built = buildCanonical([g], [{ ...m, table: g.table }], DEFAULT_REFUND_RULE, {}, { [g.name]: reads });
    /** stage tables (or parts) alive when each group starts, and the stage's columns when its checks have run */
    const atBegin: number[] = [];
    const staged: string[][] = [];
    const columns = async (table: string) =>
      (await query(conn, `SELECT column_name AS c FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`)).map((r) =>
        String(r.c),
      );
    const temp = async () =>
      (await query(conn, `SELECT table_name AS t FROM duckdb_tables() WHERE table_name IN ('__slice', '__events_part')`)).length;
    await runStoredBuild({
      exec: async (s) => {
        if (s.startsWith('DELETE FROM __events_part')) staged.push(await columns('__events_part'));
        await conn.run(s);
      },
      admin: async (s) => {
        if (s === 'BEGIN TRANSACTION') atBegin.push(await temp());
        await conn.run(s);
      },
      mode: 'compressed',
      store: storeName(1),
      previous: null,
      main: 'memory',
      groups: built.groups,
    });
    // every group (set-up, each slice, the rest) starts with no slice left over from the one before
    expect(atBegin).toEqual(built.groups.map(() => 0).concat([0]));
    // every slice is written in place: the events columns the file fills (no session, price, channel
    // or variant: the view gives those as NULL) and what its checks read, nothing more
    expect(staged).toHaveLength(reads.length);
    const filled = ['customer_id', 'ts', 'event_type', 'raw_type', 'product_id', 'category', 'source'];
    expect(EVENT_COLUMNS.map(([n]) => n).filter((n) => filled.includes(n))).toEqual(filled);
    for (const cols of staged) expect(cols).toEqual([...filled, 'row', 'ts_raw', '__bad', '__out']);
    expect((await query(conn, TABLES))[0]).toEqual(want);
  }, 60_000);

  it('looks products up only when a products file is loaded (the lookup keeps a copy of the slice for its join)', async () => {
    const conn = await bare();
    const f = await loadTwoPhase(conn, path, 1);
    const m: FileMapping = { ...guessMapping(f), tzOffsetMinutes: 480 };
    const write = buildCanonical([f], [m], DEFAULT_REFUND_RULE).statements.filter((s) =>
      /^(INSERT INTO events|CREATE TABLE __events_part)/.test(s),
    );
    expect(write).toHaveLength(1);
    expect(write[0]).not.toContain('__products');
  });

  it('cuts a file of short lines by what its rows take, not by its bytes alone', () => {
    const budget = 2 * 1024 ** 3;
    // orders (~57 bytes a line): the text decides
    expect(sliceTextBytes(budget, 57)).toBe(Math.floor((budget * SLICE_SHARE) / MEMORY_PER_CSV_BYTE));
    expect(sliceTextBytes(budget)).toBe(sliceTextBytes(budget, 57));
    // an event log (~32 bytes a line): a slice's rows take MIN_ROW_BYTES each
    const events = sliceTextBytes(budget, 32);
    expect(events).toBe(Math.floor((budget * SLICE_SHARE) / (MIN_ROW_BYTES / 32)));
    expect((events / 32) * MIN_ROW_BYTES).toBeLessThanOrEqual(budget * SLICE_SHARE);
  });
});
