/**
 * How many terms the SQL hypergeometric series needs. The SQL sums the Euler-transformed series
 * 2F1(a+b−1−r, a−1; a+b+x−1; z) (see `predict-sql.ts`), whose terms shrink fastest for large x;
 * so the count that makes x = 0 at the largest z converge serves every customer.
 */
import type { BgNbdParams } from './bgnbd';

/** Cap on the series length; past it the sum is reported as not converged. */
export const MAX_TERMS = 5000;

/**
 * Terms needed (≥ 1) until a term falls below 1e-12 of the sum for x = 0 and z = zMax, or null
 * when MAX_TERMS is not enough (z too close to 1: a horizon far longer than α).
 */
export function seriesTerms({ r, a, b }: BgNbdParams, zMax: number): number | null {
  const A = a + b - 1 - r;
  const B = a - 1;
  const C = a + b - 1;
  let term = 1;
  let sum = 1;
  for (let j = 1; j <= MAX_TERMS; j++) {
    term *= ((A + j - 1) * (B + j - 1) * zMax) / ((C + j - 1) * j);
    sum += term;
    // past the point where the term ratio is below 1, a small term means a small tail
    if (j > 5 && Math.abs(term) < 1e-12 * Math.abs(sum)) return j;
  }
  return null;
}

/** The Euler-transformed series summed in JS: 2F1(A, B; C; z) by its power series (for tests and gating). */
export function hyp2f1Series(A: number, B: number, C: number, z: number, maxTerms = MAX_TERMS): number {
  let term = 1;
  let sum = 1;
  for (let j = 1; j <= maxTerms; j++) {
    term *= ((A + j - 1) * (B + j - 1) * z) / ((C + j - 1) * j);
    sum += term;
    if (j > 5 && Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}
