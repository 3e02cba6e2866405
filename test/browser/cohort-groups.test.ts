/**
 * Cohorts split by channel (issue 11 §5): the top groups plus "other", the curves as small
 * multiples (one panel per group) and a group selector that narrows the triangle and the curves
 * to one group — never 120 interleaved rows with overlapping labels.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, loadDemo, readyAfter, errorsShown, type Session } from './browser';

/** Re-rendering after a click can take seconds on a busy machine: poll with room. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 200 });

const hash = (life: object) => `v=1&p=lifecycle&asof=2026-01-01&life=${encodeURIComponent(JSON.stringify(life))}`;

describe('cohorts split by a dimension', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
    await loadDemo(s);
  });
  afterAll(async () => s?.close());

  it('draws one curve panel per group, and the selector narrows everything to one group', async () => {
    const { page } = s;
    await page.evaluate((h) => (location.hash = h), hash({ split: 'channel' }));
    await readyAfter(page, 0, 'retention-heatmap');
    const options = await page.getByTestId('ret-group').locator('option').allTextContents();
    // "all groups" first, then the demo's five channels (the top five: no "other" needed)
    expect(options[0]).toMatch(/All 5 groups/);
    expect(options.slice(1).sort()).toEqual(['app', 'marketplace', 'mini_program', 'social', 'web']);
    const curves = page.getByTestId('retention-curves');
    expect(await curves.getAttribute('data-panels')).toBe('5');
    // one framed panel per group, each titled with its group
    expect(await curves.locator('svg g[aria-label=frame] rect, svg g[aria-label=frame] path').count()).toBe(5);
    const titles = await curves.locator('svg g[aria-label=text] text').allTextContents();
    expect([...titles].sort()).toEqual(['app', 'marketplace', 'mini_program', 'social', 'web']);

    const allRows = await page.locator('[data-testid=retention-heatmap] table tbody tr td:first-child').allTextContents();
    await page.getByTestId('ret-group').selectOption({ label: 'web' });
    await poll(() => curves.getAttribute('data-panels')).toBe('1');
    const webRows = await page.locator('[data-testid=retention-heatmap] table tbody tr td:first-child').allTextContents();
    expect(webRows.length).toBeGreaterThan(1);
    expect(webRows.length).toBeLessThan(allRows.length);
    // every row of the triangle is a web cohort (or web's average)
    for (const r of webRows) expect(r).toMatch(/ · web\b/);
    expect(webRows).toEqual(allRows.filter((r) => / · web\b/.test(r)));
    expect(await errorsShown(page)).toEqual([]);
  });

  it('the picked group is in the link: opening it shows the same group', async () => {
    const { page } = s;
    await poll(() => decodeURIComponent(new URL(page.url()).hash)).toContain('"retGroup":"=web"');
    const link = page.url();
    // a fresh page of the same session (the data stays loaded): the link alone picks the group
    await page.evaluate(() => (location.hash = ''));
    await page.evaluate((h) => (location.hash = h), new URL(link).hash);
    await poll(() => page.getByTestId('retention-curves').getAttribute('data-panels')).toBe('1');
    expect(await page.getByTestId('ret-group').inputValue()).toBe('=web');
    await page.getByTestId('ret-group').selectOption({ index: 0 });
    await poll(() => page.getByTestId('retention-curves').getAttribute('data-panels')).toBe('5');
    expect(decodeURIComponent(new URL(page.url()).hash)).not.toContain('retGroup');
  });
});
