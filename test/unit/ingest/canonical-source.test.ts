/**
 * Two-phase ingest on native DuckDB: the file is read again at build time (no raw copy), only a
 * sample is kept as a table, and every reject names the file's own line number, also after lines
 * the reader skipped. The steps are the worker's (`workers/files.ts`), with the same SQL builders.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import { readCsvSql, sampleTableSql } from '../../../src/ingest/canonical-source';
import { loadTwoPhase } from '../../helpers/two-phase';

// Line numbers written beside each line; `*` = skipped by the reader (ragged), `!` = rejected by the build.
const LINES = [
  'id,when,amt', // 1 header
  'a,2024-01-01,1', // 2
  'b,2024-01-02,2,EXTRA', // 3 *  too many fields
  'c,2024-01-03,3', // 4
  'd,soon,4', // 5 !  unparseable timestamp
  'h,2024-01-05,abc', // 6 !  non-numeric amount
  'e,2024-01-06', // 7 *  too few fields
  'f,2024-01-07,x', // 8 !  non-numeric amount
  'g,2024-01-08,8', // 9
  'i,2024-01-10,1,X', // 10 * two skipped lines in a row
  'j,2024-01-11', // 11 *
  'k,never,3', // 12 ! unparseable timestamp
  'l,2024-01-13,13', // 13
];

const mapping = (f: RawFile): FileMapping => ({
  file: f.name,
  table: f.table,
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d'] },
  columns: { id: 'customer_id', when: 'timestamp', amt: 'amount' },
});

describe('two-phase ingest', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'two-phase-'));
    writeFileSync(join(dir, 'o.csv'), LINES.join('\n') + '\n');
    writeFileSync(join(dir, 'clean.csv'), LINES.filter((_, i) => ![2, 6, 9, 10].includes(i)).join('\n') + '\n');
  });

  it('rejects name the file’s own lines after skipped lines; rows read = lines − header − skipped', async () => {
    const conn = await openEmptyDb();
    const f = await loadTwoPhase(conn, join(dir, 'o.csv'), 1);
    expect(f.rows).toBe(13 - 1 - 4);
    expect((await query(conn, 'SELECT DISTINCT line FROM rej_1 ORDER BY line')).map((r) => r.line)).toEqual([3, 7, 10, 11]);
    const built = buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE);
    for (const s of built.statements) await conn.run(s);
    expect(await query(conn, 'SELECT "row", reason, value FROM rejects ORDER BY "row"')).toEqual([
      { row: 5, reason: 'unparseable timestamp', value: 'soon' },
      { row: 6, reason: 'non-numeric amount', value: 'abc' },
      { row: 8, reason: 'non-numeric amount', value: 'x' },
      { row: 12, reason: 'unparseable timestamp', value: 'never' },
    ]);
    // a, c, g, l; order ids fall back to file#line
    expect(await query(conn, 'SELECT customer_id, order_id, amount FROM orders ORDER BY customer_id')).toEqual([
      { customer_id: 'a', order_id: 'o.csv#2', amount: 1 },
      { customer_id: 'c', order_id: 'o.csv#4', amount: 3 },
      { customer_id: 'g', order_id: 'o.csv#9', amount: 8 },
      { customer_id: 'l', order_id: 'o.csv#13', amount: 13 },
    ]);
  });

  it('keeps no raw copy: the sample is a table, the build re-reads the file, empty values counted at load', async () => {
    const conn = await openEmptyDb();
    const f = await loadTwoPhase(conn, join(dir, 'clean.csv'), 2, 'o.csv');
    expect(f.rows).toBe(8);
    expect(f.nulls).toEqual({ id: 0, when: 0, amt: 0 });
    expect(await query(conn, 'SELECT count(*) AS n FROM raw_2')).toEqual([{ n: 8 }]);
    const small = await loadTwoPhase(conn, join(dir, 'clean.csv'), 3, 'o.csv');
    await conn.run(sampleTableSql('raw_3', readCsvSql(join(dir, 'clean.csv')), 3));
    expect(await query(conn, 'SELECT count(*) AS n FROM raw_3')).toEqual([{ n: 3 }]);
    const built = buildCanonical([small], [mapping(small)], DEFAULT_REFUND_RULE);
    for (const s of built.statements) await conn.run(s);
    // all 8 rows were read from the file, not from the 3-row sample; lines count the header
    expect(await query(conn, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 4 }]);
    expect(await query(conn, 'SELECT "row" FROM rejects ORDER BY "row"')).toEqual([{ row: 4 }, { row: 5 }, { row: 6 }, { row: 8 }]);
    // the build's scan parses only the mapped columns (DuckDB pushes the projection into read_csv)
    const plan = await query(conn, `EXPLAIN SELECT __row, "when" FROM ${small.source}`);
    expect(String(plan[0]?.explain_value)).toMatch(/READ_CSV[\s\S]*Projections:\s*when/);
  });
});
