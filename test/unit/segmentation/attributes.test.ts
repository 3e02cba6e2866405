import { describe, it, expect } from 'vitest';
import { query } from '../../helpers/duckdb';
import { setup, segmentsOf, scopeOf } from './setup';
import { demographics, ageBandLabels } from '../../../src/analysis/segmentation/demographics';
import { interest, categoryAffinity } from '../../../src/analysis/segmentation/interest';
import { orderSegmentKeys } from '../../../src/analysis/segmentation/model';
import { breakdown, orderBreakdown, type BreakdownRow } from '../../../src/analysis/breakdown';

const AS_OF = '2024-04-01';

describe('demographics', () => {
  const data = {
    customers: [
      { customer_id: 'd1', age: 30, gender: 'female' },
      { customer_id: 'd2', age: 14, gender: 'male' },
      { customer_id: 'd3', age_band: '19-24' },
      { customer_id: 'd5', age: 60, gender: '' },
      { customer_id: 'd6', age: 55 },
    ],
    orders: [
      { customer_id: 'd1', ts: '2024-03-01', amount: 10 },
      { customer_id: 'd4', ts: '2024-03-01', amount: 20 },
    ],
  };

  it('bands ages (the band as written wins) with unknown for missing values', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, demographics, demographics.defaults, ctx)).toEqual({
      d1: '25-34',
      d2: '<15',
      d3: '19-24',
      d4: 'unknown',
      d5: '55+',
      d6: '55+',
    });
    expect(await segmentsOf(db, demographics, { ...demographics.defaults, ageBands: [18, 30, 50] }, ctx)).toEqual({
      d1: '30-49',
      d2: '<18',
      d3: '19-24',
      d4: 'unknown',
      d5: '50+',
      d6: '50+',
    });
  });

  it('uses other dimensions and the buyers universe', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    expect(await segmentsOf(db, demographics, { ...demographics.defaults, dimension: 'gender' }, ctx)).toEqual({
      d1: 'female',
      d2: 'male',
      d3: 'unknown',
      d4: 'unknown',
      d5: 'unknown',
      d6: 'unknown',
    });
    expect(await segmentsOf(db, demographics, { ...demographics.defaults, universe: 'buyers' }, ctx)).toEqual({
      d1: '25-34',
      d4: 'unknown',
    });
  });

  it('lists computed bands and orders the breakdown ordinally, without empty bands beside written ones', async () => {
    expect(ageBandLabels([15, 25, 35, 45, 55])).toEqual(['<15', '15-24', '25-34', '35-44', '45-54', '55+']);
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rows = (await query(db, breakdown(demographics, demographics.defaults, ctx))) as unknown as BreakdownRow[];
    // the SQL lists every computed band (15-24, 35-44, 45-54 empty); the display leaves the empty ones
    // out, so the written 19-24 no longer stands beside an empty computed 15-24
    expect(rows.filter((r) => r.customers === 0).map((r) => r.segment)).toEqual(['15-24', '35-44', '45-54']);
    expect(orderBreakdown(demographics, rows).map((r) => `${r.segment}=${r.customers}`)).toEqual([
      '<15=1',
      '19-24=1',
      '25-34=1',
      '55+=2',
      'unknown=1',
    ]);
  });

  it('orders Complete Journey income and age bands naturally', () => {
    // labels as written in completejourney demographics.csv (README: income Under 15K … 250K+)
    const income = [
      '35-49K',
      '50-74K',
      '25-34K',
      'Under 15K',
      '15-24K',
      '75-99K',
      '100-124K',
      '125-149K',
      '150-174K',
      '175-199K',
      '200-249K',
      '250K+',
    ];
    expect(orderSegmentKeys(income)).toEqual([
      'Under 15K',
      '15-24K',
      '25-34K',
      '35-49K',
      '50-74K',
      '75-99K',
      '100-124K',
      '125-149K',
      '150-174K',
      '175-199K',
      '200-249K',
      '250K+',
    ]);
    expect(orderSegmentKeys(['65+', '45-54', 'unknown', '19-24', '55-64', '25-34', '35-44'])).toEqual([
      '19-24',
      '25-34',
      '35-44',
      '45-54',
      '55-64',
      '65+',
      'unknown',
    ]);
    // thousands separators and Chinese units
    expect(orderSegmentKeys(['2,000-4,999', '500-999', '1,000-1,999', '5千以上'])).toEqual([
      '500-999',
      '1,000-1,999',
      '2,000-4,999',
      '5千以上',
    ]);
  });

  it('sorts band labels as ordinals', () => {
    expect(orderSegmentKeys(['65+', 'unknown', '19-24', 'Under 15K', '250K+', '5+', 'other', 'abc', '<15', '15K-50K'])).toEqual([
      '5+',
      '<15',
      '19-24',
      '65+',
      'Under 15K',
      '15K-50K',
      '250K+',
      'abc',
      'other',
      'unknown',
    ]);
  });
});

describe('interest', () => {
  const data = {
    orders: [
      { customer_id: 'i1', ts: '2024-03-01', amount: 50, category: 'books' },
      { customer_id: 'i1', ts: '2024-03-02', amount: 20, category: 'toys' },
      { customer_id: 'i2', ts: '2024-03-01', amount: 30, category: 'toys' },
      { customer_id: 'i4', ts: '2024-03-01', amount: 10, category: 'toys' },
      { customer_id: 'i4', ts: '2024-03-01', amount: 10, category: 'books' },
      { customer_id: 'i6', ts: '2024-03-01', amount: 5, category: 'garden' },
    ],
    events: [
      { customer_id: 'i3', ts: '2024-03-01', event_type: 'view', category: 'games' },
      { customer_id: 'i3', ts: '2024-03-02', event_type: 'view', category: 'games' },
      { customer_id: 'i3', ts: '2024-03-03', event_type: 'view', category: 'books' },
    ],
    customers: [{ customer_id: 'i5', gender: 'female' }],
  };

  it('keeps the top K categories, then other and unknown', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    // top categories: books (i1, i4 — tie 10/10 broken by name), toys (i2), games (i3, from events), garden (i6)
    // K = 2: books (2 customers), then games by name among the 1-customer categories
    expect(await segmentsOf(db, interest, { topK: 2 }, ctx)).toEqual({
      i1: 'books',
      i2: 'other',
      i3: 'games',
      i4: 'books',
      i5: 'unknown',
      i6: 'other',
    });
  });

  it('computes category affinity share and lift', async () => {
    const { db, ctx } = await setup(data, scopeOf(AS_OF));
    const rows = await query(db, categoryAffinity(interest, { topK: 2 }, ctx));
    const books = rows.find((r) => r.segment === 'books' && r.category === 'books');
    // books segment (i1, i4) spends 60 on books of its 90; books is 60 of all 125
    expect(books).toMatchObject({ customers: 2, revenue: 60 });
    expect(books?.share).toBeCloseTo(60 / 90, 12);
    expect(books?.lift).toBeCloseTo(60 / 90 / (60 / 125), 12);
  });
});
