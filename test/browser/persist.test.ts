/**
 * "Keep my data in this browser": off by default; when on, a reload restores the loaded files and
 * the edited refund rule from the origin-private file system; "Forget all data" empties memory
 * and storage and says so.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openApp, numberAt, waitIdle, type Session } from './browser';

const DEMO = ['orders.csv', 'events.csv', 'customers.csv'].map((n) => join(import.meta.dirname, '../../public/demo', n));

/**
 * Names in the app's OPFS folder (empty when nothing is stored). Chrome's `.crswap` files are
 * writes still in flight (a save the page started again under load), not stored copies.
 */
async function storedNames(s: Session): Promise<string[]> {
  return s.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    try {
      const dir = await root.getDirectoryHandle('atlas-data');
      for await (const k of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (!k.endsWith('.crswap')) names.push(k);
    } catch {
      // no folder: nothing stored
    }
    return names.sort();
  });
}

describe('keeping data in this browser', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
  });
  afterAll(async () => s?.close());

  it('is off by default and says the data lives in memory only', async () => {
    const where = s.page.getByTestId('data-location');
    await expect.poll(() => where.getAttribute('data-where')).toBe('memory');
    expect(await where.textContent()).toMatch(/memory only/);
    await s.page.getByTestId('file-input').setInputFiles(DEMO);
    await waitIdle(s);
    expect(await storedNames(s)).toEqual([]);
    // a reload without keeping loses the data
    await s.page.reload();
    await s.page.getByTestId('db-status').filter({ hasText: /Ready/ }).waitFor({ timeout: 60_000 });
    await s.page.waitForTimeout(500);
    expect(await s.page.getByTestId('kpi-customers').count()).toBe(0);
  });

  it('when on, stores the files and restores them and the mapping after a reload', async () => {
    await s.page.getByTestId('file-input').setInputFiles(DEMO);
    await waitIdle(s);
    // a mapping edit that changes the figures: ignore the order status (refunds count as sales)
    const guessedRevenue = await numberAt(s.page, 'kpi-revenue');
    const statusRole = s.page.locator('[data-testid=file-card][data-file="orders.csv"] [data-testid=col-role][data-column=status]');
    await statusRole.selectOption('ignore');
    await s.page.getByTestId('apply').click();
    await waitIdle(s);
    await expect.poll(() => numberAt(s.page, 'kpi-revenue')).not.toBe(guessedRevenue);
    const customers = await numberAt(s.page, 'kpi-customers');
    const orders = await numberAt(s.page, 'kpi-orders');
    const revenue = await numberAt(s.page, 'kpi-revenue');
    expect(customers).toBeGreaterThan(0);

    await s.page.getByTestId('data-location').click();
    await s.page.getByTestId('persist-keep').check();
    await expect.poll(() => s.page.getByTestId('data-location').getAttribute('data-where'), { timeout: 30_000 }).toBe('browser');
    expect(await s.page.getByTestId('data-location').textContent()).toMatch(/kept in this browser/);
    // three stored copies plus the manifest
    expect(await storedNames(s)).toEqual(['file-0.bin', 'file-1.bin', 'file-2.bin', 'manifest.json']);
    const sizes = await s.page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('atlas-data');
      const m = JSON.parse(await (await (await dir.getFileHandle('manifest.json')).getFile()).text()) as {
        files: { name: string; bytes: number; stored: string }[];
      };
      return Promise.all(m.files.map(async (f) => [f.name, f.bytes, (await (await dir.getFileHandle(f.stored)).getFile()).size]));
    });
    const { statSync } = await import('node:fs');
    expect(sizes).toEqual(DEMO.map((p) => [p.split('/').pop(), statSync(p).size, statSync(p).size]));

    await s.page.screenshot({ path: 'test/output/persist-data-page.png', fullPage: false });

    await s.page.reload();
    await s.page.getByTestId('kpi-customers').waitFor({ timeout: 60_000 });
    await waitIdle(s);
    await expect.poll(() => s.page.getByTestId('data-location').getAttribute('data-where'), { timeout: 30_000 }).toBe('browser');
    expect(await numberAt(s.page, 'kpi-customers')).toBe(customers);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(orders);
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(revenue);
    expect(await statusRole.inputValue()).toBe('ignore');
  });

  it('"Forget all data" asks, then deletes storage and memory and confirms', async () => {
    await s.page.getByTestId('data-location').click();
    await s.page.getByTestId('forget-all').click();
    await s.page.getByTestId('forget-confirm').click();
    await s.page.getByTestId('forgotten').waitFor({ timeout: 60_000 });
    expect(await s.page.getByTestId('forgotten').textContent()).toMatch(/deleted/);
    await s.page.getByTestId('db-status').filter({ hasText: /Ready/ }).waitFor({ timeout: 60_000 });
    await s.page.waitForTimeout(500);
    expect(await s.page.getByTestId('kpi-customers').count()).toBe(0);
    expect(await s.page.getByTestId('data-location').getAttribute('data-where')).toBe('memory');
    expect(await storedNames(s)).toEqual([]);
    // and nothing comes back on the next reload
    await s.page.reload();
    await s.page.getByTestId('db-status').filter({ hasText: /Ready/ }).waitFor({ timeout: 60_000 });
    await s.page.waitForTimeout(1000);
    expect(await s.page.getByTestId('kpi-customers').count()).toBe(0);
    expect(await s.page.getByTestId('forgotten').count()).toBe(0);
  });
});
