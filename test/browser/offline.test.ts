/**
 * After the first visit the app works with the network off: the service worker serves the page,
 * the workers and the DuckDB bundle from its cache, and a file loads and shows the overview.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openApp, loadFiles, numberAt, errorsShown, type Session } from './browser';

const ORDERS = join(import.meta.dirname, '../../public/demo/orders.csv');

describe('offline after the first visit', () => {
  let s: Session;
  let online = { customers: 0, orders: 0 };
  beforeAll(async () => {
    s = await openApp();
  });
  afterAll(async () => s?.close());

  it('installs a service worker that precaches the app shell and DuckDB', async () => {
    // `ready` resolves once the worker is active, i.e. after its precache finished
    const cached = await s.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      return urls;
    });
    expect(cached).toContain('/index.html');
    expect(cached.some((u) => /\/assets\/duckdb-eh-.*\.wasm$/.test(u))).toBe(true);
    expect(cached.some((u) => /\/assets\/atlas\.worker-.*\.js$/.test(u))).toBe(true);
    await loadFiles(s, [ORDERS]);
    online = { customers: await numberAt(s.page, 'kpi-customers'), orders: await numberAt(s.page, 'kpi-orders') };
    // public/demo/README.md: orders.csv holds 2,478 buyers; the overview counts those with a kept order
    expect(online.customers).toBeGreaterThan(2400);
    expect(online.customers).toBeLessThanOrEqual(2478);
  });

  it('reloads, starts DuckDB and loads a file with the network off', async () => {
    await s.context.setOffline(true);
    const before = s.requests.length;
    await s.page.reload();
    await s.page.getByTestId('db-status').filter({ hasText: /Ready/ }).waitFor({ timeout: 60_000 });
    // the network is really off for the page: a request nothing cached answers fails (Chromium 150
    // keeps `navigator.onLine` true after a reload under emulated offline; later versions say false)
    const probe = await s.page.evaluate(() =>
      fetch(`./offline-probe-${Date.now()}.txt`, { cache: 'no-store' }).then(
        (r) => `answered ${r.status}`,
        () => 'failed',
      ),
    );
    expect(probe).toBe('failed');
    // the page itself came from the service worker, not the network
    const nav = s.requests.slice(before).find((r) => r.isNavigationRequest());
    expect(nav).toBeDefined();
    expect((await nav!.response())?.fromServiceWorker()).toBe(true);

    await loadFiles(s, [ORDERS]);
    expect(await errorsShown(s.page)).toEqual([]);
    // the same figures as online
    expect(await numberAt(s.page, 'kpi-customers')).toBe(online.customers);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(online.orders);
    await s.context.setOffline(false);
  });
});
