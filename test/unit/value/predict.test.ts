/**
 * Predictions: JS formulas against published and hand-worked values, and the SQL (Euler-transformed
 * series, bound parameters) against the JS path (@stdlib's hyp2f1).
 */
import { describe, it, expect } from 'vitest';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { openDb, query } from '../../helpers/duckdb';
import { sql, join } from '../../../src/lib/sql';
import { pAlive, expectedPurchases, expectedPurchasesNew, type BgNbdParams } from '../../../src/analysis/value/bgnbd';
import { expectedSpend } from '../../../src/analysis/value/gamma-gamma';
import { discountedPurchases, DAYS_PER_MONTH } from '../../../src/analysis/value/clv';
import { hyp2f1Series, seriesTerms } from '../../../src/analysis/value/series';
import { predictions } from '../../../src/analysis/value/predict-sql';

// published CDNOW fits (FHL 2005; Fader & Hardie 2013)
const BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('BG/NBD predictions (JS)', () => {
  it('E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226 (FHL 2005, section 5)', () => {
    expect(expectedPurchases(BG, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it('P(alive) by hand: x = 2, t_x = 30.43, T = 38.86', () => {
    // 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) = 1 / (1 + 0.793/3.426 · (43.274/34.844)^2.243)
    // by hand: 43.274/34.844 = 1.24194, ^2.243 = e^(2.243 · 0.21667) = 1.6258, · 0.23146 = 0.37632 → 1/1.37632 = 0.7266
    const ratio = 43.274 / 34.844;
    const want = 1 / (1 + (0.793 / 3.426) * Math.pow(ratio, 2.243));
    expect(pAlive(BG, 2, 30.43, 38.86)).toBeCloseTo(want, 12);
    expect(want).toBeCloseTo(0.7266, 4);
    expect(pAlive(BG, 0, 0, 38.86)).toBe(1);
  });

  it('a customer with x = 0 at T = 0 expects what a new customer expects (eq. 9 = eq. 10 at x = t_x = T = 0)', () => {
    expect(expectedPurchases(BG, 52, 0, 0, 0)).toBeCloseTo(expectedPurchasesNew(BG, 52), 10);
  });

  it('the power series matches @stdlib hyp2f1, before and after Euler’s transformation', () => {
    for (const [x, z] of [
      [0, 0.3],
      [2, 0.47],
      [10, 0.8],
      [30, 0.9],
    ] as const) {
      const direct = hyp2f1(BG.r + x, BG.b + x, BG.a + BG.b + x - 1, z);
      const C = BG.a + BG.b + x - 1;
      const euler = Math.pow(1 - z, C - (BG.r + x) - (BG.b + x)) * hyp2f1Series(C - BG.r - x, C - BG.b - x, C, z);
      expect(euler / direct).toBeCloseTo(1, 9);
      expect(hyp2f1Series(BG.r + x, BG.b + x, C, z) / direct).toBeCloseTo(1, 9);
    }
  });

  it('series length: a few hundred terms for a year in weeks', () => {
    const t = (12 * DAYS_PER_MONTH) / 7;
    const k = seriesTerms(BG, t / (BG.alpha + t))!;
    expect(k).toBeGreaterThan(10);
    expect(k).toBeLessThan(1000);
  });
});

describe('Gamma-Gamma expected spend', () => {
  it('is the weighted mean of the population mean pγ/(q−1) and the customer mean (F&H 2013, eq. 5)', () => {
    const pop = (6.25 * 15.44) / 2.74;
    const w = 2.74 / (6.25 * 3 + 2.74); // weight of the population mean for x = 3
    expect(expectedSpend(GG, 3, 40)).toBeCloseTo(w * pop + (1 - w) * 40, 10);
    expect(expectedSpend(GG, 0, null)).toBeCloseTo(pop, 10);
  });
});

describe('SQL predictions equal the JS path', () => {
  const customers = [
    { id: 'a', x: 0, tx: 0, T: 38.86, mx: null },
    { id: 'b', x: 2, tx: 30.43, T: 38.86, mx: 25.5 },
    { id: 'c', x: 7, tx: 20, T: 35, mx: 40 },
    { id: 'd', x: 1, tx: 2, T: 3, mx: 12 },
    { id: 'e', x: 25, tx: 38, T: 38.5, mx: 10 },
  ];
  const rel = sql`SELECT * FROM (VALUES ${join(customers.map((c) => sql`(${c.id}, ${c.x}, ${c.tx}, ${c.T}, ${c.mx})`))}) AS v(customer_id, x, t_x, T, m_x)`;

  it('P(alive), expected purchases over 12 months, spend and CLV (1 % monthly)', async () => {
    const db = await openDb();
    const rows = await query(db, predictions(rel, { bg: BG, gg: GG, unit: 'week', months: 12, monthlyDiscount: 0.01 }));
    expect(rows).toHaveLength(customers.length);
    const t12 = (12 * DAYS_PER_MONTH) / 7;
    for (const c of customers) {
      const row = rows.find((r) => r.customer_id === c.id)!;
      const spend = expectedSpend(GG, c.x, c.mx);
      expect(row.p_alive as number).toBeCloseTo(pAlive(BG, c.x, c.tx, c.T), 10);
      expect((row.exp_purchases as number) / expectedPurchases(BG, t12, c.x, c.tx, c.T)).toBeCloseTo(1, 8);
      expect((row.exp_spend as number) / spend).toBeCloseTo(1, 10);
      expect((row.clv as number) / (discountedPurchases(BG, 12, 0.01, 7, c.x, c.tx, c.T) * spend)).toBeCloseTo(1, 8);
    }
  });

  it('a fit on the no-drop-out ridge (b in the millions, measured at 1M generated customers) scores everyone accurately', async () => {
    // Before: DuckDB read 6280603.89739131 as a DECIMAL and a + b overflowed ("Casting value to
    // DECIMAL(18,17) failed"), so the page lost its predictions at a million customers; and the
    // series coefficients as differences of log-gammas near 1e8 were off by up to 3.5 %.
    const ridge: BgNbdParams = { r: 0.7432843373559517, alpha: 11.561437919780747, a: 0.03886200397595228, b: 6280603.89739131 };
    // E[Y(t)] (FHL 2005, eq. 10) at t = 12 months in weeks, computed independently with mpmath
    // (40 digits: hyp2f1(r+x, b+x; a+b+x−1; t/(α+T+t)) directly, no Euler transformation)
    const want: Record<string, number> = {
      a: 0.769187002038802,
      b: 2.83888481710558,
      c: 8.67742642686661,
      d: 6.24677888369293,
      e: 26.8319834551077,
    };
    const db = await openDb();
    const rows = await query(db, predictions(rel, { bg: ridge, gg: GG, unit: 'week', months: 12, monthlyDiscount: 0.01 }));
    expect(rows).toHaveLength(customers.length);
    for (const c of customers) {
      const row = rows.find((r) => r.customer_id === c.id)!;
      expect(row.p_alive as number).toBeCloseTo(pAlive(ridge, c.x, c.tx, c.T), 10);
      expect((row.exp_purchases as number) / want[c.id]!).toBeCloseTo(1, 6);
    }
  });

  it('refuses parameters with no finite prediction', () => {
    expect(() => predictions(rel, { bg: { ...BG, a: 1 }, gg: GG, unit: 'week', months: 12, monthlyDiscount: 0 })).toThrow(/a = 1/);
    expect(() => predictions(rel, { bg: BG, gg: { ...GG, q: 0.9 }, unit: 'week', months: 12, monthlyDiscount: 0 })).toThrow(/q/);
  });
});
