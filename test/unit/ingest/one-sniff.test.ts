/**
 * Issue 10: a CSV file is sniffed once, on its head, and every pass (sample, count, build) reads it
 * with that dialect and those columns (`auto_detect = false`), the way a slice is read. The rows, the
 * skipped lines and the columns are the ones the sniffing reader gives, on files whose dialect is
 * not the default: comment lines, `;` with quoted values, a quoted line break and a ragged line.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, query } from '../../helpers/duckdb';
import { readCsvSql } from '../../../src/ingest/canonical-source';
import { loadTwoPhase } from '../../helpers/two-phase';

const dir = mkdtempSync(join(tmpdir(), 'one-sniff-'));

const FILES: Record<string, string[]> = {
  comments: ['# exported 2024-02-01', '# by the shop', 'id,when,amt', 'a,2024-01-01,1', '# a note', 'b,2024-01-02,2'],
  semicolon: ['id;when;amt', 'a;2024-01-01;1,5', 'b;2024-01-02;"2;5"', 'c;2024-01-03;3'],
  quoted: ['id,note,amt', 'a,"one, two",1', 'b,"line one', 'line two",2', 'c,plain,3', 'd,ragged,4,5'],
};

describe('one sniff per file', () => {
  for (const [name, lines] of Object.entries(FILES)) {
    it(`${name}: the sample, the count and the build read with the sniffed dialect and give the sniffing reader's rows`, async () => {
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, lines.join('\n') + '\n');
      const conn = await openDb();
      const f = await loadTwoPhase(conn, path, 1);
      // no pass sniffs again: the build's read fixes the dialect and the columns
      expect(f.sourceParts!.readCsv).toMatch(/auto_detect = false, columns = \{/);
      const auto = await query(conn, `SELECT * FROM ${readCsvSql(path, ['ignore_errors = true'])}`);
      const fixed = await query(conn, `SELECT * FROM ${f.sourceParts!.readCsv}`);
      expect(fixed).toEqual(auto);
      expect(f.rows).toBe(auto.length);
      expect(f.columns.map((c) => c.name)).toEqual(Object.keys(auto[0]!));
    });
  }

  it('the comment lines are not rows, the quoted `;` stays in its value, the quoted line break in its row', async () => {
    const conn = await openDb();
    const c = await loadTwoPhase(conn, join(dir, 'comments.csv'), 1);
    expect(c.rows).toBe(2);
    const p = await loadTwoPhase(conn, join(dir, 'semicolon.csv'), 2);
    expect(p.rows).toBe(3);
    expect(p.columns.find((x) => x.name === 'amt')!.samples).toEqual(['1,5', '2;5', '3']);
    const q = await loadTwoPhase(conn, join(dir, 'quoted.csv'), 3);
    // the ragged line is skipped by the reader (a reject with its line number), the quoted break kept
    expect(q.rows).toBe(3);
    expect(q.columns.find((x) => x.name === 'note')!.samples).toEqual(['one, two', 'line one\nline two', 'plain']);
  });
});
