import { describe, it, expect } from 'vitest';
import { setup, segmentsOf, scopeOf } from './setup';
import { activity, engagement } from '../../../src/analysis/segmentation/activity';

// window for 30 days before 2024-04-01: 2024-03-02 00:00 … 2024-03-31 23:59
const data = {
  orders: [
    { customer_id: 'a1', order_id: 'x1', ts: '2024-03-10', amount: 10 },
    { customer_id: 'a1', order_id: 'x2', ts: '2024-03-20', amount: 10 },
    { customer_id: 'a4', order_id: 'x3', ts: '2024-03-15', amount: 10 },
    { customer_id: 'a5', order_id: 'x4', ts: '2024-01-01', amount: 10 },
    { customer_id: 'a6', order_id: 'x5', ts: '2024-01-01', amount: 10 },
    { customer_id: 'a11', order_id: 'x6', ts: '2024-03-02 00:00:00', amount: 10 },
    { customer_id: 'a12', order_id: 'x7', ts: '2024-03-01 23:59:59', amount: 10 },
  ],
  events: [
    ...Array.from({ length: 5 }, () => ({ customer_id: 'a2', ts: '2024-03-05', event_type: 'view' })),
    ...Array.from({ length: 3 }, () => ({ customer_id: 'a3', ts: '2024-03-05', event_type: 'cart' })),
    { customer_id: 'a4', ts: '2024-03-16', event_type: 'view' },
    { customer_id: 'a6', ts: '2024-03-15', event_type: 'view' },
    { customer_id: 'a8', ts: '2024-02-01', event_type: 'view' },
    { customer_id: 'a9', ts: '2024-03-20', event_type: 'review' },
    { customer_id: 'a10', ts: '2024-03-20', event_type: 'purchase' },
    { customer_id: 'a10', ts: '2024-03-21', event_type: 'purchase' },
  ],
  customers: [{ customer_id: 'a7', gender: 'male' }],
};

describe('activity', () => {
  it('classifies by counts in the last 30 days', async () => {
    const { db, ctx } = await setup(data, scopeOf('2024-04-01'));
    expect(await segmentsOf(db, activity, activity.defaults, ctx)).toEqual({
      a1: 'active',
      a2: 'normal',
      a3: 'active',
      a4: 'normal',
      a5: 'silent',
      a6: 'normal',
      a7: 'silent',
      a8: 'silent',
      a9: 'active',
      a10: 'active',
      a11: 'normal',
      a12: 'silent',
    });
  });

  it('widens the window with days', async () => {
    const { db, ctx } = await setup(data, scopeOf('2024-04-01'));
    const seg = await segmentsOf(db, activity, { ...activity.defaults, days: 31 }, ctx);
    expect([seg.a12, seg.a8]).toEqual(['normal', 'silent']);
    expect(() => activity.validate({ ...activity.defaults, days: 0 })).toThrow(/invalid days/);
  });

  it('classifies engagement', async () => {
    const { db, ctx } = await setup(data, scopeOf('2024-04-01'));
    expect(await segmentsOf(db, engagement, engagement.defaults, ctx)).toEqual({
      a1: 'active_buyer',
      a2: 'potential',
      a3: 'potential',
      a4: 'active_engaged',
      a5: 'lapsed',
      a6: 'reengaging',
      a7: 'inactive',
      a8: 'inactive',
      a9: 'potential',
      a10: 'active_buyer',
      a11: 'active_buyer',
      a12: 'lapsed',
    });
  });
});
