import { describe, it, expect } from 'vitest';
import { badInputEn, badInputZh } from '../../../src/lib/i18n/bad-input';

describe('bad-input strings', () => {
  it('English and Chinese have the same keys and placeholders', () => {
    expect(Object.keys(badInputZh).sort()).toEqual(Object.keys(badInputEn).sort());
    const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(badInputEn)) expect(vars(badInputZh[k]!), k).toEqual(vars(badInputEn[k]!));
  });
});
