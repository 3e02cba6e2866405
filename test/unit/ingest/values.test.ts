import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { idExpr, moneyExpr, genderExpr, ageExpr, ageFromBirthExpr, textExpr, numericShare } from '../../../src/ingest/values';
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
