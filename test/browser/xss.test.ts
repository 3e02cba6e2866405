/**
 * Cell values are untrusted. test/fixtures/xss.csv (15 orders, 5 customers) holds, as customer
 * ids, categories and channels: `<script>window.__pwned=1</script>`,
 * `<img src=x onerror="window.__pwned=1">`, `<svg onload="window.__pwned=1"></svg>` and a
 * 5,000-character string. Every page must show them as text: no script runs, no element is
 * created from them, no request for `x` is made.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, errorsShown, type Session, readyAfter } from './browser';

const FIXTURE = join(import.meta.dirname, '../fixtures/xss.csv');
const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=1">';
const LONG = `L${'x'.repeat(4999)}`;

/** Nothing ran and no element came from the data (the app itself uses neither img nor script). */
async function clean(page: Page): Promise<void> {
  const state = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    imgs: document.querySelectorAll('img').length,
    dataScripts: Array.from(document.querySelectorAll('script')).filter((s) => s.textContent?.includes('__pwned')).length,
    handlers: document.querySelectorAll('[onerror],[onload]').length,
  }));
  expect(state).toEqual({ pwned: undefined, imgs: 0, dataScripts: 0, handlers: 0 });
}

/** All text the page shows, charts included (SVG text and titles are in textContent). */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.textContent ?? '');
}

describe('hostile cell values render as text', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
    await loadFiles(s, [FIXTURE]);
  });
  afterAll(async () => s?.close());

  it('overview and mapping samples', async () => {
    expect(await errorsShown(s.page)).toEqual([]);
    await s.page.getByTestId('overview').waitFor();
    // the mapping panel shows sample values of each column
    expect(await pageText(s.page)).toContain(SCRIPT);
    await clean(s.page);
  });

  it('segments: breakdown, members, cross-tab by channel and by top category', async () => {
    await s.page.getByTestId('nav-segments').click();
    let n = await readyAfter(s.page, 0);
    // open the segments that have customers, one after another, collecting what the lists show
    const counts = (await s.page.getByTestId('seg-customers').allTextContents()).map((x) => Number(x.replace(/[^0-9]/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    let members = '';
    for (const [i, c] of counts.entries()) {
      if (c === 0) continue;
      await s.page.locator('[data-testid=breakdown-table] tbody tr').nth(i).getByTestId('seg-customers').click();
      await s.page
        .getByTestId('members-total')
        .filter({ hasText: String(c) })
        .waitFor({ timeout: 60_000 });
      await s.page.waitForTimeout(200);
      members += (await s.page.getByTestId('members').textContent()) ?? '';
      await clean(s.page);
    }
    // every hostile id is listed, as text
    for (const v of [SCRIPT, IMG, LONG]) expect(members).toContain(v);
    for (const field of ['channel', 'top_category']) {
      await s.page.getByTestId('crosstab-with').selectOption(field);
      n = await readyAfter(s.page, n);
      await s.page.getByTestId('crosstab').waitFor();
      await s.page.waitForTimeout(300);
      const text = (await s.page.getByTestId('crosstab').textContent()) ?? '';
      expect(text, field).toContain(SCRIPT);
      expect(text, field).toContain(IMG);
      await clean(s.page);
    }
    await s.page.screenshot({ path: 'test/output/xss-segments.png', fullPage: true });
  });

  it('lifecycle: every stage list shows the hostile ids as text', async () => {
    await s.page.getByTestId('nav-lifecycle').click();
    await s.page.locator('[data-testid=stages-chart][data-state=ready]').waitFor({ timeout: 120_000 });
    const tiles = s.page.locator('[data-testid=stage-tiles] [data-testid^=stage-count-]');
    const counts = (await tiles.allTextContents()).map((x) => Number(x.replace(/[^0-9]/g, '')));
    // the fixture's five customers are all somewhere on the page (not a blank page)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    let members = '';
    for (const [i, c] of counts.entries()) {
      if (c === 0) continue;
      await tiles.nth(i).click();
      await s.page.locator('[data-testid=members][data-state=ready] [data-testid=members-row]').first().waitFor({ timeout: 60_000 });
      members += (await s.page.getByTestId('members').textContent()) ?? '';
      await clean(s.page);
    }
    for (const v of [SCRIPT, IMG, LONG]) expect(members).toContain(v);
    await clean(s.page);
  });

  it('no request was made for the injected image', () => {
    expect(s.requests.map((r) => new URL(r.url()).pathname).filter((p) => p === '/x' || p.endsWith('/x'))).toEqual([]);
    expect(s.consoleErrors.filter((e) => /pwned/.test(e))).toEqual([]);
  });
});
