/**
 * Personas: k-means (ml-kmeans, k-means++ seeded) on standardised features, a silhouette
 * suggestion for k, and plain-word descriptions of each centroid against all buyers.
 */
import { kmeansGenerator } from 'ml-kmeans';
import type { PersonaFeature } from './persona-features';
import { runSteps, type Steps } from './optimise';

export interface Standardiser {
  means: number[];
  sds: number[];
}

export interface PersonaClusters {
  /** centroids in standardised units, one array per persona, features in the given order */
  centroids: number[][];
  /** sample rows per persona */
  sizes: number[];
  /** within-cluster sum of squares on the sample */
  inertia: number;
}

/** Fixed seed: the same data gives the same personas. */
export const SEED = 42;

/** z-scores; a feature without spread (sd 0) becomes 0 for everyone. */
export function standardise(rows: readonly number[][], s: Standardiser): number[][] {
  return rows.map((row) => row.map((v, j) => ((s.sds[j] ?? 0) > 0 ? (v - (s.means[j] ?? 0)) / (s.sds[j] as number) : 0)));
}

const dist2 = (p: readonly number[], q: readonly number[]) => p.reduce((s, v, i) => s + (v - (q[i] ?? 0)) ** 2, 0);

/**
 * Cluster standardised rows into k personas, ordered by size (largest first) so keys are stable, as
 * steps (`optimise.ts`): one per k-means iteration, so the worker answers other calls between them
 * (k-means on 20,000 rows took 0.6 s in one piece in Node). Same result as ml-kmeans' `kmeans`.
 */
export function* clusterPersonasSteps(z: readonly number[][], k: number): Steps<PersonaClusters> {
  if (!Number.isInteger(k) || k < 2) throw new Error(`invalid k: ${k}`);
  if (k > z.length) throw new Error(`invalid k: ${k} > ${z.length} customers`);
  let res: { clusters: number[]; centroids: number[][] } | null = null;
  for (const r of kmeansGenerator(z as number[][], k, { seed: SEED, initialization: 'kmeans++', maxIterations: 300 })) {
    res = r;
    yield;
  }
  if (!res) throw new Error('k-means ran no iteration');
  const sizes = new Array<number>(k).fill(0);
  let inertia = 0;
  res.clusters.forEach((c, i) => {
    sizes[c]! += 1;
    inertia += dist2(z[i]!, res.centroids[c]!);
  });
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  return { centroids: order.map((i) => res.centroids[i]!), sizes: order.map((i) => sizes[i]!), inertia };
}

/** `clusterPersonasSteps` run to the end. */
export function clusterPersonas(z: readonly number[][], k: number): PersonaClusters {
  return runSteps(clusterPersonasSteps(z, k));
}

/** Rows of the silhouette between two steps (each row reads every other row). */
const SILHOUETTE_ROWS = 50;

/**
 * Mean silhouette of a clustering of `z` (O(n²): call it on a sample of a few thousand rows), as
 * steps every `SILHOUETTE_ROWS` rows. Points alone in their cluster score 0.
 */
export function* silhouetteSteps(z: readonly number[][], centroids: readonly number[][]): Steps<number> {
  const label = z.map((p) => nearest(p, centroids));
  const k = centroids.length;
  let total = 0;
  for (let i = 0; i < z.length; i++) {
    if (i > 0 && i % SILHOUETTE_ROWS === 0) yield;
    const sum = new Array<number>(k).fill(0);
    const cnt = new Array<number>(k).fill(0);
    for (let j = 0; j < z.length; j++) {
      if (i === j) continue;
      sum[label[j]!]! += Math.sqrt(dist2(z[i]!, z[j]!));
      cnt[label[j]!]! += 1;
    }
    const own = label[i]!;
    if (cnt[own] === 0) continue;
    const a = sum[own]! / cnt[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c]! > 0) b = Math.min(b, sum[c]! / cnt[c]!);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return z.length > 0 ? total / z.length : 0;
}

/** `silhouetteSteps` run to the end. */
export function silhouette(z: readonly number[][], centroids: readonly number[][]): number {
  return runSteps(silhouetteSteps(z, centroids));
}

/** Index of the nearest centroid. */
export function nearest(p: readonly number[], centroids: readonly number[][]): number {
  let best = 0;
  let bd = Infinity;
  centroids.forEach((c, i) => {
    const d = dist2(p, c);
    if (d < bd) {
      bd = d;
      best = i;
    }
  });
  return best;
}

/**
 * Silhouette for k = 2 … maxK on a sample; the suggestion is the k with the highest score. As steps
 * (k-means iterations and silhouette rows): in one piece it held the worker 1.5 s in Node.
 */
export function* suggestKSteps(z: readonly number[][], maxK = 8): Steps<{ scores: { k: number; silhouette: number }[]; best: number }> {
  const scores: { k: number; silhouette: number }[] = [];
  for (let k = 2; k <= Math.min(maxK, z.length - 1); k++) {
    const cl = yield* clusterPersonasSteps(z, k);
    scores.push({ k, silhouette: yield* silhouetteSteps(z, cl.centroids) });
  }
  const best = scores.reduce((b, s) => (s.silhouette > b.silhouette ? s : b), scores[0] ?? { k: 2, silhouette: 0 }).k;
  return { scores, best };
}

/** `suggestKSteps` run to the end. */
export function suggestK(z: readonly number[][], maxK = 8): { scores: { k: number; silhouette: number }[]; best: number } {
  return runSteps(suggestKSteps(z, maxK));
}

/** Word keys (i18n `persona.word.<key>`) for one centroid: features at least half a standard deviation from the mean. */
export function personaWords(centroid: readonly number[], features: readonly PersonaFeature[]): string[] {
  const words: string[] = [];
  // strongest deviations first, at most three words per card
  const ranked = features.map((f, i) => ({ f, z: centroid[i] ?? 0 })).sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
  for (const { f, z } of ranked) {
    if (Math.abs(z) < 0.5 || words.length >= 3) continue;
    words.push(`${f}.${z > 0 ? 'high' : 'low'}`);
  }
  return words.length ? words : ['typical'];
}
