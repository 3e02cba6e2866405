import { describe, expect, it } from 'vitest';
import { openDb } from '../../helpers/duckdb';
import { sliceReadCsv } from '../../../src/ingest/slices';
import { withUserNames } from '../../../src/ingest/reader-errors';

const dialect = { skip: 0, header: true, delim: ',', quote: '"', escape: null, comment: null };

describe('a build error names the user file and the part, never the worker names', () => {
  it('a failed read of a slice says which file and which part', async () => {
    const conn = await openDb();
    // the third slice of the worker file f12.csv, read as the build reads it, but gone (unregistered)
    const read = sliceReadCsv('f12.csv.s2.csv', dialect, ['order_id', 'amount'], []);
    const err = await conn.run(`SELECT count(*) FROM ${read}`).then(
      () => '',
      (e: unknown) => String(e instanceof Error ? e.message : e),
    );
    expect(err).toContain('f12.csv.s2.csv');
    const shown = withUserNames(err, [
      { vname: 'f1.csv', name: 'customers.csv' },
      { vname: 'f12.csv', name: 'orders march.csv' },
    ]);
    expect(shown).toContain('orders march.csv (part 3)');
    expect(shown).not.toMatch(/f\d+\.csv/);
    expect(shown).not.toContain('.s2.csv');
  });

  it('a whole file is named without a part; a message without worker names is unchanged', () => {
    expect(withUserNames('Error reading "f3.csv" at line 4', [{ vname: 'f3.csv', name: 'f1.csv' }])).toBe(
      'Error reading "f1.csv" at line 4',
    );
    expect(withUserNames('no match', [{ vname: 'f3.csv', name: 'x.csv' }])).toBe('no match');
  });
});
