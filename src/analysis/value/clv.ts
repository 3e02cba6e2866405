/**
 * Customer lifetime value over a horizon: expected purchases in each month from BG/NBD times the
 * Gamma-Gamma expected spend, discounted monthly (the discrete sum lifetimes'
 * `customer_lifetime_value` uses; Fader, Hardie & Lee 2005b for the structure).
 */
import { type BgNbdParams, expectedPurchases } from './bgnbd';

/** Average days per month (365.25 / 12). */
export const DAYS_PER_MONTH = 30.4375;

/**
 * Discounted expected purchases over `months` months: Σ_i (E[Y(i·m)] − E[Y((i−1)·m)]) / (1 + d)^i,
 * with m one month in the model's time unit (`unitDays` days per unit) and d the monthly rate.
 */
export function discountedPurchases(
  p: BgNbdParams,
  months: number,
  monthlyDiscount: number,
  unitDays: number,
  x: number,
  tx: number,
  T: number,
): number {
  const m = DAYS_PER_MONTH / unitDays;
  let prev = 0;
  let s = 0;
  for (let i = 1; i <= months; i++) {
    const cur = expectedPurchases(p, i * m, x, tx, T);
    s += (cur - prev) / Math.pow(1 + monthlyDiscount, i);
    prev = cur;
  }
  return s;
}
