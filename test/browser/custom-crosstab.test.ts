/**
 * Custom as the second side of a cross-tab, on the demo data: two overlapping saved segments (every
 * buyer; buyers in Shanghai) against RFM. The page says that a row can count a customer in more than
 * one custom column; the "everyone" column of a row equals the row segment's customers (row % 100 %),
 * so a row's cells add up to more than its customers; a cell opens exactly its customers.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openApp, loadDemo, readyAfter, type Session } from './browser';

const EVERYONE = {
  id: 'c1',
  name: 'Buyers',
  rule: { match: 'all', items: [{ kind: 'metric', metric: 'orders', op: 'gte', value: 1, days: null }] },
};
const SHANGHAI = {
  id: 'c2',
  name: 'Shanghai buyers',
  rule: {
    match: 'all',
    items: [
      { kind: 'metric', metric: 'orders', op: 'gte', value: 1, days: null },
      { kind: 'attribute', name: 'city', builtin: true, type: 'text', op: 'in', values: ['Shanghai'] },
    ],
  },
};

describe('custom segments as the cross-tab side', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp({ query: `#${new URLSearchParams({ v: '1', p: 'data', cs: JSON.stringify([EVERYONE, SHANGHAI]) }).toString()}` });
    await loadDemo(s);
  });
  afterAll(async () => s?.close());

  it('says columns overlap; rows count a customer once per column; a cell opens its customers', { timeout: 300_000 }, async () => {
    const p = s.page;
    await p.getByTestId('nav-segments').click();
    const seq = await readyAfter(p, 0);
    await p.getByTestId('crosstab-with').selectOption('custom');
    await readyAfter(p, seq);
    await p.getByTestId('crosstab-overlap').waitFor({ timeout: 60_000 });
    const rows = await p
      .locator('[data-testid=crosstab] .tableview tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    const n = (x: string | undefined) => Number((x ?? '').replace(/[^0-9.]/g, ''));
    const everyone = rows.filter((r) => r[1] === 'Buyers');
    const shanghai = rows.filter((r) => r[1] === 'Shanghai buyers');
    expect(everyone.length).toBeGreaterThan(0);
    expect(shanghai.length).toBeGreaterThan(0);
    // every buyer is in "Buyers": that cell is the whole row segment (row % 100 %), so with a Shanghai cell the row sums to more
    for (const r of everyone) expect(r[3]).toMatch(/^100(\.0)?\s?%$/);
    const both = shanghai.find((r) => everyone.some((e) => e[0] === r[0]));
    expect(both).toBeTruthy();
    // the cell's customers: the members list total equals the cell count
    const cell = p.locator('[data-testid=crosstab] .tableview tbody tr', { hasText: 'Shanghai buyers' }).first().locator('a');
    const count = n((await cell.textContent()) ?? '');
    await cell.dispatchEvent('click');
    await p.getByTestId('members-total').waitFor({ timeout: 120_000 });
    expect(n((await p.getByTestId('members-total').textContent()) ?? '')).toBe(count);
  });
});
