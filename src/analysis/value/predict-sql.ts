/**
 * Per-customer predictions in SQL from fitted parameters passed as bound values: P(alive),
 * expected purchases over the horizon, expected spend per purchase and CLV. The worker fits the
 * models in JS (`bgnbd.ts`, `gamma-gamma.ts`) and hands the numbers to this SQL, so segmentation
 * models and every view built on them read predictions without a JS round trip per customer.
 *
 * Expected purchases (FHL 2005, eq. 10) need the Gaussian hypergeometric function. The SQL sums
 * it after Euler's transformation 2F1(A,B;C;z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z), which turns
 * (α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z) into (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z):
 * the upper parameters no longer grow with x, so the series converges in a few hundred terms for
 * any customer. Tested against @stdlib's hyp2f1 in the JS path.
 *
 * Cost: the series is summed once per distinct (x, T) and month, never per customer, and its
 * coefficients (which depend on x and the term index only) once per distinct x and term (`w`); a
 * million customers have only ~16,000 distinct (x, T) in days over two years.
 *
 * Precision: the coefficient's ratio (A)_j/(C)_j is a running sum of ln((A+i)/(C+i)), not a
 * difference of log-gammas. On the no-drop-out ridge (b in the millions, as fitted at a million
 * generated customers) lgamma(C) is ~1e8, a difference of two such values keeps only ~1e-8, and the
 * leading factor C/(a−1) multiplies that into errors of several per cent; the ratios keep ~1e-15.
 */
import { type Sql, sql } from '../../lib/sql';
import type { BgNbdParams } from './bgnbd';
import type { GammaGammaParams } from './gamma-gamma';
import { DAYS_PER_MONTH } from './clv';
import { seriesTerms } from './series';
import { UNIT_DAYS, type TimeUnit } from './summary';

export interface PredictParams {
  bg: BgNbdParams;
  gg: GammaGammaParams;
  unit: TimeUnit;
  /** CLV horizon and the window of "expected purchases", in months (1–60). */
  months: number;
  /** Monthly discount rate (0 ≤ d < 1). */
  monthlyDiscount: number;
}

/**
 * One row per summary customer: `customer_id, x, t_x, T, m_x, p_alive, exp_purchases, exp_spend,
 * clv`. `summary` is a relation with `customer_id, x, t_x, T, m_x` (see `rfSummary`). Throws when
 * the parameters cannot give finite predictions (a = 1, a + b ≤ r, q ≤ 1, a series too long).
 */
export function predictions(summary: Sql, p: PredictParams): Sql {
  const { r, alpha, a, b } = p.bg;
  const { p: gp, q, gamma } = p.gg;
  if (Math.abs(a - 1) < 1e-9) throw new Error('invalid fit: a = 1');
  if (!(a + b - r > 0)) throw new Error('invalid fit: a + b ≤ r');
  if (!(q > 1)) throw new Error('invalid fit: q ≤ 1');
  const m = DAYS_PER_MONTH / UNIT_DAYS[p.unit];
  const tMax = p.months * m;
  const K = seriesTerms(p.bg, tMax / (alpha + tMax));
  if (K === null) throw new Error('series does not converge');
  // every fitted number as a DOUBLE: DuckDB reads a literal such as 6280603.89739131 as a DECIMAL,
  // and constant DECIMAL arithmetic overflows (a + b with b = 6.3e6 failed at a million customers)
  const d = (v: number): Sql => sql`CAST(${v} AS DOUBLE)`;
  const A = a + b - 1 - r;
  const B = a - 1;
  const popSpend = (gp * gamma) / (q - 1);
  return sql`WITH s AS (${summary}),
g AS (SELECT DISTINCT x, T FROM s),
h AS (SELECT i, i * ${d(m)} AS t, pow(1 + ${d(p.monthlyDiscount)}, -i) AS disc FROM generate_series(1, ${p.months}) AS h(i)),
jt AS (SELECT j, lgamma(${d(B)} + j) - lgamma(${d(a)}) - lgamma(j + 1) AS lc FROM generate_series(1, ${K}) AS jt(j)),
lr AS (
  SELECT xs.x, jt.j, jt.lc,
    coalesce(sum(ln((${d(A)} + jt.j) / (${d(a + b - 1)} + xs.x + jt.j)))
      OVER (PARTITION BY xs.x ORDER BY jt.j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lr
  FROM (SELECT DISTINCT x FROM g) xs, jt),
w AS (SELECT x, j, ${d(A * B)} / (${d(a + b - 1)} + x) * exp(lc + lr) AS w FROM lr),
zt AS (SELECT x, T, i, disc, z, ln(z) AS lz, c FROM (
  SELECT g.x, g.T, h.i, h.disc, h.t / (${d(alpha)} + g.T + h.t) AS z, ${d(a + b - 1)} + g.x AS c FROM g, h)),
ft AS (
  SELECT zt.x, zt.T, zt.i, any_value(zt.disc) AS disc, any_value(zt.z) AS z, any_value(zt.c) AS c,
    1 + sum(w.w * exp(w.j * zt.lz)) AS f
  FROM zt JOIN w ON w.x = zt.x GROUP BY zt.x, zt.T, zt.i),
ey AS (SELECT x, T, i, disc, c / ${d(a - 1)} * (1 - pow(1 - z, ${d(a - 1)}) * f) AS e FROM ft),
dy AS (SELECT x, T, i, disc, e, e - coalesce(lag(e) OVER (PARTITION BY x, T ORDER BY i), 0) AS de FROM ey),
agg AS (SELECT x, T, sum(de * disc) AS dep, max(e) FILTER (WHERE i = ${p.months}) AS e_h FROM dy GROUP BY x, T),
pc AS (
  SELECT s.customer_id, s.x, s.t_x, s.T, s.m_x,
    CASE WHEN s.x > 0 THEN 1 + ${d(a)} / (${d(b - 1)} + s.x) * exp((${d(r)} + s.x) * ln((${d(alpha)} + s.T) / (${d(alpha)} + s.t_x))) ELSE 1 END AS den,
    CASE WHEN s.x > 0 AND s.m_x > 0 THEN ${d(gp)} * (${d(gamma)} + s.x * s.m_x) / (${d(gp)} * s.x + ${d(q - 1)}) ELSE ${d(popSpend)} END AS exp_spend,
    agg.dep, agg.e_h
  FROM s JOIN agg ON agg.x = s.x AND agg.T = s.T)
SELECT customer_id, x, t_x, T, m_x, 1 / den AS p_alive, e_h / den AS exp_purchases, exp_spend, dep / den * exp_spend AS clv
FROM pc`;
}
