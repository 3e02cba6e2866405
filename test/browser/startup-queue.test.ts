/**
 * Issue 10, start-up: the file picker and the demo button work while DuckDB starts. A click before
 * the database is ready is held (the page says so) and loads the moment it is up. The wasm download
 * is held back by the test so that "before ready" is certain on any machine.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { openApp, waitIdle, numberAt, errorsShown, type Session } from './browser';

const HOLD_MS = 4000;

describe('start-up', () => {
  let s: Session | undefined;
  afterAll(async () => s?.close());

  it('the demo button works before the database is ready; the files wait and then load', async () => {
    s = await openApp({
      waitReady: false,
      beforeGoto: (page) =>
        page.route(/\.wasm$/, async (route) => {
          await new Promise((r) => setTimeout(r, HOLD_MS));
          await route.continue();
        }),
    });
    const demo = s.page.getByTestId('demo');
    await demo.waitFor();
    expect(await s.page.getByTestId('db-status').innerText()).not.toMatch(/Ready|就绪/);
    expect(await demo.isEnabled()).toBe(true);
    await demo.click();
    await s.page.getByTestId('waiting-for-db').waitFor({ timeout: 10_000 });
    expect(await s.page.getByTestId('waiting-for-db').innerText()).toMatch(/orders\.csv, events\.csv, customers\.csv/);
    await s.page
      .getByTestId('db-status')
      .filter({ hasText: /Ready|就绪/ })
      .waitFor({ timeout: Number(process.env.ATLAS_START_TIMEOUT_MS) || 60_000 });
    await s.page.getByTestId('file-overview').waitFor({ timeout: 120_000 });
    await waitIdle(s);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await s.page.getByTestId('waiting-for-db').count()).toBe(0);
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(3);
    expect(await numberAt(s.page, 'kpi-customers')).toBeGreaterThan(0);
  });
});
