/**
 * Issue 10: the passes a load and a first view make, read from the worker's statement log (debug
 * option `?trace`). A file is sniffed once, on its head, and every pass reads it with that dialect
 * (none sniffs again, whole or in slices); its build reads it once (the orders and events straight into their tables); the Segments page's first request runs without the
 * rule builder's vocabulary (categories of every order and event) beside it. A redraw after a bins
 * change builds its links from one copy of the view state, diffs its parts once for all of them,
 * formats numbers with cached formatters and draws each chart once, from the answer. An export with
 * one row per order (no order id repeats) builds its customer base without the per-order grouping.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import type { TracedStatement } from '../../src/atlas-api';
import { openApp, loadDemo, readyAfter, errorsShown, tracedStatements, numberAt, type Session } from './browser';

describe('passes over the data', () => {
  let s: Session | undefined;
  afterAll(async () => s?.close());

  it('loads the demo with one sniff and one build read per file, and draws the first view without the vocabulary', async () => {
    s = await openApp({ query: '?trace' });
    await loadDemo(s);
    expect(await errorsShown(s.page)).toEqual([]);
    const load = await tracedStatements(s);
    const files = ['orders', 'events', 'customers'];
    expect(load.length).toBeGreaterThan(20);
    // one sniff per file, of its head only (a small buffer): its dialect and columns
    const sniffs = load.filter((x) => /FROM sniff_csv\(/.test(x.text));
    expect(sniffs).toHaveLength(files.length);
    for (const x of sniffs) expect(x.text).toMatch(/Delimiter AS delim[\s\S]*buffer_size = 4194304/);
    // every pass reads with that dialect: the sample (and every other read whose options the log shows) sniffs no more
    const reads = load.filter((x) => /read_csv\('f\d+\.csv'/.test(x.text));
    expect(reads.filter((x) => /^CREATE OR REPLACE TABLE raw_\d+ AS/.test(x.text))).toHaveLength(files.length);
    // (the log keeps 300 characters: a read whose options are cut off is judged by what is left)
    const shown = reads.map((x) => /read_csv\('f\d+\.csv', ([\s\S]*)$/.exec(x.text)![1]!).filter((o) => o.length >= 20);
    expect(shown.length).toBeGreaterThanOrEqual(files.length);
    for (const o of shown) expect(o).toMatch(/^auto_detect = false, columns = \{/);
    // the sample reads the head with a small buffer; the counting pass and the build read whole buffers
    const samples = reads.filter((x) => /^CREATE OR REPLACE TABLE raw_\d+ AS/.test(x.text));
    for (const x of samples) expect(x.text).toMatch(/buffer_size = 4194304\) LIMIT 20000$/);
    const full = load.filter((x) => /^(SELECT count\(\*\) AS n|CREATE TABLE __(orders|events)_part AS)/.test(x.text));
    expect(full.length).toBeGreaterThanOrEqual(files.length);
    for (const x of full) expect(x.text).not.toMatch(/buffer_size/);
    // the orders and events files are each read once by the build, straight into the part that becomes their table
    expect(load.filter((x) => /^CREATE TABLE __orders_part AS/.test(x.text))).toHaveLength(1);
    expect(load.filter((x) => /^CREATE TABLE __events_part AS/.test(x.text))).toHaveLength(1);
    expect(load.filter((x) => /^CREATE OR REPLACE TEMP TABLE __slice AS/.test(x.text))).toHaveLength(0);
    expect(load.filter((x) => /^INSERT INTO (orders|events) /.test(x.text))).toHaveLength(0);

    await s.page.getByTestId('nav-segments').click();
    await readyAfter(s.page, 0);
    const first = await tracedStatements(s);
    expect(first.some((x) => /customer_base|CREATE OR REPLACE TABLE cb_\d+ AS/.test(x.text))).toBe(true);
    // the demo's orders file has several lines per order: the base groups them per order
    expect(first.find((x) => /^CREATE OR REPLACE TABLE cb_\d+ AS/.test(x.text))?.text).toContain('GROUP BY customer_id, order_id');
    expect(first.filter((x) => /SELECT category AS value/.test(x.text))).toHaveLength(0);
  });

  it('redraws after a bins change without a copy of the view state per link or a formatter per number', async () => {
    const page = s!.page;
    // count deep copies (Svelte's $state.snapshot ends in structuredClone) and per-call formatters
    await page.evaluate(() => {
      const w = window as unknown as { __clones: number; __locale: number; __json: number; __draws: Record<string, number> };
      w.__clones = 0;
      w.__locale = 0;
      w.__json = 0;
      w.__draws = { breakdown: 0, 'rfm-grid': 0 };
      // a chart drawn is a figure appended to its PlotBox (the breakdown's is the first in [data-testid=breakdown])
      const boxes = {
        breakdown: document.querySelector('[data-testid=breakdown] .plot'),
        'rfm-grid': document.querySelector('[data-testid=rfm-grid] .plot'),
      };
      for (const [id, box] of Object.entries(boxes))
        new MutationObserver((ms) => (w.__draws[id]! += ms.filter((m) => m.addedNodes.length > 0).length)).observe(box!, {
          childList: true,
        });
      const stringify = JSON.stringify;
      JSON.stringify = ((...a: Parameters<typeof stringify>) => (w.__json++, stringify(...a))) as typeof stringify;
      const clone = globalThis.structuredClone;
      globalThis.structuredClone = ((v: unknown, o?: StructuredSerializeOptions) => (w.__clones++, clone(v, o))) as typeof clone;
      const locale = Number.prototype.toLocaleString;
      Number.prototype.toLocaleString = function (this: number, ...a: Parameters<typeof locale>) {
        w.__locale++;
        return locale.apply(this, a);
      };
    });
    const seq = Number(await page.getByTestId('breakdown').getAttribute('data-seq'));
    const links = await page.locator('a[href^="#"]').count();
    await page.getByTestId('rfm-bins').selectOption('4');
    await readyAfter(page, seq);
    await page.waitForTimeout(300);
    const { clones, locale, json, draws } = await page.evaluate(() => {
      const w = window as unknown as { __clones: number; __locale: number; __json: number; __draws: Record<string, number> };
      return { clones: w.__clones, locale: w.__locale, json: w.__json, draws: w.__draws };
    });
    expect(links).toBeGreaterThan(30);
    // the old code copied the whole view state for every link: ~9,000 clones per redraw on this page
    expect(clones, `${clones} copies for ${links} links`).toBeLessThan(links * 10);
    expect(locale).toBe(0);
    // each link's URL diffs the view's parts from their defaults once per snapshot, not once per link
    // (JSON of every key of the RFM, lifecycle, value and behaviour settings: 5,733 calls here before, 468 after)
    expect(json, `${json} JSON texts for ${links} links`).toBeLessThan(links * 20);
    // each chart is drawn once, from the answer: not first from the old answer for the new view
    // (the grid on a 4-score domain with 5-score cells), then again
    expect(draws).toEqual({ breakdown: 1, 'rfm-grid': 1 });
    const ticks = await page.locator('[data-testid=rfm-grid] svg [aria-label="x-axis tick label"] text').allTextContents();
    expect(ticks).toEqual(['1', '2', '3', '4']);
  });
});

describe('the customer base of an export with one row per order', () => {
  let s: Session | undefined;
  afterAll(async () => s?.close());

  /** A fresh session with the statement log on, `lines` loaded as `name`; the load's statements. */
  async function loadLines(name: string, lines: string[]): Promise<TracedStatement[]> {
    await s?.close();
    const file = join(mkdtempSync(join(tmpdir(), 'atlas-rows-')), name);
    writeFileSync(file, lines.join('\n') + '\n');
    s = await openApp({ query: '?trace' });
    await s.page.getByTestId('file-input').setInputFiles(file);
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    expect(await errorsShown(s.page)).toEqual([]);
    return tracedStatements(s);
  }
  /** How often the load ran the one-row-per-order check and the distinct count of kept orders. */
  const passes = (load: TracedStatement[]) => ({
    checks: load.filter((x) => /^SELECT count\(order_id\) AS ids, count\(DISTINCT order_id\) AS distinct_ids/.test(x.text)).length,
    distinct: load.filter((x) => /^SELECT count\(DISTINCT order_id\) AS n FROM orders WHERE NOT is_return/.test(x.text)).length,
  });
  /** The Segments page's customer-base statement and the buyers its breakdown counts. */
  async function segmentsBase(page: Page): Promise<{ base: string | undefined; buyers: number }> {
    await page.getByTestId('nav-segments').click();
    await readyAfter(page, 0);
    const base = (await tracedStatements(s!)).find((x) => /^CREATE OR REPLACE TABLE cb_\d+ AS/.test(x.text))?.text;
    const counts = await page.getByTestId('breakdown').getByTestId('seg-customers').allTextContents();
    return { base, buyers: counts.reduce((sum, t) => sum + Number(t.replace(/[^0-9]/g, '')), 0) };
  }

  it('skips the per-order grouping (the overview found no repeated order id); the figures are the grouped ones', async () => {
    // an order-level export: 20,000 orders of 3,000 customers, one row each, some of them refunds
    const lines = ['order_id,customer_id,order_time,amount,channel'];
    for (let i = 0; i < 20_000; i++)
      lines.push(
        `W${100000 + i},c${(i * 7) % 3000},2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,${i % 50 === 0 ? -12.5 : 10 + (i % 90)}.25,web`,
      );
    const load = await loadLines('orders.csv', lines);
    // the check: the head first, then every order id once (its kept ids are the order count), no second pass
    expect(passes(load)).toEqual({ checks: 2, distinct: 0 });
    // 20,000 orders less the 400 refunds (negative amounts are returns by default)
    expect(await numberAt(s!.page, 'kpi-orders')).toBe(19_600);
    expect(await numberAt(s!.page, 'kpi-customers')).toBe(2940);
    const { base, buyers } = await segmentsBase(s!.page);
    expect(base).toBeDefined();
    expect(base).not.toContain('GROUP BY customer_id, order_id');
    // the breakdown counts every buyer once (the base's rows equal the grouped base's: unit-tested)
    // (customer 7i mod 3000 gets orders i, i + 3000 …: the 60 whose every order is a refund are no buyers)
    expect(buyers).toBe(2940);
  });

  it('an order id repeated only past the head: the whole check finds it, the count is the distinct one, the base groups', async () => {
    // 100,000 orders, then a second line for the first 50 of them (past the 100,000 lines the head looks at)
    const lines = ['order_id,customer_id,order_time,amount'];
    for (let i = 0; i < 100_050; i++)
      lines.push(`W${i % 100_000},c${(i % 100_000) % 4000},2024-03-${String(1 + (i % 28)).padStart(2, '0')} 09:00:00,20.00`);
    const load = await loadLines('late-lines.csv', lines);
    // the head saw no repeat, the whole check did; the kept orders are then counted distinct
    expect(passes(load)).toEqual({ checks: 2, distinct: 1 });
    expect(await numberAt(s!.page, 'kpi-orders')).toBe(100_000);
    const { base, buyers } = await segmentsBase(s!.page);
    expect(base).toContain('GROUP BY customer_id, order_id');
    expect(buyers).toBe(4000);
  });
});
