/**
 * With the threaded bundle (`coi`) a DuckDB thread other than the one the worker talks to cannot
 * open a file registered by handle: each pthread learns the handle from a message it reads only
 * while idle, and a busy pthread answers "Failed to open file: f6.csv" (CI failed on this loading
 * the 20 UCI day files). So every statement that reads a registered file must run while DuckDB has
 * one thread (`withOneThread` in workers/files.ts). This checks it from the statement log (`?trace`,
 * which names the registered files each statement reads) for three order files (phase one reads
 * each, the build reads them, and the order-id overlap check reads them all again), and again when
 * the mapping is applied a second time.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openApp, loadFiles, waitIdle, errorsShown, tracedStatements, type Session } from './browser';
import type { TracedStatement } from '../../src/atlas-api';

/** Statements that read a registered file, with the thread count DuckDB had when each started. */
function readsWithThreads(log: TracedStatement[]): { text: string; threads: number }[] {
  let threads = 2;
  const out: { text: string; threads: number }[] = [];
  for (const x of [...log].sort((a, b) => a.at - b.at)) {
    const set = /^SET threads = (\d+)$/.exec(x.text.trim());
    if (set) threads = Number(set[1]);
    else if (x.files.length > 0) out.push({ text: x.text.slice(0, 120), threads });
  }
  return out;
}

function orders(name: string, from: number, dir: string): string {
  const lines = ['order_id,customer_id,order_date,amount'];
  for (let i = 0; i < 400; i++) lines.push(`O${from + i},C${(from + i) % 90},2024-0${1 + (i % 9)}-1${i % 10},${10 + (i % 40)}.50`);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('reads of registered files on the threaded bundle', () => {
  let s: Session;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atlas-threads-'));
    s = await openApp({ query: '?bundle=coi&trace' });
  });
  afterAll(async () => s?.close());

  it('runs every read on one thread, the overlap check of several order files included', async () => {
    expect(await s.page.getByTestId('db-status').innerText()).toMatch(/coi/);
    // three order exports whose order ids overlap (the second repeats half of the first)
    await loadFiles(s, [orders('jan.csv', 0, dir), orders('jan-again.csv', 200, dir), orders('feb.csv', 1000, dir)]);
    expect(await errorsShown(s.page)).toEqual([]);
    const log = await tracedStatements(s);
    expect(log.filter((x) => /^SET threads = 2$/.test(x.text.trim())).length).toBeGreaterThan(0);
    const reads = readsWithThreads(log);
    // phase one (sniff, sample, count per file), the build, and the overlap check all read the files
    expect(reads.filter((r) => /^WITH ids AS/.test(r.text))).toHaveLength(1);
    expect(reads.length).toBeGreaterThan(9);
    expect(reads.filter((r) => r.threads !== 1)).toEqual([]);
    // the overlap check found the repeated half
    const note = s.page.locator('[data-testid=file-card][data-file="jan-again.csv"]').getByTestId('overlap');
    expect(await note.textContent()).toMatch(/200 of 400 order ids in this file are also in jan\.csv\./);
  });

  it('applying the mapping again reads the files on one thread too', async () => {
    await tracedStatements(s);
    await s.page.getByTestId('apply').click();
    await waitIdle(s);
    expect(await errorsShown(s.page)).toEqual([]);
    const reads = readsWithThreads(await tracedStatements(s));
    expect(reads.length).toBeGreaterThan(2);
    expect(reads.filter((r) => r.threads !== 1)).toEqual([]);
  });
});
