/**
 * The memory guard with a small budget set by the test (`?membudget=`, bytes). A file estimated
 * beyond the budget is read but not built: the page says so in plain words and offers a filtered
 * load (one customer in n by a hash of the id, or a date range); the data loaded before stays until
 * the user picks one. What the filtered tables hold is counted independently from the CSV text
 * (native DuckDB's `hash`, the same function). A file that would not fit even as one customer in a
 * thousand is refused outright, and the tab and the earlier data survive.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { openApp, loadFiles, numberAt, errorsShown, waitIdle, type Session } from './browser';
import { generateOrders } from '../../scripts/gen-orders.mjs';

const F = join(import.meta.dirname, '../fixtures/bad');
const BASELINE = join(F, 'baseline-orders.csv');

/** Distinct customers and rows of both files that one-in-`n` keeps (native DuckDB, straight from the CSV text). */
async function sampled(big: string, n: number, from?: string, to?: string): Promise<{ customers: number; orders: number }> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const keep = n > 1 ? `hash(c) % ${n} = 0` : 'TRUE';
  const dates = from && to ? `AND CAST(t AS DATE) BETWEEN DATE '${from}' AND DATE '${to}'` : '';
  const r = await conn.runAndReadAll(`SELECT count(DISTINCT c) AS customers, count(*) AS orders FROM (
      SELECT customer_id::VARCHAR AS c, order_time::VARCHAR AS t FROM read_csv('${big}', all_varchar = true)
      UNION ALL SELECT customer_id, order_date FROM read_csv('${BASELINE}', all_varchar = true))
    WHERE ${keep} ${dates}`);
  const [row] = r.getRowObjectsJS();
  return { customers: Number(row!.customers), orders: Number(row!.orders) };
}

describe('memory guard: a file too large to load whole', () => {
  let s: Session;
  let big = '';
  beforeAll(async () => {
    // 100k generated orders, ~5.7 MB: about 16 MB by the estimate, over a 3 MB budget (and over the
    // 3.75 MB a compressed build may peak at)
    big = ((await generateOrders({ rows: 100_000 })) as { orders: string }).orders;
    s = await openApp({ query: '?membudget=3000000' });
    await loadFiles(s, [BASELINE]);
  });
  afterAll(async () => s?.close());

  it('is read but not built: the page offers a filtered load, and the earlier data stays', async () => {
    expect(await numberAt(s.page, 'kpi-customers')).toBe(3);
    await loadFiles(s, [big]);
    expect(await errorsShown(s.page)).toEqual([]);
    const offer = (await s.page.getByTestId('load-filter-file').allTextContents()).join(' ');
    expect(offer).toMatch(/orders-100000\.csv is too large to load whole in this tab/);
    expect(offer).toMatch(/data loaded before is kept/);
    // the suggestion: 16 MB into ~3 MB with room to spare is one customer in ten
    expect(await s.page.getByTestId('load-filter-sample').inputValue()).toBe('10');
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(2);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(3);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
  });

  it('one customer in ten loads; the tables hold exactly the customers the hash keeps, in both files', async () => {
    await s.page.getByTestId('load-filter-apply').click();
    await waitIdle(s);
    expect(await errorsShown(s.page)).toEqual([]);
    const want = await sampled(big, 10);
    expect(want.customers).toBeGreaterThan(1000);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(want.customers);
    expect(await numberAt(s.page, 'kpi-orders')).toBeLessThanOrEqual(want.orders);
    expect(await s.page.getByTestId('load-filter-active').textContent()).toMatch(/Loaded: one customer in 10\..*filtered data/s);
  });

  it('a filter that still does not fit is refused in plain words; the filtered data stays', async () => {
    const before = await numberAt(s.page, 'kpi-customers');
    // every customer, every date of the file: its share is counted (all of it), so it still does not fit
    await s.page.getByTestId('load-filter-sample').fill('1');
    await s.page.getByTestId('load-filter-from').fill('2024-01-01');
    await s.page.getByTestId('load-filter-to').fill('2025-12-31');
    await s.page.getByTestId('load-filter-apply').click();
    await waitIdle(s);
    const errors = await errorsShown(s.page);
    expect(errors.some((e) => /Even filtered, orders-100000\.csv would need about/.test(e) && /data loaded before is kept/.test(e))).toBe(
      true,
    );
    expect(await numberAt(s.page, 'kpi-customers')).toBe(before);
  });

  it('a date range with the sample: only orders dated in it', async () => {
    for (let i = (await s.page.getByTestId('error').count()) - 1; i >= 0; i--)
      await s.page.getByTestId('error').nth(i).getByRole('button').first().click();
    await s.page.getByTestId('load-filter-sample').fill('5');
    await s.page.getByTestId('load-filter-from').fill('2024-01-01');
    await s.page.getByTestId('load-filter-to').fill('2024-06-30');
    await s.page.getByTestId('load-filter-apply').click();
    await waitIdle(s);
    expect(await errorsShown(s.page)).toEqual([]);
    const want = await sampled(big, 5, '2024-01-01', '2024-06-30');
    expect(await numberAt(s.page, 'kpi-customers')).toBe(want.customers);
    expect(await s.page.getByTestId('load-filter-active').textContent()).toMatch(/one customer in 5, dates 2024-01-01 to 2024-06-30\./);
  });

  it('a small file loaded next takes the same filter', async () => {
    await loadFiles(s, [join(F, 'utf8-bom.csv')]);
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(3);
    const text = readFileSync(join(F, 'utf8-bom.csv'), 'utf8');
    expect(text).toContain('2024-11-01');
    // utf8-bom.csv's rows are dated in November: outside the range, so no customer is added
    const want = await sampled(big, 5, '2024-01-01', '2024-06-30');
    expect(await numberAt(s.page, 'kpi-customers')).toBe(want.customers);
  });
});

describe('memory guard: a file that fits only compressed, built in slices', () => {
  let s: Session;
  afterAll(async () => s?.close());

  it('loads whole into compressed storage in several slices, with the figures of the unsliced load and of native DuckDB', async () => {
    const big = ((await generateOrders({ rows: 100_000 })) as { orders: string }).orders;
    // the figures with the default budget: plain, the file read whole
    const whole = await openApp();
    let want: number[];
    try {
      await loadFiles(whole, [BASELINE, big]);
      expect(await whole.page.getByTestId('memory').getAttribute('data-slices')).toBe('0');
      want = [
        await numberAt(whole.page, 'kpi-customers'),
        await numberAt(whole.page, 'kpi-orders'),
        await numberAt(whole.page, 'kpi-revenue'),
      ];
    } finally {
      await whole.close();
    }
    // 13.5 MB: the ~16 MB plain estimate does not fit; compressed (a fifth at rest) plus one slice
    // does; slices of 13.5 MB / 8 / 2.8 ≈ 0.6 MB of text cut the 5.6 MB file in about nine
    s = await openApp({ query: '?membudget=13500000' });
    await loadFiles(s, [BASELINE, big]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await s.page.getByTestId('load-filter').count()).toBe(0);
    const native = await sampled(big, 1);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(native.customers);
    expect([await numberAt(s.page, 'kpi-customers'), await numberAt(s.page, 'kpi-orders'), await numberAt(s.page, 'kpi-revenue')]).toEqual(
      want,
    );
    const badge = s.page.getByTestId('memory');
    expect(await badge.getAttribute('data-storage')).toBe('compressed');
    expect(Number(await badge.getAttribute('data-slices'))).toBeGreaterThanOrEqual(5);
  }, 300_000);
});

describe('memory guard: a file too large even as a sample', () => {
  let s: Session;
  afterAll(async () => s?.close());

  it('is refused outright with a clear message; earlier data and the tab survive', async () => {
    const big = ((await generateOrders({ rows: 100_000 })) as { orders: string }).orders;
    // 3 kB: the baseline fits, 16 MB would need 16 kB even as one customer in a thousand
    s = await openApp({ query: '?membudget=3000' });
    await loadFiles(s, [BASELINE]);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(3);
    await loadFiles(s, [big]);
    const errors = await errorsShown(s.page);
    expect(errors.some((e) => /orders-100000\.csv is too large for this browser tab/.test(e) && /data loaded before is kept/.test(e))).toBe(
      true,
    );
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(1);
    expect(await s.page.getByTestId('load-filter').count()).toBe(0);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
    await loadFiles(s, [join(F, 'utf8-bom.csv')]);
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(2);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(5);
  });
});
