/**
 * `t()` for the privacy strings that works before `privacy.ts` is merged into the main
 * dictionaries: the main dictionaries win, these fill in. (Kept out of `privacy.ts` so that file
 * stays a plain dictionary that `index.svelte.ts` can import without a cycle.)
 */
import { i18n, t } from './index.svelte';
import { privacyEn, privacyZh } from './privacy';

export function pt(key: string, vars?: Record<string, string | number>): string {
  const main = t(key, vars);
  if (main !== key) return main;
  const s = (i18n.lang === 'zh' ? privacyZh : privacyEn)[key] ?? privacyEn[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
}
