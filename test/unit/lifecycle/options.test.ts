import { describe, it, expect } from 'vitest';
import { cleanWindows, resolveThresholds } from '../../../src/analysis/lifecycle/options';
import { previousPeriod } from '../../../src/lib/dates';

describe('previousPeriod', () => {
  it('goes back seven days for weeks, across a month end', () => {
    expect(previousPeriod('2026-01-01', 'week')).toBe('2025-12-25');
    expect(previousPeriod('2024-03-05', 'week')).toBe('2024-02-27');
  });
  it('goes back one calendar month, clamping the day to the shorter month', () => {
    expect(previousPeriod('2026-01-01', 'month')).toBe('2025-12-01');
    expect(previousPeriod('2024-03-31', 'month')).toBe('2024-02-29');
    expect(previousPeriod('2025-03-31', 'month')).toBe('2025-02-28');
    expect(previousPeriod('2025-07-31', 'month')).toBe('2025-06-30');
  });
});

describe('resolveThresholds', () => {
  const suggested = { newDays: 40, activeDays: 40, churnDays: 80 };
  it('takes the suggestion where the user left a threshold empty', () => {
    expect(resolveThresholds({ newDays: null, activeDays: null, churnDays: null }, suggested)).toEqual(suggested);
    expect(resolveThresholds({ newDays: 10, activeDays: null, churnDays: 100 }, suggested)).toEqual({
      newDays: 10,
      activeDays: 40,
      churnDays: 100,
    });
  });
  it('doubles A for B when only A was set beyond the suggested B', () => {
    expect(resolveThresholds({ newDays: null, activeDays: 90, churnDays: null }, suggested)).toEqual({
      newDays: 40,
      activeDays: 90,
      churnDays: 180,
    });
  });
  it('refuses a user B that does not exceed A', () => {
    expect(() => resolveThresholds({ newDays: null, activeDays: 60, churnDays: 60 }, suggested)).toThrow(/must exceed/);
    expect(() => resolveThresholds({ newDays: null, activeDays: null, churnDays: 30 }, suggested)).toThrow(/must exceed/);
  });
});

describe('cleanWindows', () => {
  it('sorts, removes duplicates and unusable values', () => {
    expect(cleanWindows([90, 30, 30, 0, 1.5, 60])).toEqual([30, 60, 90]);
    expect(cleanWindows([7])).toEqual([7]);
  });
  it('falls back to 30/60/90 when nothing is usable', () => {
    expect(cleanWindows([-1, Number.NaN])).toEqual([30, 60, 90]);
  });
});
