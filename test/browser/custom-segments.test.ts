/**
 * Issue 15 "Done when", on the demo data: build "VIP at risk" with three conditions, save it, reload
 * from the share link in a fresh browser context, cross-tab it against RFM, open a customer's
 * profile from its members, and export the hashed audience — its hashes checked against SHA-256
 * computed here with node:crypto of values normalised here by an independent rule.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, loadDemo, readyAfter, errorsShown, type Session } from './browser';

const DEMO = join(import.meta.dirname, '../../public/demo/customers.csv');
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The demo's phone formats, normalised without libphonenumber: digits, China's +86, mobiles only. */
function phoneE164(v: string): string | null {
  let d = v.replace(/\D/g, '');
  if (d.startsWith('0086')) d = d.slice(4);
  else if (d.startsWith('86') && d.length === 13) d = d.slice(2);
  return /^1[3-9]\d{9}$/.test(d) ? `+86${d}` : null;
}

async function downloadText(s: Session, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([s.page.waitForEvent('download'), click()]);
  return readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
}

describe('custom segments on the demo data', () => {
  let s: Session;
  let fresh: Session | null = null;
  let link = '';
  let count = 0;
  beforeAll(async () => {
    s = await openApp();
    await loadDemo(s);
  });
  afterAll(async () => {
    await fresh?.close();
    await s?.close();
  });

  it('builds "VIP at risk" with three conditions, with a live count, and saves it', { timeout: 300_000 }, async () => {
    const p = s.page;
    await p.getByTestId('nav-custom').click();
    // a rule with no conditions says so instead of counting
    await expect.poll(() => p.getByTestId('rule-problem').count()).toBe(1);
    await p.getByTestId('segment-name').fill('VIP at risk');
    for (let i = 0; i < 3; i++) await p.getByTestId('add-condition').click();
    const conds = p.getByTestId('condition');
    // 1. city is Shanghai
    await conds.nth(0).getByTestId('cond-kind').selectOption('attribute');
    await conds.nth(0).getByTestId('cond-attr').selectOption('b:city');
    await conds.nth(0).getByTestId('cond-values').fill('Shanghai');
    await conds.nth(0).getByTestId('cond-values').press('Tab');
    // 2. revenue over 500 in the last 180 days
    await conds.nth(1).getByTestId('cond-value').fill('500');
    await conds.nth(1).getByTestId('cond-value').press('Tab');
    await conds.nth(1).getByTestId('cond-days').fill('180');
    await conds.nth(1).getByTestId('cond-days').press('Tab');
    // 3. no order in the last 30 days
    await conds.nth(2).getByTestId('cond-metric').selectOption('recency_days');
    await conds.nth(2).getByTestId('cond-op').selectOption('gte');
    await conds.nth(2).getByTestId('cond-value').fill('30');
    await conds.nth(2).getByTestId('cond-value').press('Tab');
    await p.waitForFunction(() => {
      const e = document.querySelector('[data-testid=rule-count]');
      return e?.getAttribute('data-state') === 'ready';
    });
    count = Number(await p.getByTestId('rule-count-text').getAttribute('data-customers'));
    expect(count).toBeGreaterThan(0);
    await p.screenshot({ path: 'test/output/custom-builder.png', fullPage: true });

    // a name with markup is refused, in words
    await p.getByTestId('segment-name').fill('<b>VIP</b>');
    await p.getByTestId('save-segment').click();
    await expect.poll(() => p.getByTestId('name-problem').textContent()).toContain('<');
    await p.getByTestId('segment-name').fill('VIP at risk');
    await p.getByTestId('save-segment').click();
    await expect.poll(() => p.getByTestId('saved-name').allTextContents()).toEqual(['VIP at risk']);
    link = p.url();
    // the link carries the definition, never customer ids
    const cs = new URLSearchParams(link.slice(link.indexOf('#') + 1)).get('cs') ?? '';
    expect(JSON.parse(cs)).toMatchObject([{ name: 'VIP at risk', rule: { match: 'all' } }]);
    expect(cs).not.toMatch(/C1\d{4}/);
    expect(await errorsShown(p)).toEqual([]);
  });

  it(
    'reloads from the share link in a fresh context, cross-tabs against RFM, and opens a profile from its members',
    { timeout: 400_000 },
    async () => {
      fresh = await openApp({ query: link.slice(link.indexOf('#')) });
      const p = fresh.page;
      // the link opens the Custom segments page; the data is never in a link: load the demo again
      await p.getByTestId('nav-data').click();
      await loadDemo(fresh);
      await p.getByTestId('nav-custom').click();
      await expect.poll(() => p.getByTestId('saved-name').allTextContents()).toEqual(['VIP at risk']);
      await p.getByTestId('crosstab-rfm').click();
      await readyAfter(p, 0);
      expect(await p.getByTestId('model-select').inputValue()).toBe('custom');
      expect(await p.getByTestId('seg-customers').first().textContent()).toBe(String(count));
      await p.locator('[data-testid=crosstab] .tableview tbody tr').first().waitFor({ state: 'attached', timeout: 120_000 });
      const cells = await p
        .locator('[data-testid=crosstab] .tableview tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
      expect(cells.length).toBeGreaterThan(0);
      expect(cells.every((c) => c[0] === 'VIP at risk')).toBe(true);
      expect(cells.reduce((sum, c) => sum + Number((c[2] ?? '').replace(/\D/g, '')), 0)).toBe(count);
      await p.getByTestId('members-total').waitFor({ timeout: 120_000 });
      expect(Number(((await p.getByTestId('members-total').textContent()) ?? '').replace(/\D/g, ''))).toBe(count);
      await p.screenshot({ path: 'test/output/custom-crosstab.png', fullPage: true });

      const id = (await p.getByTestId('members-profile').first().textContent()) ?? '';
      await p.getByTestId('members-profile').first().click();
      await p.waitForFunction(() => document.querySelector('[data-testid=profile]')?.getAttribute('data-state') === 'ready', null, {
        timeout: 120_000,
      });
      expect(await p.getByTestId('profile-title').textContent()).toContain(id);
      expect(await p.getByTestId('profile-custom').textContent()).toContain('VIP at risk');
      expect(await p.getByTestId('profile-order').count()).toBeGreaterThan(0);
      expect(await p.locator('[data-testid=profile-attribute][data-name=email]').count()).toBe(1);
      await p.screenshot({ path: 'test/output/custom-profile.png', fullPage: true });
      expect(await errorsShown(p)).toEqual([]);
    },
  );

  it('exports the hashed audience: hashes match node:crypto of independently normalised values', { timeout: 300_000 }, async () => {
    const p = fresh!.page;
    await p.goBack();
    await p.getByTestId('members-total').waitFor({ timeout: 120_000 });
    const ids = (await downloadText(fresh!, () => p.getByTestId('members-csv').click()))
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(',')[1] ?? '');
    expect(ids.length).toBe(count);

    await p.getByTestId('audience-open').click();
    await expect.poll(() => p.getByTestId('audience-email').inputValue()).toBe('email');
    expect(await p.getByTestId('audience-phone').inputValue()).toBe('phone');
    await p.getByTestId('audience-country').selectOption('CN');
    expect(await p.getByTestId('audience-notice').textContent()).toMatch(/SHA-256/);
    const csv = await downloadText(fresh!, () => p.getByTestId('audience-download').click());
    await p.getByTestId('audience-summary').waitFor({ timeout: 120_000 });
    await p.screenshot({ path: 'test/output/custom-audience.png', fullPage: true });

    // expected rows from the committed demo file
    const lines = readFileSync(DEMO, 'utf8').trim().split('\n');
    const header = (lines[0] ?? '').split(',');
    const byId = new Map(lines.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
    const expected: string[] = [];
    let badPhones = 0;
    for (const id of ids) {
      const row = byId.get(id);
      const email = (row?.[header.indexOf('email')] ?? '').trim().toLowerCase();
      const rawPhone = row?.[header.indexOf('phone')] ?? '';
      const phone = rawPhone.trim() ? phoneE164(rawPhone) : null;
      if (rawPhone.trim() && phone === null) badPhones++;
      if (email || phone) expected.push(`${email ? sha(email) : ''},${phone ? sha(phone) : ''}`);
    }
    const got = csv.trim().split(/\r?\n/);
    expect(got[0]).toBe('email,phone');
    expect(got.slice(1).sort()).toEqual(expected.sort());
    expect(Number(await p.getByTestId('audience-summary').getAttribute('data-bad-phones'))).toBe(badPhones);
  });
});
