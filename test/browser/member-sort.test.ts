/**
 * Every customer list sorts by every column it shows (issue 11 §6), in SQL over the whole list
 * (not in the page over 50 rows): a segment, an R × F grid cell, and a lifecycle stage.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, loadDemo, errorsShown, numberAt, type Session } from './browser';

/** Re-rendering after a click can take seconds on a busy machine: poll with room. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 200 });

const cells = (page: Page, col: string) => page.locator(`[data-testid=members-row] td[data-col=${col}]`).allTextContents();
const nums = async (page: Page, col: string) => (await cells(page, col)).map((x) => Number(x.replace(/[^0-9.\-]/g, '')));
const sortedDesc = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! >= x);
const sortedAsc = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

async function clickSort(page: Page, col: string): Promise<void> {
  await page.locator(`[data-testid=members-sort][data-col=${col}]`).click();
}

describe('sorting customer lists', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
    await loadDemo(s);
  });
  afterAll(async () => s?.close());

  it('a segment list sorts by any column, over the whole segment', async () => {
    const { page } = s;
    await page.evaluate(() => (location.hash = 'v=1&p=segments&seg=hibernating'));
    await page.getByTestId('members-row').first().waitFor({ timeout: 60_000 });
    const total = await numberAt(page, 'members-total');
    expect(total).toBeGreaterThan(50);
    const shown = await page.locator('[data-testid=members-sort]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-col')));
    const columns = await page
      .locator('[data-testid=members-row]')
      .first()
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-col')));
    // every column shown has a sort button
    expect(shown).toEqual(columns);
    // the list opens by revenue, largest first: a click turns it around, another turns it back
    await clickSort(page, 'revenue');
    await poll(async () => sortedAsc(await nums(page, 'revenue'))).toBe(true);
    const least = (await nums(page, 'revenue'))[0]!;
    await clickSort(page, 'revenue');
    await poll(async () => sortedDesc(await nums(page, 'revenue'))).toBe(true);
    // the whole segment was sorted, not the page: the other end holds more revenue
    expect((await nums(page, 'revenue'))[0]!).toBeGreaterThan(least);
    await clickSort(page, 'orders');
    await poll(async () => sortedDesc(await nums(page, 'orders'))).toBe(true);
    // ids: A to Z first
    await clickSort(page, 'customer_id');
    await expect
      .poll(async () => {
        const ids = await cells(page, 'customer_id');
        return ids.every((x, i) => i === 0 || ids[i - 1]! <= x);
      })
      .toBe(true);
  });

  it('an R × F grid cell list sorts too', async () => {
    const { page } = s;
    await page.evaluate(() => (location.hash = 'v=1&p=segments&seg=champions&cell=g%3A5%2C5'));
    await page.getByTestId('members-row').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=members-sort]').count()).toBeGreaterThan(5);
    // recency: the most recent first (fewest days), then the other way
    await clickSort(page, 'recency_days');
    await poll(async () => sortedAsc(await nums(page, 'recency_days'))).toBe(true);
    await clickSort(page, 'recency_days');
    await poll(async () => sortedDesc(await nums(page, 'recency_days'))).toBe(true);
    const days = await nums(page, 'recency_days');
    expect(days[0]!).toBeGreaterThan(days[days.length - 1]!);
  });

  it('a lifecycle list sorts by its columns', async () => {
    const { page } = s;
    await page.evaluate(() => (location.hash = 'v=1&p=lifecycle&asof=2026-01-01'));
    await page.getByTestId('stage-active').click();
    await page.getByTestId('members-row').first().waitFor({ timeout: 60_000 });
    const columns = await page
      .locator('[data-testid=members-row]')
      .first()
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-col')));
    expect(await page.locator('[data-testid=members-sort]').count()).toBe(columns.length);
    // ids: A to Z first, then Z to A
    await clickSort(page, 'customer_id');
    await expect
      .poll(async () => {
        const ids = await cells(page, 'customer_id');
        return ids.length > 1 && ids.every((x, i) => i === 0 || ids[i - 1]! <= x);
      })
      .toBe(true);
    await clickSort(page, 'customer_id');
    await expect
      .poll(async () => {
        const ids = await cells(page, 'customer_id');
        return ids.every((x, i) => i === 0 || ids[i - 1]! >= x);
      })
      .toBe(true);
    expect(await errorsShown(page)).toEqual([]);
  });
});
