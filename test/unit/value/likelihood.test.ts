/** The prepared log-likelihoods equal the per-customer formulas summed (they only regroup the work). */
import { describe, it, expect } from 'vitest';
import { ggLogLik, ggLikelihood } from '../../../src/analysis/value/gamma-gamma';
import { bgnbdLogLik, bgnbdLikelihood } from '../../../src/analysis/value/bgnbd';

describe('prepared likelihoods', () => {
  it('Gamma-Gamma: per distinct x log-gamma terms, the same total as Σ ggLogLik', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ x: 1 + (i % 7), mx: 5 + ((i * 37) % 101) / 3 }));
    for (const p of [
      { p: 6.25, q: 3.74, gamma: 15.44 },
      { p: 0.5, q: 1.2, gamma: 300 },
    ]) {
      const want = rows.reduce((s, r) => s + ggLogLik(p, r.x, r.mx), 0);
      expect(ggLikelihood(rows)(p)).toBeCloseTo(want, 8);
    }
  });

  it('BG/NBD: grouped summaries, the same total as Σ n · bgnbdLogLik', () => {
    const rows = Array.from({ length: 300 }, (_, i) => {
      const x = i % 5;
      return { x, tx: x === 0 ? 0 : 3 + (i % 11), T: 20 + (i % 13), n: 1 + (i % 4) };
    });
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const want = rows.reduce((s, r) => s + r.n * bgnbdLogLik(p, r.x, r.tx, r.T), 0);
    expect(bgnbdLikelihood(rows)(p)).toBeCloseTo(want, 8);
  });
});
