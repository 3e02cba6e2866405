import { describe, it, expect } from 'vitest';
import { formatMoney, formatNumber, isCurrencyCode, moneyDigits, pluralCategory } from '../../src/lib/format';

describe('number formatting', () => {
  it('drops cents on large totals, keeps them on small totals and per-customer figures', () => {
    expect(moneyDigits(1416355.97, 'total')).toBe(0);
    expect(moneyDigits(-1000, 'total')).toBe(0);
    expect(moneyDigits(999.99, 'total')).toBe(2);
    expect(moneyDigits(1416355.97, 'unit')).toBe(2);
    expect(formatMoney(1416355.97, 'en', 'total')).toBe('1,416,356');
    expect(formatMoney(12.5, 'en', 'unit')).toBe('12.50');
    expect(formatMoney(12.5, 'en', 'total')).toBe('12.50');
    expect(formatNumber(1234.5, 'zh', 1)).toBe('1,234.5');
  });

  it('shows a currency only when it is a real code', () => {
    expect(formatMoney(1416355.97, 'en', 'total', 'GBP')).toBe('£1,416,356');
    expect(formatMoney(3.2, 'en', 'unit', 'USD')).toBe('$3.20');
    expect(formatMoney(3.2, 'zh', 'unit', 'CNY')).toBe('¥3.20');
    expect(isCurrencyCode('GBP')).toBe(true);
    expect(isCurrencyCode('gbp')).toBe(false);
    expect(isCurrencyCode('££')).toBe(false);
    expect(isCurrencyCode(null)).toBe(false);
    expect(formatMoney(5, 'en', 'unit', 'nonsense')).toBe('5.00');
  });

  it('picks the singular for one in English, never in Chinese', () => {
    expect(pluralCategory(1, 'en')).toBe('one');
    expect(pluralCategory(0, 'en')).toBe('other');
    expect(pluralCategory(2, 'en')).toBe('other');
    expect(pluralCategory(1, 'zh')).toBe('other');
  });
});
