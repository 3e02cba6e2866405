/** Every string the page shows exists in English and in Chinese, with the same placeholders. */
import { describe, it, expect } from 'vitest';
import { DICTIONARIES } from '../../../src/lib/i18n/index.svelte';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('English and Chinese have the same keys', () => {
    const en = Object.keys(DICTIONARIES.en).sort();
    const zh = Object.keys(DICTIONARIES.zh).sort();
    expect(
      en.filter((k) => !zh.includes(k)),
      'missing in Chinese',
    ).toEqual([]);
    expect(
      zh.filter((k) => !en.includes(k)),
      'missing in English',
    ).toEqual([]);
  });

  it('a Chinese text fills the placeholders its English text fills (English may pass a sentence through)', () => {
    const bad: string[] = [];
    for (const [k, zhText] of Object.entries(DICTIONARIES.zh)) {
      const enText = DICTIONARIES.en[k];
      if (enText === undefined || enText === '{message}') continue;
      if (JSON.stringify(placeholders(enText)) !== JSON.stringify(placeholders(zhText))) bad.push(k);
    }
    expect(bad).toEqual([]);
  });
});
