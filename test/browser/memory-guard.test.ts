/**
 * The memory guard with a small budget set by the test (`?membudget=`, bytes): a file estimated
 * beyond it is refused before it is read, in plain words naming it, and the tab and the data
 * loaded before survive. A file within the budget still loads next to it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openApp, loadFiles, numberAt, errorsShown, type Session } from './browser';
import { generateOrders } from '../../scripts/gen-orders.mjs';

const F = join(import.meta.dirname, '../fixtures/bad');

describe('memory guard', () => {
  let s: Session;
  let big = '';
  beforeAll(async () => {
    // 100k generated orders, ~5.7 MB: about 16 MB in memory by the estimate, over a 3 MB budget
    big = ((await generateOrders({ rows: 100_000 })) as { orders: string }).orders;
    s = await openApp({ query: '?membudget=3000000' });
    await loadFiles(s, [join(F, 'baseline-orders.csv')]);
  });
  afterAll(async () => s?.close());

  it('a file bigger than the budget is refused with a clear message; earlier data and the tab survive', async () => {
    expect(await numberAt(s.page, 'kpi-customers')).toBe(3);
    await loadFiles(s, [big]);
    const errors = await errorsShown(s.page);
    expect(errors.some((e) => /orders-100000\.csv is too large for this browser tab/.test(e) && /data loaded before is kept/.test(e))).toBe(
      true,
    );
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(1);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(3);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
    // still usable: a small file loads beside the baseline
    await loadFiles(s, [join(F, 'utf8-bom.csv')]);
    expect(await s.page.locator('[data-testid=file-card]').count()).toBe(2);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(5);
  });
});
