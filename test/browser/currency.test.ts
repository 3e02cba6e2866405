/**
 * The currency choice (issue 11 §6): set in the mapping panel, kept in the URL (`cur`), shown on
 * money on every page; a link with `cur=` shows the same money.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, loadDemo, readyAfter, errorsShown, type Session } from './browser';

/** Re-rendering after a click can take seconds on a busy machine: poll with room. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 200 });

const text = async (s: Session, id: string) => ((await s.page.getByTestId(id).first().textContent()) ?? '').trim();

describe('currency', () => {
  let s: Session;
  beforeAll(async () => {
    // a shared link that names pounds
    s = await openApp({ query: '#v=1&cur=GBP' });
    await loadDemo(s);
  });
  afterAll(async () => s?.close());

  it('a link with cur= shows money in that currency', async () => {
    expect(await s.page.locator('[data-testid=mapping] [data-testid=currency]').inputValue()).toBe('GBP');
    expect(await text(s, 'kpi-revenue')).toMatch(/^£[\d,]+$/);
    expect(await s.page.getByTestId('link-warning').count()).toBe(0);
  });

  it('choosing one in the mapping changes money everywhere and the URL', async () => {
    await s.page.locator('[data-testid=mapping] [data-testid=currency]').selectOption('EUR');
    await poll(() => text(s, 'kpi-revenue')).toMatch(/^€[\d,]+$/);
    expect(s.page.url()).toContain('cur=EUR');
    await s.page.getByTestId('nav-segments').click();
    await readyAfter(s.page, 0);
    expect(await text(s, 'seg-total-revenue')).toMatch(/^€[\d,]+$/);
    // per-customer figures in cents, with the same currency
    const aov = await s.page.locator('[data-testid=breakdown-table] tbody tr[data-segment] td:nth-child(7)').first().textContent();
    expect(aov?.trim()).toMatch(/^€[\d,]+\.\d\d$/);

    // "none": plain numbers, and the link says so
    await s.page.getByTestId('nav-data').click();
    await s.page.locator('[data-testid=mapping] [data-testid=currency]').selectOption('');
    await poll(() => text(s, 'kpi-revenue')).toMatch(/^[\d,]+$/);
    expect(s.page.url()).toContain('cur=none');
    expect(await errorsShown(s.page)).toEqual([]);
  });
});
