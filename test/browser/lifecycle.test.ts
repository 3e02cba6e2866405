/**
 * The lifecycle page on the demo data (public/demo, figures in its README): both charts announce
 * readiness, the figures add up, the planted churning 2024-09 cohort retains worse than average,
 * controls re-run the analysis and heatmap cells / stage tiles list their customers.
 */
import { expectSvgSnapshot } from './snapshot';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { openApp, numberAt, errorsShown, type Session } from './browser';

/**
 * Customers with at least one completed order line, counted independently with native DuckDB.
 * (The README's 2,478 buyers include those whose only lines were refunded or cancelled; a
 * customer enters the lifecycle with a non-return order.)
 */
async function completedBuyers(): Promise<{ all: number; completed: number }> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const file = join(import.meta.dirname, '../../public/demo/orders.csv').replaceAll("'", "''");
  const r = await conn.runAndReadAll(
    `SELECT count(DISTINCT customer_id) AS a, count(DISTINCT customer_id) FILTER (WHERE status = 'completed') AS c FROM read_csv('${file}')`,
  );
  const row = r.getRowObjectsJS()[0]!;
  conn.closeSync();
  return { all: Number(row.a), completed: Number(row.c) };
}

const READY = (id: string) => `[data-testid=${id}][data-state=ready]`;

async function seqOf(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`[data-testid=${id}]`).getAttribute('data-seq'));
}

/** Wait until both charts show a result newer than `after`. */
async function waitDrawn(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      ['stages-chart', 'retention-heatmap'].every((id) => {
        const el = document.querySelector(`[data-testid=${id}]`);
        return el?.getAttribute('data-state') === 'ready' && Number(el.getAttribute('data-seq')) > n;
      }),
    after,
    { timeout: 60_000 },
  );
}

/** Heatmap cells as drawn: cohort (null for averages), period, value, size. */
async function heatCells(page: Page) {
  return page.locator('[data-testid=retention-heatmap] rect[data-period]').evaluateAll((rects) =>
    rects.map((r) => ({
      cohort: r.getAttribute('data-cohort'),
      average: r.hasAttribute('data-average'),
      period: Number(r.getAttribute('data-period')),
      value: Number(r.getAttribute('data-value')),
      size: Number(r.getAttribute('data-size')),
    })),
  );
}

describe('lifecycle page on the demo data', () => {
  let s: Session;
  let customers = 0;
  beforeAll(async () => {
    s = await openApp();
    await s.page.getByTestId('demo').click();
    await s.page.getByTestId('overview').waitFor({ timeout: 120_000 });
    customers = await numberAt(s.page, 'kpi-customers');
    const nav = s.page.getByTestId('nav-lifecycle');
    if (await nav.count()) await nav.click();
    else await s.page.evaluate(() => (location.hash = 'v=1&p=lifecycle'));
    await waitDrawn(s.page, 0);
  });
  afterAll(async () => s?.close());

  it('draws both charts with figures that add up', async () => {
    const { page } = s;
    expect(await errorsShown(page)).toEqual([]);
    await expect(page.getByTestId('life-error').count()).resolves.toBe(0);
    const buyers = await completedBuyers();
    expect(buyers.all).toBe(2478); // README
    expect(customers).toBe(buyers.completed);
    // every customer has exactly one stage and belongs to exactly one cohort
    let stageSum = 0;
    for (const st of ['new', 'active', 'reactivated', 'dormant', 'churned']) stageSum += await numberAt(page, `stage-count-${st}`);
    expect(stageSum).toBe(customers);
    const cells = await heatCells(page);
    const sizes = new Map(cells.filter((c) => !c.average).map((c) => [c.cohort, c.size]));
    expect(sizes.size).toBe(24); // monthly cohorts 2024-01 … 2025-12
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBe(customers);
    // exact retention in the cohort's own period is 100 % by definition
    for (const c of cells.filter((x) => x.period === 0 && !x.average)) expect(c.value).toBe(1);
    // the stage chart has bars above and below zero
    const bars = await page.locator('[data-testid=stages-chart] svg g[aria-label=bar] rect').count();
    expect(bars).toBeGreaterThan(24 * 3);
    await page.screenshot({ path: 'test/output/lifecycle-page.png', fullPage: true });
    await expectSvgSnapshot(page.getByTestId('stages-chart'), 'lifecycle-stages');
    await expectSvgSnapshot(page.getByTestId('retention-heatmap'), 'lifecycle-retention');
    await page.getByTestId('stages-chart').screenshot({ path: 'test/output/lifecycle-stages.png' });
    await page.getByTestId('retention-heatmap').screenshot({ path: 'test/output/lifecycle-heatmap.png' });
    await page.locator('figure.plotbox', { hasText: 'Retention curves' }).screenshot({ path: 'test/output/lifecycle-curves.png' });
    await page.getByTestId('transition-matrix').screenshot({ path: 'test/output/lifecycle-transitions.png' });
    await page.getByTestId('repurchase').screenshot({ path: 'test/output/lifecycle-repurchase.png' });
  });

  it('shows the churning 2024-09 cohort below the average retention', async () => {
    const cells = await heatCells(s.page);
    const sept = (k: number) => cells.find((c) => c.cohort === '2024-09-01' && c.period === k)?.value;
    const avg = (k: number) => cells.find((c) => c.average && c.period === k)?.value;
    for (const k of [3, 4, 5, 6]) {
      const a = avg(k);
      const v = sept(k);
      expect(a).toBeGreaterThan(0);
      expect(v).toBeLessThan(a as number);
    }
    // planted: 155 of the cohort stop 50–75 days in, so from period 3 on it keeps under 80 % of the average
    expect(sept(4)! / avg(4)!).toBeLessThan(0.8);
  });

  it('redraws display-only toggles without asking the worker, and lists the customers of a cell', async () => {
    const { page } = s;
    const calls = () => page.evaluate(() => ({ ...(globalThis as { __atlasCalls?: Record<string, number> }).__atlasCalls }));
    const asked = (await calls()).lifecycle ?? 0;
    expect(asked).toBeGreaterThan(0);
    const seq = await seqOf(page, 'retention-heatmap');
    await page.getByTestId('life-display').selectOption('count');
    // the heatmap now shows counts: some cell holds more than 1 (a share never does)
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid=retention-heatmap] rect[data-period]')).some(
        (r) => Number(r.getAttribute('data-value')) > 1,
      ),
    );
    for (const [id, value, back] of [
      ['life-measure', 'revenue', 'customers'],
      ['life-retention', 'rolling', 'exact'],
    ] as const) {
      await page.getByTestId(id).selectOption(value);
      await page.waitForTimeout(300);
      await page.getByTestId(id).selectOption(back);
    }
    await page.waitForTimeout(500);
    // no new lifecycle request and no new result: the page redrew from the result it holds
    expect((await calls()).lifecycle ?? 0).toBe(asked);
    expect(await seqOf(page, 'retention-heatmap')).toBe(seq);
    const cells = await heatCells(page);
    const cell = cells.find((c) => c.cohort === '2024-09-01' && c.period === 1)!;
    expect(Number.isInteger(cell.value)).toBe(true);
    expect(cell.value).toBeGreaterThan(0);
    expect(cell.value).toBeLessThan(cell.size);

    await page.locator('[data-testid=retention-heatmap] rect[data-cohort="2024-09-01"][data-period="1"]').click();
    const list = page.getByTestId('members');
    await list.locator('[data-testid=members-row]').first().waitFor({ timeout: 30_000 });
    const shown = await list.locator('[data-testid=members-row]').count();
    expect(shown).toBe(Math.min(50, cell.value));
    await page.screenshot({ path: 'test/output/lifecycle-members.png', fullPage: true });

    // a stage tile lists that stage
    const churned = await numberAt(page, 'stage-count-churned');
    await page.getByTestId('stage-churned').click();
    await list.locator('[data-testid=members-row]').first().waitFor({ timeout: 30_000 });
    await expect(list.textContent()).resolves.toMatch(/Churned/);
    expect(await list.locator('[data-testid=members-row]').count()).toBe(Math.min(50, churned));
  });

  it('uses thresholds the user types and keeps the stages adding up', async () => {
    const { page } = s;
    const before = await seqOf(page, 'stages-chart');
    const active = await numberAt(page, 'stage-count-active');
    await page.getByTestId('life-a').fill('30');
    await page.getByTestId('life-a').press('Enter');
    await page.getByTestId('life-a').blur();
    await waitDrawn(page, before);
    await expect(page.getByTestId('stages-chart').textContent()).resolves.toContain('A = 30 days');
    let sum = 0;
    for (const st of ['new', 'active', 'reactivated', 'dormant', 'churned']) sum += await numberAt(page, `stage-count-${st}`);
    expect(sum).toBe(customers);
    // fewer customers bought in the last 30 days than in the last 117 (the suggested A)
    expect(await numberAt(page, 'stage-count-active')).toBeLessThan(active);
  });

  it('switches to weekly cohorts with the same customers', async () => {
    const { page } = s;
    const before = await seqOf(page, 'retention-heatmap');
    await page.getByTestId('life-period').selectOption('week');
    await waitDrawn(page, before);
    // row labels "YYYY-MM-DD (size)": the last week's period 0 is incomplete, so it has no cell
    const labels = await page.locator('[data-testid=retention-heatmap] svg [aria-label="y-axis tick label"] text').allTextContents();
    const rows = labels.map((l) => /^(\d{4}-\d{2}-\d{2}) \(([\d,]+)\)$/.exec(l)).filter((m) => m !== null);
    expect(rows.length).toBe(105); // Monday weeks 2024-01-01 … 2025-12-29
    expect(rows.reduce((a, m) => a + Number(m[2]!.replaceAll(',', '')), 0)).toBe(customers);
    for (const m of rows) expect(new Date(`${m[1]}T00:00:00Z`).getUTCDay()).toBe(1);
    const drawn = new Set((await heatCells(page)).filter((c) => !c.average).map((c) => c.cohort));
    expect(drawn.has('2025-12-29')).toBe(false);
    expect(drawn.has('2025-12-22')).toBe(true);
    await page.getByTestId('life-period').selectOption('month');
    await waitDrawn(page, await seqOf(page, 'retention-heatmap'));
  });

  it('splits overdue customers from churned ones (win-back list)', async () => {
    const { page } = s;
    // no window: every customer is considered, and "churned" is the stage rule (silent ≥ B days)
    expect(await numberAt(page, 'churn-considered')).toBe(customers);
    const churned = await numberAt(page, 'churn-churned');
    expect(churned).toBe(await numberAt(page, 'stage-count-churned'));
    const atRisk = await numberAt(page, 'churn-at-risk');
    expect(atRisk + churned).toBeLessThanOrEqual(customers);
    const b = Number(await page.getByTestId('life-b').getAttribute('placeholder'));
    expect(b).toBeGreaterThan(0);
    const silence = (id: string) =>
      page
        .locator(`[data-testid=${id}-row] td[data-col=days_since_last]`)
        .evaluateAll((tds) => tds.map((td) => Number((td.textContent ?? '').replace(/[^0-9.-]/g, ''))));
    const risk = await silence('churn-list');
    const back = await silence('winback-list');
    expect(risk.length).toBe(Math.min(50, atRisk));
    expect(back.length).toBe(Math.min(50, churned));
    for (const d of risk) expect(d).toBeLessThan(b);
    for (const d of back) expect(d).toBeGreaterThanOrEqual(b);
  });

  it('lists at-risk customers and renders in Chinese', async () => {
    const { page } = s;
    const atRisk = await numberAt(page, 'churn-at-risk');
    expect(atRisk).toBeGreaterThan(0);
    expect(atRisk).toBeLessThanOrEqual(await numberAt(page, 'churn-considered'));
    expect(await page.locator('[data-testid=churn-list-row]').count()).toBe(Math.min(50, atRisk));
    await page.getByTestId('lang').selectOption('zh');
    await page.getByText('批次留存').first().waitFor();
    await page.locator('[data-testid=stages-chart]').screenshot({ path: 'test/output/lifecycle-stages-zh.png' });
    await page.locator('[data-testid=retention-heatmap]').screenshot({ path: 'test/output/lifecycle-heatmap-zh.png' });
  });
});
