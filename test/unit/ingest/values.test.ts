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
  NULL_MARKERS,
} from '../../../src/ingest/values';
import { raw, inline, type Sql } from '../../../src/lib/sql';
import fc from 'fast-check';

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

/**
 * The id rules written plainly, as they read in idExpr's comment: clean (wrappers, `.0`, formulas
 * kept as written, else trimmed), then NULL when the cleaned value, trimmed, is a null marker.
 */
const plainId = (c: string) => {
  const t = `trim(CAST(${c} AS VARCHAR))`;
  const cleaned = `(CASE WHEN ${t} LIKE '="%"' OR ${t} LIKE '''%' OR ${t} LIKE '%.0'
      THEN regexp_replace(regexp_replace(${t}, '^="(.*)"$|^''(.*)$', '\\1\\2'), '^(-?\\d+)\\.0+$', '\\1')
    WHEN left(${t}, 1) IN ('=', '+', '@') THEN CAST(${c} AS VARCHAR) ELSE ${t} END)`;
  const markers = NULL_MARKERS.map((m) => `'${m.replaceAll("'", "''")}'`).join(', ');
  return `(CASE WHEN lower(trim(${cleaned})) IN (${markers}) THEN NULL ELSE ${cleaned} END)`;
};

/** Text rules written plainly: trimmed, NULL when a null marker. */
const plainText = (c: string) => {
  const t = `trim(CAST(${c} AS VARCHAR))`;
  const markers = NULL_MARKERS.map((m) => `'${m.replaceAll("'", "''")}'`).join(', ');
  return `(CASE WHEN lower(${t}) IN (${markers}) THEN NULL ELSE ${t} END)`;
};

/**
 * Batches of texts glued from `pieces` (or arbitrary short strings), the same on every run (`seed`);
 * the first batch is the pieces themselves, so each one is tried alone.
 */
function textBatches(pieces: readonly string[], maxPieces: number, runs: number, seed: number): string[][] {
  const value = fc.oneof(
    fc.array(fc.constantFrom(...pieces), { maxLength: maxPieces }).map((p) => p.join('')),
    fc.string({ maxLength: 8 }),
  );
  return [[...pieces], ...fc.sample(fc.array(value, { minLength: 1, maxLength: 60, size: 'max' }), { numRuns: runs, seed })];
}

/** `fast` (a builder) and `plain` (SQL over column `v`) give the same answer for every text of every batch, and NULL. */
async function expectSameAnswers(fast: (c: Sql) => Sql, plain: (c: string) => string, batches: string[][]): Promise<void> {
  for (const vs of batches) {
    const values = vs.map((v) => `('${v.replaceAll("'", "''")}')`).join(', ');
    const rows = await query(
      conn,
      `SELECT v, ${inline(fast(raw('v')))} AS fast, ${plain('v')} AS plain FROM (VALUES ${values}, (NULL)) t(v)`,
    );
    for (const r of rows) expect({ v: r.v, out: r.fast }).toEqual({ v: r.v, out: r.plain });
  }
}

describe('idExpr and textExpr answer as their plain definitions (plain values skip the cleaning)', () => {
  const pieces = [
    ...NULL_MARKERS,
    'NULL',
    'NaN',
    '="',
    '"',
    "'",
    '=',
    '+',
    '@',
    '.0',
    '.00',
    '-',
    '12',
    '007',
    ' ',
    '\t',
    'abc',
    'Ann@X.com',
  ];
  const batches = textBatches(pieces, 4, 40, 7);
  it.each([
    ['idExpr', idExpr, plainId],
    ['textExpr', textExpr, plainText],
  ] as const)('%s', async (_name, fast, plain) => expectSameAnswers(fast, plain, batches));
});

/** Money and quantities written plainly: the trimmed text cast, else the cleaned text (noise, grouping, parentheses). */
const plainNumber = (money: boolean, format: 'point' | 'comma') => (c: string) => {
  const t = `trim(CAST(${c} AS VARCHAR))`;
  const noise = money ? `'^''|[\\s\\x{00A0}\\x{202F}¥￥$€£元]|RMB|CNY|USD|EUR|GBP'` : `'^''|[\\s\\x{00A0}\\x{202F}]'`;
  const group = format === 'comma' ? '.' : ',';
  const decimal = (x: string) => (format === 'comma' ? `replace(${x}, ',', '.')` : x);
  const stripped = decimal(`replace(regexp_replace(${t}, ${noise}, '', 'g'), '${group}', '')`);
  const cleaned = money
    ? `(CASE WHEN ${stripped} LIKE '(%)' THEN -TRY_CAST(${stripped}[2:-2] AS DOUBLE) ELSE TRY_CAST(${stripped} AS DOUBLE) END)`
    : `TRY_CAST(${stripped} AS DOUBLE)`;
  const direct = `TRY_CAST(${decimal(`replace(${t}, '${group}', '')`)} AS DOUBLE)`;
  return `(CASE WHEN isfinite(coalesce(${direct}, ${cleaned})) THEN coalesce(${direct}, ${cleaned}) END)`;
};

describe('moneyExpr and numberExpr answer as their plain definitions (plain numbers skip the cleaning)', () => {
  const pieces = [
    '12',
    '3.5',
    '1,234',
    '1.234,5',
    '0',
    '-',
    '(',
    ')',
    ' ',
    '\t',
    '\u00a0',
    "'",
    '¥',
    '$',
    '元',
    'USD',
    'e3',
    'NaN',
    'inf',
    'x',
    '.',
    ',',
  ];
  const batches = textBatches(pieces, 5, 30, 11);
  it.each([
    ['money', 'point'],
    ['money', 'comma'],
    ['number', 'point'],
    ['number', 'comma'],
  ] as const)('%s, decimal %s', async (kind, format) =>
    expectSameAnswers(
      (c) => (kind === 'money' ? moneyExpr(c, 'VARCHAR', format) : numberExpr(c, 'VARCHAR', format)),
      plainNumber(kind === 'money', format),
      batches,
    ),
  );
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
