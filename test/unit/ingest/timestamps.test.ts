import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { detectTimestampFormat, timestampExpr, timestampFormatFor, firstUnreadableTime } from '../../../src/ingest/timestamps';
import { raw, inline, type Sql } from '../../../src/lib/sql';
import fc from 'fast-check';
import type { TimestampFormat } from '../../../src/ingest/mapping';

const col = (type: string, ...samples: (string | null)[]) => ({ name: 't', type, samples });

describe('detectTimestampFormat', () => {
  it.each<[string, string[], TimestampFormat | null]>([
    ['VARCHAR', ['2024-03-05 14:03:00', '2024-12-31 23:59:59'], { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] }],
    ['VARCHAR', ['2024-03-05'], { kind: 'strptime', formats: ['%Y-%m-%d'] }],
    ['VARCHAR', ['2024/3/5 14:03', '2024/03/05 14:03:07'], { kind: 'strptime', formats: ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S'] }],
    ['VARCHAR', ['3/25/2024 9:00', '12/01/2024 10:00'], { kind: 'strptime', formats: ['%m/%d/%Y %H:%M'] }],
    ['VARCHAR', ['05/03/2024 14:03', '25/03/2024 09:00'], { kind: 'strptime', formats: ['%d/%m/%Y %H:%M'] }],
    [
      'VARCHAR',
      ['12/06/2010 10:08', '2/20/11 11:39', '02/08/2011 11:07'],
      { kind: 'strptime', formats: ['%m/%d/%Y %H:%M', '%m/%d/%y %H:%M'] },
    ],
    ['VARCHAR', ['2014-12-06 02', '2014-11-18 10'], { kind: 'strptime', formats: ['%Y-%m-%d %H'] }],
    ['VARCHAR', ['2019-10-01 00:00:00 UTC'], { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] }],
    ['VARCHAR', ['2024-03-05T14:03:00+08:00', '2024-03-05T14:03:00Z'], { kind: 'strptime', formats: ['%Y-%m-%dT%H:%M:%S'] }],
    ['VARCHAR', ['2024年3月5日 14:03'], { kind: 'strptime', formats: ['%Y年%m月%d日 %H:%M'] }],
    ['BIGINT', ['1511544070', '1512316763'], { kind: 'epoch_s' }],
    ['BIGINT', ['1511544070000'], { kind: 'epoch_ms' }],
    ['BIGINT', ['19970101', '19980630'], { kind: 'yyyymmdd' }],
    ['VARCHAR', ['19970101'], { kind: 'yyyymmdd' }],
    ['TIMESTAMP', ['2024-03-05 14:03:00'], { kind: 'native' }],
    ['DATE', [], { kind: 'native' }],
    ['BIGINT', ['17850', '12583'], null],
    ['VARCHAR', ['hello', 'world'], null],
    ['VARCHAR', [], null],
  ])('%s %j', (type, samples, expected) => {
    expect(detectTimestampFormat(col(type, ...samples))).toEqual(expected);
  });

  it('needs 80 % of samples to parse', () => {
    expect(detectTimestampFormat(col('VARCHAR', '2024-03-05', 'x', 'y'))).toBeNull();
    expect(detectTimestampFormat(col('VARCHAR', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', 'x'))).toEqual({
      kind: 'strptime',
      formats: ['%Y-%m-%d'],
    });
  });
});

describe('timestampExpr on DuckDB', () => {
  let conn: DuckDBConnection;
  beforeAll(async () => {
    conn = await openDb();
  });
  const run = async (value: string | number, fmt: TimestampFormat, tz = 0) => {
    const expr: Sql = timestampExpr(raw('v'), fmt, tz);
    const lit = typeof value === 'number' ? String(value) : `'${value}'`;
    const rows = await query(
      conn,
      `SELECT strftime(${inline(expr)}, '%Y-%m-%d %H:%M:%S') AS t, typeof(${inline(expr)}) AS ty FROM (SELECT ${lit} AS v)`,
    );
    return rows[0];
  };
  const iso: TimestampFormat = { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] };

  it('keeps the wall clock of texts without zone', async () => {
    expect(await run('2024-03-05 14:03:00', iso, 480)).toEqual({ t: '2024-03-05 14:03:00', ty: 'TIMESTAMP' });
  });
  it('moves texts with a zone to the mapping offset', async () => {
    expect((await run('2024-03-05 14:03:00+0800', iso, 0))?.t).toBe('2024-03-05 06:03:00');
    expect((await run('2024-03-05 14:03:00+0800', iso, 480))?.t).toBe('2024-03-05 14:03:00');
    expect((await run('2024-03-05 14:03:00-05:00', iso, 0))?.t).toBe('2024-03-05 19:03:00');
    expect((await run('2019-10-01 00:00:00 UTC', iso, 480))?.t).toBe('2019-10-01 08:00:00');
    expect((await run('2024-03-05T14:03:00Z', { kind: 'strptime', formats: ['%Y-%m-%dT%H:%M:%S'] }, 480))?.t).toBe('2024-03-05 22:03:00');
  });
  it('epoch seconds and milliseconds, shifted by the offset', async () => {
    // 1511544070 s = 2017-11-24 17:21:10 UTC
    expect(await run(1511544070, { kind: 'epoch_s' }, 0)).toEqual({ t: '2017-11-24 17:21:10', ty: 'TIMESTAMP' });
    expect((await run(1511544070, { kind: 'epoch_s' }, 480))?.t).toBe('2017-11-25 01:21:10');
    expect((await run('1511544070123', { kind: 'epoch_ms' }, 0))?.t).toBe('2017-11-24 17:21:10');
    expect((await run('abc', { kind: 'epoch_s' }, 0))?.t).toBeNull();
  });
  it('YYYYMMDD, hour-only, mixed two- and four-digit years, Chinese', async () => {
    expect((await run(19970101, { kind: 'yyyymmdd' }))?.t).toBe('1997-01-01 00:00:00');
    expect((await run('2014-12-06 02', { kind: 'strptime', formats: ['%Y-%m-%d %H'] }))?.t).toBe('2014-12-06 02:00:00');
    const mixed: TimestampFormat = { kind: 'strptime', formats: ['%m/%d/%Y %H:%M', '%m/%d/%y %H:%M'] };
    expect((await run('2/20/11 11:39', mixed))?.t).toBe('2011-02-20 11:39:00');
    expect((await run('12/06/2010 10:08', mixed))?.t).toBe('2010-12-06 10:08:00');
    expect((await run('2024年3月5日 14:03', { kind: 'strptime', formats: ['%Y年%m月%d日 %H:%M'] }))?.t).toBe('2024-03-05 14:03:00');
  });
  it('bad values give NULL, not an error', async () => {
    expect((await run('not a date', iso))?.t).toBeNull();
    expect((await run('20241399', { kind: 'yyyymmdd' }))?.t).toBeNull();
  });
  it('a value and its trimmed text read the same (values without spaces at the ends skip the trim)', async () => {
    const piece = fc.constantFrom(
      '2024-03-05',
      '0999-01-01',
      ' 10:00',
      ' 10:00:00',
      ':7',
      'T',
      '+08:00',
      '-0500',
      'Z',
      ' UTC',
      ' ',
      '.5',
      'x',
    );
    const batches = fc.sample(
      fc.array(
        fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
        { minLength: 1, maxLength: 50 },
      ),
      { numRuns: 30, seed: 5 },
    );
    const epochs = fc.sample(
      fc.array(
        fc
          .array(fc.constantFrom('1700000000', '1700000000000', '17', ' ', '\t', '.5', '-', 'e3', 'x'), { maxLength: 3 })
          .map((p) => p.join('')),
        { minLength: 1, maxLength: 50 },
      ),
      { numRuns: 10, seed: 6 },
    );
    const formats: [TimestampFormat, string[][]][] = [
      [iso, batches],
      [{ kind: 'strptime', formats: ['%Y-%m-%d', '%Y-%m-%d %H:%M'] }, batches],
      [{ kind: 'epoch_s' }, epochs],
      [{ kind: 'epoch_ms' }, epochs],
    ];
    for (const [fmt, sets] of formats)
      for (const vs of sets) {
        const values = vs.map((v) => `('${v}')`).join(', ');
        const rows = await query(
          conn,
          `SELECT v, CAST(${inline(timestampExpr(raw('v'), fmt, 60))} AS VARCHAR) AS t, CAST(${inline(timestampExpr(raw('trim(v)'), fmt, 60))} AS VARCHAR) AS trimmed FROM (VALUES ${values}, (NULL)) x(v)`,
        );
        for (const r of rows) expect({ v: r.v, t: r.t }).toEqual({ v: r.v, t: r.trimmed });
      }
  });
  it('native columns are cast', async () => {
    const rows = await query(
      conn,
      `SELECT strftime(${inline(timestampExpr(raw('v'), { kind: 'native' }, 480))}, '%Y-%m-%d %H:%M:%S') AS t FROM (SELECT DATE '2024-03-05' AS v)`,
    );
    expect(rows).toEqual([{ t: '2024-03-05 00:00:00' }]);
  });
});

describe('timestampFormatFor (below the detection threshold)', () => {
  it('keeps the formats the readable samples have (3 of 4 dates, one broken by a stray quote)', () => {
    expect(timestampFormatFor(col('VARCHAR', '2024-04-01', '2024-04-02', '2024-04-04', '"2024-04-06'))).toEqual({
      kind: 'strptime',
      formats: ['%Y-%m-%d', '%Y-%m-%d %H:%M:%S'],
    });
  });
  it('is the detected format when detection succeeds', () => {
    expect(timestampFormatFor(col('VARCHAR', '2024-04-01', '2024-04-02'))).toEqual({ kind: 'strptime', formats: ['%Y-%m-%d'] });
  });
  it('is ISO date-time when nothing reads as time', () => {
    expect(timestampFormatFor(col('VARCHAR', 'soon', 'later'))).toEqual({ kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] });
  });
});

describe('firstUnreadableTime', () => {
  it('names the first non-empty sample when no sample reads as time', () => {
    expect(firstUnreadableTime(col('VARCHAR', null, 'soon', 'last tuesday'), null)).toEqual({ row: 2, value: 'soon' });
    // date-shaped but out of range: day 32, month 13, hour 25
    expect(firstUnreadableTime(col('VARCHAR', '32/13/2024 25:61', 'soon'), null)).toEqual({ row: 1, value: '32/13/2024 25:61' });
    expect(firstUnreadableTime(col('VARCHAR', '12/31/2024 23:59', 'soon'), null)).toBeNull();
  });
  it('is null as soon as one sample reads as time, and for numeric formats', () => {
    expect(firstUnreadableTime(col('VARCHAR', 'soon', '2024-01-02'), null)).toBeNull();
    expect(firstUnreadableTime(col('VARCHAR', '1511544070'), null)).toBeNull();
    expect(firstUnreadableTime(col('VARCHAR', 'x'), { kind: 'epoch_s' })).toBeNull();
    expect(firstUnreadableTime(col('TIMESTAMP', 'x'), null)).toBeNull();
  });
});
