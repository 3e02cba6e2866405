/**
 * Ordered dimensions in their natural order (issue 11 §5) on the Complete Journey files: the
 * demographics breakdown lists the age bands as written (19-24 … 65+) once each — no empty
 * computed 15-24 / 55+ beside them — and income from "Under 15K" to "250K+". The expected order is
 * worked out here from the raw file, by each label's lower bound in thousands.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openApp, loadFiles, errorsShown, readyAfter, DATASETS, hasDatasets, type Session } from './browser';

const DIR = join(DATASETS, 'completejourney-8451');

async function distinct(col: string): Promise<string[]> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  const r = await conn.runAndReadAll(`SELECT DISTINCT "${col}" FROM read_csv('${join(DIR, 'demographics.csv')}', all_varchar = true)`);
  conn.closeSync();
  return r.getRows().map((row) => String(row[0]));
}

/** Lower bound of a band label as the README writes them: `Under 15K` → 0, `15-24K` → 15, `65+` → 65. */
const lower = (label: string) => (/^Under/i.test(label) ? 0 : Number(/\d+/.exec(label)?.[0]));

describe.skipIf(!hasDatasets)('ordered bands (Complete Journey)', () => {
  let s: Session;
  const rowsOf = () =>
    s.page
      .locator('[data-testid=breakdown-table] tbody tr[data-segment]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-segment')));
  beforeAll(async () => {
    s = await openApp();
    await loadFiles(s, [join(DIR, 'transactions_sample.csv'), join(DIR, 'demographics.csv')]);
    await s.page.getByTestId('nav-segments').click();
    const seq = await readyAfter(s.page, 0);
    await s.page.getByTestId('model-select').selectOption('demographics');
    await readyAfter(s.page, seq);
  }, 600_000);
  afterAll(async () => s?.close());

  it('lists each written age band once, youngest first, then unknown', async () => {
    expect(await errorsShown(s.page)).toEqual([]);
    const ages = (await distinct('age')).sort((a, b) => lower(a) - lower(b));
    expect(ages).toEqual(['19-24', '25-34', '35-44', '45-54', '55-64', '65+']); // README: 6 bands
    expect(await rowsOf()).toEqual([...ages, 'unknown']);
  });

  it('orders income from Under 15K to 250K+', async () => {
    const seq = Number(await s.page.getByTestId('breakdown').getAttribute('data-seq'));
    await s.page.getByTestId('demo-dimension').selectOption('income');
    await readyAfter(s.page, seq);
    const income = (await distinct('income')).sort((a, b) => lower(a) - lower(b));
    expect(income[0]).toBe('Under 15K');
    expect(income.at(-1)).toBe('250K+');
    expect(await rowsOf()).toEqual([...income, 'unknown']);
  });
});
