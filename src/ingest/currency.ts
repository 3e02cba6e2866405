/**
 * Which currency the loaded orders are in, guessed from the files (issue 11 §6): a currency
 * column (`Currency`, `currency_code`, `币种`, `货币`) holding ISO codes, else a symbol or unit
 * written in the mapped amount / price samples (`£12.50`, `12.50元`, `US$ 5`). Pure: the files'
 * samples and mappings in, a code or null out. The user can always choose another one.
 */
import type { FileMapping, RawFile } from './mapping';

const CURRENCY_HEADER = /^\s*(currency|currency[ _-]?code|curr|ccy|货币|币种|币别|结算币种)\s*$/i;

/** Symbols and units that name one currency; `$` alone is ambiguous (USD, CAD, AUD …) and not used. */
const SYMBOLS: [RegExp, string][] = [
  [/£/, 'GBP'],
  [/€/, 'EUR'],
  [/US\$|USD/i, 'USD'],
  [/R\$|BRL/, 'BRL'],
  [/[¥￥]|元|RMB|CNY/i, 'CNY'],
  [/₹|INR/, 'INR'],
  [/₩|KRW/, 'KRW'],
];

/** Common codes offered in the currency picker (any valid ISO code detected is shown too). */
export const COMMON_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CNY',
  'JPY',
  'BRL',
  'INR',
  'KRW',
  'CAD',
  'AUD',
  'CHF',
  'HKD',
  'TWD',
  'SGD',
] as const;

function mostCommon(values: string[]): string | null {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

/** The currency of the order files, or null when nothing in them names one. */
export function detectCurrency(files: readonly RawFile[], mappings: readonly FileMapping[]): string | null {
  const orderFiles = files.filter((f) => {
    const m = mappings.find((x) => x.table === f.table) ?? mappings.find((x) => x.file === f.name);
    return !m || m.role === 'orders' || m.role === 'order_lines' || m.role === 'payments';
  });
  const codes: string[] = [];
  for (const f of orderFiles)
    for (const c of f.columns)
      if (CURRENCY_HEADER.test(c.name))
        for (const v of c.samples) if (v !== null && /^\s*[A-Za-z]{3}\s*$/.test(v)) codes.push(v.trim().toUpperCase());
  if (codes.length) return mostCommon(codes);
  const found: string[] = [];
  for (const f of orderFiles) {
    const m = mappings.find((x) => x.table === f.table) ?? mappings.find((x) => x.file === f.name);
    const money = f.columns.filter((c) => {
      const role = m?.columns[c.name];
      return role === 'amount' || role === 'unit_price' || role === 'extra_amount';
    });
    for (const c of money)
      for (const v of c.samples) {
        if (v === null) continue;
        const hit = SYMBOLS.find(([re]) => re.test(v));
        if (hit) found.push(hit[1]);
      }
  }
  return mostCommon(found);
}
