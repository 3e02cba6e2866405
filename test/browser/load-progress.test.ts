/**
 * Progress on a large file is real: while every row is read (the counting pass) and while the
 * tables are built, the bar follows how far DuckDB has read the file (public/duckdb-read-progress.js
 * counts the slices DuckDB-WASM reads), so the share rises in steps instead of jumping from nothing
 * to done.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, waitIdle, errorsShown, type Session } from './browser';
import { generateOrders } from '../../scripts/gen-orders.mjs';

describe('load progress', () => {
  let s: Session;
  let big = '';
  beforeAll(async () => {
    big = ((await generateOrders({ rows: 1_000_000 })) as { orders: string }).orders;
    s = await openApp();
  });
  afterAll(async () => s?.close());

  it('reading every row and building the tables show a share that rises in steps', async () => {
    await s.page.evaluate(() => {
      const w = window as unknown as { __progress: { phase: string; text: string; position: number }[] };
      w.__progress = [];
      const seen = () => {
        const el = document.querySelector('[data-testid=progress]');
        const bar = el?.querySelector('progress');
        if (el && bar)
          w.__progress.push({ phase: el.getAttribute('data-phase') ?? '', text: el.textContent ?? '', position: bar.position });
      };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await s.page.getByTestId('file-input').setInputFiles(big);
    await waitIdle(s);
    expect(await errorsShown(s.page)).toEqual([]);
    const states = await s.page.evaluate(
      () => (window as unknown as { __progress: { phase: string; text: string; position: number }[] }).__progress,
    );
    const shares = (phase: string) => {
      const pct = states.filter((x) => x.phase === phase).map((x) => /(\d+) %/.exec(x.text)?.[1]);
      return [...new Set(pct.filter((p): p is string => p !== undefined).map(Number))];
    };
    const counting = shares('counting');
    // DuckDB reads the file in 32 MB buffers: this 57 MB file shows at least one share strictly
    // between nothing and done (a 1 GB file shows ~30), in rising order
    expect(counting.filter((p) => p > 0 && p < 100).length, JSON.stringify(counting)).toBeGreaterThanOrEqual(1);
    expect(counting).toEqual([...counting].sort((a, b) => a - b));
    const building = shares('building');
    // the build: one step per statement, and the reads within them
    expect(building.filter((p) => p > 0 && p < 100).length, JSON.stringify(building)).toBeGreaterThanOrEqual(3);
  });
});
