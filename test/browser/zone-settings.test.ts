/**
 * The time zone setting in the mapping (issue 12 item 5) as a user drives it: the zone is guessed
 * from the offsets written in the data, times land on the zone's local day (daylight-saving time
 * included), a zone the offsets disagree with gets a warning that counts the rows, and an unknown
 * zone is refused with the tables of before kept.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, errorsShown, numberAt, waitIdle, type Session } from './browser';

/**
 * Four orders written with New York's offsets: winter −05:00, summer −04:00, either side of both
 * 2024 changes (10 March, 3 November). In New York the first is on 15 January at 23:30; in
 * Berlin (UTC+1 in winter) the same instant is 16 January 05:30.
 */
const CSV = [
  'order_id,customer_id,order_time,amount',
  'o1,c1,2024-01-15 23:30:00-05:00,10',
  'o2,c2,2024-03-10 12:00:00-04:00,20',
  'o3,c1,2024-07-15 23:30:00-04:00,30',
  'o4,c3,2024-11-03 12:00:00-05:00,40',
].join('\n');

const card = (page: Page) => page.locator('[data-testid=file-card][data-file="ny.csv"]');

async function setZone(s: Session, zone: string): Promise<void> {
  const input = card(s.page).getByTestId('file-zone');
  await input.fill(zone);
  await input.dispatchEvent('change');
  await s.page.getByTestId('apply').click();
  await waitIdle(s);
}

describe('time zone setting', () => {
  let s: Session;
  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'atlas-zone-')), 'ny.csv');
    writeFileSync(path, CSV + '\n');
    s = await openApp();
    await loadFiles(s, [path]);
    await s.page.getByTestId('overview').waitFor();
  });
  afterAll(async () => s?.close());

  it('guesses the zone from the offsets and reads times on its local days', async () => {
    expect(await card(s.page).getByTestId('file-zone').inputValue()).toBe('America/New_York');
    expect(await s.page.getByTestId('kpi-range').textContent()).toContain('2024-01-15 → 2024-11-03');
    expect(await s.page.getByTestId('overview-warning').count()).toBe(0);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
  });

  it('warns, counting the rows, when the offsets disagree with the chosen zone', async () => {
    await setZone(s, 'Europe/Berlin');
    const warning = s.page.getByTestId('overview-warning');
    await warning.first().waitFor();
    expect(await warning.count()).toBe(1);
    expect(await warning.textContent()).toMatch(/4 of 4 rows carry a UTC offset that disagrees with Europe\/Berlin/);
    // the instants are kept and shown on Berlin's days
    expect(await s.page.getByTestId('kpi-range').textContent()).toContain('2024-01-16 → 2024-11-03');
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
  });

  it('refuses an unknown zone and keeps the tables; the right zone clears the warning', async () => {
    await setZone(s, 'Mars/Olympus');
    const errors = await errorsShown(s.page);
    expect(errors.some((e) => /unknown time zone "?Mars\/Olympus/.test(e))).toBe(true);
    expect(await numberAt(s.page, 'kpi-orders')).toBe(4);
    await setZone(s, 'America/New_York');
    expect(await s.page.getByTestId('overview-warning').count()).toBe(0);
    expect(await s.page.getByTestId('kpi-range').textContent()).toContain('2024-01-15 → 2024-11-03');
  });
});
