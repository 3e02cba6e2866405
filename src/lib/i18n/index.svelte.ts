/**
 * One small dictionary for every UI string: English and Simplified Chinese, switchable, defaulting
 * from the browser. `t()` reads the current language reactively.
 */
import { en, type MessageKey } from './en';
import { zh } from './zh';
import { segmentsEn, segmentsZh } from './segments';
import { lifecycleEn, lifecycleZh } from './lifecycle';
import { privacyEn, privacyZh } from './privacy';
import { definitionsEn, definitionsZh } from './definitions';
import { badInputEn, badInputZh } from './bad-input';
import { valueEn, valueZh } from './value';
import { behaviourEn, behaviourZh } from './behaviour';
import { formatMoney, formatNumber, pluralCategory, type MoneyKind } from '../format';
import { errorsEn, errorsZh, errorText, issueText, rejectReasonText } from './errors';
import type { AppError, MappingIssue } from '../../atlas-api';
import { inputEn, inputZh } from './input';
import { customEn, customZh } from './custom';

export type Lang = 'en' | 'zh';
/** Page-specific dictionaries live beside the base one and are merged here. */
const DICTS: Record<Lang, Record<string, string>> = {
  en: {
    ...segmentsEn,
    ...lifecycleEn,
    ...privacyEn,
    ...definitionsEn,
    ...errorsEn,
    ...valueEn,
    ...behaviourEn,
    ...inputEn,
    ...badInputEn,
    ...customEn,
    ...en,
  },
  zh: {
    ...segmentsZh,
    ...lifecycleZh,
    ...privacyZh,
    ...definitionsZh,
    ...errorsZh,
    ...valueZh,
    ...behaviourZh,
    ...inputZh,
    ...badInputZh,
    ...customZh,
    ...zh,
  },
};

function browserLang(): Lang {
  const langs = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return langs.some((l) => l?.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

class I18n {
  lang = $state<Lang>(browserLang());
}

export const i18n = new I18n();

/** Translate a key, filling `{name}` placeholders. Unknown keys fall back to English, then the key. */
export function t(key: MessageKey | (string & {}), vars?: Record<string, string | number>): string {
  const s = DICTS[i18n.lang][key] ?? DICTS.en[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
}

/**
 * Translate a message about a count: `key.one` where the language says "one" (English "1 customer")
 * and that form exists, else `key`; `{n}` is the count formatted.
 */
export function tn(key: MessageKey | (string & {}), n: number, vars?: Record<string, string | number>): string {
  const one = `${key}.one`;
  const use = pluralCategory(n, i18n.lang) === 'one' && one in DICTS[i18n.lang] ? one : key;
  return t(use, { n: fmtNum(n), ...vars });
}

/** Numbers in the current language. */
export function fmtNum(n: number, digits = 0): string {
  return formatNumber(n, i18n.lang, digits);
}

/** Where money formatting reads the currency (set once by `src/state/currency.svelte.ts`). */
let currencySource: () => string | null = () => null;
export function setCurrencySource(source: () => string | null): void {
  currencySource = source;
}

/**
 * Money in the current language (`src/lib/format.ts`): whole units for large totals, cents for
 * per-customer / per-order figures, with the data's currency (or the one given).
 */
export function fmtMoney(n: number, kind: MoneyKind = 'total', currency: string | null = currencySource()): string {
  return formatMoney(n, i18n.lang, kind, currency);
}

export function fmtPct(share: number, digits = 1): string {
  return `${fmtNum(share * 100, digits)} %`;
}

/** An error from the worker in the current language. */
export function tError(e: AppError): string {
  return errorText(t, e);
}

/** A mapping issue in the current language (the view shows the file name once, beside it). */
export function tIssue(i: MappingIssue): string {
  return issueText(t, i);
}

/** A reject reason in the current language. */
export function tReject(reason: string): string {
  return rejectReasonText(t, reason);
}

/** Every dictionary, for the test that English and Chinese have the same keys. */
export const DICTIONARIES = DICTS;
