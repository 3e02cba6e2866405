/**
 * Uniform drill-down on the demo data: a transition-matrix cell, a stages-over-time bar, a
 * repurchase bar, a time-to-second-order bar and a migration cell each open their customers in the
 * shared members table, and the CSV of all of them has exactly as many rows as the count clicked.
 * The open list is in the link: a fresh browser context reopens it from the link alone (plus the data).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { openApp, loadDemo, errorsShown, type Session } from './browser';

async function downloadRows(s: Session): Promise<number> {
  const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByTestId('drill-members-csv').click()]);
  const text = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
  return text.trim().split(/\r?\n/).length - 1;
}

async function lifecycleDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-testid=stages-chart]')?.getAttribute('data-state') === 'ready', null, {
    timeout: 120_000,
  });
}

/** Click the first drawn mark of `selector` with a count and return that count. */
async function clickMark(page: Page, selector: string): Promise<number> {
  const mark = page.locator(`${selector}[data-clickable]`).first();
  await mark.waitFor({ state: 'attached', timeout: 60_000 });
  const n = Number(await mark.getAttribute('data-customers'));
  await mark.dispatchEvent('click');
  await page.getByTestId('drill-members-row').first().waitFor({ timeout: 120_000 });
  return n;
}

describe('drill-down on the demo data', () => {
  let s: Session;
  let fresh: Session | null = null;
  beforeAll(async () => {
    s = await openApp();
    await loadDemo(s);
    await s.page.getByTestId('nav-lifecycle').click();
    await lifecycleDrawn(s.page);
  });
  afterAll(async () => {
    if (s?.consoleErrors.length) console.log('console errors:', s.consoleErrors);
    await fresh?.close();
    await s?.close();
  });

  it('every lifecycle chart kind opens exactly the customers it counts', { timeout: 400_000 }, async () => {
    const p = s.page;
    for (const sel of [
      '[data-testid=transition-matrix] rect',
      '[data-testid=stages-chart] rect',
      '[data-testid=repurchase] rect[data-window]',
      '[data-testid=repurchase] rect[data-bucket]',
    ]) {
      const n = await clickMark(p, sel);
      expect(n, sel).toBeGreaterThan(0);
      expect(await downloadRows(s), sel).toBe(n);
      expect(new URLSearchParams(p.url().split('#')[1] ?? '').get('dd'), sel).toBeTruthy();
    }
    expect(await errorsShown(p)).toEqual([]);
  });

  it('a shared link reopens the open list in a fresh context', { timeout: 400_000 }, async () => {
    const p0 = s.page;
    const n = await clickMark(p0, '[data-testid=transition-matrix] rect');
    const link = p0.url();
    fresh = await openApp({ query: link.slice(link.indexOf('#')) });
    const p = fresh.page;
    await p.getByTestId('nav-data').click();
    await loadDemo(fresh);
    await p.getByTestId('nav-lifecycle').click();
    await lifecycleDrawn(p);
    await p.getByTestId('drill-members-row').first().waitFor({ timeout: 120_000 });
    expect(await downloadRows(fresh)).toBe(n);
  });

  it('a migration cell opens exactly its customers', { timeout: 400_000 }, async () => {
    const p = s.page;
    await p.getByTestId('nav-segments').click();
    await p.getByTestId('migration-open').click();
    await p.waitForFunction(() => document.querySelector('[data-testid=migration]')?.getAttribute('data-state') === 'ready', null, {
      timeout: 120_000,
    });
    const link = p.locator('[data-testid=migration] .tableview tbody a').first();
    await link.waitFor({ state: 'attached', timeout: 60_000 });
    const n = Number(((await link.textContent()) ?? '').replace(/\D/g, ''));
    await link.dispatchEvent('click');
    await p.getByTestId('drill-members-row').first().waitFor({ timeout: 120_000 });
    expect(await downloadRows(s)).toBe(n);
    expect(JSON.parse(new URLSearchParams(p.url().split('#')[1] ?? '').get('dd') ?? '{}')).toMatchObject({ kind: 'migration' });
    await p.screenshot({ path: 'test/output/drill-migration.png', fullPage: true });
    expect(await errorsShown(p)).toEqual([]);
  });
});
