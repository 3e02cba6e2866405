/**
 * The optimiser (`optimise.ts`): fmin's Nelder–Mead from several starts, run in chunks that a
 * caller may pause between. Expected optima are worked out by hand (closed forms below).
 */
import { describe, it, expect } from 'vitest';
import { maximise, maximiseSteps, runSteps, runStepsAsync, chunkFor, CHUNK } from '../../../src/analysis/value/optimise';

/**
 * Log-likelihood of a Gamma(k, θ) sample given by its sufficient statistics; for fixed k the MLE
 * of θ is mean/k, and for an exponential (k = 1) that is the sample mean.
 */
const expLL = (mean: number, n: number) => (p: number[]) => {
  const theta = p[0]!;
  return -n * Math.log(theta) - (n * mean) / theta;
};

describe('maximise', () => {
  it('finds a closed-form optimum: exponential rate θ̂ = mean (by hand: mean 7.5 → θ̂ = 7.5, LL = −n(ln 7.5 + 1))', () => {
    const res = maximise(expLL(7.5, 200), [[1], [30], [0.2]], 200);
    expect(res.converged).toBe(true);
    expect(res.agreeing).toBe(3);
    expect(res.params[0]).toBeCloseTo(7.5, 5);
    expect(res.ll).toBeCloseTo(-200 * (Math.log(7.5) + 1), 6);
  });

  it('a two-parameter optimum (μ̂, σ̂ of a normal sample with mean 3, variance 4: σ̂ = 2)', () => {
    // positive parameters only, so μ is fitted as 3 on its own scale; LL = −n ln σ − n(v + (m−μ)²)/(2σ²)
    const n = 50;
    const ll = ([mu, s]: number[]) => -n * Math.log(s!) - (n * (4 + (3 - mu!) ** 2)) / (2 * s! * s!);
    const res = maximise(ll, [
      [1, 1],
      [10, 5],
    ]);
    expect(res.params[0]).toBeCloseTo(3, 5);
    expect(res.params[1]).toBeCloseTo(2, 5);
    expect(res.converged).toBe(true);
  });

  it('a likelihood that grows without bound is not "converged" (the search runs into the e^23 box)', () => {
    const res = maximise((p) => Math.log(p[0]!), [[1], [5]]);
    expect(res.converged).toBe(false);
    expect(res.params[0]).toBeGreaterThan(1e8);
  });

  it('one start alone is not "converged" (no second start agrees)', () => {
    expect(maximise(expLL(7.5, 200), [[1]], 200).converged).toBe(false);
  });

  it('a start where the likelihood is not finite is skipped; with none left the fit fails', () => {
    const ll = (p: number[]) => (p[0]! > 100 ? NaN : expLL(7.5, 10)(p));
    expect(maximise(ll, [[1000], [2], [20]], 10)).toMatchObject({ agreeing: 2, converged: true });
    expect(maximise(() => NaN, [[1], [2]])).toMatchObject({ params: [], converged: false, ll: -Infinity });
  });

  it('pausing between slices does not change the result, and a pause that throws stops the fit', async () => {
    // a slow likelihood so the search spans several slices
    const slow = (p: number[]) => {
      let s = 0;
      for (let i = 1; i <= 2_000; i++) s += Math.log(i) * 1e-12;
      // a curved valley in four dimensions (extended Rosenbrock) takes several chunks of iterations
      let v = s;
      for (let i = 0; i < 3; i++) v -= 100 * (p[i + 1]! - p[i]! ** 2) ** 2 + (1 - p[i]!) ** 2;
      return v;
    };
    const starts = [
      [0.5, 2, 0.5, 2],
      [3, 0.2, 3, 0.2],
    ];
    const sync = runSteps(maximiseSteps(slow, starts, 1));
    let pauses = 0;
    // sliceMs 0: pause after every chunk
    const paused = await runStepsAsync(maximiseSteps(slow, starts, 1, 0), async () => {
      pauses++;
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(pauses).toBeGreaterThan(3);
    expect(paused).toEqual(sync);
    await expect(
      runStepsAsync(maximiseSteps(slow, starts, 1, 5), async () => {
        throw new Error('cancelled');
      }),
    ).rejects.toThrow('cancelled');
  });

  it('a slice shorter than one evaluation still makes progress (each slice runs at least one iteration)', async () => {
    // sliceMs 0: every slice is "over" before its first iteration; this used to resume forever
    const sync = maximise(expLL(7.5, 200), [[1], [30]], 200);
    let pauses = 0;
    const sliced = await runStepsAsync(maximiseSteps(expLL(7.5, 200), [[1], [30]], 200, 0), async () => {
      if (++pauses > 10_000) throw new Error('no progress');
    });
    expect(sliced).toEqual(sync);
  });
});

describe('fmin from npm', () => {
  it('fmin 0.0.4 throws in its shrink step; the optimiser never lets it shrink', async () => {
    const { nelderMead } = await import('fmin/index.js');
    // a rough surface where the contractions fail, so fmin shrinks the simplex, whose loop assigns an
    // undeclared `i`: a ReferenceError in an ES module (checked on fmin's source under plain Node too)
    const rough = ([a, b]: number[]) => Math.sin(1e4 * a!) * Math.cos(1e4 * b!) + (a! * a! + b! * b!) * 1e-3;
    expect(() => nelderMead(rough, [1, 1], { maxIterations: 2000 })).toThrow(ReferenceError);
    // the optimiser on the same surface (negated, positive parameters) returns, though not converged
    expect(() =>
      maximise(
        (p) => -rough(p),
        [
          [1, 1],
          [2, 2],
        ],
      ),
    ).not.toThrow();
  });

  it('finds the bottom of a curved valley (Rosenbrock, by hand: (1, 1)) from two starts', () => {
    const rosen = ([a, b]: number[]) => (1 - a!) ** 2 + 100 * (b! - a! * a!) ** 2;
    const res = maximise(
      (p) => -rosen(p),
      [
        [0.5, 2],
        [3, 0.2],
      ],
    );
    expect(res.converged).toBe(true);
    expect(res.params[0]).toBeCloseTo(1, 3);
    expect(res.params[1]).toBeCloseTo(1, 3);
  });
});

describe('chunks on big data', () => {
  it('fewer iterations between pauses when an evaluation reads many rows; small data unchanged', () => {
    // CDNOW (1,016 distinct summaries) keeps 100 iterations per chunk, so its fit is exactly as before
    expect(chunkFor(1_016)).toBe(CHUNK);
    // a 100,000-customer sample in weeks has ~75,000 distinct summaries: before, 100 iterations
    // (~150 ms unloaded) ran between two pauses; now at most 50
    expect(chunkFor(75_000)).toBeLessThanOrEqual(50);
    expect(chunkFor(75_000)).toBeGreaterThanOrEqual(20);
    // a 4-parameter objective counted between the pauses (sliceMs 0: a pause after every chunk):
    // each iteration evaluates at most twice, plus the first simplex (5) and the flatness check (8)
    const chunk = chunkFor(75_000);
    let evals = 0;
    let most = 0;
    const ll = (p: number[]) => {
      evals++;
      return -p.reduce((s, v, i) => s + (Math.log(v) - i) ** 2, 0);
    };
    const steps = maximiseSteps(ll, [[1, 1, 1, 1]], 1, 0, chunk);
    for (let r = steps.next(); !r.done; r = steps.next()) {
      most = Math.max(most, evals);
      evals = 0;
    }
    expect(most).toBeGreaterThan(chunk);
    expect(most).toBeLessThanOrEqual(2 * chunk + 13);
  });
});
