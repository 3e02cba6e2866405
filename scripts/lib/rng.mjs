/**
 * Seeded pseudo-random numbers for the data generators: same seed → same sequence → byte-identical
 * files. sfc32 (128-bit state, fast in JS, passes PractRand) seeded through splitmix32 so that
 * neighbouring seeds (1, 2, 3 …) give unrelated streams.
 */

/** splitmix32 step: used only to spread a small seed over sfc32's four state words. */
function splitmix32(state) {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded random source with the few distributions the generators need. */
export class Rng {
  #a;
  #b;
  #c;
  #d;
  #spare = null;

  /** @param {number} seed any integer; @param {number} [stream] independent sub-stream id */
  constructor(seed, stream = 0) {
    const mix = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x632be5ab));
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = mix();
    for (let i = 0; i < 12; i++) this.next(); // warm up: early sfc32 outputs correlate with the seed
  }

  /** Uniform float in [0, 1). */
  next() {
    let a = this.#a,
      b = this.#b,
      c = this.#c,
      d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  range(lo, hi) {
    return lo + (hi - lo) * this.next();
  }

  /** True with probability p. */
  chance(p) {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller, second value kept for the next call). */
  normal() {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with the given median and log-space sigma. */
  lognormal(median, sigma) {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exp(mean) {
    return -mean * Math.log(1 - this.next());
  }

  /** Lomax (Pareto II) draw ≥ 0 with shape alpha: heavy right tail, mean 1/(alpha-1). */
  lomax(alpha) {
    return Math.pow(1 - this.next(), -1 / alpha) - 1;
  }

  /** Poisson count (Knuth; fine for the small means used here). */
  poisson(mean) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** One element of a non-empty array, uniformly. */
  pick(items) {
    return items[this.int(items.length)];
  }

  /** Index drawn from a cumulative-weight table built by `cumulative()`. */
  weighted(cum) {
    const x = this.next() * cum[cum.length - 1];
    let lo = 0,
      hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Running sums of weights, for `Rng.weighted`. */
export function cumulative(weights) {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += w;
    out[i] = s;
  });
  return out;
}
