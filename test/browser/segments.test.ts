import { expectSvgSnapshot } from './snapshot';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { openApp, waitIdle, numberAt, errorsShown, type Session, readyAfter } from './browser';

describe('segments page on the demo data', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
    await s.page.getByTestId('demo').click();
    await waitIdle(s);
    await s.page.getByTestId('overview').waitFor();
  });
  afterAll(async () => s?.close());

  it('shows the RFM breakdown whose counts add up to the buyers', async () => {
    const buyers = await numberAt(s.page, 'kpi-customers');
    await s.page.getByTestId('nav-segments').click();
    let seq = await readyAfter(s.page, 0);
    expect(await errorsShown(s.page)).toEqual([]);
    // the scope bar and cross-tab ask for the named attributes only; the rule builder's vocabulary
    // (categories of every order and event) is not computed beside the page's first request
    const calls = await s.page.evaluate(() => ({ ...(globalThis as { __atlasCalls?: Record<string, number> }).__atlasCalls }));
    expect(calls.namedAttributes ?? 0).toBeGreaterThan(0);
    expect(calls.ruleVocabulary ?? 0).toBe(0);
    const counts = (await s.page.getByTestId('seg-customers').allTextContents()).map((x) => Number(x.replace(/[^0-9]/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(buyers);
    expect(await numberAt(s.page, 'seg-total-customers')).toBe(buyers);
    await s.page.screenshot({ path: 'test/output/segments-rfm11.png', fullPage: true });
    await expectSvgSnapshot(s.page.getByTestId('breakdown'), 'segments-breakdown-rfm11');
    await expectSvgSnapshot(s.page.getByTestId('rfm-grid'), 'segments-rfm-grid');

    // every chart with a table view exports it as CSV: the R × F grid's cells add up to the buyers
    const [download] = await Promise.all([
      s.page.waitForEvent('download'),
      s.page.locator('[data-testid=rfm-grid] [data-testid=chart-csv]').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toBe('R,F,Customers,Monetary');
    expect(csv.slice(1).reduce((sum, line) => sum + Number(line.split(',')[2]), 0)).toBe(buyers);

    // every model assigns each customer exactly one segment
    for (const model of ['rfm8', 'spend', 'tier', 'behaviour']) {
      await s.page.getByTestId('model-select').selectOption(model);
      seq = await readyAfter(s.page, seq);
      const c = (await s.page.getByTestId('seg-customers').allTextContents()).map((x) => Number(x.replace(/[^0-9]/g, '')));
      expect(
        c.reduce((a, b) => a + b, 0),
        model,
      ).toBe(buyers);
    }
    await s.page.screenshot({ path: 'test/output/segments-behaviour.png', fullPage: true });
  });

  it('opens the customers behind a segment, and the URL carries the view', async () => {
    // the redraw count before the change: read after it, a fast redraw would already be counted
    const seq = Number(await s.page.getByTestId('breakdown').getAttribute('data-seq'));
    await s.page.getByTestId('model-select').selectOption('rfm11');
    await readyAfter(s.page, seq);
    const first = s.page.locator('[data-testid=breakdown-table] tbody tr').first();
    const expected = Number(((await first.getByTestId('seg-customers').textContent()) ?? '').replace(/[^0-9]/g, ''));
    await first.getByTestId('seg-customers').click();
    await s.page.getByTestId('members-total').waitFor();
    expect(await numberAt(s.page, 'members-total')).toBe(expected);
    expect(s.page.url()).toContain('seg=champions');
    expect(s.page.url()).toContain('p=segments');
    await s.page.getByTestId('profile').waitFor();
    await s.page.screenshot({ path: 'test/output/segments-members.png', fullPage: true });
  });

  it('cross-tabs against an attribute and opens a cell', async () => {
    const seq = Number(await s.page.getByTestId('breakdown').getAttribute('data-seq'));
    await s.page.getByTestId('crosstab-with').selectOption('city_tier');
    await readyAfter(s.page, seq);
    const cell = s.page.locator('[data-testid=crosstab] svg a rect').first();
    await cell.click();
    await s.page.getByTestId('members-total').waitFor();
    expect(s.page.url()).toMatch(/cell=x%3A/);
    expect(await numberAt(s.page, 'members-total')).toBeGreaterThan(0);
    await s.page.screenshot({ path: 'test/output/segments-crosstab.png', fullPage: true });
  });

  it('switches the cross-tab between counts and row shares without asking the worker', async () => {
    const asked = await callsOf(s, 'segments');
    expect(asked).toBeGreaterThan(0);
    const svg = () => s.page.evaluate(() => document.querySelector('[data-testid=crosstab] svg')?.innerHTML ?? '');
    const counts = await svg();
    await s.page.locator('[data-testid=crosstab] input[value=row]').check();
    await s.page.waitForFunction((b) => (document.querySelector('[data-testid=crosstab] svg')?.innerHTML ?? b) !== b, counts);
    await s.page.locator('[data-testid=crosstab] input[value=count]').check();
    await s.page.waitForTimeout(300);
    expect(await callsOf(s, 'segments')).toBe(asked);
  });

  it('shows segment migration whose current side adds up to the current universe', async () => {
    await s.page.evaluate(() => (location.hash = 'v=1&p=segments'));
    await readyAfter(s.page, 0);
    const total = await numberAt(s.page, 'seg-total-customers');
    await s.page.getByTestId('migration-open').click();
    await readyAfter(s.page, 0, 'migration');
    // every customer of today's universe sits in exactly one cell of a "now" column
    expect(Number(await s.page.getByTestId('migration').getAttribute('data-total-now'))).toBe(total);
    const seq = Number(await s.page.getByTestId('migration').getAttribute('data-seq'));
    await s.page.getByTestId('migration-from').fill('2025-06-30');
    await s.page.getByTestId('migration-from').dispatchEvent('change');
    await readyAfter(s.page, seq, 'migration');
    expect(s.page.url()).toContain('mig=2025-06-30');
    expect(Number(await s.page.getByTestId('migration').getAttribute('data-total-now'))).toBe(total);
    await s.page.screenshot({ path: 'test/output/segments-migration.png', fullPage: true });
  });

  it('shows the category affinity of the Interest model: each segment over-buys its own category', async () => {
    const seq = Number(await s.page.getByTestId('breakdown').getAttribute('data-seq'));
    await s.page.getByTestId('model-select').selectOption('interest');
    await readyAfter(s.page, seq);
    // the table view is rendered (hidden) beside the chart: segment, category, customers, revenue, share, lift
    const rows = await s.page
      .locator('[data-testid=affinity] table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')));
    expect(rows.length).toBeGreaterThan(10);
    const own = rows.filter(([segment, category]) => segment === category);
    expect(own.length).toBeGreaterThan(3);
    for (const [, , , , , lift] of own) expect(Number(lift)).toBeGreaterThan(1);
  });

  it('cancels its running breakdown when the page is left, so the next page does not queue behind it', async () => {
    const cancels = await callsOf(s, 'cancel');
    const asked = await callsOf(s, 'segments');
    // a model change starts a request; the page is left while it runs
    await s.page.evaluate(async () => {
      const select = document.querySelector<HTMLSelectElement>('[data-testid=model-select]')!;
      select.value = 'rfm8';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
      document.querySelector<HTMLButtonElement>('[data-testid=nav-lifecycle]')!.click();
    });
    await readyAfter(s.page, 0, 'stages-chart');
    expect(await callsOf(s, 'segments')).toBe(asked + 1);
    expect(await callsOf(s, 'cancel')).toBeGreaterThan(cancels);
  });
});

/** How many times the page has called a worker method (`window.__atlasCalls`). */
async function callsOf(s: Session, method: string): Promise<number> {
  return s.page.evaluate((m) => (globalThis as { __atlasCalls?: Record<string, number> }).__atlasCalls?.[m] ?? 0, method);
}
