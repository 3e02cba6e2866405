/**
 * Platform exports on the first drop, in the production build: a Shopify order export shows the
 * right customers, orders and revenue with no change to the mapping, says which layout it is and
 * what revenue means; a file without any customer column says which role is missing and opens the
 * mapping panel at it. Fixtures and their hand-worked figures: test/fixtures/platforms/README.md.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { openApp, loadFiles, waitIdle, numberAt, errorsShown, type Session } from './browser';

const F = join(import.meta.dirname, '../fixtures/platforms');

describe('platform exports on the first drop', () => {
  let s: Session;
  beforeAll(async () => {
    // the single-threaded bundle starts fastest on a busy machine; ingest is the same code in every bundle
    s = await openApp({ query: '?bundle=eh' });
  });
  afterAll(async () => s?.close());

  it('Shopify orders: 2 customers, 4 orders, revenue 245.00 (order totals, refunds and unpaid left out)', async () => {
    await loadFiles(s, [join(F, 'shopify-orders.csv')]);
    expect(await errorsShown(s.page)).toEqual([]);
    expect(await numberAt(s.page, 'kpi-customers')).toBe(2);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(245);
    await expect.poll(() => s.page.getByTestId('layout-recognised').first().textContent()).toContain('Looks like a Shopify order export.');
    const notes = await s.page.getByTestId('layout-note').allTextContents();
    expect(notes.join(' ')).toContain('Revenue is the order total (Total)');
    expect(await s.page.getByTestId('missing-role').count()).toBe(0);
  });

  it('an order file without a customer column names the missing role and opens the mapping at it', async () => {
    // alone, so the figures are its own: 0 customers, 3 orders, 60.50
    await s.page.locator('[data-testid=file-card][data-file="shopify-orders.csv"]').getByRole('button', { name: 'Remove' }).click();
    await waitIdle(s);
    await loadFiles(s, [join(F, 'orders-no-customer.csv')]);
    const line = s.page.locator('[data-testid=missing-role][data-file="orders-no-customer.csv"]');
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.getAttribute('data-role')).toBe('customer_id');
    expect(await line.textContent()).toContain('no column is mapped as “Customer id”');
    // close the card, then the button opens it again and puts the focus on a column's role
    const card = s.page.locator('[data-testid=file-card][data-file="orders-no-customer.csv"]');
    await card.evaluate((d) => ((d as HTMLDetailsElement).open = false));
    await line.getByTestId('open-mapping').click();
    expect(await card.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await s.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('col-role');
    // orders and revenue are there; no customers, and the line above says why
    expect(await numberAt(s.page, 'kpi-customers')).toBe(0);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(3);
    expect(await numberAt(s.page, 'kpi-revenue')).toBe(60.5);
  });
});
