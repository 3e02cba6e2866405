/**
 * Personas in steps: k-means and the silhouette suggestion pause between iterations and rows, so
 * the worker answers other calls while they run (in one piece the suggestion held the worker 1.5 s
 * in Node at a million customers), with the same clustering as ml-kmeans run in one go.
 */
import { describe, it, expect } from 'vitest';
import { kmeans } from 'ml-kmeans';
import { clusterPersonasSteps, clusterPersonas, suggestKSteps, suggestK, SEED } from '../../../src/analysis/value/personas';
import type { Steps } from '../../../src/analysis/value/optimise';

/** Deterministic 2-D points around three centres (a linear congruential generator, no Math.random). */
function points(n: number): number[][] {
  let s = 7;
  const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const centres = [
    [0, 0],
    [4, 1],
    [1, 5],
  ];
  return Array.from({ length: n }, (_, i) => centres[i % 3]!.map((c) => c + u()));
}

/** Run steps to the end, counting the yields. */
function count<T>(steps: Steps<T>): { value: T; yields: number } {
  let yields = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { value: r.value, yields };
    yields++;
  }
}

describe('personas in steps', () => {
  it('k-means yields once per iteration and clusters exactly as ml-kmeans in one go', () => {
    const z = points(3000);
    const one = kmeans(z, 3, { seed: SEED, initialization: 'kmeans++', maxIterations: 300 });
    const { value, yields } = count(clusterPersonasSteps(z, 3));
    expect(yields).toBe(one.iterations);
    // the same centroids (ordered by size in ours) and sizes
    const sizes = [0, 1, 2].map((c) => one.clusters.filter((x) => x === c).length);
    const order = [0, 1, 2].sort((a, b) => sizes[b]! - sizes[a]! || a - b);
    expect(value.centroids).toEqual(order.map((i) => one.centroids[i]));
    expect(value.sizes).toEqual(order.map((i) => sizes[i]));
    expect(clusterPersonas(z, 3)).toEqual(value);
  });

  it('the silhouette suggestion yields at least every 50 sample rows and suggests what it did in one go', () => {
    const z = points(1000);
    const { value, yields } = count(suggestKSteps(z, 5));
    // four k (2…5), each with its k-means iterations and 1000 rows of silhouette in pieces of 50
    expect(yields).toBeGreaterThanOrEqual(4 * (1000 / 50 - 1));
    expect(value.best).toBe(3);
    expect(suggestK(z, 5)).toEqual(value);
  });
});
