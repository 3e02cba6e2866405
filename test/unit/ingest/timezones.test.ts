/**
 * IANA zones applied in SQL from an Intl-derived transition table. Expected local times are worked
 * out from the published 2024 rules: America/New_York EST −05:00 → EDT −04:00 on 10 March at 02:00
 * local (07:00 UTC), back on 3 November at 02:00 EDT (06:00 UTC); Europe/Berlin CET +01:00 → CEST
 * +02:00 on 31 March at 01:00 UTC, back on 27 October at 01:00 UTC.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { sql, join, type Sql } from '../../../src/lib/sql';
import { zoneRule, offsetAt, checkZone, isZone, guessZone, offsetSamples, writtenOffset } from '../../../src/ingest/timezones';
import { timestampExpr, zoneDisagrees } from '../../../src/ingest/timestamps';
import { validateMapping } from '../../../src/ingest/validate';
import { guessMapping } from '../../../src/ingest/roles';
import { issueText } from '../../../src/lib/i18n/errors';
import { definitionsEn, definitionsZh } from '../../../src/lib/i18n/definitions';
import type { TimestampFormat } from '../../../src/ingest/mapping';

const NY = zoneRule('America/New_York', 2024, 2024);
const BERLIN = zoneRule('Europe/Berlin', 2024, 2024);
const ISO_Z: TimestampFormat = { kind: 'strptime', formats: ['%Y-%m-%dT%H:%M:%S'] };

describe('time zones', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
  });
  const conv = async (values: string[], fmt: TimestampFormat, target: Parameters<typeof timestampExpr>[2]) => {
    const rows = await query(
      db,
      sql`SELECT CAST(${timestampExpr(sql`v`, fmt, target)} AS VARCHAR) AS t FROM (VALUES ${join(values.map((v) => sql`(${v})`))}) x(v)`,
    );
    return rows.map((r) => r.t);
  };

  it('derives the transition table from Intl', () => {
    expect(NY).toEqual({
      zone: 'America/New_York',
      initial: -300,
      transitions: [
        { start: '2024-03-10 07:00:00', offset: -240 },
        { start: '2024-11-03 06:00:00', offset: -300 },
      ],
    });
    expect(BERLIN.transitions).toEqual([
      { start: '2024-03-31 01:00:00', offset: 120 },
      { start: '2024-10-27 01:00:00', offset: 60 },
    ]);
    expect(zoneRule('Asia/Shanghai', 2020, 2024)).toEqual({ zone: 'Asia/Shanghai', initial: 480, transitions: [] });
    expect(offsetAt('Asia/Kolkata', Date.UTC(2024, 0, 1))).toBe(330);
  });

  it('spring: the hour that does not exist is skipped (New York, 10 March 2024)', async () => {
    expect(await conv(['2024-03-10T06:59:00Z', '2024-03-10T07:00:00Z', '2024-03-10T12:00:00+00:00'], ISO_Z, NY)).toEqual([
      '2024-03-10 01:59:00',
      '2024-03-10 03:00:00',
      '2024-03-10 08:00:00',
    ]);
    // epoch seconds of the same instants (Date.parse is independent of the code under test)
    const epoch = ['2024-03-10T06:59:00Z', '2024-03-10T07:00:00Z'].map((s) => String(Date.parse(s) / 1000));
    expect(await conv(epoch, { kind: 'epoch_s' }, NY)).toEqual(['2024-03-10 01:59:00', '2024-03-10 03:00:00']);
    expect(await conv(['2024-03-31T00:59:00Z', '2024-03-31T01:00:00Z'], ISO_Z, BERLIN)).toEqual([
      '2024-03-31 01:59:00',
      '2024-03-31 03:00:00',
    ]);
  });

  it('autumn: the repeated hour maps both instants to the same wall clock (Berlin, 27 October 2024)', async () => {
    expect(await conv(['2024-10-27T00:30:00Z', '2024-10-27T01:30:00Z'], ISO_Z, BERLIN)).toEqual([
      '2024-10-27 02:30:00',
      '2024-10-27 02:30:00',
    ]);
    expect(await conv(['2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z'], ISO_Z, NY)).toEqual(['2024-11-03 01:30:00', '2024-11-03 01:30:00']);
  });

  it('a summer evening order lands on the right day (a fixed −05:00 puts it on the day before)', async () => {
    expect(await conv(['2024-07-04T04:30:00Z'], ISO_Z, NY)).toEqual(['2024-07-04 00:30:00']);
    expect(await conv(['2024-07-04T04:30:00Z'], ISO_Z, -300)).toEqual(['2024-07-03 23:30:00']);
    // texts without a zone keep their wall clock
    expect(await conv(['2024-07-04T04:30:00'], ISO_Z, NY)).toEqual(['2024-07-04 04:30:00']);
  });

  it('counts rows whose written offset disagrees with the zone', async () => {
    const values = [
      '2024-01-15 12:00:00-05:00',
      '2024-07-01 12:00:00-05:00',
      '2024-07-01 12:00:00-04:00',
      '2024-07-01 12:00:00Z',
      '2024-07-01 12:00:00',
    ];
    const fmt: TimestampFormat = { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] };
    const cond: Sql = zoneDisagrees(sql`v`, fmt, NY);
    const [r] = await query(
      db,
      sql`SELECT count(*) FILTER (WHERE ${cond}) AS n FROM (VALUES ${join(values.map((v) => sql`(${v})`))}) x(v)`,
    );
    expect(r?.n).toBe(2); // July at −05:00, July at Z
  });

  it('guesses the zone from written offsets', () => {
    expect(writtenOffset('2024-01-15 10:00:00-05:00')).toBe(-300);
    expect(writtenOffset('2024-01-15T10:00:00+0530')).toBe(330);
    expect(writtenOffset('2024-01-15 10:00:00')).toBeNull();
    const g = (...xs: string[]) => guessZone(offsetSamples(xs));
    expect(g('2024-01-15 10:00:00-05:00', '2024-07-15 10:00:00-04:00')).toBe('America/New_York');
    expect(g('2024-01-15 10:00:00+01:00', '2024-07-15 10:00:00+02:00')).toBe('Europe/Berlin');
    expect(g('2024-01-15 10:00:00-07:00', '2024-07-15 10:00:00-07:00')).toBe('America/Phoenix');
    expect(g('2024-01-15 10:00:00-07:00', '2024-07-15 10:00:00-06:00')).toBe('America/Denver');
    expect(g('2024-01-15 10:00:00+08:00')).toBe('Asia/Shanghai');
    expect(g('2024-01-15T10:00:00Z')).toBe('UTC');
    expect(g('2024-01-15 10:00:00')).toBeNull();
  });

  it('rejects unknown zone names, naming the file', () => {
    expect(isZone('Europe/Berlin')).toBe(true);
    expect(isZone('Mars/Olympus')).toBe(false);
    expect(() => checkZone('Mars/Olympus')).toThrow('unknown time zone: Mars/Olympus');
    expect(() => zoneRule('Mars/Olympus', 2024, 2024)).toThrow('unknown time zone: Mars/Olympus');
    const file = {
      name: 'orders.csv',
      table: 'raw_1',
      rows: 1,
      columns: [
        { name: 'id', type: 'VARCHAR', samples: ['a'] },
        { name: 'at', type: 'VARCHAR', samples: ['2024-01-01'] },
      ],
    };
    const m = {
      file: 'orders.csv',
      table: 'raw_1',
      role: 'orders' as const,
      columns: { id: 'customer_id' as const, at: 'timestamp' as const },
      timestampFormat: null,
      tzOffsetMinutes: 0,
      timeZone: 'Mars/Olympus',
    };
    const { issues } = validateMapping([file as never], [m]);
    expect(issues.filter((i) => i.level === 'error').map((i) => i.message)).toEqual([
      'orders.csv: unknown time zone "Mars/Olympus" (use an IANA name such as America/New_York)',
    ]);
    // the page translates the issue from its code (issue 9): both dictionaries have the sentence
    const issue = issues.find((i) => i.code === 'unknown-zone')!;
    expect(issue.params).toEqual({ zone: '"Mars/Olympus"' });
    const fill =
      (dict: Record<string, string>) =>
      (key: string, vars: Record<string, string | number> = {}) =>
        (dict[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
    expect(issueText(fill(definitionsEn), issue)).toBe('unknown time zone "Mars/Olympus" (use an IANA name such as America/New_York)');
    expect(issueText(fill(definitionsZh), issue)).toContain('"Mars/Olympus"');
    expect(Object.keys(definitionsZh).sort()).toEqual(Object.keys(definitionsEn).sort());
  });

  it('the guessed mapping names the zone of the written offsets', () => {
    const file = (times: string[]) => ({
      name: 'orders.csv',
      table: 'raw_1',
      rows: times.length,
      columns: [
        { name: 'customer_id', type: 'VARCHAR', samples: times.map((_, i) => `c${i}`) },
        { name: 'order_id', type: 'VARCHAR', samples: times.map((_, i) => `o${i}`) },
        { name: 'order_time', type: 'VARCHAR', samples: times },
        { name: 'amount', type: 'DOUBLE', samples: times.map(() => '10') },
      ],
    });
    expect(guessMapping(file(['2024-01-15 10:00:00-05:00', '2024-07-15 10:00:00-04:00'])).timeZone).toBe('America/New_York');
    expect(guessMapping(file(['2024-01-15 10:00:00Z', '2024-07-15 10:00:00Z'])).timeZone).toBeUndefined();
    expect(guessMapping(file(['2024-01-15 10:00:00', '2024-07-15 10:00:00'])).timeZone).toBeUndefined();
  });
});
