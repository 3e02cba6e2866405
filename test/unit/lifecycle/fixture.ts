/**
 * Hand-built lifecycle fixture (shared by the lifecycle tests). Expected values in the tests are
 * worked out by hand from these rows; see the comments next to each expectation.
 */
import type { OrderFixture } from '../../helpers/duckdb';

export const ORDERS: OrderFixture[] = [
  // one order only
  { customer_id: 'single', ts: '2024-01-05 10:00:00', amount: 10, channel: 'web', category: 'toys' },
  // three orders on one day
  { customer_id: 'multi_day', ts: '2024-01-25 09:00:00', amount: 5, channel: 'app', category: 'food' },
  { customer_id: 'multi_day', ts: '2024-01-25 12:00:00', amount: 6, channel: 'app', category: 'toys' },
  { customer_id: 'multi_day', ts: '2024-01-25 18:30:00', amount: 7, channel: 'app', category: 'toys' },
  // gaps 10, 10, 7
  { customer_id: 'regular', ts: '2024-01-02', amount: 20, channel: 'web', category: 'food' },
  { customer_id: 'regular', ts: '2024-01-12', amount: 20, channel: 'web', category: 'food' },
  { customer_id: 'regular', ts: '2024-01-22', amount: 20, channel: 'web', category: 'food' },
  { customer_id: 'regular', ts: '2024-01-29', amount: 20, channel: 'web', category: 'food' },
  // long gap (88 days) from before any window
  { customer_id: 'back', ts: '2023-11-01', amount: 50, channel: 'web', category: 'toys' },
  { customer_id: 'back', ts: '2024-01-28', amount: 30, channel: 'web', category: 'toys' },
  // first order exactly on the as-of minus N boundary (2024-02-01 − 10 = 2024-01-22)
  { customer_id: 'boundary', ts: '2024-01-22 23:59:59', amount: 15, channel: 'app', category: 'food' },
  // first order on the as-of date 2024-02-01 → does not exist yet as of 2024-02-01
  { customer_id: 'future', ts: '2024-02-01 00:00:00', amount: 40, channel: 'web', category: 'food' },
  // gap 4, long ago
  { customer_id: 'old', ts: '2023-06-01', amount: 100, channel: 'web', category: 'toys' },
  { customer_id: 'old', ts: '2023-06-05', amount: 100, channel: 'web', category: 'toys' },
  // a return is not activity (but is net revenue)
  { customer_id: 'returned_item', ts: '2024-01-03', amount: 25, channel: 'web', category: 'food' },
  { customer_id: 'returned_item', ts: '2024-01-30', amount: -25, channel: 'web', category: 'food', is_return: true },
  // gap 32; last order exactly B = 30 days before 2024-02-01
  { customer_id: 'edge_churn', ts: '2023-12-01', amount: 8, channel: 'app', category: 'toys' },
  { customer_id: 'edge_churn', ts: '2024-01-02', amount: 8, channel: 'app', category: 'toys' },
  // gap 32; last order 11 days before 2024-02-01
  { customer_id: 'edge_dorm', ts: '2023-12-20', amount: 9, channel: 'app', category: 'food' },
  { customer_id: 'edge_dorm', ts: '2024-01-21', amount: 9, channel: 'app', category: 'food' },
  // gap 11 = A + 1
  { customer_id: 'gap11', ts: '2024-01-11', amount: 12, channel: 'web', category: 'food' },
  { customer_id: 'gap11', ts: '2024-01-22', amount: 12, channel: 'web', category: 'food' },
];

export const T = { newDays: 10, activeDays: 10, churnDays: 30 };
