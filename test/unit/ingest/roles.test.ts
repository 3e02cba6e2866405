import { describe, it, expect } from 'vitest';
import { guessMapping, roleFromHeader } from '../../../src/ingest/roles';
import { canonicalEventType } from '../../../src/ingest/event-types';
import type { RawColumn, RawFile } from '../../../src/ingest/mapping';

const c = (name: string, type = 'VARCHAR', samples: (string | null)[] = ['x']): RawColumn => ({ name, type, samples });
const file = (name: string, columns: RawColumn[]): RawFile => ({ name, table: `raw_${name}`, rows: 1, columns });

describe('roleFromHeader', () => {
  it.each([
    ['CustomerID', 'customer_id'],
    ['customer_unique_id', 'customer_id'],
    ['customer_id', 'customer_id'],
    ['user_id', 'customer_id'],
    ['household_id', 'customer_id'],
    ['用户ID', 'customer_id'],
    ['买家会员名', 'customer_id'],
    ['会员', 'customer_id'],
    ['InvoiceNo', 'order_id'],
    ['order_id', 'order_id'],
    ['basket_id', 'order_id'],
    ['订单编号', 'order_id'],
    ['主订单编号', 'order_id'],
    ['InvoiceDate', 'timestamp'],
    ['order_purchase_timestamp', 'timestamp'],
    ['event_time', 'timestamp'],
    ['transaction_timestamp', 'timestamp'],
    ['order_date', 'timestamp'],
    ['date', 'timestamp'],
    ['time', 'timestamp'],
    ['timestamp', 'timestamp'],
    ['支付时间', 'timestamp'],
    ['下单时间', 'timestamp'],
    ['订单创建时间', 'timestamp'],
    ['订单付款时间 ', 'timestamp'],
    ['买家实际支付金额', 'amount'],
    ['总金额', 'amount'],
    ['revenue', 'amount'],
    ['sales_value', 'amount'],
    ['payment_value', 'amount'],
    ['dollar_value', 'amount'],
    ['Quantity', 'quantity'],
    ['UnitPrice', 'unit_price'],
    ['price', 'unit_price'],
    ['behavior_type', 'event_type'],
    ['event_type', 'event_type'],
    ['退款金额', 'refund_amount'],
    ['订单状态', 'status'],
    ['order_status', 'status'],
    ['status', 'status'],
    ['category_code', 'category'],
    ['item_category', 'category'],
    ['category_id', 'category'],
    ['product_category_name', 'category'],
    ['收货地址 ', 'region'],
    ['customer_state', 'region'],
    ['customer_city', 'city'],
    ['age', 'age'],
    ['income', 'income'],
    ['gender', 'gender'],
    ['性别', 'gender'],
    ['birth_date', 'birth_date'],
    ['freight_value', 'extra_amount'],
    ['user_session', 'session_id'],
    ['子订单编号', 'ignore'],
    ['买家会员昵称', 'ignore'],
    ['customer_zip_code_prefix', 'ignore'],
    ['Description', 'ignore'],
  ])('%s → %s', (name, role) => {
    expect(roleFromHeader(name).role).toBe(role);
  });
});

describe('guessMapping', () => {
  it('Chinese order export: paid amount and creation time win, trailing spaces trimmed for matching, offset +08:00', () => {
    const m = guessMapping(
      file('t.csv', [
        c('订单编号', 'BIGINT', ['1']),
        c('总金额', 'DOUBLE', ['1.0']),
        c('买家实际支付金额', 'DOUBLE', ['1.0']),
        c('收货地址 '),
        c('订单创建时间', 'TIMESTAMP'),
        c('订单付款时间 ', 'TIMESTAMP'),
        c('退款金额', 'DOUBLE', ['0.0']),
      ]),
    );
    expect(m).toMatchObject({ role: 'orders', tzOffsetMinutes: 480, timestampFormat: { kind: 'native' } });
    expect(m.columns).toEqual({
      订单编号: 'order_id',
      总金额: 'ignore',
      买家实际支付金额: 'amount',
      '收货地址 ': 'region',
      订单创建时间: 'timestamp',
      '订单付款时间 ': 'ignore',
      退款金额: 'refund_amount',
    });
  });
  it('a column whose samples are all empty loses to one with values', () => {
    const m = guessMapping(
      file('t.csv', [
        c('主订单编号', 'VARCHAR', [null, null]),
        c('订单编号', 'BIGINT', ['1']),
        c('买家会员名'),
        c('订单创建时间', 'TIMESTAMP'),
        c('总金额', 'DOUBLE'),
      ]),
    );
    expect(m.columns['订单编号']).toBe('order_id');
    expect(m.columns['主订单编号']).toBe('ignore');
  });
  it('price is the unit price next to a quantity, else the amount', () => {
    expect(
      guessMapping(file('a', [c('order_id'), c('price', 'DOUBLE'), c('quantity', 'BIGINT'), c('date', 'DATE'), c('user_id')])).columns
        .price,
    ).toBe('unit_price');
    expect(guessMapping(file('b', [c('order_id'), c('price', 'DOUBLE')])).columns.price).toBe('amount');
  });
  it('file roles: events, customers with alias, order lines, payments, products, ignore', () => {
    expect(guessMapping(file('e', [c('user_id'), c('event_type', 'VARCHAR', ['view', 'cart']), c('event_time', 'TIMESTAMP')])).role).toBe(
      'events',
    );
    const cust = guessMapping(file('c', [c('customer_id'), c('customer_unique_id'), c('customer_city'), c('customer_state')]));
    expect(cust).toMatchObject({ role: 'customers', columns: { customer_id: 'customer_alias', customer_unique_id: 'customer_id' } });
    expect(
      guessMapping(
        file('l', [
          c('order_id'),
          c('order_item_id', 'BIGINT'),
          c('price', 'DOUBLE'),
          c('freight_value', 'DOUBLE'),
          c('shipping_limit_date', 'TIMESTAMP'),
        ]),
      ),
    ).toMatchObject({
      role: 'order_lines',
      timestampFormat: null,
      columns: { price: 'amount', freight_value: 'extra_amount', shipping_limit_date: 'ignore' },
    });
    expect(guessMapping(file('p', [c('order_id'), c('payment_type'), c('payment_value', 'DOUBLE')])).role).toBe('payments');
    expect(guessMapping(file('pr', [c('product_id'), c('product_category_name')])).role).toBe('products');
    expect(guessMapping(file('r', [c('review_id'), c('order_id'), c('review_answer_timestamp', 'TIMESTAMP')])).role).toBe('ignore');
  });
  it('numeric behaviour codes 1…4 get an explicit event map; other integer codes are not event types', () => {
    const m = guessMapping(
      file('m', [
        c('user_id', 'BIGINT', ['1']),
        c('behavior_type', 'BIGINT', ['1', '4', '3', '2']),
        c('time', 'VARCHAR', ['2014-12-06 02']),
      ]),
    );
    expect(m).toMatchObject({ role: 'events', eventTypes: { '1': 'view', '2': 'fav', '3': 'cart', '4': 'purchase' } });
    const n = guessMapping(file('n', [c('user_id', 'BIGINT', ['1']), c('type', 'BIGINT', ['17', '99']), c('date', 'DATE')]));
    expect(n.columns.type).toBe('ignore');
  });
  it('headerless events (Tianchi UserBehavior) from values', () => {
    const m = guessMapping(
      file('u', [
        c('column0', 'BIGINT', ['1', '100']),
        c('column1', 'BIGINT', ['2268318']),
        c('column2', 'BIGINT', ['2520377']),
        c('column3', 'VARCHAR', ['pv', 'buy', 'cart', 'fav']),
        c('column4', 'BIGINT', ['1511544070']),
      ]),
    );
    expect(m).toMatchObject({
      role: 'events',
      timestampFormat: { kind: 'epoch_s' },
      tzOffsetMinutes: 0,
      columns: { column0: 'customer_id', column1: 'product_id', column2: 'category', column3: 'event_type', column4: 'timestamp' },
    });
    expect(m.eventTypes).toMatchObject({ pv: 'view', buy: 'purchase', cart: 'cart', fav: 'fav' });
  });
});

describe('canonicalEventType', () => {
  it.each([
    ['pv', 'view'],
    ['Click', 'click'],
    ['addtocart', 'cart'],
    ['collect', 'fav'],
    ['buy', 'purchase'],
    ['order', 'purchase'],
    ['comment', 'review'],
    ['share', 'share'],
    ['浏览', 'view'],
    ['加购', 'cart'],
    ['收藏', 'fav'],
    ['购买', 'purchase'],
    ['remove_from_cart', 'other'],
  ])('%s → %s', (raw, t) => expect(canonicalEventType(raw)).toBe(t));
});

describe('an event log without a customer column', () => {
  it('is guessed as events (so the check asks for the customer column) instead of being left unused', () => {
    const m = guessMapping(
      file('no-customer', [
        c('event_time', 'VARCHAR', ['2024-05-01 10:00:00']),
        c('event_type', 'VARCHAR', ['view', 'cart']),
        c('product_id', 'VARCHAR', ['P1']),
      ]),
    );
    expect(m.role).toBe('events');
    expect(Object.values(m.columns)).not.toContain('customer_id');
  });
});
