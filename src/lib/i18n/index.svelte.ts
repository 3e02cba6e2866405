/**
 * One small dictionary for every UI string: English and Simplified Chinese, switchable, defaulting
 * from the browser. `t()` reads the current language reactively.
 */
import { en, type MessageKey } from './en';
import { zh } from './zh';
import { segmentsEn, segmentsZh } from './segments';
import { lifecycleEn, lifecycleZh } from './lifecycle';
import { privacyEn, privacyZh } from './privacy';
import { badInputEn, badInputZh } from './bad-input';
import { errorsEn, errorsZh, errorText, issueText, rejectReasonText } from './errors';
import type { AppError, MappingIssue } from '../../atlas-api';

export type Lang = 'en' | 'zh';
/** Page-specific dictionaries live beside the base one and are merged here. */
const DICTS: Record<Lang, Record<string, string>> = {
  en: { ...segmentsEn, ...lifecycleEn, ...privacyEn, ...errorsEn, ...badInputEn, ...en },
  zh: { ...segmentsZh, ...lifecycleZh, ...privacyZh, ...errorsZh, ...badInputZh, ...zh },
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

/** Numbers and money in the current language. */
export function fmtNum(n: number, digits = 0): string {
  return n.toLocaleString(i18n.lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
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
