/**
 * Nine days of orders under the default monthly periods (issue 11 §4, issue 12 item 1): the
 * lifecycle page says so in one sentence (never two overlapping hints) and switches on request.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, loadFiles, errorsShown, readyAfter, type Session } from './browser';

/** 9 days (2024-03-04 … 2024-03-12), 3 customers, one order each a day for some of them. */
function nineDays(): string {
  const lines = ['order_id,customer_id,order_time,amount'];
  let n = 0;
  for (let d = 4; d <= 12; d++) {
    for (const c of ['c1', 'c2', 'c3'].slice(0, 1 + (d % 3)))
      lines.push(`o${++n},${c},2024-03-${String(d).padStart(2, '0')} 10:00:00,${10 + d}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'atlas-thin-')), 'nine-days.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('thin data on the lifecycle page', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openApp();
    await loadFiles(s, [nineDays()]);
    await s.page.getByTestId('overview').waitFor();
  });
  afterAll(async () => s?.close());

  it('one sentence suggests day periods; using it switches and the sentence goes', async () => {
    await s.page.getByTestId('nav-lifecycle').click();
    await s.page.locator('[data-testid=stages-chart][data-state=ready]').waitFor({ timeout: 60_000 });
    // every thin-data hint the page could show, old and new
    const hints = s.page.locator('[data-testid=life-span-hint], [data-testid=period-hint]');
    expect(await hints.count()).toBe(1);
    expect(await hints.first().textContent()).toMatch(/9 days: day periods suit it better/);
    const seq = Number(await s.page.getByTestId('stages-chart').getAttribute('data-seq'));
    await s.page.getByTestId('life-span-use').click();
    await readyAfter(s.page, seq, 'stages-chart');
    expect(await s.page.getByTestId('life-period').inputValue()).toBe('day');
    expect(await hints.count()).toBe(0);
    expect(await errorsShown(s.page)).toEqual([]);
  });
});
