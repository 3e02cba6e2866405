#!/usr/bin/env node
/**
 * Benchmark behaviour log in the Tianchi UserBehavior layout:
 * `node scripts/gen-behavior.mjs --rows N [--out DIR] [--seed S]` writes `DIR/userbehavior-<N>.csv`,
 * headerless `user_id,item_id,category_id,behavior_type,timestamp` (epoch seconds) like the real
 * 100M-row file: 9 days (2017-11-25 … 2017-12-03, Beijing time), ≈ N/100 users, types in the real
 * file's shares (pv 89.5 %, cart 5.5 %, fav 2.9 %, buy 2.1 %), each item in one category. ~30 bytes a
 * row, so 100M rows ≈ 3 GB. Streams (nothing but the writer's buffer is held); a finished run leaves
 * `userbehavior-<N>.meta.json` and a later run with the same parameters reuses the file. Progress
 * goes to stderr; stdout gets one JSON line {events, cached, seconds}.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Rng, cumulative } from './lib/rng.mjs';
import { ChunkWriter } from './lib/chunk-writer.mjs';

const VERSION = 1;
/** 2017-11-25 00:00 Beijing time (UTC+8), in epoch seconds, and the 9 days after it. */
const START = Date.UTC(2017, 10, 24, 16) / 1000;
const SPAN = 9 * 86400;
const TYPES = ['pv', 'cart', 'fav', 'buy'];
const typeCum = cumulative([89.5, 5.5, 2.9, 2.1]);

/** Output paths for a run. */
export function behaviorPaths(rows, out = '.bench-data') {
  const dir = resolve(out);
  return { events: join(dir, `userbehavior-${rows}.csv`), meta: join(dir, `userbehavior-${rows}.meta.json`) };
}

/** Generate (or reuse) the log. */
export async function generateBehavior({ rows, out = '.bench-data', seed = 1, log = () => {} }) {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`invalid rows: ${rows}`);
  const paths = behaviorPaths(rows, out);
  if (existsSync(paths.meta)) {
    const meta = JSON.parse(readFileSync(paths.meta, 'utf8'));
    if (meta.version === VERSION && meta.rows === rows && meta.seed === seed && existsSync(paths.events)) {
      if (statSync(paths.events).size === meta.bytes) return { events: paths.events, cached: true, seconds: 0 };
    }
  }
  mkdirSync(resolve(out), { recursive: true });
  const t0 = performance.now();
  const rng = new Rng(seed, 2);
  const users = Math.max(1, Math.round(rows / 100));
  const items = Math.max(1, Math.round(rows / 25));
  const categories = Math.max(1, Math.min(9439, Math.round(items / 400)));
  const w = new ChunkWriter(paths.events);
  let lastLog = t0;
  for (let i = 0; i < rows; i++) {
    // activity and item popularity are skewed: a few users and items account for much of the log
    const user = 1 + Math.floor(users * rng.next() ** 2);
    const item = 1 + Math.floor(items * rng.next() ** 3);
    const category = 1 + ((Math.imul(item, 2654435761) >>> 0) % categories);
    const type = TYPES[rng.weighted(typeCum)];
    const ts = START + Math.floor(SPAN * rng.next());
    if (w.push(`${user},${item},${category},${type},${ts}`)) {
      await w.flush();
      const now = performance.now();
      if (now - lastLog > 1000) {
        log(`\revents ${(i + 1).toLocaleString('en')}/${rows.toLocaleString('en')} (${Math.round((100 * (i + 1)) / rows)} %)   `);
        lastLog = now;
      }
    }
  }
  await w.close();
  const seconds = (performance.now() - t0) / 1000;
  log(`\revents ${rows.toLocaleString('en')} rows, ${(w.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s\n`);
  writeFileSync(paths.meta, JSON.stringify({ version: VERSION, rows, seed, users, bytes: w.bytes }, null, 2) + '\n');
  return { events: paths.events, cached: false, seconds };
}

async function main() {
  const { values } = parseArgs({
    options: { rows: { type: 'string' }, out: { type: 'string', default: '.bench-data' }, seed: { type: 'string', default: '1' } },
  });
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('usage: gen-behavior.mjs --rows N [--out DIR] [--seed S]');
  if (!Number.isInteger(seed)) throw new Error(`invalid seed: ${values.seed}`);
  const result = await generateBehavior({ rows, out: values.out, seed, log: (s) => process.stderr.write(s) });
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    process.stderr.write(`gen-behavior: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
