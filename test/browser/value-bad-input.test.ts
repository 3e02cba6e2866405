/**
 * The Value page's bad inputs (issue 14, "Bad input"): each small file made here gets its plain
 * sentence on the page, never a NaN or an empty chart. One session; each file is loaded, checked on
 * the Value page and removed before the next.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, waitIdle, errorsShown, type Session } from './browser';

const HEADER = 'customer_id,order_id,order_date,amount\n';

let dir: string;
function make(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

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

/** The sentence shown for an issue code (empty when it is not shown). */
async function sentence(page: Page, code: string): Promise<string> {
  const el = page.locator(`[data-testid=value-issue][data-code=${code}]`);
  return (await el.count()) ? (await el.first().innerText()).replace(/\s+/g, ' ') : '';
}

async function withFile(s: Session, name: string, text: string, val: object, check: (page: Page) => Promise<void>): Promise<void> {
  await loadFiles(s, [make(name, text)]);
  await openValue(s.page, val);
  expect(await errorsShown(s.page)).toEqual([]);
  expect(await s.page.getByTestId('value-page').innerText()).not.toMatch(/NaN|undefined|Infinity/);
  await check(s.page);
  await s.page.evaluate(() => (location.hash = 'v=1&p=overview'));
  const card = s.page.locator(`[data-testid=file-card][data-file="${name}"]`);
  await card.getByRole('button', { name: 'Remove' }).click();
  await waitIdle(s);
  await expect.poll(() => card.count(), { timeout: 60_000 }).toBe(0);
}

describe('value page: bad input gets a sentence', () => {
  let s: Session;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'value-bad-'));
    s = await openApp({ lang: 'en', query: '?bundle=eh' });
  });
  afterAll(async () => s?.close());

  it('every purchase on one day: refused, with the day; no fit, no holdout chart', async () => {
    await withFile(s, 'one-day.csv', HEADER + 'a,o1,2024-03-01,5\nb,o2,2024-03-01,7\nc,o3,2024-03-01,9\n', {}, async (page) => {
      expect(await sentence(page, 'single-day')).toContain('2024-03-01');
      await expect(page.getByTestId('value-fit').count()).resolves.toBe(0);
      await expect(page.getByTestId('holdout-chart').count()).resolves.toBe(0);
    });
  });

  it('all customers new (one purchase day each): refused; 5 buyers are too few for 8 personas', async () => {
    const text = HEADER + ['a', 'b', 'c', 'd', 'e'].map((c, i) => `${c},o${i},2024-03-0${i + 1},${10 + i}\n`).join('');
    await withFile(s, 'all-new.csv', text, { k: 8 }, async (page) => {
      expect(await sentence(page, 'all-new')).toMatch(/two different days/);
      expect(await sentence(page, 'k-too-large')).toMatch(/only 5 buyers, too few for 8 personas/);
      await expect(page.getByTestId('value-fit').count()).resolves.toBe(0);
    });
  });

  it('few repeat customers (3 of 6): a warning naming the count', async () => {
    // customers a–c buy on two days, d–f once: 3 repeat customers, fewer than 100
    const text =
      HEADER +
      ['a', 'b', 'c'].flatMap((c, i) => [`${c},${c}1,2024-01-0${i + 1},20\n`, `${c},${c}2,2024-02-1${i},30\n`]).join('') +
      ['d', 'e', 'f'].map((c, i) => `${c},${c}1,2024-01-2${i},15\n`).join('');
    await withFile(s, 'few-repeat.csv', text, {}, async (page) => {
      expect(await sentence(page, 'few-repeat')).toMatch(/Only 3 customers have a repeat purchase \(fewer than 100\)/);
    });
  });

  it('no amounts (every amount 0): purchases only, with the sentence saying so', async () => {
    const text = HEADER + 'a,o1,2024-01-05,0\na,o2,2024-02-05,0\nb,o3,2024-01-20,0\nb,o4,2024-03-01,0\nc,o5,2024-02-11,0\n';
    await withFile(s, 'no-money.csv', text, {}, async (page) => {
      expect(await sentence(page, 'no-money')).toMatch(/no amounts/);
    });
  });

  it('a holdout date outside the data: the sentence names the date and the data range', async () => {
    const text = HEADER + 'a,o1,2024-01-05,10\na,o2,2024-02-05,12\nb,o3,2024-01-20,8\nb,o4,2024-03-01,9\n';
    await withFile(s, 'holdout.csv', text, { cal: '2023-06-30' }, async (page) => {
      const said = await sentence(page, 'holdout-outside');
      expect(said).toContain('2023-06-30');
      expect(said).toContain('2024-01-05');
      expect(said).toContain('2024-03-01');
      await expect(page.getByTestId('holdout-chart').count()).resolves.toBe(0);
    });
  });
});
