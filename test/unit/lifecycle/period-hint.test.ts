import { describe, it, expect } from 'vitest';
import { periodHint, periodsSpanned } from '../../../src/analysis/lifecycle/period-hint';

describe('period hint for thin data', () => {
  it('counts calendar periods touched', () => {
    // 2024-01-29 is a Monday: 29 Jan … 6 Feb touches two Monday weeks and two months
    expect(periodsSpanned('2024-01-29', '2024-02-06', 'week')).toBe(2);
    expect(periodsSpanned('2024-01-29', '2024-02-06', 'month')).toBe(2);
    expect(periodsSpanned('2024-01-01 10:00:00', '2024-01-01 23:00:00', 'week')).toBe(1);
    expect(periodsSpanned('2023-11-15', '2024-02-01', 'month')).toBe(4);
  });

  it('suggests weeks for nine days under monthly periods', () => {
    // nine days inside one month: one monthly point; weeks 2024-03-04 … 2024-03-12 touch two Mondays
    expect(periodHint('2024-03-04 08:00:00', '2024-03-12 20:00:00', 'month')).toEqual({
      key: 'lifecycle.hint.week',
      days: 9,
      periods: 1,
      suggest: 'week',
    });
    // weekly: still only two weeks, so the data is simply short
    expect(periodHint('2024-03-04', '2024-03-12', 'week')).toEqual({ key: 'lifecycle.hint.short', days: 9, periods: 2, suggest: null });
  });

  it('stays quiet with enough periods or no dates', () => {
    expect(periodHint('2024-01-01', '2024-12-31', 'month')).toBeNull();
    expect(periodHint('2024-03-01', '2024-03-25', 'week')).toBeNull();
    expect(periodHint(null, null, 'month')).toBeNull();
  });
});
