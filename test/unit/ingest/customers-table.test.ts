/**
 * The customers table's region and channel: from a profile when it has them, else the region of the
 * customer's latest order that names one and the channel of the first order that names one — for
 * customers with a profile (updated after the insert) and without (set by the insert itself).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmptyDb, query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { buildCanonical } from '../../../src/ingest/canonical';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';

const ORDERS = [
  'order_id,customer_id,order_time,amount,region,channel',
  '1,p1,2024-01-01,5,,app',
  '2,p1,2024-02-01,5,DE,web',
  '3,p1,2024-03-01,5,,store',
  '4,p2,2024-01-05,5,FR,app',
  '5,n1,2024-01-02,5,IT,',
  '6,n1,2024-01-09,5,ES,mail',
].join('\n');
const PROFILES = ['customer_id,gender,region', 'p1,female,', 'p2,male,NL', 'p3,male,'].join('\n');

function mapping(f: RawFile, role: FileMapping['role'], columns: Record<string, string>): FileMapping {
  return { file: f.name, table: f.table, role, tzOffsetMinutes: 0, timestampFormat: null, columns } as FileMapping;
}

async function build(withProfiles: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'customers-table-'));
  writeFileSync(join(dir, 'o.csv'), ORDERS + '\n');
  writeFileSync(join(dir, 'c.csv'), PROFILES + '\n');
  const conn = await openEmptyDb();
  const o = await loadTwoPhase(conn, join(dir, 'o.csv'), 1);
  const c = await loadTwoPhase(conn, join(dir, 'c.csv'), 2);
  const om = mapping(o, 'orders', {
    order_id: 'order_id',
    customer_id: 'customer_id',
    order_time: 'timestamp',
    amount: 'amount',
    region: 'region',
    channel: 'channel',
  });
  const cm = mapping(c, 'customers', { customer_id: 'customer_id', gender: 'gender', region: 'region' });
  const built = buildCanonical(withProfiles ? [o, c] : [o], withProfiles ? [om, cm] : [om], DEFAULT_REFUND_RULE);
  for (const s of built.statements) await conn.run(s);
  return { conn, statements: built.statements };
}

describe('customers table: region and channel', () => {
  it('with profiles: a profile value wins, an empty one is filled from the orders', async () => {
    const { conn, statements } = await build(true);
    expect(statements.filter((s) => /^\s*UPDATE customers/.test(s))).toHaveLength(1);
    expect(await query(conn, 'SELECT customer_id, has_profile, gender, region, channel FROM customers ORDER BY customer_id')).toEqual([
      { customer_id: 'n1', has_profile: false, gender: null, region: 'ES', channel: 'mail' },
      { customer_id: 'p1', has_profile: true, gender: 'female', region: 'DE', channel: 'app' },
      { customer_id: 'p2', has_profile: true, gender: 'male', region: 'NL', channel: 'app' },
      { customer_id: 'p3', has_profile: true, gender: 'male', region: null, channel: null },
    ]);
  });

  it('without profiles: the insert sets them, nothing is updated', async () => {
    const { conn, statements } = await build(false);
    expect(statements.some((s) => /^\s*UPDATE customers/.test(s))).toBe(false);
    expect(await query(conn, 'SELECT customer_id, has_profile, region, channel FROM customers ORDER BY customer_id')).toEqual([
      { customer_id: 'n1', has_profile: false, region: 'ES', channel: 'mail' },
      { customer_id: 'p1', has_profile: false, region: 'DE', channel: 'app' },
      { customer_id: 'p2', has_profile: false, region: 'FR', channel: 'app' },
    ]);
  });
});
