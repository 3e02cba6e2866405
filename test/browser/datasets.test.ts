/**
 * Every real dataset in ../shared/datasets, loaded through the file input exactly as a user
 * would (several files at once where the dataset has several), the mapping corrected in the panel
 * where the guess is not what a user wants, and the overview checked against the dataset README —
 * or, where the README states no figure (revenue mostly), against an independent calculation on
 * the raw file in native DuckDB written here. One browser session per dataset, in sequence.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { openApp, loadFiles, waitIdle, numberAt, errorsShown, DATASETS, hasDatasets, type Session } from './browser';

const D = DATASETS;

/** One value computed by native DuckDB straight from the raw files (independent of the app's SQL). */
async function native(q: string): Promise<number> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (await conn.runAndReadAll(q)).getRows();
  return Number(rows[0]?.[0]);
}

interface FileRow {
  read: number;
  rejected: number;
  text: string;
}

async function fileRow(page: Page, file: string): Promise<FileRow> {
  const tr = page.locator(`[data-testid=file-overview] tr[data-file="${file}"]`);
  const n = async (id: string) => Number(((await tr.getByTestId(id).textContent()) ?? '').replace(/[^0-9.-]/g, ''));
  return { read: await n('rows-read'), rejected: await n('rows-rejected'), text: (await tr.innerText()).replace(/\s+/g, ' ') };
}

async function events(page: Page): Promise<Record<string, number>> {
  const cells = page.locator('[data-testid=events-by-type] td[data-type]');
  const out: Record<string, number> = {};
  for (const td of await cells.all())
    out[(await td.getAttribute('data-type')) ?? '?'] = Number(((await td.textContent()) ?? '').replace(/[^0-9]/g, ''));
  return out;
}

const range = async (page: Page) => (await page.getByTestId('kpi-range').textContent())?.trim();
const kpis = async (page: Page) => ({
  customers: await numberAt(page, 'kpi-customers'),
  orders: await numberAt(page, 'kpi-orders'),
  revenue: await numberAt(page, 'kpi-revenue'),
  returns: await numberAt(page, 'kpi-returns'),
});

async function apply(s: Session): Promise<void> {
  await s.page.getByTestId('apply').click();
  await waitIdle(s);
}

/** Refund panel: `net` mode, and the three return signals (the defaults count all of them). */
async function refundRule(s: Session, r: { net?: boolean; negative?: boolean; prefixes?: string; statuses?: string }): Promise<void> {
  const panel = s.page.getByTestId('refund-rule');
  if (r.net !== undefined) await panel.getByLabel(r.net ? /Subtract them/ : /Leave them out/).check();
  if (r.negative !== undefined) await panel.getByLabel('Negative amount or quantity').setChecked(r.negative);
  for (const [label, v] of [
    ['Order id starts with', r.prefixes],
    ['Status is one of', r.statuses],
  ] as const) {
    if (v === undefined) continue;
    const box = panel.getByLabel(label);
    await box.fill(v);
    await box.dispatchEvent('change');
  }
  await apply(s);
}

const card = (page: Page, file: string) => page.locator(`[data-testid=file-card][data-file="${file}"]`);

/** Opens one session per dataset and closes it; `use` runs the checks. */
function withSession(name: string, paths: () => string[], body: (get: () => Session) => void) {
  describe(name, () => {
    let s: Session;
    beforeAll(async () => {
      s = await openApp();
      await loadFiles(s, paths());
    });
    afterAll(async () => {
      if (s) await s.page.screenshot({ path: `test/output/dataset-${name.split(' ')[0]}.png`, fullPage: true }).catch(() => undefined);
      await s?.close();
    });
    it('loads without an error message', async () => {
      expect(await errorsShown(s.page)).toEqual([]);
    });
    body(() => s);
  });
}

describe.skipIf(!hasDatasets)('real datasets through the file input', () => {
  withSession(
    'rfm-r-package',
    () => [join(D, 'rfm-r-package/rfm_data_orders.csv')],
    (s) => {
      it('995 customers, 4,906 orders, revenue 464,158, 2001-10-29 … 2006-12-30', async () => {
        const { page } = s();
        expect(await kpis(page)).toEqual({ customers: 995, orders: 4906, revenue: 464158, returns: 0 });
        expect(await range(page)).toBe('2001-10-29 → 2006-12-30');
        expect(await fileRow(page, 'rfm_data_orders.csv')).toMatchObject({ read: 4906, rejected: 0 });
      });
    },
  );

  withSession(
    'uci-12pct',
    () => [join(D, 'uci-online-retail/online_retail_customer_sample_12pct.csv')],
    (s) => {
      const csv = join(D, 'uci-online-retail/online_retail_customer_sample_12pct.csv');
      const isReturn = `(InvoiceNo LIKE 'C%' OR CAST(Quantity AS DOUBLE) < 0 OR CAST(Quantity AS DOUBLE) * CAST(UnitPrice AS DOUBLE) < 0)`;
      it('default rule (returns left out): 60,150 rows, 15,985 without CustomerID, 2010-12-01 … 2011-12-09', async () => {
        const { page } = s();
        const row = await fileRow(page, 'online_retail_customer_sample_12pct.csv');
        expect(row).toMatchObject({ read: 60150, rejected: 0 });
        expect(row.text).toContain('CustomerID: 15,985');
        expect(await range(page)).toBe('2010-12-01 → 2011-12-09');
        // README counts 521 customers / 2,989 invoices including C-cancellations and stock write-offs;
        // the default rule leaves those out, so the figures are the independent count without them.
        const src = `FROM read_csv('${csv}', all_varchar = true) WHERE NOT ${isReturn}`;
        expect(await kpis(page)).toEqual({
          customers: await native(`SELECT count(DISTINCT CustomerID) ${src}`),
          orders: await native(`SELECT count(DISTINCT InvoiceNo) ${src}`),
          revenue: await native(`SELECT round(sum(round(CAST(Quantity AS DOUBLE) * CAST(UnitPrice AS DOUBLE), 2)), 2) ${src}`),
          // the excluded rows are still counted as return rows (README: 1,136 cancellations + 173 write-offs)
          returns: 1136 + 173,
        });
        expect(await numberAt(page, 'kpi-customers')).toBe(512);
      });
      it('net mode: 1,309 return rows = 1,136 cancellation rows + 173 write-offs (README)', async () => {
        await refundRule(s(), { net: true });
        expect(await numberAt(s().page, 'kpi-returns')).toBe(1136 + 173);
      });
      it('no return signals: README figures 521 customers, 2,989 invoices', async () => {
        await refundRule(s(), { net: false, negative: false, prefixes: '' });
        expect(await kpis(s().page)).toMatchObject({ customers: 521, orders: 2989, returns: 0 });
      });
    },
  );

  const dayDir = join(D, 'uci-online-retail/by-day-2010-12');
  const days = () => readdirSync(dayDir).sort();
  withSession(
    'uci-by-day',
    () => days().map((f) => join(dayDir, f)),
    (s) => {
      it('all 20 day files: rows per file = its lines − header, 42,481 in total, 15,631 without CustomerID', async () => {
        const { page } = s();
        expect(days()).toHaveLength(20);
        let total = 0;
        let noCustomer = 0;
        for (const f of days()) {
          const lines =
            readFileSync(join(dayDir, f), 'utf8')
              .split('\n')
              .filter((l) => l !== '').length - 1;
          const row = await fileRow(page, f);
          expect(row, f).toMatchObject({ read: lines, rejected: 0 });
          total += row.read;
          noCustomer += Number(/CustomerID: ([\d,]+)/.exec(row.text)?.[1]?.replace(/,/g, '') ?? 0);
        }
        expect(total).toBe(42481);
        expect(noCustomer).toBe(15631);
        expect(await range(page)).toBe('2010-12-01 → 2010-12-23');
      });
      it('net mode: 798 return rows = 728 cancellations + 70 write-offs (README)', async () => {
        await refundRule(s(), { net: true });
        expect(await numberAt(s().page, 'kpi-returns')).toBe(728 + 70);
      });
      it('no return signals: 948 customers (README)', async () => {
        await refundRule(s(), { net: false, negative: false, prefixes: '' });
        expect(await numberAt(s().page, 'kpi-customers')).toBe(948);
      });
    },
  );

  withSession(
    'uci-semicolon',
    () => [join(D, 'uci-online-retail/variants/online_retail_semicolon_mixed_dates.csv')],
    (s) => {
      it('mixed month-first dates all parse: 5,000 rows, 1,039 customers, 2010-12-01 … 2011-02-23, no returns', async () => {
        const { page } = s();
        expect(await fileRow(page, 'online_retail_semicolon_mixed_dates.csv')).toMatchObject({ read: 5000, rejected: 0 });
        expect(await kpis(page)).toMatchObject({ customers: 1039, returns: 0 });
        expect(await range(page)).toBe('2010-12-01 → 2011-02-23');
      });
    },
  );

  withSession(
    'uci-R-quoted',
    () => [join(D, 'uci-online-retail/variants/online_retail_sample20k_R_quoted.csv')],
    (s) => {
      it('20,000 rows; without return signals 3,049 customers (README), 2010-12-01 … 2011-12-09', async () => {
        const { page } = s();
        expect(await fileRow(page, 'online_retail_sample20k_R_quoted.csv')).toMatchObject({ read: 20000, rejected: 0 });
        expect(await range(page)).toBe('2010-12-01 → 2011-12-09');
        await refundRule(s(), { negative: false, prefixes: '' });
        expect(await numberAt(page, 'kpi-customers')).toBe(3049);
      });
    },
  );

  const olist = ['orders', 'customers', 'order_items', 'order_payments', 'products'].map((n) => `olist_${n}_dataset.csv`);
  withSession(
    'olist',
    () => olist.map((n) => join(D, 'olist-brazil', n)),
    (s) => {
      it('rows per file as in the README; default rule drops 625 canceled + 609 unavailable orders', async () => {
        const { page } = s();
        const rows = [8135, 8135, 8365, 8924, 5460];
        for (const [i, f] of olist.entries()) expect(await fileRow(page, f), f).toMatchObject({ read: rows[i], rejected: 0 });
        expect(await numberAt(page, 'kpi-orders')).toBe(8135 - 625 - 609);
        // Order value = price + freight over items, else the payments (README "Quirks"); independent sum.
        const f = (n: string) => `read_csv('${join(D, 'olist-brazil', `olist_${n}_dataset.csv`)}')`;
        const kept = `o.order_status NOT IN ('canceled', 'unavailable')`;
        expect(await numberAt(page, 'kpi-revenue')).toBe(
          await native(`SELECT round(
        (SELECT sum(round(price + freight_value, 2)) FROM ${f('order_items')} i JOIN ${f('orders')} o USING (order_id) WHERE ${kept}) +
        (SELECT coalesce(sum(payment_value), 0) FROM ${f('order_payments')} p JOIN ${f('orders')} o USING (order_id)
          WHERE ${kept} AND order_id NOT IN (SELECT order_id FROM ${f('order_items')})), 2)`),
        );
      });
      it('no status counted as a return: 8,135 orders of 8,016 people, 2016-09-04 … 2018-10-17 (README)', async () => {
        await refundRule(s(), { statuses: '' });
        const { page } = s();
        expect(await kpis(page)).toMatchObject({ customers: 8016, orders: 8135, returns: 0 });
        expect(await range(page)).toBe('2016-09-04 → 2018-10-17');
      });
    },
  );

  const seller = ['ExportOrderList_pii_removed.csv', 'ExportOrderDetailList202210201728.csv'];
  withSession(
    'tmall-seller',
    () => seller.map((n) => join(D, 'tmall-seller-export', n)),
    (s) => {
      it('the GBK detail file is decoded and guessed as the order lines of the order list (it repeats the same orders)', async () => {
        const { page } = s();
        await expect.poll(() => card(page, seller[1]!).locator('summary').innerText()).toContain('gb18030');
        // It has time and money but no buyer, next to an order list with buyers: as a second orders
        // file its 576 orders would be counted again in revenue, so it is guessed as order lines.
        expect(await card(page, seller[1]!).getByTestId('file-role').inputValue()).toBe('order_lines');
        expect(await card(page, seller[0]!).getByTestId('file-role').inputValue()).toBe('orders');
        expect(await errorsShown(page)).toEqual([]);
        expect(await fileRow(page, seller[0]!)).toMatchObject({ read: 617, rejected: 0 });
        expect(await fileRow(page, seller[1]!)).toMatchObject({ read: 1119, rejected: 0 });
        // 617 orders − 105 closed (交易关闭) left out by the default rule.
        expect(await numberAt(page, 'kpi-orders')).toBe(617 - 105);
        const list = `FROM read_csv('${join(D, 'tmall-seller-export', seller[0]!)}', all_varchar = true) WHERE "订单状态" <> '交易关闭'`;
        expect(await numberAt(page, 'kpi-revenue')).toBe(await native(`SELECT round(sum(CAST("买家实际支付金额" AS DOUBLE)), 2) ${list}`));
        expect(await numberAt(page, 'kpi-customers')).toBe(await native(`SELECT count(DISTINCT "买家会员名") ${list}`));
      });
      it('no status counted as a return: 617 orders, 579 buyers, 2022-09-01 … 2022-10-20 (README)', async () => {
        await refundRule(s(), { statuses: '' });
        expect(await kpis(s().page)).toMatchObject({ customers: 579, orders: 617 });
        expect(await range(s().page)).toBe('2022-09-01 → 2022-10-20');
      });
    },
  );

  const cj = ['transactions_sample.csv', 'demographics.csv'];
  withSession(
    'completejourney',
    () => cj.map((n) => join(D, 'completejourney-8451', n)),
    (s) => {
      it('2,377 households, 47,243 baskets, 2017-01-01 … 2017-12-31; 75,000 lines and 801 profiles', async () => {
        const { page } = s();
        expect(await fileRow(page, cj[0]!)).toMatchObject({ read: 75000, rejected: 0 });
        expect(await fileRow(page, cj[1]!)).toMatchObject({ read: 801, rejected: 0 });
        expect(await kpis(page)).toEqual({
          customers: 2377,
          orders: 47243,
          returns: 0,
          revenue: await native(`SELECT round(sum(sales_value), 2) FROM read_csv('${join(D, 'completejourney-8451', cj[0]!)}')`),
        });
        expect(await range(page)).toBe('2017-01-01 → 2017-12-31');
      });
    },
  );

  withSession(
    'cdnow-master',
    () => [join(D, 'cdnow/CDNOW_master.txt')],
    (s) => {
      it('whitespace-separated: 69,659 transactions of 23,570 customers, 1997-01-01 … 1998-06-30', async () => {
        const { page } = s();
        await expect.poll(() => card(page, 'CDNOW_master.txt').locator('summary').innerText()).toContain('whitespace-separated');
        expect(await fileRow(page, 'CDNOW_master.txt')).toMatchObject({ read: 69659, rejected: 0 });
        expect(await range(page)).toBe('1997-01-01 → 1998-06-30');
        // No order id: one order per customer and day (README: same-day purchases occur), so orders are
        // the distinct customer-days, counted here from the text itself.
        const fields = `string_split(regexp_replace(trim(line), ' +', ' ', 'g'), ' ')`;
        const src = `FROM (SELECT ${fields} AS f FROM read_csv('${join(D, 'cdnow/CDNOW_master.txt')}', columns = {'line': 'VARCHAR'}, header = true, delim = '\\t'))`;
        expect(await kpis(page)).toEqual({
          customers: 23570,
          returns: 0,
          orders: await native(`SELECT count(DISTINCT (f[1], f[2])) ${src}`),
          revenue: await native(`SELECT round(sum(CAST(f[4] AS DOUBLE)), 2) ${src}`),
        });
      });
    },
  );

  withSession(
    'cdnow-sample',
    () => [join(D, 'cdnow/CDNOW_sample.txt')],
    (s) => {
      it('headerless sample: 6,919 lines, 2,357 customers, 6,696 customer-days (README)', async () => {
        const { page } = s();
        expect(await fileRow(page, 'CDNOW_sample.txt')).toMatchObject({ read: 6919, rejected: 0 });
        expect(await kpis(page)).toMatchObject({ customers: 2357, orders: 6696 });
      });
    },
  );

  withSession(
    'tmall-order-report',
    () => [join(D, 'tmall-order-report/tmall_order_report.csv')],
    (s) => {
      it('28,010 orders without any buyer; paid revenue; 2020-02-01 … 2020-02-29', async () => {
        const { page } = s();
        expect(await fileRow(page, 'tmall_order_report.csv')).toMatchObject({ read: 28010, rejected: 0 });
        expect(await kpis(page)).toEqual({
          customers: 0,
          orders: 28010,
          returns: 0,
          revenue: await native(
            `SELECT round(sum("买家实际支付金额"), 2) FROM read_csv('${join(D, 'tmall-order-report/tmall_order_report.csv')}')`,
          ),
        });
        expect(await range(page)).toBe('2020-02-01 → 2020-02-29');
      });
    },
  );

  withSession(
    'rees46',
    () => [join(D, 'rees46-multicategory/2019-Oct_head17k.csv')],
    (s) => {
      it('17,434 complete events read; the truncated last line is rejected with its reason', async () => {
        const { page } = s();
        const row = await fileRow(page, '2019-Oct_head17k.csv');
        expect(row).toMatchObject({ read: 17434, rejected: 1 });
        expect(row.text).toMatch(/unreadable CSV row[^:]*: 1/);
        // README: view 17,056 counts the truncated last line (a view cut inside user_id); the reader
        // rejects that line (it has too few fields), so 17,055 views are loaded.
        expect(await events(page)).toEqual({ view: 17056 - 1, cart: 165, purchase: 214 });
        // Customers on the overview are buyers: README "193 users purchased".
        expect(await numberAt(page, 'kpi-customers')).toBe(193);
        expect(await range(page)).toBe('2019-10-01 → 2019-10-01');
      });
    },
  );

  withSession(
    'tianchi-userbehavior',
    () => [join(D, 'tianchi-userbehavior/UserBehavior_head84k.csv')],
    (s) => {
      it('epoch seconds read in Beijing time once the zone is set; pv 75,872 after the truncated line is rejected', async () => {
        const { page } = s();
        // Headerless, no Chinese header to hint China time: the user sets UTC+08:00 (README: a day boundary must be taken in UTC+8).
        await card(page, 'UserBehavior_head84k.csv')
          .getByLabel(/Zone offset/)
          .selectOption('480');
        await apply(s());
        const row = await fileRow(page, 'UserBehavior_head84k.csv');
        // README: 84,476 lines = 84,475 complete + 1 truncated (no timestamp), rejected by the reader.
        expect(row).toMatchObject({ read: 84475, rejected: 1 });
        expect(row.text).toMatch(/unreadable CSV row[^:]*: 1/);
        expect(await events(page)).toEqual({ view: 75873 - 1, cart: 4497, fav: 2356, purchase: 1750 });
        expect(await numberAt(page, 'kpi-customers')).toBe(559); // README: 559 of them bought something
        expect((await range(page))?.endsWith('→ 2017-12-03')).toBe(true);
      });
      it('range spans all events: 2017-09-11 … 2017-12-03, and all 815 users count (README)', async () => {
        expect(await range(s().page)).toBe('2017-09-11 → 2017-12-03');
        expect(await numberAt(s().page, 'kpi-people')).toBe(815);
      });
      it('nine days (25 Nov – 3 Dec, README) under the monthly default: one sentence suggests day periods, which fill the cohorts', async () => {
        const { page } = s();
        // independent: the days with a purchase in the window, in Beijing time (native DuckDB on the raw file)
        const buyDays = await native(
          `SELECT count(DISTINCT CAST(make_timestamp((CAST(column4 AS BIGINT) + 28800) * 1000000) AS DATE)) FROM read_csv('${join(D, 'tianchi-userbehavior/UserBehavior_head84k.csv')}', header = false, ignore_errors = true) WHERE column3 = 'buy' AND CAST(make_timestamp((CAST(column4 AS BIGINT) + 28800) * 1000000) AS DATE) BETWEEN DATE '2017-11-25' AND DATE '2017-12-03'`,
        );
        expect(buyDays).toBe(9);
        // days in Beijing time (README), whether or not the test before set it
        const offset = card(page, 'UserBehavior_head84k.csv').getByLabel(/Zone offset/);
        if ((await offset.inputValue()) !== '480') {
          await offset.selectOption('480');
          await apply(s());
        }
        const life = (o: object) => encodeURIComponent(JSON.stringify(o));
        await page.evaluate((h) => (location.hash = h), `v=1&p=lifecycle&from=2017-11-25&life=${life({ display: 'pct' })}`);
        await page.locator('[data-testid=retention-heatmap][data-state=ready]').waitFor({ timeout: 120_000 });
        const hints = page.locator('[data-testid=life-span-hint], [data-testid=period-hint]');
        expect(await hints.count()).toBe(1);
        expect(await hints.textContent()).toMatch(/spans 9 days: day periods suit it better/);
        const seq = Number(await page.getByTestId('retention-heatmap').getAttribute('data-seq'));
        await page.getByTestId('life-span-use').click();
        await page.waitForFunction(
          (n) => {
            const e = document.querySelector('[data-testid=retention-heatmap]');
            return e?.getAttribute('data-state') === 'ready' && Number(e.getAttribute('data-seq')) > n;
          },
          seq,
          { timeout: 120_000 },
        );
        expect(await hints.count()).toBe(0);
        const cells = await page.locator('[data-testid=retention-heatmap] rect[data-cohort]').evaluateAll((rects) =>
          rects.map((r) => ({
            cohort: r.getAttribute('data-cohort') ?? '',
            k: Number(r.getAttribute('data-period')),
            v: Number(r.getAttribute('data-value')),
          })),
        );
        const cohorts = [...new Set(cells.map((c) => c.cohort))].sort();
        // day cohorts inside the window, each 100 % in its own day, and people come back on later days
        expect(cohorts.length).toBeGreaterThan(1);
        expect(cohorts.length).toBeLessThanOrEqual(buyDays);
        for (const c of cohorts) expect(c >= '2017-11-25' && c <= '2017-12-03', c).toBe(true);
        for (const c of cells.filter((x) => x.k === 0)) expect(c.v).toBe(1);
        expect(cells.some((c) => c.k > 0 && c.v > 0)).toBe(true);
        expect(await errorsShown(page)).toEqual([]);
      });
    },
  );

  const mobile = ['sample_user_behavior.csv', 'sample_item_info.csv'];
  withSession(
    'tianchi-mobile',
    () => mobile.map((n) => join(D, 'tianchi-mobile-recommend', n)),
    (s) => {
      it('numeric behaviour codes and hour-only times: view 1,876 · fav 18 · cart 70 · purchase 35; 16 buyers', async () => {
        const { page } = s();
        expect(await fileRow(page, mobile[0]!)).toMatchObject({ read: 1999, rejected: 0 });
        expect(await fileRow(page, mobile[1]!)).toMatchObject({ read: 1999, rejected: 0 });
        expect(await events(page)).toEqual({ view: 1876, fav: 18, cart: 70, purchase: 35 });
        expect(await numberAt(page, 'kpi-customers')).toBe(16);
        expect((await range(page))?.endsWith('→ 2014-12-18')).toBe(true);
      });
      it('range spans all events: 2014-11-18 … 2014-12-18, and all 34 users count (README)', async () => {
        expect(await range(s().page)).toBe('2014-11-18 → 2014-12-18');
        expect(await numberAt(s().page, 'kpi-people')).toBe(34);
      });
    },
  );
});
