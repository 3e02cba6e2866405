/**
 * Loading a large file: the page stays responsive (animation frames keep coming), Cancel really
 * stops the load (reading the file, and building the tables) and keeps what was loaded before
 * without an error, and back/forward move between views.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, numberAt, waitIdle, errorsShown, loadDemo, type Session } from './browser';
import { generateOrders } from '../../scripts/gen-orders.mjs';

describe('a large file', () => {
  let s: Session;
  let big = '';
  beforeAll(async () => {
    // 1M generated orders (~57 MB, cached under .bench-data): seconds to load, long enough to cancel
    big = ((await generateOrders({ rows: 1_000_000 })) as { orders: string }).orders;
    s = await openApp();
  });
  afterAll(async () => s?.close());

  it('cancel stops the load and keeps the data loaded before', async () => {
    // the demo data ships with the app: this runs on every clone, with or without ../shared/datasets
    await loadDemo(s);
    const before = { customers: await numberAt(s.page, 'kpi-customers'), orders: await numberAt(s.page, 'kpi-orders') };
    expect(before.customers).toBeGreaterThan(0);
    const cards = await s.page.locator('[data-testid=file-card]').count();

    // watch the main thread: the longest gap between animation frames while loading
    await s.page.evaluate(() => {
      const w = window as unknown as { __gap: number; __last: number; __run: boolean };
      w.__gap = 0;
      w.__last = performance.now();
      w.__run = true;
      const tick = (t: number) => {
        w.__gap = Math.max(w.__gap, t - w.__last);
        w.__last = t;
        if (w.__run) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await s.page.getByTestId('file-input').setInputFiles(big);
    await s.page.getByTestId('cancel').click({ timeout: 30_000 });
    await waitIdle(s);
    const gap = await s.page.evaluate(() => {
      const w = window as unknown as { __gap: number; __run: boolean };
      w.__run = false;
      return w.__gap;
    });
    // a frozen main thread would show a gap of seconds; allow for a slow, busy CI machine
    expect(gap).toBeLessThan(1000);
    // the user asked for it: a note naming the file, not an error
    expect(await errorsShown(s.page)).toEqual([]);
    await s.page
      .getByTestId('load-notice')
      .filter({ hasText: /orders-1000000\.csv/ })
      .filter({ hasText: /cancelled/i })
      .waitFor();
    // nothing of the big file arrived; the earlier data is still there
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(cards);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(before.customers);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(before.orders);
  });

  it('cancel while the tables are built (phase two) stops the build and keeps the data loaded before', async () => {
    if ((await s.page.getByTestId('kpi-customers').count()) === 0) await loadDemo(s);
    const before = { customers: await numberAt(s.page, 'kpi-customers'), orders: await numberAt(s.page, 'kpi-orders') };
    const cards = await s.page.locator('[data-testid=file-card]').count();
    const errorsBefore = (await errorsShown(s.page)).length;
    // record every state the progress bar shows: its text and the bar's position (-1: indeterminate)
    await s.page.evaluate(() => {
      const w = window as unknown as { __progress: { text: string; position: number }[] };
      w.__progress = [];
      const seen = () => {
        const el = document.querySelector('[data-testid=progress]');
        const bar = el?.querySelector('progress');
        if (el && bar) w.__progress.push({ text: el.textContent ?? '', position: bar.position });
      };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await s.page.getByTestId('file-input').setInputFiles(big);
    // phase one (reading the file) ends; phase two (the canonical build) shows its own progress line
    await s.page
      .getByTestId('progress')
      .filter({ hasText: /Building the customer tables/ })
      .waitFor({ timeout: 120_000 });
    // the build reports how far it is (steps done), shown on the bar
    await s.page
      .getByTestId('progress')
      .filter({ hasText: /Building the customer tables…\s*\d+ %/ })
      .waitFor({ timeout: 60_000 });
    await s.page.getByTestId('cancel').click();
    await waitIdle(s);
    // the big file is gone again, the tables are the ones from before
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(cards);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(before.customers);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(before.orders);
    // the bar showed real state: phases without a known share are indeterminate (never a made-up
    // 50 %), the build showed a share between 0 and 1
    const states = await s.page.evaluate(() => (window as unknown as { __progress: { text: string; position: number }[] }).__progress);
    const unknownShare = states.filter(
      (x) => /Loading into DuckDB|Reading every row|Inspecting columns/.test(x.text) && !/\d+ %/.test(x.text),
    );
    expect(unknownShare.length).toBeGreaterThan(0);
    for (const x of unknownShare) expect(x.position, x.text).toBe(-1);
    const building = states.filter((x) => /Building the customer tables/.test(x.text) && x.position >= 0);
    expect(building.length).toBeGreaterThan(0);
    for (const x of building) expect(x.position).toBeLessThanOrEqual(1);
    // the user asked for it: no error, only a note that the file was not loaded
    const errors = (await errorsShown(s.page)).slice(errorsBefore);
    expect(errors).toEqual([]);
    await s.page
      .getByTestId('load-notice')
      .filter({ hasText: /orders-1000000\.csv/ })
      .filter({ hasText: /cancelled/i })
      .waitFor();
  });

  it('back and forward move between views', async () => {
    // independent of the test before: load the demo unless data is there
    if ((await s.page.getByTestId('kpi-customers').count()) === 0) await loadDemo(s);
    await s.page.getByTestId('nav-segments').click();
    await s.page.getByTestId('model-select').waitFor();
    await s.page.getByTestId('nav-lifecycle').click();
    await s.page.getByTestId('stages-chart').waitFor();
    await s.page.goBack();
    await s.page.getByTestId('model-select').waitFor();
    expect(s.page.url()).toContain('p=segments');
    await s.page.goForward();
    await s.page.getByTestId('stages-chart').waitFor();
    expect(s.page.url()).toContain('p=lifecycle');
  });
});
