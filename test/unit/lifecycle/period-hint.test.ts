import { describe, it, expect } from 'vitest';
import { thinDataHint, periodsSpanned } from '../../../src/analysis/lifecycle/period-hint';

describe('period hint for thin data', () => {
  it('counts calendar periods touched', () => {
    // 2024-01-29 is a Monday: 29 Jan … 6 Feb touches two Monday weeks and two months
    expect(periodsSpanned('2024-01-29', '2024-02-06', 'week')).toBe(2);
    expect(periodsSpanned('2024-01-29', '2024-02-06', 'month')).toBe(2);
    expect(periodsSpanned('2024-01-01 10:00:00', '2024-01-01 23:00:00', 'week')).toBe(1);
    expect(periodsSpanned('2023-11-15', '2024-02-01', 'month')).toBe(4);
  });

  it('one hint: nine days under monthly or weekly periods suggest day periods', () => {
    // nine days (4 … 12 March 2024): suggestPeriod gives day up to 31 days
    const month = thinDataHint('2024-03-04 08:00:00', '2024-03-12 20:00:00', 'month');
    expect(month).toEqual({ key: 'lifecycle.span.suggest', days: 9, suggest: 'day' });
    expect(thinDataHint('2024-03-04', '2024-03-12', 'week')).toEqual({ key: 'lifecycle.span.suggest', days: 9, suggest: 'day' });
    // day periods: nine days are nine periods, nothing to say
    expect(periodsSpanned('2024-03-04', '2024-03-12', 'day')).toBe(9);
    expect(thinDataHint('2024-03-04', '2024-03-12', 'day')).toBeNull();
  });

  it("the window's activity span, when known, wins over the data's whole range", () => {
    // a year of data, but the window holds 22 days (10 … 31 Dec): day periods
    expect(thinDataHint('2025-01-01', '2025-12-31', 'month', { first: '2025-12-10', last: '2025-12-31' })).toEqual({
      key: 'lifecycle.span.suggest',
      days: 22,
      suggest: 'day',
    });
    // 60 days (1 Mar … 29 Apr 2024, leap year: 31 + 29 = 60): weeks
    expect(thinDataHint(null, null, 'month', { first: '2024-03-01', last: '2024-04-29' })).toEqual({
      key: 'lifecycle.span.suggest',
      days: 60,
      suggest: 'week',
    });
  });

  it('"too short" only when no finer period helps; quiet with enough periods or no dates', () => {
    // one day under day periods: a single period, and nothing finer exists
    expect(thinDataHint('2024-03-04 01:00:00', '2024-03-04 23:00:00', 'day')).toEqual({
      key: 'lifecycle.hint.short',
      days: 1,
      suggest: null,
    });
    expect(thinDataHint('2024-01-01', '2024-12-31', 'month')).toBeNull();
    // 100 days under weeks: suggestPeriod says month (coarser), 15 Monday weeks ≥ 3: quiet
    expect(thinDataHint('2024-03-01', '2024-06-08', 'week')).toBeNull();
    expect(thinDataHint(null, null, 'month')).toBeNull();
  });
});
