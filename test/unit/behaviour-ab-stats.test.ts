/**
 * A/B statistics against independent values computed here with Python/scipy 1.17 (the commands are
 * quoted beside each figure), so the @stdlib distributions and the formulas are both checked.
 */
import { describe, it, expect } from 'vitest';
import {
  twoProportion,
  welch,
  moments,
  bootstrapDiff,
  srm,
  sampleSize,
  minimumDetectable,
  verdict,
} from '../../src/analysis/behaviour/ab-stats';

describe('two-proportion z-test', () => {
  it('control 120/1000, variant 150/1000 (scipy: pooled z, norm.sf; unpooled Wald interval)', () => {
    // z = (p2-p1)/sqrt(pool(1-pool)(1/n1+1/n2)); p = 2*stats.norm.sf(|z|); ci = diff ± norm.ppf(.975)·se
    const e = twoProportion(120, 1000, 150, 1000);
    expect(e.diff).toBeCloseTo(0.03, 12);
    expect(e.relative).toBeCloseTo(0.25, 12);
    expect(e.stat).toBeCloseTo(1.963049807622355, 10);
    expect(e.p).toBeCloseTo(0.04964038686536878, 10);
    expect(e.lo).toBeCloseTo(7.602882129778554e-5, 10);
    expect(e.hi).toBeCloseTo(0.05992397117870221, 10);
    expect(verdict(e)).toBe('better');
    expect(verdict(twoProportion(150, 1000, 120, 1000))).toBe('worse');
    expect(verdict(twoProportion(120, 1000, 125, 1000))).toBe('inconclusive');
  });
  it('refuses an empty group', () => expect(() => twoProportion(0, 0, 1, 10)).toThrow(/no customers/));
});

describe("Welch's t-test", () => {
  it('heavy-tailed revenue (scipy.stats.ttest_ind(b, a, equal_var=False) and its confidence_interval)', () => {
    const a = [0, 0, 0, 12.5, 30, 0, 55.2, 0, 8, 100];
    const b = [0, 20, 0, 0, 41, 75, 0, 0, 3.5, 12, 60];
    const e = welch(moments(a), moments(b));
    expect(e.stat).toBeCloseTo(-0.10074531337841124, 10);
    expect(e.p).toBeCloseTo(0.9208999015914858, 8);
    expect(e.df).toBeCloseTo(17.46889856887506, 8);
    expect(e.lo).toBeCloseTo(-29.404831537068972, 7);
    expect(e.hi).toBeCloseTo(26.719376991614425, 7);
    expect(verdict(e)).toBe('inconclusive');
  });
});

describe('bootstrap interval', () => {
  // numpy, 40,000 resamples: np.quantile(d, [.025, .975]) = [-3.7927, 5.1088]; mean difference 0.6473
  const a = Array.from({ length: 300 }, (_, i) => (i * 37) % 101);
  const b = Array.from({ length: 320 }, (_, i) => ((i * 53) % 97) + 3);
  it('agrees with numpy’s percentile bootstrap within resampling noise, and is the same for the same seed', () => {
    const ci = bootstrapDiff(a, b, 4000, 7);
    expect(ci.lo).toBeGreaterThan(-3.7927 - 0.35);
    expect(ci.lo).toBeLessThan(-3.7927 + 0.35);
    expect(ci.hi).toBeGreaterThan(5.1088 - 0.35);
    expect(ci.hi).toBeLessThan(5.1088 + 0.35);
    expect(bootstrapDiff(a, b, 500, 7)).toEqual(bootstrapDiff(a, b, 500, 7));
    expect(bootstrapDiff(a, b, 500, 8)).not.toEqual(bootstrapDiff(a, b, 500, 7));
  });
});

describe('sample-ratio mismatch', () => {
  it('5,100 vs 4,900 on a 50/50 split: chi² 4, p 0.0455 (scipy.stats.chisquare)', () => {
    const r = srm([5100, 4900], [1, 1]);
    expect(r.chi2).toBeCloseTo(4, 12);
    expect(r.df).toBe(1);
    expect(r.p).toBeCloseTo(0.04550026389635857, 10);
  });
  it('three groups 3,400 / 3,300 / 3,350 on thirds: chi² 1.4925, p 0.4741', () => {
    const r = srm([3400, 3300, 3350], [1, 1, 1]);
    expect(r.chi2).toBeCloseTo(1.492537313432836, 10);
    expect(r.p).toBeCloseTo(0.4741324069602937, 10);
  });
});

describe('sample size and minimum detectable effect', () => {
  it('10 % → 12 % at α 0.05, power 0.8: 3,841 per group (scipy norm.ppf in the Fleiss formula: 3,840.85)', () => {
    expect(sampleSize(0.1, 0.02)).toBe(3841);
    expect(() => sampleSize(0.1, 0)).toThrow(/invalid rates/);
  });
  it('the detectable lift with 3,841 per group is 2 points (inverse of the sample size)', () => {
    expect(minimumDetectable(0.1, 3841)).toBeCloseTo(0.02, 4);
    expect(minimumDetectable(0.1, 1)).toBeNull();
  });
});
