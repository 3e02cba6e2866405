import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query, load, type Row } from '../../helpers/duckdb';
import { cohortRetention, cohortMembers, COHORT_DEFAULTS, type CohortParams } from '../../../src/analysis/lifecycle/cohorts';
import { stagesOverTime, FLOW_DEFAULTS } from '../../../src/analysis/lifecycle/stages-over-time';
import type { Scope } from '../../../src/analysis/scope';
import { ORDERS } from './fixture';
import { dataset } from '../../helpers/datasets';

const M: CohortParams = { ...COHORT_DEFAULTS, unit: 'month', periods: 3 };
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? null : String(v));
const pick = (rows: Row[], cohort: string | null) => rows.filter((r) => (cohort === null ? r.is_average : day(r.cohort) === cohort));
const col = (rows: Row[], k: string) => rows.map((r) => r[k]);

describe('cohortRetention', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDb();
    await load(db, {
      orders: ORDERS,
      customers: [
        { customer_id: 'single', region: 'north' },
        { customer_id: 'back', region: 'north' },
      ],
    });
  });
  const all: Scope = { asOf: '2024-02-01', from: null, filters: [] };

  it('builds monthly cohorts with incomplete periods as null', async () => {
    const rows = await query(db, cohortRetention(M, all));
    // cohorts by first activity month: 2023-06 old; 2023-11 back; 2023-12 edge_churn, edge_dorm;
    // 2024-01 single, multi_day, regular, boundary, returned_item, gap11 (future starts on the as-of date)
    const jun = pick(rows, '2023-06-01');
    expect(col(jun, 'cohort_size')).toEqual([1, 1, 1, 1]);
    expect(col(jun, 'customers')).toEqual([1, 0, 0, 0]);
    expect(col(jun, 'rolling_retention')).toEqual([1, 0, 0, 0]);
    const nov = pick(rows, '2023-11-01'); // back: 11-01 (k0), 01-28 (k2); k3 ends 03-01 > as-of
    expect(col(nov, 'complete')).toEqual([true, true, true, false]);
    expect(col(nov, 'retention')).toEqual([1, 0, 1, null]);
    expect(col(nov, 'rolling_retention')).toEqual([1, 1, 1, null]);
    expect(col(nov, 'revenue')).toEqual([50, 0, 30, null]);
    expect(col(nov, 'revenue_retention')).toEqual([1, 0, 0.6, null]);
    const dec = pick(rows, '2023-12-01');
    expect(col(dec, 'customers')).toEqual([2, 2, null, null]);
    expect(col(dec, 'revenue')).toEqual([17, 17, null, null]);
    const jan = pick(rows, '2024-01-01'); // period 0 ends 02-01 = as-of: complete
    expect(col(jan, 'cohort_size')).toEqual([6, 6, 6, 6]);
    expect(col(jan, 'customers')).toEqual([6, null, null, null]);
    expect(col(jan, 'revenue')).toEqual([147, null, null, null]); // 10+18+80+15+(25−25)+24
    expect(day(jan[1]!.period_end)).toBe('2024-03-01');
    expect(rows.filter((r) => !r.is_average)).toHaveLength(16);
  });

  it('averages only complete cohorts, weighted by size', async () => {
    const avg = pick(await query(db, cohortRetention(M, all)), null);
    expect(col(avg, 'cohort_size')).toEqual([10, 4, 2, 1]);
    expect(col(avg, 'retention')).toEqual([1, 0.5, 0.5, 0]); // k1: (0+0+2)/4; k2: (0+1)/2
    expect(col(avg, 'rolling_retention')).toEqual([1, 0.75, 0.5, 0]); // k1: (0+1+2)/4
    expect(avg[1]!.revenue_retention as number).toBeCloseTo(17 / 267, 12); // k1 revenue / k0 revenue of 06, 11, 12
    expect(avg[2]!.revenue_retention as number).toBeCloseTo(30 / 250, 12);
  });

  it('takes only customers whose first activity is in the window', async () => {
    const rows = await query(db, cohortRetention(M, { ...all, from: '2023-12-01' }));
    const p0 = rows.filter((r) => !r.is_average && r.period === 0);
    expect(p0.map((r) => [day(r.cohort), r.cohort_size])).toEqual([
      ['2023-12-01', 2],
      ['2024-01-01', 6],
    ]);
  });

  it('builds weekly cohorts (weeks start on Monday)', async () => {
    const rows = await query(db, cohortRetention({ ...M, unit: 'week', periods: 4 }, { ...all, from: '2024-01-01' }));
    // week of 2024-01-01: single (01-05), regular (01-02, 12, 22, 29), returned_item (01-03; return 01-30)
    const w1 = pick(rows, '2024-01-01');
    expect(col(w1, 'cohort_size')).toEqual([3, 3, 3, 3, 3]);
    expect(col(w1, 'customers')).toEqual([3, 1, 0, 1, null]); // week 4 (01-29…02-04) ends after the as-of
    expect(col(w1, 'rolling_customers')).toEqual([3, 1, 1, 1, null]);
    expect(col(w1, 'revenue')).toEqual([55, 20, 0, 20, null]);
  });

  it('splits by first-order channel and by region', async () => {
    const rows = await query(db, cohortRetention({ ...M, splitBy: 'channel' }, { ...all, from: '2024-01-01' }));
    const p0 = rows.filter((r) => !r.is_average && r.period === 0).map((r) => [r.split, r.cohort_size]);
    expect(p0).toEqual([
      ['app', 2],
      ['web', 4],
    ]); // multi_day, boundary | single, regular, returned_item, gap11
    // only the top group kept: web (4 customers) stays, app (2) becomes `other`; sizes still add up
    const top1 = await query(db, cohortRetention({ ...M, splitBy: 'channel', topSplits: 1 }, { ...all, from: '2024-01-01' }));
    expect(top1.filter((r) => !r.is_average && r.period === 0).map((r) => [r.split, r.cohort_size])).toEqual([
      ['other', 2],
      ['web', 4],
    ]);
    const other = await query(
      db,
      cohortMembers({ ...M, splitBy: 'channel', topSplits: 1 }, all, '2024-01-01', 0, { limit: 10, offset: 0, split: 'other' }),
    );
    expect(other.map((r) => r.customer_id)).toEqual(['multi_day', 'boundary']);
    const reg = await query(db, cohortRetention({ ...M, splitBy: 'region' }, { ...all, from: '2023-11-01' }));
    const r0 = reg.filter((r) => !r.is_average && r.period === 0).map((r) => [day(r.cohort), r.split, r.cohort_size]);
    expect(r0).toEqual([
      ['2023-11-01', 'north', 1],
      ['2023-12-01', null, 2],
      ['2024-01-01', 'north', 1],
      ['2024-01-01', null, 5],
    ]);
  });

  it('lists the members of a cell', async () => {
    const page = { limit: 10, offset: 0 };
    const exact = await query(db, cohortMembers(M, all, '2023-12-01', 1, page));
    expect(exact.map((r) => [r.customer_id, r.revenue])).toEqual([
      ['edge_dorm', 9],
      ['edge_churn', 8],
    ]);
    const rolling = await query(db, cohortMembers(M, all, '2023-11-01', 1, { ...page, rolling: true }));
    expect(rolling.map((r) => [r.customer_id, r.revenue])).toEqual([['back', 0]]);
    expect(await query(db, cohortMembers(M, all, '2023-11-01', 1, page))).toEqual([]);
    const split = await query(db, cohortMembers({ ...M, splitBy: 'channel' }, all, '2024-01-01', 0, { ...page, split: 'app' }));
    expect(split.map((r) => r.customer_id)).toEqual(['multi_day', 'boundary']); // 18, 15
  });
});

const CSV = dataset('uci-online-retail/online_retail_customer_sample_12pct.csv');

describe.skipIf(!existsSync(CSV))('cohorts on UCI Online Retail (12 % customer sample)', () => {
  it('matches the README: 521 customers, 110 in 2010-12, 8 in 2011-12', async () => {
    const db = await openDb();
    // independent count from the raw file: the README's 521 customers include some whose only
    // invoices are cancellations ('C…'); those never buy, so they form no cohort
    const [raw] = await query(
      db,
      `SELECT count(DISTINCT CustomerID) AS customers,
        count(DISTINCT CustomerID) FILTER (WHERE NOT starts_with(InvoiceNo, 'C')) AS buyers
      FROM read_csv('${CSV}', all_varchar = true) WHERE CustomerID <> ''`,
    );
    expect(raw!.customers).toBe(521);
    await query(
      db,
      `INSERT INTO orders (customer_id, order_id, ts, amount, quantity, unit_price, is_return, source)
      SELECT regexp_replace(CustomerID, '\\.0$', ''), InvoiceNo, strptime(InvoiceDate, '%Y-%m-%d %H:%M:%S'),
        round(CAST(Quantity AS DOUBLE) * CAST(UnitPrice AS DOUBLE), 2), CAST(Quantity AS DOUBLE), CAST(UnitPrice AS DOUBLE), false, 'uci'
      FROM read_csv('${CSV}', all_varchar = true)
      WHERE CustomerID IS NOT NULL AND CustomerID <> '' AND NOT starts_with(InvoiceNo, 'C')`,
    );
    const rows = await query(
      db,
      cohortRetention({ ...COHORT_DEFAULTS, unit: 'month', periods: 12 }, { asOf: '2011-12-10', from: null, filters: [] }),
    );
    const sizes = new Map(rows.filter((r) => !r.is_average && r.period === 0).map((r) => [day(r.cohort), r.cohort_size]));
    expect(sizes.get('2010-12-01')).toBe(110);
    expect(sizes.get('2011-12-01')).toBe(8);
    const total = [...sizes.values()].reduce((a: number, b) => a + (b as number), 0);
    expect(total).toBe(raw!.buyers);
    expect(total).toBeLessThan(521);
    for (const r of rows) if (r.retention !== null) expect(r.retention as number).toBeLessThanOrEqual(1);
    // December 2010 cohort: period 12 (2011-12) ends after the as-of date → incomplete
    const dec = rows.filter((r) => !r.is_average && day(r.cohort) === '2010-12-01');
    expect(dec[11]!.complete).toBe(true);
    expect(dec[12]!.retention).toBeNull();
    // the monthly "new" flow is the same first-purchase count
    const flows = await query(db, stagesOverTime({ ...FLOW_DEFAULTS, unit: 'month' }, { asOf: '2011-12-10', from: null, filters: [] }));
    const news = flows.filter((r) => r.stage === 'new');
    expect(news[0]!.customers).toBe(110);
    expect(news.at(-1)!.customers).toBe(8);
    expect(news.reduce((a, r) => a + (r.customers as number), 0)).toBe(total);
  });
});

describe('cohorts split by a segmentation', () => {
  it('labels each cohort row with the segment of its customers', async () => {
    const { openDb, query, load } = await import('../../helpers/duckdb');
    const { cohortRetention, COHORT_DEFAULTS } = await import('../../../src/analysis/lifecycle/cohorts');
    const { sql } = await import('../../../src/lib/sql');
    const db = await openDb();
    // a, b first buy in January; c in February. a returns in February (period 1).
    await load(db, {
      orders: [
        { customer_id: 'a', ts: '2024-01-05', amount: 10 },
        { customer_id: 'a', ts: '2024-02-05', amount: 10 },
        { customer_id: 'b', ts: '2024-01-20', amount: 5 },
        { customer_id: 'c', ts: '2024-02-10', amount: 7 },
      ],
    });
    // a hand-made "segmentation": a and c are gold, b is silver
    const segments = sql`SELECT * FROM (VALUES ('a', 'gold'), ('b', 'silver'), ('c', 'gold')) v(customer_id, segment)`;
    const rows = await query(
      db,
      cohortRetention({ ...COHORT_DEFAULTS, periods: 1, splitBy: 'segment', segments }, { asOf: '2024-04-01', from: null, filters: [] }),
    );
    const cells = rows
      .filter((r) => !r.is_average)
      .map((r) => `${(r.cohort as Date).toISOString().slice(0, 7)} ${r.split} k${r.period}: ${r.customers}/${r.cohort_size}`);
    expect(cells).toEqual([
      '2024-01 gold k0: 1/1',
      '2024-01 gold k1: 1/1',
      '2024-01 silver k0: 1/1',
      '2024-01 silver k1: 0/1',
      '2024-02 gold k0: 1/1',
      '2024-02 gold k1: 0/1',
    ]);
    expect(() => cohortRetention({ ...COHORT_DEFAULTS, splitBy: 'segment' }, { asOf: '2024-04-01', from: null, filters: [] })).toThrow(
      /segment/,
    );
  });
});
