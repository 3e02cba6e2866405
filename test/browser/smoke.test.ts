import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openApp, loadFiles, numberAt, errorsShown, DATASETS, hasDatasets, type Session } from './browser';

describe.skipIf(!hasDatasets)('loading a real order file through the file input', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
  });
  afterAll(async () => s?.close());

  it('loads the rfm package orders and shows the README figures', async () => {
    await loadFiles(s, [join(DATASETS, 'rfm-r-package/rfm_data_orders.csv')]);
    await s.page.screenshot({ path: 'test/output/smoke-overview.png', fullPage: true });
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(995);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4906);
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(464158);
  });
});
