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
import { dialectSql, headBuffer, readCsvSql, sampleTableSql, SAMPLE_ROWS, SNIFF_BUFFER_BYTES } from '../../../src/ingest/canonical-source';
import { LONG_LINE_OPTIONS } from '../../../src/ingest/raw-rejects';
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

  it('the sample reads the head with a small buffer and keeps the rows a whole-buffer read keeps', async () => {
    // > 4 MB and > 20,000 rows: quoted breaks, quoted delimiters and ragged lines throughout, long values near the buffer's end
    const lines = ['id;note;amt'];
    for (let i = 0, size = 0; size < SNIFF_BUFFER_BYTES * 1.5; i++) {
      const note = i % 97 === 0 ? `"line ${i}\nnext; part"` : i % 89 === 0 ? `"x;${'y'.repeat(3000)}"` : `n${i}`;
      lines.push(i % 1013 === 0 ? `r${i};ragged;1;2` : `r${i};${note};${i % 50},${i % 7}`);
      size += lines.at(-1)!.length + 1;
    }
    const path = join(dir, 'big-head.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const conn = await openDb();
    const f = await loadTwoPhase(conn, path, 1);
    const whole = f.sourceParts!.readCsv;
    expect(whole).not.toMatch(/buffer_size/);
    const head = whole.replace(/\)$/, `, ${headBuffer([]).join(', ')})`);
    expect(head).toMatch(/buffer_size = 4194304\)$/);
    await conn.run(sampleTableSql('by_default', whole));
    await conn.run(sampleTableSql('by_head', head));
    const a = await query(conn, 'SELECT * FROM by_default ORDER BY __row');
    expect(a).toHaveLength(SAMPLE_ROWS);
    expect(await query(conn, 'SELECT * FROM by_head ORDER BY __row')).toEqual(a);
    // the loader's own sample (raw_1) is that sample too
    expect(await query(conn, 'SELECT * FROM raw_1 ORDER BY __row')).toEqual(a);
    // options that set their own buffer (long lines) keep it
    expect(headBuffer([LONG_LINE_OPTIONS])).toEqual([]);
    expect(dialectSql('f.csv', [LONG_LINE_OPTIONS]).match(/buffer_size/g)).toHaveLength(1);
    expect(headBuffer(['max_line_size = 100'])).toEqual([`buffer_size = ${SNIFF_BUFFER_BYTES}`]);
  });

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
