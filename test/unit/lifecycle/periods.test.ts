/** Period helpers: day and Sunday-week starts in SQL, period counts, suggestions (dates checked on a calendar). */
import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { sql } from '../../../src/lib/sql';
import { periodStart, periodCount, suggestPeriod, tooFine, checkPeriodCount } from '../../../src/analysis/lifecycle/activity';

describe('periods', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
  });

  it('starts days, Monday weeks and Sunday weeks', async () => {
    const at = async (unit: 'day' | 'week', d: string, ws: 'monday' | 'sunday') => {
      const [r] = await query(db, sql`SELECT CAST(${periodStart(unit, sql`CAST(${d} AS TIMESTAMP)`, ws)} AS VARCHAR) AS p`);
      return r?.p;
    };
    // 2024-01-07 is a Sunday, 2024-01-13 a Saturday
    expect(await at('week', '2024-01-07 23:59:00', 'monday')).toBe('2024-01-01');
    expect(await at('week', '2024-01-07 00:00:00', 'sunday')).toBe('2024-01-07');
    expect(await at('week', '2024-01-13 12:00:00', 'sunday')).toBe('2024-01-07');
    expect(await at('week', '2024-01-08 00:00:00', 'sunday')).toBe('2024-01-07');
    expect(await at('day', '2024-01-08 18:00:00', 'monday')).toBe('2024-01-08');
    expect(() => periodStart('week', sql`x`, 'friday' as never)).toThrow(/invalid week start/);
    expect(() => periodStart('year' as never, sql`x`)).toThrow(/invalid period: year/);
  });

  it('suggests day or week for short data and refuses day over ten years', () => {
    // Tianchi mobile: nine days
    expect(suggestPeriod('2014-12-10', '2014-12-18')).toBe('day');
    expect(suggestPeriod('2024-01-01', '2024-03-01')).toBe('week');
    expect(suggestPeriod('2024-01-01', '2024-06-01')).toBe('month');
    expect(periodCount('day', '2024-01-01', '2024-01-31')).toBe(31);
    expect(periodCount('week', '2024-01-01', '2024-01-14')).toBe(2);
    expect(tooFine('day', '2024-01-01', '2024-12-31')).toBeNull();
    // 2015-01-01 … 2024-12-31 = 3,653 days; 522 weeks; 120 months
    expect(tooFine('day', '2015-01-01', '2024-12-31')).toEqual({ periods: 3653, suggest: 'month' });
    expect(tooFine('day', '2020-01-01', '2024-12-31')).toEqual({ periods: 1827, suggest: 'week' });
    expect(() => checkPeriodCount('day', '2015-01-01', '2024-12-31')).toThrow(
      'period too fine: 3653 day periods from 2015-01-01 to 2024-12-31; use month or a shorter window',
    );
  });
});
