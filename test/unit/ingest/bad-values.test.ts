/**
 * Bad values through the real ingest path in Node: a CSV read as the worker reads it, the guessed
 * mapping, the canonical SQL and the overview queries (issue 16 items 2, 3, 4, 14). Expected
 * figures are worked out by hand in the comments next to each fixture.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { guessMapping } from '../../../src/ingest/roles';
import { buildCanonical, overviewSql } from '../../../src/ingest/canonical';
import { guessDelimiter } from '../../../src/ingest/encoding';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';

let conn: DuckDBConnection;
beforeEach(async () => {
  conn = await openEmptyDb();
});

function csv(name: string, text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'bad-values-')), name);
  writeFileSync(p, text);
  return p;
}

/** Read a CSV as the worker does (every column VARCHAR, `__row`, 200 samples) and guess its mapping. */
async function load(name: string, text: string): Promise<{ raw: RawFile; mapping: FileMapping }> {
  const path = csv(name, text).replaceAll("'", "''");
  await conn.run(
    `CREATE OR REPLACE TABLE raw_1 AS SELECT row_number() OVER () AS __row, * FROM read_csv('${path}', all_varchar = true, sample_size = 20480)`,
  );
  const names = (await query(conn, 'DESCRIBE raw_1')).map((d) => String(d.column_name)).filter((n) => n !== '__row');
  const rows = await query(conn, 'SELECT * FROM raw_1 ORDER BY __row LIMIT 200');
  const raw: RawFile = {
    name,
    table: 'raw_1',
    rows: rows.length,
    columns: names.map((n) => ({ name: n, type: 'VARCHAR', samples: rows.map((r) => (r[n] === null ? null : String(r[n]))) })),
    delimiter: guessDelimiter(text),
  };
  return { raw, mapping: guessMapping(raw) };
}

async function build(raw: RawFile, mapping: FileMapping): Promise<void> {
  const { statements, issues } = buildCanonical([raw], [mapping], DEFAULT_REFUND_RULE);
  expect(issues.filter((i) => i.level === 'error')).toEqual([]);
  for (const s of statements) await conn.run(s);
}

const one = async (q: string) => (await query(conn, q))[0] ?? {};

// `;`-separated, decimal commas: 59.44 + 1234.56 + 1234.50 + 10.00 = 2538.50 (not 5944 + … ).
const DECIMAL_COMMA = `customer_id;order_id;order_date;amount
K1;B1;2024-01-05;59,44
K2;B2;2024-01-06;1.234,56
K3;B3;2024-01-07;1 234,50
K1;B4;2024-02-01;10,00
`;

describe('decimal commas (item 2)', () => {
  it('a ;-file with decimal commas is detected and its revenue is right', async () => {
    const { raw, mapping } = await load('de.csv', DECIMAL_COMMA);
    expect(raw.delimiter).toBe(';');
    expect(mapping.numberFormat).toBe('comma');
    await build(raw, mapping);
    expect(await one('SELECT round(sum(amount), 2) AS revenue, count(*) AS n FROM orders')).toEqual({ revenue: 2538.5, n: 4 });
  });
  it('switched to decimal point in the mapping, the same file reads as written (thousands)', async () => {
    const { raw, mapping } = await load('de.csv', DECIMAL_COMMA);
    await build(raw, { ...mapping, numberFormat: 'point' });
    // 5944 + 1.23 (1.23456 rounded to cents) + 123450 + 1000
    expect(await one('SELECT round(sum(amount), 2) AS revenue FROM orders')).toEqual({ revenue: 130395.23 });
  });
  it('a ,-file with 1,234.56 stays decimal point', async () => {
    const { raw, mapping } = await load(
      'us.csv',
      'customer_id,order_id,order_date,amount\nA,1,2024-01-05,"1,234.56"\nB,2,2024-01-06,59.44\n',
    );
    expect(mapping.numberFormat).toBe('point');
    await build(raw, mapping);
    expect(await one('SELECT round(sum(amount), 2) AS revenue FROM orders')).toEqual({ revenue: 1294 });
  });
});

// rows: 1 `=1+1` 10 · 2 ` =1+1` 20 · 3 NaN · 4 Infinity · 5 1e309 · 6 9999-12-31 30 · 7 0001-01-01 40 ·
// 8 1e308 · 9 5. Rows 3–5 are rejected (non-finite); rows 6, 7 flagged as dates, row 8 as an amount.
const MIXED = `customer_id,order_id,order_date,amount
=1+1,o1,2024-01-05,10
" =1+1",o2,2024-01-06,20
c3,o3,2024-01-07,NaN
c4,o4,2024-01-08,Infinity
c5,o5,2024-01-09,1e309
c6,o6,9999-12-31,30
c7,o7,0001-01-01,40
c8,o8,2024-01-10,1e308
c9,o9,2024-02-10,5
`;

describe('non-finite amounts, far-off dates, formula-like ids (items 3, 4, 14)', () => {
  it('NaN, Infinity and 1e309 are rejected per row with their own reason', async () => {
    const { raw, mapping } = await load('mixed.csv', MIXED);
    await build(raw, mapping);
    expect(await query(conn, 'SELECT "row", reason, value FROM rejects ORDER BY "row"')).toEqual([
      { row: 3, reason: 'non-finite amount (NaN or infinity)', value: 'NaN' },
      { row: 4, reason: 'non-finite amount (NaN or infinity)', value: 'Infinity' },
      { row: 5, reason: 'non-finite amount (NaN or infinity)', value: '1e309' },
    ]);
    expect(await one('SELECT count(*) AS n, bool_and(isfinite(amount)) AS finite FROM orders')).toEqual({ n: 6, finite: true });
  });

  it('quantity × unit price with a NaN price is rejected, not summed', async () => {
    // rows: 2 × 3.5 = 7 · 1 × NaN → rejected · 4 × 2.5 = 10
    const { raw, mapping } = await load(
      'qp.csv',
      'customer_id,order_id,order_date,quantity,unit_price\na,1,2024-01-05,2,3.5\nb,2,2024-01-06,1,NaN\nc,3,2024-01-07,4,2.5\n',
    );
    expect(mapping.columns).toMatchObject({ quantity: 'quantity', unit_price: 'unit_price' });
    await build(raw, mapping);
    expect(await query(conn, 'SELECT "row", reason FROM rejects')).toEqual([{ row: 2, reason: 'non-finite amount (NaN or infinity)' }]);
    expect(await one('SELECT round(sum(amount), 2) AS revenue, count(*) AS n FROM orders')).toEqual({ revenue: 17, n: 2 });
  });

  it('=1+1 and " =1+1" stay two customers, as written', async () => {
    const { raw, mapping } = await load('mixed.csv', MIXED);
    await build(raw, mapping);
    const ids = await query(conn, "SELECT customer_id FROM customers WHERE customer_id LIKE '%=%' ORDER BY customer_id");
    expect(ids.map((r) => r.customer_id)).toEqual([' =1+1', '=1+1']);
  });

  it('far-off dates and a 1e308 amount are flagged with file, row and value; the default as-of ignores them', async () => {
    const { raw, mapping } = await load('mixed.csv', MIXED);
    await build(raw, mapping);
    const q = overviewSql([mapping]);
    expect(await query(conn, q.flagRows!)).toEqual([
      { kind: 'amount', file: 'mixed.csv', row: 8, value: '1e308' },
      { kind: 'date', file: 'mixed.csv', row: 6, value: '9999-12-31' },
      { kind: 'date', file: 'mixed.csv', row: 7, value: '0001-01-01' },
    ]);
    const flags = await query(conn, q.flags!);
    expect(flags.map((f) => [f.kind, f.n])).toEqual([
      ['amount', 1],
      ['date', 2],
    ]);
    // median 2024 → dates before 1990 are far off; the upper bound is today + 365 days
    expect(flags[1]?.lo).toBe('1990-01-01');
    const [h] = await query(conn, q.headline!);
    const last = h?.last_order_ts;
    expect(last instanceof Date ? last.toISOString() : String(last)).toMatch(/^2024-02-10/);
  });

  it('excluding them (the mapping date range) rejects exactly those rows as "date out of range"', async () => {
    const { raw, mapping } = await load('mixed.csv', MIXED);
    await build(raw, { ...mapping, dateRange: { min: '1990-01-01', max: '2100-01-01' } });
    expect(await query(conn, `SELECT "row", value FROM rejects WHERE reason = 'date out of range' ORDER BY "row"`)).toEqual([
      { row: 6, value: '9999-12-31' },
      { row: 7, value: '0001-01-01' },
    ]);
    expect(await one("SELECT count(*) AS n FROM value_flags WHERE kind = 'date'")).toEqual({ n: 0 });
    // rows 1, 2, 8, 9 remain
    expect(await one('SELECT count(*) AS n, min(ts) AS lo FROM orders')).toMatchObject({ n: 4 });
  });

  it('old data (CDNOW-like, 1997) is not flagged for being before 1990; year 0001 still is', async () => {
    const { raw, mapping } = await load(
      'old.csv',
      'customer_id,order_id,order_date,amount\na,1,1997-01-01,1\nb,2,1998-06-30,2\nc,3,1985-03-01,3\nd,4,0001-01-01,4\n',
    );
    await build(raw, mapping);
    expect((await query(conn, `SELECT "row" FROM value_flags WHERE kind = 'date'`)).map((r) => r.row)).toEqual([4]);
  });
});
