/**
 * Bad values and line shapes through the page (issue 16 items 2–6, 8, 9, 14): each file is made
 * here, loaded next to a baseline, checked in the mapping and the overview, and removed again.
 * Expected figures are worked out by hand in the comments.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, waitIdle, numberAt, errorsShown, type Session } from './browser';

const BASELINE = join(import.meta.dirname, '../fixtures/bad/baseline-orders.csv');
/** baseline-orders.csv: 3 customers, 4 orders, revenue 380 (see bad-input.test.ts). */
const BASE = { customers: 3, orders: 4, revenue: 380 };

const HEADER = 'customer_id,order_id,order_date,amount\n';
/** Data row i (1-based): customer v<i>, order w<i>, a day in March 2024, amount i. Sum over 1…n = n(n+1)/2. */
const row = (i: number) => `v${i},w${i},2024-03-${String((i % 28) + 1).padStart(2, '0')},${i}\n`;
const rows = (n: number) => Array.from({ length: n }, (_, k) => row(k + 1));

let dir: string;
function make(name: string, parts: (string | Buffer)[]): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : x))));
  return p;
}

const card = (page: Page, file: string) => page.locator(`[data-testid=file-card][data-file="${file}"]`);
const fileRow = (page: Page, file: string) => page.locator(`[data-testid=file-overview] tr[data-file="${file}"]`);

async function figures(page: Page) {
  return {
    customers: await numberAt(page, 'kpi-customers'),
    orders: await numberAt(page, 'kpi-orders'),
    revenue: await numberAt(page, 'kpi-revenue'),
  };
}

async function remove(s: Session, file: string): Promise<void> {
  await card(s.page, file).getByRole('button', { name: 'Remove' }).click();
  await waitIdle(s);
  await expect.poll(() => card(s.page, file).count()).toBe(0);
  // the tables are rebuilt after the card goes: wait for the figures
  await expect.poll(() => figures(s.page), { timeout: 60_000 }).toEqual(BASE);
}

async function why(page: Page, file: string): Promise<string> {
  return (await fileRow(page, file).innerText()).replace(/\s+/g, ' ');
}

/** The file's rejected rows as downloaded from the overview. */
async function rejectedCsv(page: Page, file: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    fileRow(page, file).getByRole('button', { name: 'Download rejected rows' }).click(),
  ]);
  return readFileSync((await download.path())!, 'utf8');
}

describe('bad values and line shapes', () => {
  let s: Session;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bad-values-'));
    // the single-threaded bundle: it starts within the app's 60 s limit even on a busy shared machine
    s = await openApp({ query: '?bundle=eh' });
    await loadFiles(s, [BASELINE]);
  });
  afterAll(async () => s?.close());

  it('decimal commas (item 2): detected, shown and editable in the mapping; revenue is not ×100', async () => {
    // 59.44 + 1234.56 + 1234.50 + 10.00 = 2538.50; K1 has two orders → 3 customers, 4 orders
    const p = make('decimal-comma.csv', [
      'customer_id;order_id;order_date;amount\nK1;B1;2024-01-05;59,44\nK2;B2;2024-01-06;1.234,56\nK3;B3;2024-01-07;1 234,50\nK1;B4;2024-02-01;10,00\n',
    ]);
    await loadFiles(s, [p]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await card(s.page, 'decimal-comma.csv').getByTestId('file-numbers').inputValue()).toBe('comma');
    expect(await figures(s.page)).toEqual({ customers: 6, orders: 8, revenue: 380 + 2538.5 });
    // switched to decimal point and applied: 5944 + 1.23 + 123450 + 1000 (the old reading)
    await card(s.page, 'decimal-comma.csv').getByTestId('file-numbers').selectOption('point');
    await s.page.getByTestId('apply').click();
    await waitIdle(s);
    await expect.poll(async () => Math.round((await figures(s.page)).revenue * 100)).toBe(38000 + 13039523);
    await remove(s, 'decimal-comma.csv');
  });

  it('far-off dates (item 3): flagged with their rows, left out of the as-of date, every model runs, one click excludes them', async () => {
    // data rows 1–10 in March 2024; row 11 dated 9999-12-31, row 12 0001-01-01 (amounts 11, 12); listed by
    // the file's own line (header = line 1), so as lines 12 and 13
    const p = make('far-dates.csv', [HEADER, ...rows(10), 'v11,w11,9999-12-31,11\n', 'v12,w12,0001-01-01,12\n']);
    await loadFiles(s, [p]);
    expect(await errorsShown(s.page)).toEqual([]);
    const flagged = s.page.locator('[data-testid=flagged][data-kind=date]');
    await expect
      .poll(() => flagged.getByTestId('flagged-row').allTextContents(), { timeout: 60_000 })
      .toEqual(['far-dates.csv · row 12: 9999-12-31', 'far-dates.csv · row 13: 0001-01-01']);
    await s.page.screenshot({ path: 'test/output/bad-far-dates.png', fullPage: true });
    // segments on every model: no "invalid as-of date"
    await s.page.getByTestId('nav-segments').click();
    for (const model of ['rfm11', 'rfm8', 'spend', 'tier', 'behaviour']) {
      await s.page.getByTestId('model-select').selectOption(model);
      await s.page.waitForFunction(
        () =>
          document.querySelector('[data-testid=segments-error]') !== null ||
          document.querySelector('[data-testid=breakdown]')?.getAttribute('data-state') === 'ready',
        undefined,
        { timeout: 60_000 },
      );
      expect(await s.page.getByTestId('segments-error').count(), model).toBe(0);
    }
    await s.page.getByTestId('nav-data').click();
    await s.page.getByTestId('exclude-dates').click();
    await waitIdle(s);
    await expect.poll(() => why(s.page, 'far-dates.csv')).toContain('date out of range: 2');
    expect(await s.page.locator('[data-testid=flagged][data-kind=date]').count()).toBe(0);
    // 10 customers, 10 orders, 1 + … + 10 = 55 are left
    expect(await figures(s.page)).toEqual({ customers: 13, orders: 14, revenue: 380 + 55 });
    await remove(s, 'far-dates.csv');
  });

  it('NaN, Infinity, 1e309 (item 4) are rejected with their reason; 1e308 is flagged', async () => {
    // data rows 1–5 normal (15); row 6 NaN, 7 Infinity, 8 1e309 rejected; row 9 1e308 kept and flagged (file line 10)
    const p = make('non-finite.csv', [
      HEADER,
      ...rows(5),
      'v6,w6,2024-03-06,NaN\n',
      'v7,w7,2024-03-07,Infinity\n',
      'v8,w8,2024-03-08,1e309\n',
      'v9,w9,2024-03-09,1e308\n',
    ]);
    await loadFiles(s, [p]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await why(s.page, 'non-finite.csv')).toContain('non-finite amount (NaN or infinity): 3');
    expect(Number(await fileRow(s.page, 'non-finite.csv').getByTestId('rows-rejected').textContent())).toBe(3);
    expect(await s.page.locator('[data-testid=flagged][data-kind=amount]').getByTestId('flagged-row').allTextContents()).toEqual([
      'non-finite.csv · row 10: 1e308',
    ]);
    const revenue = (await s.page.getByTestId('kpi-revenue').textContent()) ?? '';
    expect(revenue).not.toMatch(/NaN|∞/);
    await remove(s, 'non-finite.csv');
  });

  it('mixed CRLF and LF (item 5) load, and no message shows an internal file name', async () => {
    const p = make('mixed-ends.csv', [HEADER.replace('\n', '\r\n'), ...rows(40).map((l, i) => (i % 2 ? l.replace('\n', '\r\n') : l))]);
    await loadFiles(s, [p]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(Number(await fileRow(s.page, 'mixed-ends.csv').getByTestId('rows-read').textContent())).toBe(40);
    // 1 + … + 40 = 820
    expect(await figures(s.page)).toEqual({ customers: 43, orders: 44, revenue: 380 + 820 });
    expect(await s.page.locator('body').innerText()).not.toMatch(/\bf\d+\.csv\b/);
    await remove(s, 'mixed-ends.csv');
  });

  it('one 10 MB line (item 6) is rejected alone, with its real line number', async () => {
    const lines = rows(59);
    lines[50] = `v51,w51,2024-03-05,${'9'.repeat(10 * 1024 * 1024)}\n`; // data row 51 = file line 52
    await loadFiles(s, [make('long-line.csv', [HEADER, ...lines])]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(Number(await fileRow(s.page, 'long-line.csv').getByTestId('rows-read').textContent())).toBe(58);
    expect(await why(s.page, 'long-line.csv')).toContain('line too long: 1');
    expect((await rejectedCsv(s.page, 'long-line.csv')).split(/\r?\n/)[1]).toMatch(/^52,line too long: the line is \d+ bytes long/);
    // 1 + … + 59 − 51 = 1719
    expect(await figures(s.page)).toEqual({ customers: 61, orders: 62, revenue: 380 + 1719 });
    await remove(s, 'long-line.csv');
  });

  it('NUL bytes (item 8) reject their rows, not the file', async () => {
    const lines: (string | Buffer)[] = rows(20);
    lines[2] = Buffer.from([...Buffer.from('v3,w3,2024-03-04,'), 0, 0, ...Buffer.from('3\n')]);
    await loadFiles(s, [make('nul-bytes.csv', [HEADER, ...lines])]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await why(s.page, 'nul-bytes.csv')).toContain('NUL bytes in the line: 1');
    // 1 + … + 20 − 3 = 207
    expect(await figures(s.page)).toEqual({ customers: 22, orders: 23, revenue: 380 + 207 });
    await remove(s, 'nul-bytes.csv');
  });

  it('invalid UTF-8 (item 9): an early bad byte keeps UTF-8 for the rest; the line is rejected as invalid UTF-8', async () => {
    const lines: (string | Buffer)[] = rows(30);
    lines[0] = Buffer.from([...Buffer.from('v'), 0xff, ...Buffer.from('1,w1,2024-03-02,1\n')]); // file line 2
    // valid UTF-8 in other rows, as in any UTF-8 export with accents
    lines[1] = 'Zoë,w2,2024-03-03,2\n';
    lines[2] = 'São,w3,2024-03-04,3\n';
    lines[3] = 'Kraków,w4,2024-03-05,4\n';
    await loadFiles(s, [make('bad-utf8.csv', [HEADER, ...lines])]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(((await card(s.page, 'bad-utf8.csv').locator('summary').textContent()) ?? '').replace(/\s+/g, ' ')).toContain('utf-8');
    expect(await card(s.page, 'bad-utf8.csv').locator('summary').textContent()).not.toContain('windows-1252');
    const text = await why(s.page, 'bad-utf8.csv');
    expect(text).toContain('invalid UTF-8 byte sequence: 1');
    expect(text).not.toContain('ragged');
    // 2 + … + 30 = 464; Zoë reads as written
    expect(await figures(s.page)).toEqual({ customers: 32, orders: 33, revenue: 380 + 464 });
    expect(await card(s.page, 'bad-utf8.csv').locator('tbody tr').first().locator('td').nth(2).textContent()).toBe('Zoë · São · Kraków');
    await remove(s, 'bad-utf8.csv');
  });

  it('ids =1+1 and " =1+1" (item 14) stay two customers', async () => {
    await loadFiles(s, [
      make('formula-ids.csv', [HEADER, '=1+1,f1,2024-03-01,10\n', '" =1+1",f2,2024-03-02,20\n', '=1+1,f3,2024-03-03,30\n']),
    ]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await figures(s.page)).toEqual({ customers: 5, orders: 7, revenue: 440 });
    await remove(s, 'formula-ids.csv');
  });
});
