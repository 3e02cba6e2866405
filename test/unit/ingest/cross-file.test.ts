import { describe, it, expect } from 'vitest';
import { refineWithOthers } from '../../../src/ingest/cross-file';
import type { FileMapping, RawFile } from '../../../src/ingest/mapping';

const mapping = (file: string, columns: FileMapping['columns']): FileMapping => ({
  file,
  table: file,
  role: 'orders',
  columns,
  timestampFormat: null,
  tzOffsetMinutes: 0,
});

describe('cross-file guesses', () => {
  const list = mapping('ExportOrderList.csv', { 订单编号: 'order_id', 买家会员名: 'customer_id', 总金额: 'amount' });
  const detail = mapping('ExportOrderDetailList.csv', { 主订单编号: 'order_id', 价格: 'unit_price', 购买数量: 'quantity' });

  it('a detail file without customers next to an order list becomes its order lines', () => {
    expect(refineWithOthers([detail], [list, detail])[0]?.role).toBe('order_lines');
    expect(refineWithOthers([list, detail], [list, detail]).map((m) => m.role)).toEqual(['orders', 'order_lines']);
  });

  it('leaves files alone without a keyed order list', () => {
    // the Tmall order report alone: orders without customers stay orders (order-level figures)
    expect(refineWithOthers([detail], [detail])[0]?.role).toBe('orders');
    // two keyed order files (UCI by-day) stay orders
    const day2 = mapping('2010-12-02.csv', { InvoiceNo: 'order_id', CustomerID: 'customer_id' });
    expect(refineWithOthers([day2], [list, day2])[0]?.role).toBe('orders');
    // a file without an order id cannot be joined: stays as guessed
    const noId = mapping('x.csv', { amount: 'amount' });
    expect(refineWithOthers([noId], [list, noId])[0]?.role).toBe('orders');
  });
});

describe('cross-file guesses look at the order ids', () => {
  const list = mapping('ExportOrderList.csv', { 订单编号: 'order_id', 买家会员名: 'customer_id', 总金额: 'amount' });
  const detail = mapping('ExportOrderDetailList.csv', { 主订单编号: 'order_id', 价格: 'unit_price', 购买数量: 'quantity' });
  const raw = (m: FileMapping, col: string, ids: string[]): RawFile => ({
    name: m.file,
    table: m.table,
    rows: ids.length,
    columns: [{ name: col, type: 'VARCHAR', samples: ids }],
  });

  it('order lines when the detail ids (Excel-wrapped) are the list’s ids', () => {
    const files = [
      raw(list, '订单编号', ['2962846118130716330', '2960109253937629253']),
      raw(detail, '主订单编号', ['="2960109253937629253"']),
    ];
    expect(refineWithOthers([detail], [list, detail], files)[0]?.role).toBe('order_lines');
  });

  it('stays orders when no id is shared (an unrelated order file without customers)', () => {
    const files = [raw(list, '订单编号', ['#1001', '#1002']), raw(detail, '主订单编号', ['K1', 'K2'])];
    expect(refineWithOthers([detail], [list, detail], files)[0]?.role).toBe('orders');
  });

  it('a recognised platform export keeps its role (Amazon next to Shopify)', () => {
    const amazon: FileMapping = { ...detail, file: 'amazon.txt', table: 'amazon.txt', layout: 'amazon_all_orders' };
    expect(refineWithOthers([amazon], [list, amazon])[0]?.role).toBe('orders');
  });
});
