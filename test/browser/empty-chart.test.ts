/**
 * Charts with nothing to draw (issue 11 §1, §4): a sentence says so; never empty axes or a colour
 * legend over [0, 0] (which labels itself "0.000000").
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, loadDemo, errorsShown, type Session } from './browser';

/** Every colour ramp legend Plot drew inside `testId` (Plot gives them a class ending in `-ramp`). */
const ramps = (page: Page, testId: string) => page.locator(`[data-testid=${testId}] svg[class$="-ramp"]`).count();
const degenerate = /0\.0{4,}/;

describe('charts with nothing to draw', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
  });
  afterAll(async () => s?.close());

  it('orders that carry no money: the R × F grid draws counts without a degenerate legend', async () => {
    // three customers, every amount 0
    const path = join(mkdtempSync(join(tmpdir(), 'atlas-empty-')), 'zero.csv');
    writeFileSync(
      path,
      [
        'order_id,customer_id,order_time,amount',
        'o1,a,2024-01-01 10:00:00,0',
        'o2,b,2024-02-01 10:00:00,0',
        'o3,a,2024-03-01 10:00:00,0',
        'o4,c,2024-03-05 10:00:00,0',
      ].join('\n') + '\n',
    );
    await loadFiles(s, [path]);
    await s.page.getByTestId('nav-segments').click();
    await s.page.locator('[data-testid=rfm-grid] svg').first().waitFor({ timeout: 60_000 });
    expect(await ramps(s.page, 'rfm-grid')).toBe(0);
    expect(await s.page.getByTestId('rfm-grid').textContent()).not.toMatch(degenerate);
  });

  it('a scope with no customers: each chart says so in a sentence', async () => {
    await loadDemo(s);
    const f = encodeURIComponent(JSON.stringify([{ field: 'channel', values: ['nowhere'] }]));
    await s.page.evaluate((h) => (location.hash = h), `v=1&p=segments&f=${f}`);
    await s.page.locator('[data-testid=breakdown] [data-testid=chart-empty]').first().waitFor({ timeout: 60_000 });
    await s.page.locator('[data-testid=rfm-grid] [data-testid=chart-empty]').first().waitFor();
    expect(await s.page.locator('[data-testid=rfm-grid] svg').count()).toBe(0);
    expect(await s.page.getByTestId('breakdown').textContent()).not.toMatch(degenerate);
    expect(await s.page.getByTestId('rfm-grid').textContent()).toMatch(/Nothing to draw/);
    expect(await errorsShown(s.page)).toEqual([]);
  });
});
