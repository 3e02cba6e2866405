/**
 * Number formatting rules shared by every view, kept pure (language and currency are arguments) so
 * they are unit-tested in Node; `src/lib/i18n/index.svelte.ts` binds them to the current language.
 *
 * - Money totals (revenue of a segment, of the file) in whole units once they reach 1,000: cents
 *   there are noise. Smaller totals and per-customer / per-order figures (AOV, value per customer)
 *   keep cents.
 * - A currency (ISO 4217 code, e.g. `GBP`, `CNY`) is shown with the amount when one is known.
 */

export type FormatLang = 'en' | 'zh';

/** What a money figure is: a `total` over many customers, or a `unit` figure (per customer / order). */
export type MoneyKind = 'total' | 'unit';

const LOCALE: Record<FormatLang, string> = { en: 'en-US', zh: 'zh-CN' };

/**
 * Formatters are cached: `toLocaleString` with options builds a new `Intl.NumberFormat` on every
 * call (~50 ms per redraw of the Segments page, whose tooltips and tables format thousands of numbers).
 */
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}

/** Totals at or above this magnitude drop cents. */
export const WHOLE_UNITS_FROM = 1000;

/** Decimals for a money figure: 0 for large totals, 2 otherwise. */
export function moneyDigits(n: number, kind: MoneyKind): number {
  return kind === 'total' && Math.abs(n) >= WHOLE_UNITS_FROM ? 0 : 2;
}

/** A plain number with fixed decimals in the language's grouping. */
export function formatNumber(n: number, lang: FormatLang, digits = 0): string {
  return formatter(LOCALE[lang], { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

/** True when `code` is a currency code the browser can format (three letters it accepts). */
export function isCurrencyCode(code: string | null | undefined): code is string {
  if (!code || !/^[A-Z]{3}$/.test(code)) return false;
  try {
    formatter('en-US', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
}

/**
 * Money with the decimals of its kind and, when `currency` is a known code, its symbol or code
 * (`£1,416,356`, `¥12.50`, `CHF 3.20`). Without a currency, the number alone.
 */
export function formatMoney(n: number, lang: FormatLang, kind: MoneyKind, currency: string | null = null): string {
  const digits = moneyDigits(n, kind);
  if (!isCurrencyCode(currency)) return formatNumber(n, lang, digits);
  return formatter(LOCALE[lang], {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(n);
}

const plurals: Record<FormatLang, Intl.PluralRules> = { en: new Intl.PluralRules('en-US'), zh: new Intl.PluralRules('zh-CN') };

/**
 * The plural category of a count in a language (`one` or `other`; Chinese has no plural forms,
 * so always `other`). Used to pick `key.one` / `key.other` messages.
 */
export function pluralCategory(n: number, lang: FormatLang): 'one' | 'other' {
  return plurals[lang].select(n) === 'one' ? 'one' : 'other';
}
