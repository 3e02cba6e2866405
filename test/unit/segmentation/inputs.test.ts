import { describe, it, expect } from 'vitest';
import { defaultDimension, missingInputs, type DataFacts } from '../../../src/analysis/segmentation/inputs';
import { segmentsEn, segmentsZh } from '../../../src/lib/i18n/segments';

const full: DataFacts = { buyers: 10, amountRows: 30, events: 100, categoryRows: 40, coverage: { age: 0.5, gender: 0.9 } };

describe('missing model inputs', () => {
  it('says so when spend tiers by revenue have no amounts (not "High spend" for all)', () => {
    const noMoney = { ...full, amountRows: 0 };
    expect(missingInputs('spend', { measure: 'revenue' }, noMoney)).toEqual([{ key: 'seg.missing.amount.spend' }]);
    expect(missingInputs('spend', { measure: 'orders' }, noMoney)).toEqual([]);
    expect(missingInputs('rfm11', {}, noMoney)).toEqual([{ key: 'seg.missing.amount.rfm11' }]);
    expect(missingInputs('spend', { measure: 'revenue' }, full)).toEqual([]);
  });

  it('gives a sentence to a model with no input at all', () => {
    const none: DataFacts = { buyers: 0, amountRows: 0, events: 0, categoryRows: 0, coverage: {} };
    expect(missingInputs('rfm8', {}, none)).toEqual([{ key: 'seg.missing.orders' }]);
    expect(missingInputs('activity', {}, none)).toEqual([{ key: 'seg.missing.activity' }]);
    expect(missingInputs('engagement', {}, { ...full, events: 0 })).toEqual([{ key: 'seg.missing.events' }]);
    expect(missingInputs('interest', { topK: 8 }, none)).toEqual([{ key: 'seg.missing.category' }]);
    expect(missingInputs('demographics', { dimension: 'age_band' }, none)).toEqual([{ key: 'seg.missing.profiles' }]);
  });

  it('points a 100 % unknown demographic attribute to one with data, and starts there', () => {
    const noAge = { ...full, coverage: { age: 0, gender: 0, region: 0.7, income: 0.2 } };
    expect(missingInputs('demographics', { dimension: 'age_band' }, noAge)).toEqual([
      { key: 'seg.missing.attribute', vars: { field: 'age_band', suggest: 'region' } },
    ]);
    expect(defaultDimension(noAge)).toBe('region');
    expect(defaultDimension(full)).toBe('age_band');
    expect(defaultDimension({ ...full, coverage: {} })).toBe('age_band');
  });

  it('has every sentence in English and Chinese', () => {
    const keys = [
      'orders',
      'amount.spend',
      'amount.rfm11',
      'amount.rfm8',
      'amount.behaviour',
      'amount.tier',
      'events',
      'activity',
      'category',
      'profiles',
      'attribute',
    ];
    for (const k of keys) {
      expect(segmentsEn[`seg.missing.${k}` as keyof typeof segmentsEn], k).toBeTruthy();
      expect(segmentsZh[`seg.missing.${k}` as keyof typeof segmentsZh], k).toBeTruthy();
    }
  });
});
