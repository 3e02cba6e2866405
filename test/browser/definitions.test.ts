/**
 * Peer-compatible lifecycle definitions on the demo data (2024-01-01 … 2025-12-31): the lifecycle
 * by period (PostHog / Amplitude) draws, every customer is new exactly once, a bar lists its
 * customers; day periods over two years are refused with a coarser suggestion, and work over a
 * one-month window.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { openApp, numberAt, readyAfter, type Session } from './browser';

type Bar = { period: string; status: string; customers: number };

async function bars(page: Page): Promise<Bar[]> {
  return page.locator('[data-testid=period-lifecycle-chart] rect[data-status]').evaluateAll((rects) =>
    rects.map((r) => ({
      period: r.getAttribute('data-period') ?? '',
      status: r.getAttribute('data-status') ?? '',
      customers: Number(r.getAttribute('data-customers')),
    })),
  );
}

const hash = (life: object, extra = '') => `v=1&p=lifecycle&asof=2026-01-01${extra}&life=${encodeURIComponent(JSON.stringify(life))}`;

describe('lifecycle definitions on the demo data', () => {
  let s: Session;
  let customers = 0;
  beforeAll(async () => {
    // the single-threaded bundle starts fastest on a busy machine
    s = await openApp({ query: '?bundle=eh' });
    await s.page.getByTestId('demo').click();
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    customers = await numberAt(s.page, 'kpi-customers');
  });
  afterAll(async () => s?.close());

  it('lifecycle by period (weekly): everyone is new once; a bar lists its customers', async () => {
    const { page } = s;
    await page.evaluate((h) => (location.hash = h), hash({ definition: 'period', period: 'week' }));
    await readyAfter(page, 0, 'period-lifecycle-chart');
    expect(await page.getByTestId('stages-chart').count()).toBe(0);
    await expect(page.getByTestId('period-lifecycle-chart').textContent()).resolves.toContain('PostHog / Amplitude');
    const drawn = await bars(page);
    expect(drawn.filter((b) => b.status === 'new').reduce((a, b) => a + b.customers, 0)).toBe(customers);
    // Monday weeks
    for (const b of drawn) expect(new Date(`${b.period}T00:00:00Z`).getUTCDay()).toBe(1);
    // dormant in week w ≤ customers active in week w − 1
    const active = new Map<string, number>();
    for (const b of drawn) if (b.status !== 'dormant') active.set(b.period, (active.get(b.period) ?? 0) + b.customers);
    for (const b of drawn.filter((x) => x.status === 'dormant')) {
      const prev = new Date(Date.parse(`${b.period}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
      expect(b.customers).toBeLessThanOrEqual(active.get(prev) ?? 0);
    }
    const pick = drawn.find((b) => b.status === 'returning' && b.customers > 0 && b.customers <= 50)!;
    await page.locator(`[data-testid=period-lifecycle-chart] rect[data-status=returning][data-period="${pick.period}"]`).click();
    await page.getByTestId('members-row').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('members-row').count()).toBe(pick.customers);
    // the CSV export: one line a customer, customer columns only (no helper `total` column)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('members-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]!.split(',')).toEqual(['customer_id', 'first_day', 'revenue']);
    expect(csv.length - 1).toBe(pick.customers);
    await page.getByTestId('period-lifecycle-chart').screenshot({ path: 'test/output/lifecycle-by-period.png' });
  });

  it('Sunday weeks start on Sunday', async () => {
    const { page } = s;
    const before = Number(await page.getByTestId('period-lifecycle-chart').getAttribute('data-seq'));
    await page.getByTestId('life-week-start').selectOption('sunday');
    await readyAfter(page, before, 'period-lifecycle-chart');
    const drawn = await bars(page);
    expect(drawn.length).toBeGreaterThan(0);
    for (const b of drawn) expect(new Date(`${b.period}T00:00:00Z`).getUTCDay()).toBe(0);
    expect(drawn.filter((b) => b.status === 'new').reduce((a, b) => a + b.customers, 0)).toBe(customers);
  });

  it('refuses day periods over two years, and draws them over one month', async () => {
    const { page } = s;
    await page.evaluate((h) => (location.hash = h), hash({ definition: 'period', period: 'day' }));
    await expect(page.getByTestId('life-error').textContent({ timeout: 60_000 })).resolves.toMatch(
      /period too fine: \d+ day periods .* use week/,
    );
    const before = Number(await page.getByTestId('period-lifecycle-chart').getAttribute('data-seq'));
    await page.evaluate((h) => (location.hash = h), hash({ definition: 'period', period: 'day' }, '&from=2025-12-01'));
    await readyAfter(page, before, 'period-lifecycle-chart');
    const periods = new Set((await bars(page)).map((b) => b.period));
    expect(periods.size).toBeGreaterThan(20);
    expect([...periods].every((p) => p >= '2025-12-01' && p <= '2025-12-31')).toBe(true);
    expect(await page.getByTestId('life-error').count()).toBe(0);
  });

  it('suggests day periods for a short window and switches on request', async () => {
    const { page } = s;
    // 2025-12-10 … 2025-12-31: 22 days of activity → day periods suit better than months
    const first = Number(await page.getByTestId('period-lifecycle-chart').getAttribute('data-seq'));
    await page.evaluate((h) => (location.hash = h), hash({ definition: 'period', period: 'month' }, '&from=2025-12-10'));
    const before = await readyAfter(page, first, 'period-lifecycle-chart');
    await expect(page.getByTestId('life-span-hint').textContent()).resolves.toMatch(/spans 22 days: day periods/);
    await page.getByTestId('life-span-use').click();
    await readyAfter(page, before, 'period-lifecycle-chart');
    expect(await page.getByTestId('life-period').inputValue()).toBe('day');
    expect(await page.getByTestId('life-span-hint').count()).toBe(0);
  });
});
