import { describe, it, expect, beforeAll } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDb, query } from '../../helpers/duckdb';
import { isReturnExpr, describeRefundRule } from '../../../src/ingest/refunds';
import { DEFAULT_REFUND_RULE, type RefundRule } from '../../../src/ingest/mapping';
import { raw, inline } from '../../../src/lib/sql';

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await openDb();
});

const ROWS = `(VALUES (1, 10.0, 1.0, '536365', 'delivered'), (2, -5.0, 1.0, 'x1', NULL), (3, 5.0, -1.0, 'x2', NULL),
  (4, 5.0, 1.0, 'C536383', NULL), (5, 5.0, 1.0, 'c4a3ff', NULL), (6, 5.0, 1.0, 'x3', ' CANCELED '), (7, NULL, NULL, NULL, NULL),
  (8, 5.0, 1.0, 'x4', '交易关闭')) t(id, amount, quantity, oid, status)`;

async function returns(rule: RefundRule): Promise<number[]> {
  const e = isReturnExpr(rule, { amount: raw('amount'), quantity: raw('quantity'), orderId: raw('oid'), status: raw('status') });
  const rows = await query(conn, `SELECT id FROM ${ROWS} WHERE ${inline(e)} ORDER BY id`);
  return rows.map((r) => Number(r.id));
}

describe('isReturnExpr', () => {
  it('default: negative amount/quantity, C prefix (case-sensitive), listed statuses', async () => {
    expect(await returns(DEFAULT_REFUND_RULE)).toEqual([2, 3, 4, 6, 8]);
  });
  it('each condition can be switched off', async () => {
    expect(await returns({ ...DEFAULT_REFUND_RULE, negative: false })).toEqual([4, 6, 8]);
    expect(await returns({ ...DEFAULT_REFUND_RULE, orderIdPrefixes: [] })).toEqual([2, 3, 6, 8]);
    expect(await returns({ ...DEFAULT_REFUND_RULE, statuses: [] })).toEqual([2, 3, 4]);
    expect(await returns({ mode: 'exclude', negative: false, orderIdPrefixes: [], statuses: [] })).toEqual([]);
  });
  it('never NULL', async () => {
    const e = isReturnExpr(DEFAULT_REFUND_RULE, { amount: raw('amount'), status: raw('status') });
    expect(await query(conn, `SELECT ${inline(e)} AS r FROM ${ROWS} WHERE id = 7`)).toEqual([{ r: false }]);
  });
  it('missing columns are skipped', async () => {
    expect(inline(isReturnExpr(DEFAULT_REFUND_RULE, {}))).toBe('FALSE');
  });
});

describe('describeRefundRule', () => {
  it('English and Chinese', () => {
    const en = describeRefundRule(DEFAULT_REFUND_RULE, 'en');
    expect(en).toContain('negative');
    expect(en).toContain('starts with C');
    expect(en).toContain('left out');
    expect(describeRefundRule({ ...DEFAULT_REFUND_RULE, mode: 'net' }, 'en')).toContain('reduce revenue');
    expect(describeRefundRule(DEFAULT_REFUND_RULE, 'zh')).toContain('订单号以 C 开头');
    expect(describeRefundRule({ mode: 'net', negative: false, orderIdPrefixes: [], statuses: [] }, 'zh')).toBe('不识别退款或取消。');
  });
});
