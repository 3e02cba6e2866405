/**
 * Fit time at 100k and 1M customers (run with ATLAS_BENCH_VALUE=1; skipped otherwise, it takes a
 * while). Customers are simulated from a BG/NBD in days, so the fit must also recover the parameters.
 */
import { describe, it, expect } from 'vitest';
import { fitBgNbd, type RfSummary } from '../../../src/analysis/value/bgnbd';

/** Seeded uniform (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gammaSample(u: () => number, shape: number): number {
  // Marsaglia–Tsang; shape < 1 via the boost u^(1/shape)
  if (shape < 1) return gammaSample(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const n = Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
      x = n;
      v = 1 + c * n;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (Math.log(w) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Simulate n customers: first purchase uniform in the last 730 days, purchases on whole days. */
function simulate(n: number, p: { r: number; alpha: number; a: number; b: number }, seed: number): RfSummary[] {
  const u = rng(seed);
  const groups = new Map<string, RfSummary>();
  for (let i = 0; i < n; i++) {
    const T = Math.floor(u() * 730);
    const lambda = gammaSample(u, p.r) / p.alpha;
    const ga = gammaSample(u, p.a);
    const drop = ga / (ga + gammaSample(u, p.b));
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      const day = Math.floor(t);
      if (day > T) break;
      if (day > tx || x === 0) {
        x++;
        tx = day;
      }
      if (u() < drop) break;
    }
    const key = `${x},${tx},${T}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { x, tx: x > 0 ? tx : 0, T, n: 1 });
  }
  return [...groups.values()];
}

describe.skipIf(!process.env.ATLAS_BENCH_VALUE)('BG/NBD fit time (simulated, days)', () => {
  const truth = { r: 0.5, alpha: 30, a: 0.8, b: 2.5 };
  for (const n of [100_000, 1_000_000]) {
    it(`${n.toLocaleString('en')} customers`, { timeout: 3_600_000 }, () => {
      const groups = simulate(n, truth, 7);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const fit = fitBgNbd(groups);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      // CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours
      console.log(
        `n=${n} groups=${groups.length} fit=${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
        fit.params,
      );
      expect(fit.converged).toBe(true);
      expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.1);
    });
  }
});
