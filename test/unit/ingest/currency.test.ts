import { describe, it, expect } from 'vitest';
import { detectCurrency } from '../../../src/ingest/currency';
import type { FileMapping, RawFile } from '../../../src/ingest/mapping';

const file = (name: string, cols: [string, (string | null)[]][]): RawFile => ({
  name,
  table: `raw_${name}`,
  rows: 3,
  columns: cols.map(([n, samples]) => ({ name: n, type: 'VARCHAR', samples })),
});
const mapping = (f: RawFile, role: FileMapping['role'], columns: Record<string, string>): FileMapping =>
  ({ file: f.name, table: f.table, role, tzOffsetMinutes: 0, timestampFormat: { kind: 'auto' }, columns }) as unknown as FileMapping;

describe('currency detection', () => {
  it('reads a currency column (Shopify "Currency", Stripe "currency")', () => {
    const f = file('orders.csv', [
      ['Name', ['#1001', '#1002', '#1003']],
      ['Currency', ['usd', 'USD', 'EUR']],
      ['Total', ['10.00', '12.00', '5.00']],
    ]);
    expect(detectCurrency([f], [mapping(f, 'orders', { Name: 'order_id', Total: 'amount' })])).toBe('USD');
  });

  it('falls back to symbols in the mapped amounts, never to a bare $', () => {
    const uk = file('uk.csv', [['price', ['£3.50', '£1.00', null]]]);
    expect(detectCurrency([uk], [mapping(uk, 'orders', { price: 'unit_price' })])).toBe('GBP');
    const cn = file('cn.csv', [['实付', ['12.50元', '¥3', '8']]]);
    expect(detectCurrency([cn], [mapping(cn, 'orders', { 实付: 'amount' })])).toBe('CNY');
    const us = file('us.csv', [['amount', ['$3.50', '$1.00']]]);
    expect(detectCurrency([us], [mapping(us, 'orders', { amount: 'amount' })])).toBeNull();
  });

  it('ignores profile files and unmapped columns', () => {
    const prof = file('customers.csv', [['currency', ['JPY', 'JPY']]]);
    expect(detectCurrency([prof], [mapping(prof, 'customers', {})])).toBeNull();
    const o = file('o.csv', [['note', ['£ voucher']]]);
    expect(detectCurrency([o], [mapping(o, 'orders', { note: 'ignore' })])).toBeNull();
  });
});
