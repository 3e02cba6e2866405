import { describe, it, expect } from 'vitest';
import { segmentsEn, segmentsZh } from '../../src/lib/i18n/segments';
import { lifecycleEn, lifecycleZh } from '../../src/lib/i18n/lifecycle';
import { en } from '../../src/lib/i18n/en';
import { zh } from '../../src/lib/i18n/zh';

describe('dictionaries', () => {
  it('have the same keys in English and Chinese', () => {
    for (const [a, b] of [
      [en, zh],
      [segmentsEn, segmentsZh],
      [lifecycleEn, lifecycleZh],
    ] as const) {
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    }
  });
  it('give every ".one" form its plural beside it', () => {
    const all = { ...en, ...segmentsEn, ...lifecycleEn } as Record<string, string>;
    for (const k of Object.keys(all).filter((k) => k.endsWith('.one'))) expect(all[k.slice(0, -4)], k).toBeTruthy();
  });
});
