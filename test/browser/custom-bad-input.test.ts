/**
 * Issue 15's bad input, end to end on the demo data: a link with one malformed saved segment, one
 * that refers to an attribute the demo lacks, a malformed attribute filter and one on a missing
 * attribute. The malformed ones are ignored with a warning; the others stay, and say which
 * attribute is missing; nothing else is lost. A working attribute filter narrows the scope.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, loadDemo, readyAfter, numberAt, type Session } from './browser';

const GOOD = {
  id: 'c1',
  name: 'Has VIP level',
  rule: { match: 'all', items: [{ kind: 'attribute', name: 'vip_level', builtin: false, type: 'text', op: 'in', values: ['A'] }] },
};
const BAD = { id: 'c2', name: 'Broken', rule: { match: 'all', items: [{ kind: 'metric', metric: 'revenue', op: 'between', value: 'x' }] } };
const MISSING_FILTER = [{ name: 'vip_level', type: 'text', op: 'in', values: ['A'] }];

describe('custom segments: bad input in a link', () => {
  let s: Session;
  beforeAll(async () => {
    const hash = new URLSearchParams({ v: '1', p: 'custom', cs: JSON.stringify([GOOD, BAD]), fa: JSON.stringify(MISSING_FILTER) });
    s = await openApp({ query: `#${hash.toString()}&dd=${encodeURIComponent('{"kind":"stage","stage":"zombie"}')}` });
  });
  afterAll(async () => s?.close());

  it('ignores the malformed parts with warnings, keeps the rest and names the missing attribute', { timeout: 300_000 }, async () => {
    const p = s.page;
    const warnings = await p.getByTestId('link-warning').allTextContents();
    expect(warnings.some((w) => /1 saved segment/.test(w))).toBe(true);
    expect(warnings.some((w) => /customer list/.test(w))).toBe(true);
    await p.getByTestId('nav-data').click();
    await loadDemo(s);
    await p.getByTestId('nav-custom').click();
    await expect.poll(() => p.getByTestId('saved-name').allTextContents()).toEqual(['Has VIP level']);
    await expect.poll(() => p.getByTestId('saved-missing').textContent(), { timeout: 60_000 }).toContain('vip_level');
    // the filter on the missing attribute is kept, in the scope bar and the link, and says why it keeps nobody
    await expect.poll(() => p.getByTestId('named-filter-missing').textContent(), { timeout: 60_000 }).toContain('vip_level');
    expect(await p.getByTestId('named-filter-chip').count()).toBe(1);
    expect(new URLSearchParams(p.url().split('#')[1] ?? '').get('fa')).toBe(JSON.stringify(MISSING_FILTER));
  });

  it(
    'removing the filter on the missing attribute brings the customers back; a filter on an attribute the demo has narrows the scope',
    { timeout: 300_000 },
    async () => {
      const p = s.page;
      // remove the filter on the missing attribute: every customer is back
      await p.locator('[data-testid=named-filter-chip] button').click();
      await p.getByTestId('nav-segments').click();
      let seq = await readyAfter(p, 0);
      const all = await numberAt(p, 'seg-total-customers');
      expect(all).toBeGreaterThan(0);
      await p.getByTestId('named-filter-attr').selectOption('email');
      await p.getByTestId('named-filter-op').selectOption('contains');
      await p.getByTestId('named-filter-values').fill('@');
      await p.getByTestId('named-filter-add').click();
      seq = await readyAfter(p, seq);
      const some = await numberAt(p, 'seg-total-customers');
      expect(some).toBeGreaterThan(0);
      expect(some).toBeLessThanOrEqual(all);
      expect(await p.getByTestId('named-filter-missing').count()).toBe(0);
    },
  );
});
