/**
 * The build's progress weights on the real statements of a build: passes over the file carry the
 * weight, DDL and view definitions almost none, and the share rises from 0 to 1 without going back.
 */
import { describe, it, expect } from 'vitest';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import { buildShare, buildWeights, LIGHT } from '../../../src/ingest/build-progress';

const file: RawFile = {
  name: 'o.csv',
  table: 'raw_1',
  rows: 10,
  columns: ['customer', 'when', 'amount'].map((name) => ({ name, type: 'VARCHAR', samples: ['a', '2024-01-01', '1'] })),
  source: `(SELECT row_number() OVER () + 1 AS __row, * FROM read_csv('f1.csv', all_varchar = true))`,
};
const mapping: FileMapping = {
  file: 'o.csv',
  table: 'raw_1',
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d'] },
  columns: { customer: 'customer_id', when: 'timestamp', amount: 'amount' },
};

describe('build progress', () => {
  it('weighs the passes over the file, not the DDL', () => {
    const { statements } = buildCanonical([file], [mapping], DEFAULT_REFUND_RULE);
    const w = buildWeights(statements);
    const heavy = statements.filter((_, i) => w[i] === 1);
    // one read of the file, straight into the part that becomes `orders`; the rejects and flags read
    // that table, and no statement copies the rows again (the part is renamed to the table's first part,
    // its extra columns dropped)
    expect(heavy.length).toBe(1);
    expect(heavy[0]).toMatch(/^CREATE TABLE __orders_part AS/);
    expect(statements.filter((s) => /^\s*INSERT INTO (orders|__orders_p)/.test(s))).toEqual([]);
    expect(w[statements.findIndex((s) => /^ALTER TABLE __orders_part RENAME TO __orders_p0$/.test(s.trim()))]).toBe(LIGHT);
    statements.forEach((s, i) => {
      if (/^\s*(DROP|CREATE|ALTER|DELETE) /.test(s) && !/__orders_part AS/.test(s)) expect(w[i], s).toBe(LIGHT);
    });
    // without a profile file no customer is updated afterwards (an UPDATE of everyone took 0.7 s at 1M orders)
    expect(statements.some((s) => /^\s*UPDATE customers/.test(s))).toBe(false);
    // the customers table is built from the orders just inserted: a pass over a table, lighter than a file
    expect(w[statements.findIndex((s) => /^\s*INSERT INTO customers \(customer_id, has_profile, region, channel\)/.test(s))]).toBe(0.3);
    // the heavy statements are most of the bar: after the light ones before the first pass, little is done
    const first = w.indexOf(1);
    expect(buildShare(w, first, 0)).toBeLessThan(0.1);
  });

  it('weighs a profile file by each statement over its __stage view (each reads the file)', () => {
    const profiles: RawFile = { ...file, name: 'p.csv', table: 'raw_2', source: file.source!.replace('f1.csv', 'f2.csv') };
    const pm: FileMapping = { ...mapping, file: 'p.csv', table: 'raw_2', role: 'customers', columns: { customer: 'customer_id' } };
    const { statements } = buildCanonical([file, profiles], [mapping, pm], DEFAULT_REFUND_RULE);
    const w = buildWeights(statements);
    const over = statements.flatMap((s, i) => (/INSERT INTO __profiles/.test(s) ? [w[i]] : []));
    expect(over).toEqual([1]);
    expect(w[statements.findIndex((s) => /^CREATE TABLE __orders_part AS/.test(s.trim()))]).toBe(1);
  });

  it('rises from 0 to 1 without going back', () => {
    const w = [0.02, 1, 0.02, 1, 1, 0.02];
    const seen: number[] = [];
    for (let i = 0; i < w.length; i++) for (const p of [0, 0.5, 1]) seen.push(buildShare(w, i, p));
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBeCloseTo(1, 10);
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThanOrEqual(seen[k - 1]!);
    expect(buildShare([], 0, 0.5)).toBe(0);
  });
});
