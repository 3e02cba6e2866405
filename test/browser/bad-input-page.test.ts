/**
 * Bad input on the page (issue 16, items 1, 7, 10, 12, 13): a file dropped twice, files that share
 * order ids, a file dropped while another loads, a 5,000-column file, "Forget all data" and the
 * URL, malformed link parameters. Fixtures are written to a temporary folder in `beforeAll`;
 * expected figures are worked out by hand in the comments next to them.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, waitIdle, numberAt, errorsShown, type Session } from './browser';

let dir = '';
const at = (name: string) => join(dir, name);

/** orders-a: 1001 (100) + 1002 (50) + 1003 (200) = 350 from customers A, B. */
const ORDERS_A = 'order_id,customer_id,order_date,amount\n1001,A,2024-01-05,100\n1002,A,2024-02-10,50\n1003,B,2024-01-20,200\n';
/** orders-b: a later export repeating 1003 (200) and adding 1004 (30): 1 of its 2 ids is shared. */
const ORDERS_B = 'order_id,customer_id,order_date,amount\n1003,B,2024-01-20,200\n1004,C,2024-03-01,30\n';

const card = (page: Page, file: string) => page.locator(`[data-testid=file-card][data-file="${file}"]`);
const cards = (page: Page) => page.getByTestId('file-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-file')));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-bad-page-'));
  writeFileSync(at('orders-a.csv'), ORDERS_A);
  writeFileSync(at('orders-b.csv'), ORDERS_B);
  copyFileSync(at('orders-a.csv'), at('copy-of-a.csv'));
  // ~3 MB: long enough to load that a second file arrives while it runs
  const big = ['order_id,customer_id,order_date,amount'];
  for (let i = 0; i < 100_000; i++) big.push(`B${i},C${i % 5000},2023-${String((i % 12) + 1).padStart(2, '0')}-15,${(i % 97) + 1}.25`);
  writeFileSync(at('big.csv'), big.join('\n') + '\n');
  // 5,000 columns, 20 rows: three that get a meaning, the rest filler
  const head = ['customer_id', 'order_date', 'amount', ...Array.from({ length: 4997 }, (_, i) => `extra_${i + 4}`)];
  const rows = Array.from({ length: 20 }, (_, r) =>
    [
      `W${r % 4}`,
      `2024-01-${String(r + 1).padStart(2, '0')}`,
      String(10 + r),
      ...Array.from({ length: 4997 }, (_, i) => `v${(i * r) % 13}`),
    ].join(','),
  );
  writeFileSync(at('wide.csv'), [head.join(','), ...rows].join('\n') + '\n');
});

describe('the same file twice, and files that share order ids', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
    await loadFiles(s, [at('orders-a.csv')]);
  });
  afterAll(async () => s?.close());

  it('a file identical to a loaded one (also under another name) is asked about; skip keeps revenue as it was', async () => {
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(350);
    for (const name of ['orders-a.csv', 'copy-of-a.csv']) {
      await s.page.getByTestId('file-input').setInputFiles([at(name)]);
      const q = s.page.getByTestId('duplicate');
      await q.waitFor({ timeout: 30_000 });
      expect(await q.textContent()).toContain(`${name} is identical to the loaded file orders-a.csv`);
      await s.page.getByTestId('dup-skip').click();
      await q.waitFor({ state: 'detached' });
      await waitIdle(s);
      expect(await cards(s.page)).toEqual(['orders-a.csv']);
      expect(await numberAt(s.page, 'kpi-revenue')).toBe(350);
      expect(await numberAt(s.page, 'kpi-orders')).toBe(3);
    }
  });

  it('replace swaps the loaded copy for the new one: still one file, revenue not doubled', async () => {
    await s.page.getByTestId('file-input').setInputFiles([at('orders-a.csv')]);
    await s.page.getByTestId('dup-replace').click();
    await waitIdle(s);
    await expect.poll(() => cards(s.page)).toEqual(['orders-a.csv']);
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(350);
    expect(await errorsShown(s.page)).toEqual([]);
  });

  it('shared order ids are counted and named; keeping one copy counts them once', async () => {
    await loadFiles(s, [at('orders-b.csv')]);
    // added up: 350 + 230 = 580 over 4 distinct orders (1003 counted at 400)
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(580);
    const note = card(s.page, 'orders-b.csv').getByTestId('overlap');
    expect(await note.textContent()).toMatch(/1 of 2 order ids in this file are also in orders-a\.csv\.\s*Their amounts are added up\./);
    await note.getByTestId('keep-one-copy').check();
    await waitIdle(s);
    // one copy: 350 + 30 = 380
    await expect.poll(() => numberAt(s.page, 'kpi-revenue')).toBe(380);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
    expect(await note.textContent()).toMatch(/Only the copy in orders-a\.csv is counted/);
  });
});

describe('a file dropped while another loads', () => {
  let s: Session;
  beforeAll(async () => (s = await openApp()));
  afterAll(async () => s?.close());

  it('is queued, the page says so, and it loads after the first', async () => {
    const input = s.page.getByTestId('file-input');
    await input.setInputFiles([at('big.csv')]);
    await s.page.getByTestId('progress').waitFor();
    await input.setInputFiles([at('orders-b.csv')]);
    const queued = s.page.getByTestId('queued');
    await queued.waitFor({ timeout: 5_000 });
    expect(await queued.textContent()).toContain('orders-b.csv');
    await queued.waitFor({ state: 'detached', timeout: 120_000 });
    await waitIdle(s);
    await expect.poll(() => cards(s.page), { timeout: 60_000 }).toEqual(['big.csv', 'orders-b.csv']);
    expect(await errorsShown(s.page)).toEqual([]);
  });
});

describe('a 5,000-column file', () => {
  let s: Session;
  beforeAll(async () => (s = await openApp()));
  afterAll(async () => s?.close());

  /**
   * Since `startFrames`: the longest gap between animation frames and the longest main-thread task
   * (Long Tasks API), ms. The assertion is on the task: on this shared machine (load ~30 on 2 cores)
   * frames also stall while the tab merely waits for a core; a long task is our own code blocking.
   */
  const maxGap = (page: Page) => page.evaluate(() => Math.max(...(window as unknown as { __gaps: number[] }).__gaps));
  const maxTask = (page: Page) => page.evaluate(() => Math.max(...(window as unknown as { __tasks: number[] }).__tasks));
  const startFrames = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __tasks: number[] };
      w.__gaps = [0];
      w.__tasks = [0];
      new PerformanceObserver((l) => w.__tasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (t: number) => {
        w.__gaps.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });

  it('loads without freezing the page: columns with a meaning first, the rest on demand', async () => {
    await startFrames(s.page);
    await loadFiles(s, [at('wide.csv')]);
    await card(s.page, 'wide.csv').waitFor();
    await s.page.waitForTimeout(300);
    const [gap, task] = [await maxGap(s.page), await maxTask(s.page)];
    console.log(`5,000 columns: while loading, longest main-thread task ${Math.round(task)} ms, longest frame gap ${Math.round(gap)} ms`);
    // Measured 1.5 s here with the fix (load ~10 on 2 cores); the issue measured a 7.7 s freeze without it.
    expect(task).toBeLessThan(3_000);
    const shown = card(s.page, 'wide.csv').getByTestId('col-role');
    expect(await shown.count()).toBe(60);
    const firstThree = await shown.evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('data-column')));
    expect(firstThree).toEqual(['customer_id', 'order_date', 'amount']);
    expect(await card(s.page, 'wide.csv').getByTestId('more-columns').textContent()).toContain('60 of 5,000 columns shown');
    await card(s.page, 'wide.csv').getByTestId('more-columns').getByRole('button').click();
    await expect.poll(() => shown.count()).toBe(160);
  });

  it('going back to the Data page is quick', async () => {
    await s.page.getByTestId('nav-segments').click();
    await s.page.waitForTimeout(500);
    await startFrames(s.page);
    const t0 = Date.now();
    await s.page.getByTestId('nav-data').click();
    await card(s.page, 'wide.csv').waitFor();
    const ms = Date.now() - t0;
    await s.page.waitForTimeout(300);
    const [gap, task] = [await maxGap(s.page), await maxTask(s.page)];
    console.log(
      `5,000 columns: back to Data in ${ms} ms, longest main-thread task ${Math.round(task)} ms, longest frame gap ${Math.round(gap)} ms`,
    );
    // 0.3–1.1 s measured here with the fix on a loaded machine; 13 s without it (issue 16)
    expect(task).toBeLessThan(3_000);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('the URL', () => {
  it('"Forget all data" puts the URL back to the defaults (no segment or filter values left)', async () => {
    const s = await openApp({ query: '#v=1&seg=toys&f=%5B%7B%22field%22%3A%22region%22%2C%22values%22%3A%5B%22Paris%22%5D%7D%5D&lang=en' });
    try {
      await loadFiles(s, [at('orders-a.csv')]);
      expect(s.page.url()).toContain('seg=toys');
      await s.page.getByTestId('data-location').click();
      await s.page.getByTestId('forget-all').click();
      await s.page.getByTestId('forget-confirm').click();
      await s.page.getByTestId('forgotten').waitFor({ timeout: 60_000 });
      await s.page.getByTestId('db-status').filter({ hasText: /Ready/ }).waitFor({ timeout: 60_000 });
      expect(new URL(s.page.url()).hash).toBe('#v=1&lang=en');
    } finally {
      await s.close();
    }
  }, 240_000);

  it('malformed mp and life are reported; thousands of unknown keys are one line with a count', async () => {
    const junk = Array.from({ length: 5_000 }, (_, i) => `k${i}=1`).join('&');
    const s = await openApp({ query: `#v=1&mp=oops&life=%7B%22perod%22%3A1%7D&${junk}` });
    try {
      const texts = await s.page.getByTestId('link-warning').allTextContents();
      expect(texts).toEqual([
        '5000 unknown link parameters ignored (k0, k1, k2 …).',
        'Model parameters in the link (mp) are malformed; the defaults are used.',
        'Unknown lifecycle option “perod” in the link ignored.',
      ]);
    } finally {
      await s.close();
    }
  });
});
