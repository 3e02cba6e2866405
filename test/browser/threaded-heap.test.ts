/**
 * The threaded bundle (`coi`) grows its shared heap from DuckDB's threads; DuckDB-WASM's
 * `registerFileBuffer` then copies through a stale heap view and throws "offset is out of bounds"
 * (duckdb-wasm#2256; CI hit it on CDNOW_master.txt). Files that are transcoded (whitespace layout,
 * Latin-1, gzip) or written from records (NDJSON, Parquet) used that call. This suite grows the heap
 * with threaded queries on 100k orders first, then loads one file of each of those kinds.
 * It always runs on `coi`, whatever ATLAS_TEST_BUNDLE says. The race did not reproduce on this
 * machine with the old code (the unit guard `file-registration.test.ts` does fail on it); this suite
 * checks that each kind, now registered by handle, reads right on the threaded bundle.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openApp, loadFiles, numberAt, errorsShown, type Session } from './browser';
import { generateOrders } from '../../scripts/gen-orders.mjs';

const F = join(import.meta.dirname, '../fixtures/bad');

/** CDNOW-like: customer, date, items, amount, separated by runs of spaces. */
function whitespaceFile(dir: string): string {
  const lines = [];
  for (let i = 0; i < 2000; i++) {
    const id = String(900000 + (i % 400)).padStart(8, ' ');
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${id} 199701${day}   ${1 + (i % 3)}   ${(10 + (i % 50)).toFixed(2).padStart(7, ' ')}`);
  }
  const path = join(dir, 'spaces.txt');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('threaded bundle after the heap grew', () => {
  let s: Session;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atlas-heap-'));
    const big = ((await generateOrders({ rows: 100_000 })) as { orders: string }).orders;
    s = await openApp({ query: '?bundle=coi' });
    expect(await s.page.getByTestId('db-status').innerText()).toMatch(/coi/);
    await loadFiles(s, [big]);
    // the segments page runs its queries on all threads
    await s.page.getByTestId('nav-segments').click();
    await s.page.getByTestId('breakdown').waitFor({ timeout: 120_000 });
    await s.page.getByTestId('nav-data').click();
  });
  afterAll(async () => s?.close());

  for (const [label, file, rows] of [
    ['whitespace-separated text', () => whitespaceFile(dir), 2000],
    ['Latin-1', () => join(F, 'latin1-pound.csv'), null],
    ['gzip', () => join(F, 'orders.csv.gz'), null],
    ['NDJSON', () => join(F, 'orders.ndjson'), null],
    ['Parquet', () => join(F, 'orders.parquet'), null],
  ] as const) {
    it(`${label} loads without "offset is out of bounds"`, async () => {
      const path = file();
      const name = path.split('/').pop()!;
      const before = await numberAt(s.page, 'kpi-orders');
      await loadFiles(s, [path]);
      expect(await errorsShown(s.page)).toEqual([]);
      const tr = s.page.locator(`[data-testid=file-overview] tr[data-file="${name}"]`);
      const read = Number(((await tr.getByTestId('rows-read').textContent()) ?? '').replace(/[^0-9]/g, ''));
      if (rows !== null) expect(read).toBe(rows);
      else expect(read).toBeGreaterThan(0);
      expect(await numberAt(s.page, 'kpi-orders')).toBeGreaterThanOrEqual(before);
    });
  }
});
