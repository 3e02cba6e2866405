/**
 * The Behaviour page in the production build: on the demo data and on the three real event logs,
 * the headline figures match counts computed independently (test/fixtures/behaviour/funnel_check.py,
 * Python's csv module over the raw files), every missing input gets a sentence, and the customers
 * behind a funnel drop-off open in the members table.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, loadDemo, waitIdle, errorsShown, DATASETS, type Session } from './browser';

const OPEN = { lang: 'en' as const, query: '?bundle=eh' };

/** Go to the Behaviour page with options and wait for a drawn result. */
async function openBehaviour(page: Page, beh: object = {}): Promise<void> {
  const el = page.getByTestId('behaviour-page');
  const before = (await el.count()) ? Number(await el.getAttribute('data-seq')) : 0;
  const q = Object.keys(beh).length ? `&beh=${encodeURIComponent(JSON.stringify(beh))}` : '';
  await page.evaluate((h) => (location.hash = h), `v=1&p=behaviour${q}`);
  await page.waitForFunction(
    (n) => {
      const e = document.querySelector('[data-testid=behaviour-page]');
      return e?.getAttribute('data-state') === 'ready' && Number(e.getAttribute('data-seq')) > n;
    },
    before,
    { timeout: 180_000 },
  );
}

/** The overall funnel counts as the table shows them. */
async function funnelCounts(page: Page): Promise<number[]> {
  const texts = await page.getByTestId('funnel-reached').allTextContents();
  return texts.map((s) => Number(s.replace(/[^0-9]/g, '')));
}

/** A tile's number (its text without separators, % or units). */
async function tile(page: Page, metric: string): Promise<string> {
  return (await page.locator(`[data-testid=beh-tiles] [data-metric=${metric}] strong`).innerText()).trim();
}
const num = (s: string) => Number(s.replace(/[^0-9.]/g, ''));

/** view → cart → purchase, 7 days, by customer, no breakdown. */
const FUNNEL_3 = {
  steps: [
    { type: 'view', category: null, product: null },
    { type: 'cart', category: null, product: null },
    { type: 'purchase', category: null, product: null },
  ],
  windowMinutes: 10080,
  order: 'ordered',
  unit: 'customers',
  breakdown: 'none',
};

describe('behaviour page on the demo data', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp(OPEN);
    await loadDemo(s);
    await openBehaviour(s.page);
  });
  afterAll(async () => s?.close());

  // figures: test/fixtures/behaviour/funnel_check.py and demo_ab_check.py (public/demo/README.md, items 6–9)
  it('headline metrics and the funnel match the independent counts: 2,043 visitors, 8,495 sessions, 2,039 → 1,494 → 1,133', async () => {
    const { page } = s;
    expect(await errorsShown(page)).toEqual([]);
    await expect(page.getByTestId('beh-error').count()).resolves.toBe(0);
    expect(await page.getByTestId('behaviour-page').innerText()).not.toMatch(/NaN|undefined/);
    expect(num(await tile(page, 'page_views'))).toBe(21900);
    expect(num(await tile(page, 'visitors'))).toBe(2043);
    expect(num(await tile(page, 'sessions'))).toBe(8495);
    await expect(page.getByTestId('session-mode').innerText()).resolves.toContain('session id');
    await page.getByTestId('funnel-chart').locator('svg').first().waitFor();
    expect(await funnelCounts(page)).toEqual([2039, 1494, 1133]);
    await page.screenshot({ path: 'test/output/behaviour-page.png', fullPage: true });
  });

  it('the funnel by channel shows the mini_program drop at the cart step (476 → 360 → 180)', async () => {
    const { page } = s;
    // the acquisition channel is the customers file's signup_channel: the guess maps it as the channel
    await page.getByTestId('nav-data').click();
    await expect(page.locator('[data-testid=col-role][data-column=signup_channel]').inputValue()).resolves.toBe('channel');
    await openBehaviour(page, {
      funnel: {
        breakdown: 'channel',
        steps: [
          { type: 'view', category: null, product: null },
          { type: 'cart', category: null, product: null },
          { type: 'purchase', category: null, product: null },
        ],
        windowMinutes: 10080,
        order: 'ordered',
        unit: 'customers',
      },
    });
    const row = page.getByTestId('funnel-breakdown-table').locator('tr', { hasText: 'mini_program' });
    const cells = (await row.locator('td').allInnerTexts()).slice(1, 4).map(num);
    expect(cells).toEqual([476, 360, 180]);
    const app = (await page.getByTestId('funnel-breakdown-table').locator('tr', { hasText: /^app/ }).locator('td').allInnerTexts())
      .slice(1, 4)
      .map(num);
    expect(app).toEqual([591, 434, 370]);
  });

  it('the exact-order funnel: 2,039 → 1,792 → 1,125 (test/fixtures/behaviour/strict_funnel_check.py)', async () => {
    const { page } = s;
    await openBehaviour(page, { funnel: { ...FUNNEL_3, order: 'strict' } });
    expect(await funnelCounts(page)).toEqual([2039, 1792, 1125]);
    await expect(page.getByTestId('funnel-order').inputValue()).resolves.toBe('strict');
  });

  it('a drop-off opens its customers (members table and CSV)', async () => {
    const { page } = s;
    await openBehaviour(page);
    await page.getByTestId('funnel-drop').nth(1).click();
    const members = page.getByTestId('beh-members');
    await members.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    await expect(members.innerText()).resolves.toContain('Dropped off before step 3');
    // every listed customer carted but never bought within the window: last step 2
    const lastSteps = await members.locator('tbody tr td:nth-child(3)').allInnerTexts();
    expect(lastSteps.length).toBeGreaterThan(0);
    expect(new Set(lastSteps)).toEqual(new Set(['2']));
  });

  it('the A/B test: conversion 72.8 % vs 78.9 % (better), no revenue difference, no sample-ratio mismatch', async () => {
    const { page } = s;
    const groups = page.getByTestId('ab-groups');
    await expect(groups.locator('tr[data-group=control] td').nth(1).innerText()).resolves.toBe('1,458');
    await expect(groups.locator('tr[data-group=coupon] td').nth(1).innerText()).resolves.toBe('1,459');
    await expect(groups.locator('tr[data-group=control] td').nth(2).innerText()).resolves.toBe('72.8 %');
    await expect(groups.locator('tr[data-group=coupon] td').nth(2).innerText()).resolves.toBe('78.9 %');
    await expect(page.getByTestId('ab-verdict').getAttribute('data-verdict')).resolves.toBe('better');
    await expect(page.getByTestId('ab-srm').getAttribute('data-warn')).resolves.toBe('false');
    // Welch on revenue per customer: p = 0.99 (scipy), so the revenue line says p = 0.99…
    await expect(page.getByTestId('ab-revenue').innerText()).resolves.toMatch(/p = 0\.99/);
  });

  it('channels: app customers retain better (62.9 % back within 90 days, 67.7 % after), social worse (26.9 %); paths and sequences drawn', async () => {
    const { page } = s;
    // figures: test/fixtures/behaviour/demo_channels_check.py
    const row = (ch: string) => page.getByTestId('channel-retention').locator(`tr[data-channel=${ch}] td`);
    await expect(row('social').nth(1).innerText()).resolves.toBe('335');
    await expect(row('social').nth(3).innerText()).resolves.toBe('26.9 %');
    // README item 10: 644 app buyers, 405 back within 90 days (0.6289), 436 after (0.6770)
    await expect(row('app').nth(1).innerText()).resolves.toBe('644');
    await expect(row('app').nth(2).innerText()).resolves.toBe('62.9 %');
    await expect(row('app').nth(3).innerText()).resolves.toBe('67.7 %');
    await expect(row('web').nth(2).innerText()).resolves.toBe('10.7 %');
    // no source column on the demo's events: first / last touch are the first order's channel, said so
    await expect(page.getByTestId('touch-source').getAttribute('data-events')).resolves.toBe('0');
    await expect(page.getByTestId('touch-source').innerText()).resolves.toContain('no source column');
    await expect(row('social').nth(2).innerText()).resolves.toBe('56.4 %');
    await page.getByTestId('paths-chart').locator('svg').first().waitFor();
    expect(await page.getByTestId('paths-top').locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('seq-table').first().locator('tbody tr').count()).toBeGreaterThan(3);
  });

  it('a funnel step that never occurs gets a sentence, not an empty chart', async () => {
    const { page } = s;
    await openBehaviour(page, {
      funnel: {
        steps: [
          { type: 'view', category: null, product: null },
          { type: 'impression', category: null, product: null },
        ],
        windowMinutes: 10080,
        order: 'ordered',
        unit: 'customers',
        breakdown: 'none',
      },
    });
    await expect(page.getByTestId('funnel-missing').innerText()).resolves.toContain('Impression');
    await expect(page.getByTestId('funnel-never').count()).resolves.toBe(1);
  });

  it('a bad funnel in the link is refused with a warning and the defaults are used', async () => {
    const { page } = s;
    await openBehaviour(page, { funnel: { steps: [{ type: 'view', category: null, product: null }], windowMinutes: 0 } });
    expect(await funnelCounts(page)).toEqual([2039, 1494, 1133]);
    await expect(page.locator('body').innerText()).resolves.toContain('Behaviour page options in the link');
  });

  it('cancels its running request when the page is left, so the next page does not queue behind it', async () => {
    const { page } = s;
    const calls = (m: string) => page.evaluate((x) => (globalThis as { __atlasCalls?: Record<string, number> }).__atlasCalls?.[x] ?? 0, m);
    const cancels = await calls('cancel');
    const asked = await calls('behaviour');
    // a funnel option change starts a request; the page is left while it runs
    await page.evaluate(async () => {
      const select = document.querySelector<HTMLSelectElement>('[data-testid=funnel-order]')!;
      select.value = select.value === 'any' ? 'ordered' : 'any';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
      document.querySelector<HTMLButtonElement>('[data-testid=nav-segments]')!.click();
    });
    await page.getByTestId('breakdown').waitFor({ timeout: 120_000 });
    expect(await calls('behaviour')).toBe(asked + 1);
    expect(await calls('cancel')).toBeGreaterThan(cancels);
  });
});

const LOGS = [
  // [file, funnel view → cart → purchase (ordered, 7 days, customers), visitors, session sentence]
  ['tianchi-userbehavior/UserBehavior_head84k.csv', [813, 564, 347], 815, '30 minutes'],
  // the app's reader skips REES46's truncated last line (a reader reject): funnel_check.py's figures without it
  ['rees46-multicategory/2019-Oct_head17k.csv', [4504, 111, 62], 4504, 'session id'],
  ['tianchi-mobile-recommend/sample_user_behavior.csv', [34, 6, 2], 34, '30 minutes'],
] as const;

describe.each(LOGS)('behaviour page on the real log %s', (file, funnel, visitors, sessions) => {
  const path = join(DATASETS, file);
  let s: Session;
  beforeAll(async () => {
    if (!existsSync(path)) return;
    s = await openApp(OPEN);
    await loadFiles(s, [path]);
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    await openBehaviour(s.page);
  });
  afterAll(async () => s?.close());

  it.skipIf(!existsSync(path))(`funnel ${funnel.join(' → ')}, ${visitors} visitors (independent Python count)`, async () => {
    const { page } = s;
    expect(await errorsShown(page)).toEqual([]);
    await expect(page.getByTestId('beh-error').count()).resolves.toBe(0);
    expect(await funnelCounts(page)).toEqual([...funnel]);
    expect(num(await tile(page, 'visitors'))).toBe(visitors);
    await expect(page.getByTestId('session-mode').innerText()).resolves.toContain(sessions);
    // no experiment column in an event log: a sentence says where to map one
    await expect(page.locator('[data-testid=ab-issue][data-code=no-variant]').count()).resolves.toBe(1);
    expect(await page.getByTestId('behaviour-page').innerText()).not.toMatch(/NaN|undefined/);
  });
});

describe('behaviour page without usable events', () => {
  let s: Session;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atlas-beh-'));
    writeFileSync(join(dir, 'orders.csv'), 'order_id,customer_id,order_date,amount\n1,a,2024-01-01,10\n2,b,2024-01-02,20\n');
    writeFileSync(join(dir, 'buys.csv'), 'user_id,event_time,event_type\na,2024-01-01 10:00:00,purchase\nb,2024-01-02 11:00:00,purchase\n');
    s = await openApp(OPEN);
  });
  afterAll(async () => s?.close());

  it('no event file: a sentence says where to load one', async () => {
    const { page } = s;
    await loadFiles(s, [join(dir, 'orders.csv')]);
    await page.getByTestId('overview').waitFor({ timeout: 120_000 });
    await openBehaviour(page);
    await expect(page.locator('[data-testid=beh-issue][data-code=no-events]').innerText()).resolves.toContain('No event file');
    await expect(page.getByTestId('funnel-chart').count()).resolves.toBe(0);
    // no channel column on the orders: a sentence says where to map one, and no touch table
    await expect(page.locator('[data-testid=channels-issue][data-code=no-channel]').count()).resolves.toBe(1);
    await expect(page.getByTestId('channel-touch').count()).resolves.toBe(0);
  });

  it('only purchase events: a sentence, and the funnel says nobody viewed', async () => {
    const { page } = s;
    await page.getByTestId('nav-data').click();
    await loadFiles(s, [join(dir, 'buys.csv')]);
    await openBehaviour(page);
    await expect(page.locator('[data-testid=beh-issue][data-code=only-purchase]').count()).resolves.toBe(1);
    await expect(page.getByTestId('funnel-empty').count()).resolves.toBe(1);
    expect(await errorsShown(page)).toEqual([]);
  });
});

/*
 * Experiment groups from three files and event sources (issue 13 §4, §6), all worked by hand:
 * customers.csv: c1…c40 `control`, c41…c45 `test` (too small for a test: 5 < 30);
 * events.csv: c1…c60 in `only`, c60 also in `solo` (left out: one group remains, 1 excluded); event
 *   types `poke` / `nudge` that no vocabulary knows (no type mapped: a sentence); utm_source `google`
 *   at 09:00 for everyone and `newsletter` at 09:30 for even ids, before their 10:00 order;
 * orders.csv: one order each, `variant` v0…v24 (25 values: too many for an experiment).
 * First touch: google 60; last touch: google 30, newsletter 30; all 60 from event sources.
 */
describe('behaviour page: experiment sources, event sources and unusable experiment columns', () => {
  let s: Session;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-beh-src-'));
    const ids = Array.from({ length: 60 }, (_, i) => i + 1);
    const ev = ['user_id,event_time,event_type,utm_source,ab_group'];
    for (const i of ids) {
      ev.push(`c${i},2024-03-01 09:00:00,poke,google,only`);
      if (i % 2 === 0) ev.push(`c${i},2024-03-01 09:30:00,nudge,newsletter,only`);
    }
    ev.push('c60,2024-03-01 09:45:00,poke,,solo');
    writeFileSync(join(dir, 'events.csv'), ev.join('\n') + '\n');
    const od = ['order_id,customer_id,order_date,amount,channel,variant'];
    for (const i of ids) od.push(`o${i},c${i},2024-03-01 10:00:00,${10 + i},web,v${i % 25}`);
    writeFileSync(join(dir, 'orders.csv'), od.join('\n') + '\n');
    const cu = ['customer_id,gender,experiment'];
    for (const i of ids.slice(0, 45)) cu.push(`c${i},${i % 2 ? 'female' : 'male'},${i <= 40 ? 'control' : 'test'}`);
    writeFileSync(join(dir, 'customers.csv'), cu.join('\n') + '\n');
    s = await openApp(OPEN);
    await loadFiles(s, [join(dir, 'orders.csv'), join(dir, 'events.csv'), join(dir, 'customers.csv')]);
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    await openBehaviour(s.page);
  });
  afterAll(async () => s?.close());

  it('no event type mapped: a sentence, never an empty funnel', async () => {
    const { page } = s;
    await expect(page.locator('[data-testid=beh-issue][data-code=no-types]').count()).resolves.toBe(1);
    await expect(page.getByTestId('funnel-chart').count()).resolves.toBe(0);
    expect(await errorsShown(page)).toEqual([]);
  });

  it('first and last touch come from the events’ utm_source', async () => {
    const { page } = s;
    await expect(page.getByTestId('touch-source').getAttribute('data-events')).resolves.toBe('60');
    const cell = (ch: string, k: string) =>
      page.locator(`[data-testid=channel-touch] tr[data-channel=${ch}] td[data-touch=${k}]`).innerText();
    await expect(cell('google', 'first')).resolves.toBe('60');
    await expect(cell('google', 'last')).resolves.toBe('30');
    await expect(cell('newsletter', 'last')).resolves.toBe('30');
    await page.locator('[data-testid=channel-touch] tr[data-channel=newsletter] td[data-touch=last] button').click();
    const members = page.getByTestId('beh-members');
    await members.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    await expect(members.innerText()).resolves.toContain('Last touch newsletter');
    // the buyers of a last touch, with both touches and where they came from
    await expect(members.locator('tbody tr').count()).resolves.toBe(30);
    await expect(members.innerText()).resolves.toContain('event source');
    await page.getByTestId('beh-members-close').click();
  });

  it('groups from each file, picked on the page and kept in the link: too small, one group (1 left out), too many', async () => {
    const { page } = s;
    const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 200 });
    const source = page.getByTestId('ab-source');
    expect(await source.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      'customers',
      'events',
      'orders',
    ]);
    await poll(() => page.locator('[data-testid=ab-issue][data-code=too-small]').count()).toBe(1);
    await source.selectOption('events');
    await poll(() => page.locator('[data-testid=ab-issue][data-code=one-group]').count()).toBe(1);
    await expect(page.getByTestId('ab-excluded').getAttribute('data-n')).resolves.toBe('1');
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain('"abSource":"events"');
    await source.selectOption('orders');
    await poll(() => page.locator('[data-testid=ab-issue][data-code=too-many]').count()).toBe(1);
    await expect(page.getByTestId('ab-from-orders').count()).resolves.toBe(1);
    await expect(page.getByTestId('ab-excluded').count()).resolves.toBe(0);
    expect(await errorsShown(page)).toEqual([]);
    expect(await page.getByTestId('behaviour-page').innerText()).not.toMatch(/NaN|undefined/);
  });
});
