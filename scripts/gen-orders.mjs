#!/usr/bin/env node
/**
 * Benchmark order file: `node scripts/gen-orders.mjs --rows N [--out DIR] [--seed S] [--events]`.
 *
 * Writes `DIR/orders-<N>.csv` (order_id,customer_id,order_time,amount,category,channel; ~58 bytes a
 * row) and with --events `DIR/events-<N>.csv` (user_id,event_time,event_type,category; ~3 events a
 * row). Rows come out in time order over 2024-01-01 … 2025-12-31 with the demo's seasonality;
 * ≈ N/8 customers with Lomax (Pareto-like) order counts; lognormal amounts; 20 categories, 5 channels.
 *
 * Streams: only per-customer counters are held (~9 bytes a customer, 17 while counts are drawn),
 * never rows. A finished run leaves `orders-<N>.meta.json`; a later run with the same parameters
 * reuses the files. Progress goes to stderr; stdout gets one JSON line {orders, events, cached, seconds}.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Rng, cumulative } from './lib/rng.mjs';
import { DAYS, DAY_S, HOUR_WEIGHTS, dayWeights, stamp } from './lib/calendar.mjs';
import { ChunkWriter } from './lib/chunk-writer.mjs';

/** Bump when the output for a given (rows, seed) changes, so stale caches are regenerated. */
const VERSION = 1;

/** Short category names with popularity weight and median line amount. */
const CATEGORIES = [
  ['apparel', 14, 45],
  ['beauty', 11, 38],
  ['snacks', 10, 12],
  ['phones', 3, 320],
  ['home', 8, 30],
  ['shoes', 6, 60],
  ['baby', 5, 35],
  ['toys', 4, 25],
  ['sports', 4, 40],
  ['books', 4, 15],
  ['pets', 4, 22],
  ['kitchen', 5, 28],
  ['laptops', 1.5, 650],
  ['audio', 3, 80],
  ['health', 4, 30],
  ['drinks', 5, 10],
  ['bags', 3, 70],
  ['jewelry', 1.5, 120],
  ['garden', 2, 35],
  ['auto', 2, 50],
];
const CHANNELS = [
  ['web', 20],
  ['app', 35],
  ['mini_program', 18],
  ['marketplace', 20],
  ['social', 7],
];

const catCum = cumulative(CATEGORIES.map((c) => c[1]));
const chanCum = cumulative(CHANNELS.map((c) => c[1]));

/** Output paths for a run; the benchmark can compute them without running the generator. */
export function outputPaths(rows, out = '.bench-data') {
  const dir = resolve(out);
  return {
    orders: join(dir, `orders-${rows}.csv`),
    events: join(dir, `events-${rows}.csv`),
    meta: join(dir, `orders-${rows}.meta.json`),
  };
}

/** Per-customer order counts: 1 + a Lomax share of the remaining rows, summing exactly to `rows`. */
function orderCounts(rng, rows, customers) {
  const counts = new Int32Array(customers);
  const w = new Float64Array(customers);
  let total = 0;
  for (let i = 0; i < customers; i++) {
    w[i] = Math.min(rng.lomax(1.6), 400); // cap: no single customer dominates a small file
    total += w[i];
  }
  const extra = rows - customers;
  let sum = 0;
  for (let i = 0; i < customers; i++) {
    counts[i] = 1 + Math.floor((extra * w[i]) / total + rng.next()); // stochastic rounding
    sum += counts[i];
  }
  // Fix the rounding drift one row at a time, never dropping a customer below one order.
  while (sum !== rows) {
    const i = rng.int(customers);
    if (sum < rows) (counts[i]++, sum++);
    else if (counts[i] > 1) (counts[i]--, sum--);
  }
  return counts;
}

/** Fenwick tree over remaining counts: draws a customer in proportion to orders still to place. */
class Remaining {
  #tree;
  #left;
  #n;
  #top;
  total = 0;
  constructor(counts) {
    const n = counts.length;
    const tree = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) {
      tree[i] += counts[i - 1];
      this.total += counts[i - 1];
      const j = i + (i & -i);
      if (j <= n) tree[j] += tree[i];
    }
    this.#tree = tree;
    this.#left = counts;
    this.#n = n;
    this.#top = 1;
    while (this.#top * 2 <= n) this.#top *= 2;
  }
  /** Index whose cumulative range holds r (0 ≤ r < total). */
  find(r) {
    let pos = 0;
    for (let step = this.#top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.#n && this.#tree[next] <= r) {
        pos = next;
        r -= this.#tree[next];
      }
    }
    return pos;
  }
  /** Lines still to place for customer i. */
  left(i) {
    return this.#left[i];
  }
  take(i) {
    this.total--;
    this.#left[i]--;
    for (let j = i + 1; j <= this.#n; j += j & -j) this.#tree[j]--;
  }
}

/**
 * Maps ascending uniforms to ascending seconds since 2024-01-01 through the seasonal day weights
 * and hour profile. Monotone, so sorted input gives sorted timestamps without sorting.
 */
function seasonalClock() {
  const dayCum = cumulative(Array.from(dayWeights()));
  const dayTotal = dayCum[DAYS - 1];
  const hourCum = cumulative(HOUR_WEIGHTS);
  const hourTotal = hourCum[23];
  let day = 0;
  return (u) => {
    const x = u * dayTotal;
    while (day < DAYS - 1 && dayCum[day] <= x) day++;
    const lo = day === 0 ? 0 : dayCum[day - 1];
    const f = ((x - lo) / (dayCum[day] - lo)) * hourTotal;
    let h = 0;
    while (h < 23 && hourCum[h] <= f) h++;
    const hlo = h === 0 ? 0 : hourCum[h - 1];
    const within = (f - hlo) / (hourCum[h] - hlo);
    return day * DAY_S + h * 3600 + Math.min(3599, Math.floor(within * 3600));
  };
}

/**
 * The events around one order line: views (same category mostly), maybe a cart, the purchase; now
 * and then a browser who never buys looks at something. Returns true when the writer wants a flush.
 */
function writeEvents(w, rng, cid, time, cat, browserBase, browsers) {
  const catName = CATEGORIES[cat][0];
  let flush = false;
  const views = 1 + rng.poisson(0.3);
  for (let v = 0; v < views; v++) {
    const c = v === 0 || rng.chance(0.7) ? catName : CATEGORIES[rng.weighted(catCum)][0];
    flush = w.push(`${cid},${stamp(time - 60 - rng.int(2400))},view,${c}`) || flush;
  }
  if (rng.chance(0.65)) flush = w.push(`${cid},${stamp(time - 30 - rng.int(1200))},cart,${catName}`) || flush;
  flush = w.push(`${cid},${stamp(time)},purchase,${catName}`) || flush;
  if (rng.chance(0.3)) {
    const bid = `C${browserBase + rng.int(browsers)}`;
    const c = CATEGORIES[rng.weighted(catCum)][0];
    const bt = time - rng.int(7200);
    flush = w.push(`${bid},${stamp(bt)},view,${c}`) || flush;
    if (rng.chance(0.1)) flush = w.push(`${bid},${stamp(bt + 40)},cart,${c}`) || flush;
  }
  return flush;
}

/** Generate (or reuse) the files. Returns the paths and whether the cache was used. */
export async function generateOrders({ rows, out = '.bench-data', seed = 1, events = false, log = () => {} }) {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`invalid rows: ${rows}`);
  const paths = outputPaths(rows, out);
  const params = { version: VERSION, rows, seed };
  if (existsSync(paths.meta)) {
    const meta = JSON.parse(readFileSync(paths.meta, 'utf8'));
    const same = meta.version === VERSION && meta.rows === rows && meta.seed === seed;
    const intact = (f) => f && existsSync(f.path) && statSync(f.path).size === f.bytes;
    if (same && intact(meta.orders) && (!events || intact(meta.events))) {
      log(`reusing ${paths.orders}${events ? ` and ${paths.events}` : ''}\n`);
      return { orders: paths.orders, events: events ? paths.events : null, cached: true, seconds: 0 };
    }
  }
  mkdirSync(resolve(out), { recursive: true });
  const t0 = performance.now();

  // Orders and events draw from separate streams so the order file is the same with or without --events.
  const rng = new Rng(seed, 0);
  const erng = new Rng(seed, 1);
  const customers = Math.max(1, Math.round(rows / 8));
  const remaining = new Remaining(orderCounts(rng, rows, customers));
  const preferred = new Uint8Array(customers); // each customer mostly buys through one channel
  for (let i = 0; i < customers; i++) preferred[i] = rng.weighted(chanCum);
  const browsers = Math.max(1, Math.round(customers / 2)); // event-only users who never buy
  const idBase = 10 ** String(customers + browsers).length; // fixed-width ids: C1000042

  const clock = seasonalClock();
  const ow = new ChunkWriter(paths.orders);
  const ew = events ? new ChunkWriter(paths.events) : null;
  ow.push('order_id,customer_id,order_time,amount,category,channel');
  ew?.push('user_id,event_time,event_type,category');

  // Ascending uniform order statistics, generated from the top down: X(k) = X(k+1)·U^(1/k),
  // kept in log space; 1 − X runs upwards, so times come out sorted with no buffer.
  let logX = 0;
  let orderNo = 1_000_000;
  let cust = -1;
  let time = 0;
  let chan = 0;
  let lastLog = t0;
  for (let k = rows; k >= 1; k--) {
    logX += Math.log(1 - rng.next()) / k;
    const u = -Math.expm1(logX);
    // ~20 % of lines continue the previous order (same buyer, time and channel) when the buyer has
    // lines left; otherwise a new order from a buyer drawn by remaining counts.
    const draw = rng.next();
    if (cust < 0 || draw >= 0.2 || remaining.left(cust) === 0) {
      cust = remaining.find(Math.floor(rng.next() * remaining.total));
      time = clock(u);
      chan = rng.chance(0.75) ? preferred[cust] : rng.weighted(chanCum);
      orderNo++;
    }
    remaining.take(cust);
    const cat = rng.weighted(catCum);
    const median = CATEGORIES[cat][2];
    const amount = Math.max(0.5, Math.round(rng.lognormal(median, 0.75) * 100) / 100);
    const ts = stamp(time);
    const cid = `C${idBase + cust}`;
    const catName = CATEGORIES[cat][0];
    let flush = ow.push(`${orderNo},${cid},${ts},${amount.toFixed(2)},${catName},${CHANNELS[chan][0]}`);
    if (ew) flush = writeEvents(ew, erng, cid, time, cat, idBase + customers, browsers) || flush;
    if (flush) {
      await ow.flush();
      await ew?.flush();
      const now = performance.now();
      if (now - lastLog > 1000) {
        const done = rows - k + 1;
        log(
          `\rorders ${done.toLocaleString('en')}/${rows.toLocaleString('en')} (${Math.round((100 * done) / rows)} %), ${Math.round(done / ((now - t0) / 1000)).toLocaleString('en')} rows/s   `,
        );
        lastLog = now;
      }
    }
  }
  await ow.close();
  await ew?.close();
  const seconds = (performance.now() - t0) / 1000;
  log(
    `\rorders ${rows.toLocaleString('en')} rows, ${(ow.bytes / 1e6).toFixed(1)} MB${ew ? `, events ${(ew.bytes / 1e6).toFixed(1)} MB` : ''} in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en')} rows/s)\n`,
  );
  const meta = {
    ...params,
    customers,
    orders: { path: paths.orders, bytes: ow.bytes },
    events: ew ? { path: paths.events, bytes: ew.bytes } : null,
    seconds: Math.round(seconds * 10) / 10,
  };
  writeFileSync(paths.meta, JSON.stringify(meta, null, 2) + '\n');
  return { orders: paths.orders, events: ew ? paths.events : null, cached: false, seconds };
}

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      out: { type: 'string', default: '.bench-data' },
      seed: { type: 'string', default: '1' },
      events: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('usage: gen-orders.mjs --rows N [--out DIR] [--seed S] [--events]');
  if (!Number.isInteger(seed)) throw new Error(`invalid seed: ${values.seed}`);
  const result = await generateOrders({ rows, out: values.out, seed, events: values.events, log: (s) => process.stderr.write(s) });
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    process.stderr.write(`gen-orders: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
