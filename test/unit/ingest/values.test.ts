import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import {
  idExpr,
  moneyExpr,
  numberExpr,
  nonFiniteExpr,
  detectNumberFormat,
  genderExpr,
  ageExpr,
  ageFromBirthExpr,
  textExpr,
  numericShare,
} from '../../../src/ingest/values';
import { raw, inline, type Sql } from '../../../src/lib/sql';

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await openDb();
});
/** Evaluate `f(v)` for v given as a SQL literal. */
const ev = async (f: (c: Sql) => Sql, lit: string) =>
  (await query(conn, `SELECT ${inline(f(raw('v')))} AS r FROM (SELECT ${lit} AS v)`))[0]?.r;

describe('idExpr', () => {
  it.each([
    ["'17850.0'", '17850'],
    ['17850.0::DOUBLE', '17850'],
    ['17850::BIGINT', '17850'],
    [`'="2962846118130716330"'`, '2962846118130716330'],
    ["'  abc '", 'abc'],
    ["'12.5'", '12.5'],
    ["'00001'", '00001'],
    ["'NA'", null],
    ["'null'", null],
    ["''", null],
    ['NULL', null],
  ])('%s → %s', async (lit, expected) => {
    expect(await ev(idExpr, lit)).toBe(expected);
  });
});

describe('moneyExpr', () => {
  it.each([
    ["'¥1,234.50'", 1234.5],
    ["'119.00元'", 119],
    ["'0元'", 0],
    ["'$ 3'", 3],
    ["'(12.50)'", -12.5],
    ["'-4.2'", -4.2],
    ["'无退款申请'", null],
    ["''", null],
  ])('%s → %s', async (lit, expected) => {
    expect(await ev((c) => moneyExpr(c, 'VARCHAR'), lit)).toBe(expected);
  });
  it('numbers pass through', async () => {
    expect(await ev((c) => moneyExpr(c, 'DOUBLE'), '2.55::DOUBLE')).toBe(2.55);
  });
});

describe('text, gender, age', () => {
  it('textExpr trims and nulls markers', async () => {
    expect(await ev(textExpr, "' 广东省 '")).toBe('广东省');
    expect(await ev(textExpr, "' '")).toBeNull();
    expect(await ev(textExpr, "'''null'")).toBeNull();
  });
  it.each([
    ["'男'", 'male'],
    ["'女'", 'female'],
    ["'F'", 'female'],
    ["'Male'", 'male'],
    ["'unknown'", 'unknown'],
    ["''", null],
  ])('gender %s → %s', async (lit, expected) => {
    expect(await ev(genderExpr, lit)).toBe(expected);
  });
  it.each([
    ["'34'", 34],
    ['34.0::DOUBLE', 34],
    ["'150'", null],
    ["'abc'", null],
  ])('age %s → %s', async (lit, expected) => {
    expect(await ev(ageExpr, lit)).toBe(expected);
  });
  it('age from birth date counts whole years', async () => {
    const age = (asOf: string) => ev(() => ageFromBirthExpr(raw("TIMESTAMP '1990-06-15'"), raw(`TIMESTAMP '${asOf}'`)), '1');
    expect(await age('2024-06-14')).toBe(33);
    expect(await age('2024-06-15')).toBe(34);
  });
  it('numericShare', () => {
    expect(numericShare(['1', '2.5', '无退款申请', null])).toBeCloseTo(2 / 3);
    expect(numericShare(['null', null])).toBe(1);
  });
});

describe('number formats (issue 16 item 2)', () => {
  // Expected values worked out by hand: grouping marks dropped, the decimal mark read as a point.
  it.each([
    ["'59,44'", 'comma', 59.44],
    ["'1.234,56'", 'comma', 1234.56],
    ["'1 234,56'", 'comma', 1234.56],
    ["'1\u00a0234,5 €'", 'comma', 1234.5],
    ["'-3,5'", 'comma', -3.5],
    ["'(12,50)'", 'comma', -12.5],
    ["'1.234.567'", 'comma', 1234567],
    ["'1,234.56'", 'point', 1234.56],
    ["'1 234.56'", 'point', 1234.56],
    ["'59.44'", 'point', 59.44],
  ] as const)('%s (%s) → %s', async (lit, format, expected) => {
    expect(await ev((c) => moneyExpr(c, 'VARCHAR', format), lit)).toBeCloseTo(expected, 10);
  });
  it('quantities follow the format too', async () => {
    expect(await ev((c) => numberExpr(c, 'VARCHAR', 'comma'), "'2,5'")).toBe(2.5);
    expect(await ev((c) => numberExpr(c, 'VARCHAR', 'point'), "'1,000'")).toBe(1000);
  });
  it('detects the decimal comma from the values', () => {
    const col = (...samples: string[]) => ({ type: 'VARCHAR', samples });
    expect(detectNumberFormat([col('59,44', '3,5', '120')], ';')).toBe('comma');
    expect(detectNumberFormat([col('1.234,56', '12')], ',')).toBe('comma');
    expect(detectNumberFormat([col('1 234,56', '7,00')], '\t')).toBe('comma');
    expect(detectNumberFormat([col('1,234.56', '59.44')], ';')).toBe('point');
    // a bare `59,44` in a comma-delimited file must have been quoted on purpose: not enough alone
    expect(detectNumberFormat([col('59,44')], ',')).toBe('point');
    // thousands groups (3 digits) and ids are no evidence
    expect(detectNumberFormat([col('1,234', '12')], ';')).toBe('point');
    expect(detectNumberFormat([col('a1', 'b2,5')], ';')).toBe('point');
    // one point-decimal value anywhere keeps the default
    expect(detectNumberFormat([col('59,44'), col('1.5')], ';')).toBe('point');
  });
});

describe('non-finite amounts (issue 16 item 4)', () => {
  it.each(["'NaN'", "'nan'", "'Infinity'", "'-Infinity'", "'inf'", "'1e309'", "'-1e309'"])('%s → NULL, flagged non-finite', async (lit) => {
    expect(await ev((c) => moneyExpr(c, 'VARCHAR'), lit)).toBeNull();
    expect(await ev((c) => moneyExpr(c, 'VARCHAR', 'comma'), lit)).toBeNull();
    expect(await ev((c) => numberExpr(c, 'VARCHAR'), lit)).toBeNull();
    expect(await ev(nonFiniteExpr, lit)).toBe(true);
  });
  it('typed doubles too; finite values pass', async () => {
    expect(await ev((c) => moneyExpr(c, 'DOUBLE'), "'NaN'::DOUBLE")).toBeNull();
    expect(await ev((c) => moneyExpr(c, 'VARCHAR'), "'1e308'")).toBe(1e308);
    expect(await ev(nonFiniteExpr, "'1e308'")).toBe(false);
    expect(await ev(nonFiniteExpr, "'twelve'")).toBe(false);
  });
});

describe('ids that look like formulas (issue 16 item 14)', () => {
  it.each([
    ["'=1+1'", '=1+1'],
    ["' =1+1'", ' =1+1'],
    ["'+49 30 1234'", '+49 30 1234'],
    ["'@home'", '@home'],
    [`'="00123"'`, '00123'],
  ])('%s → %s', async (lit, expected) => {
    expect(await ev(idExpr, lit)).toBe(expected);
  });
  it('=1+1 and " =1+1" stay two ids', async () => {
    const rows = await query(
      conn,
      `SELECT count(DISTINCT ${inline(idExpr(raw('v')))}) AS n FROM (VALUES ('=1+1'), (' =1+1'), ('=1+1')) t(v)`,
    );
    expect(rows[0]?.n).toBe(2);
  });
});
