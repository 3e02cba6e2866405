/**
 * The Value page in the production build: on the demo data and the UCI sample the holdout chart
 * and the persona cards show; on the CDNOW sample the calibration fit shows the published BG/NBD
 * parameters (FHL 2005) and a value model opens on the Segments page.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, errorsShown, DATASETS, type Session } from './browser';

// The single-threaded bundle: on the shared, loaded test machine the threaded one did not start within
// 60 s; nothing on the Value page depends on the bundle.
const OPEN = { lang: 'en' as const, query: '?bundle=eh' };
const UCI = join(DATASETS, 'uci-online-retail/online_retail_customer_sample_12pct.csv');
const CDNOW = join(DATASETS, 'cdnow/CDNOW_sample.txt');

/** Go to the Value page with options and wait for a drawn result. */
async function openValue(page: Page, val: object): Promise<void> {
  const el = page.getByTestId('value-page');
  const before = (await el.count()) ? Number(await el.getAttribute('data-seq')) : 0;
  await page.evaluate((v) => (location.hash = `v=1&p=value&val=${encodeURIComponent(JSON.stringify(v))}`), val);
  await page.waitForFunction(
    (n) => {
      const e = document.querySelector('[data-testid=value-page]');
      return e?.getAttribute('data-state') === 'ready' && Number(e.getAttribute('data-seq')) > n;
    },
    before,
    { timeout: 180_000 },
  );
}

/** Numbers in a text, in order. */
const numbers = (s: string) => [...s.matchAll(/-?\d[\d,]*(?:\.\d+)?/g)].map((m) => Number(m[0].replaceAll(',', '')));

async function expectHoldoutAndPersonas(page: Page): Promise<void> {
  expect(await errorsShown(page)).toEqual([]);
  await expect(page.getByTestId('value-error').count()).resolves.toBe(0);
  // no blocking sentence, no NaN anywhere on the page
  await expect(page.locator('[data-testid=value-issue][data-code=holdout-outside]').count()).resolves.toBe(0);
  expect(await page.getByTestId('value-page').innerText()).not.toMatch(/NaN|undefined/);
  await page.getByTestId('holdout-chart').locator('svg').first().waitFor();
  expect(await page.getByTestId('holdout-chart').locator('svg circle').count()).toBeGreaterThanOrEqual(4);
  await page.getByTestId('lorenz-chart').locator('svg').first().waitFor();
  const cards = page.getByTestId('persona-card');
  expect(await cards.count()).toBeGreaterThanOrEqual(2);
  expect(await cards.first().innerText()).toMatch(/\w/);
}

describe('value page on the demo data', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp(OPEN);
    await s.page.getByTestId('demo').click();
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    await openValue(s.page, { cal: '2025-06-30' });
  });
  afterAll(async () => s?.close());

  it('shows historic value, the fit, the holdout chart and personas', async () => {
    const { page } = s;
    await expectHoldoutAndPersonas(page);
    await expect(page.getByTestId('value-fit-bg').innerText()).resolves.toMatch(/r = .*α = .*a = .*b = /);
    await page.screenshot({ path: 'test/output/value-page.png', fullPage: true });
  });

  it('a holdout date outside the data gets a plain sentence, not a chart', async () => {
    const { page } = s;
    await openValue(page, { cal: '2030-01-01' });
    await expect(page.locator('[data-testid=value-issue][data-code=holdout-outside]').innerText()).resolves.toContain('2030-01-01');
    await expect(page.getByTestId('holdout-chart').count()).resolves.toBe(0);
  });

  it('predicted CLV by RFM segment: a box per segment, a table, and each count opens its customers', async () => {
    const { page } = s;
    await openValue(page, {});
    const box = page.getByTestId('clv-rfm-chart');
    await box.locator('svg').first().waitFor();
    expect(await box.locator('svg rect').count()).toBeGreaterThanOrEqual(3);
    await box.getByRole('button', { name: 'Table' }).click();
    const cells = page.getByTestId('clv-rfm-cell');
    expect(await cells.count()).toBeGreaterThanOrEqual(9);
    // the first segment's customers: its count equals high + mid + low, and the list opened has that many
    const row = page.getByTestId('clv-rfm-table').locator('tbody tr').first();
    const values = numbers(await row.innerText());
    const count = values[0]!;
    const tiers = values.slice(-3);
    expect(tiers.reduce((a, b) => a + b, 0)).toBe(count);
    expect(await page.getByTestId('value-page').innerText()).not.toMatch(/NaN|undefined/);
    await row.getByTestId('clv-rfm-open').click();
    await page.getByTestId('members-total').waitFor({ timeout: 120_000 });
    expect(numbers(await page.getByTestId('members-total').innerText())[0]).toBe(count);
    // a tier cell: the CLV model × RFM cross-tab cell, as many customers as the number clicked
    await openValue(page, {});
    await page.getByTestId('clv-rfm-chart').getByRole('button', { name: 'Table' }).click();
    const cell = page.getByTestId('clv-rfm-cell').first();
    const n = numbers(await cell.innerText())[0]!;
    await cell.click();
    await page.getByTestId('members-total').waitFor({ timeout: 120_000 });
    expect(numbers(await page.getByTestId('members-total').innerText())[0]).toBe(n);
    expect(await errorsShown(page)).toEqual([]);
  });

  it('the value score tiers open on the Segments page cross-tabbed with RFM', async () => {
    const { page } = s;
    await openValue(page, {});
    await page.getByTestId('open-value').click();
    await page.locator('[data-testid=breakdown][data-state=ready]').waitFor({ timeout: 120_000 });
    await expect(page.getByTestId('crosstab-with').inputValue()).resolves.toBe('rfm11');
    await expect(page.getByTestId('breakdown').innerText()).resolves.toMatch(/High value|Potential|Ordinary|Low value/);
    expect(await errorsShown(page)).toEqual([]);
  });

  it('P(alive) bands open on the Segments page with the fitted parameters', async () => {
    const { page } = s;
    await openValue(page, {});
    await page.getByTestId('open-alive').click();
    await page.locator('[data-testid=breakdown][data-state=ready]').waitFor({ timeout: 120_000 });
    expect(await errorsShown(page)).toEqual([]);
    await expect(page.getByTestId('breakdown').innerText()).resolves.toMatch(/Likely alive|At risk|Likely lost/);
  });
});

describe.skipIf(!existsSync(UCI))('value page on the UCI sample', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp(OPEN);
    await loadFiles(s, [UCI]);
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    await openValue(s.page, { cal: '2011-08-31' });
  });
  afterAll(async () => s?.close());

  it('shows the holdout chart and personas', async () => {
    await expectHoldoutAndPersonas(s.page);
    await s.page.screenshot({ path: 'test/output/value-page-uci.png', fullPage: true });
  });
});

describe.skipIf(!existsSync(CDNOW))('value page on the CDNOW sample', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp(OPEN);
    await loadFiles(s, [CDNOW]);
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    await openValue(s.page, { cal: '1997-09-30' });
  });
  afterAll(async () => s?.close());

  it('the calibration fit (weeks 1–39) shows r = 0.243, α = 4.414, a = 0.793, b = 2.426 within 1 %', async () => {
    const [r, alpha, a, b] = numbers(await s.page.getByTestId('value-holdout-fit').innerText());
    const rel = (v: number | undefined, w: number) => Math.abs((v ?? NaN) / w - 1);
    expect(rel(r, 0.243)).toBeLessThan(0.01);
    expect(rel(alpha, 4.414)).toBeLessThan(0.01);
    expect(rel(a, 0.793)).toBeLessThan(0.01);
    expect(rel(b, 2.426)).toBeLessThan(0.01);
    await expectHoldoutAndPersonas(s.page);
  });
});
