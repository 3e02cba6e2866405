/** Rules to start from, drawn from the seed playbooks (names are i18n keys `custom.tpl.<id>`). */
import type { Rule } from './rule';

export interface Template {
  id: 'lapsing' | 'new_once' | 'top_cities' | 'cart_7d';
  rule: Rule;
}

export const TEMPLATES: readonly Template[] = [
  {
    // the top spend tier, silent for 60 days or more
    id: 'lapsing',
    rule: {
      match: 'all',
      items: [
        { kind: 'segment', model: 'spend', segments: ['high'], not: false },
        { kind: 'metric', metric: 'recency_days', op: 'gte', value: 60, days: null },
      ],
    },
  },
  {
    // first order in the last 60 days, only one order so far
    id: 'new_once',
    rule: {
      match: 'all',
      items: [
        { kind: 'metric', metric: 'tenure_days', op: 'lte', value: 60, days: null },
        { kind: 'metric', metric: 'orders', op: 'eq', value: 1, days: null },
      ],
    },
  },
  {
    // the top spend tier in tier-1 and new tier-1 cities
    id: 'top_cities',
    rule: {
      match: 'all',
      items: [
        { kind: 'attribute', name: 'city_tier', builtin: true, type: 'text', op: 'in', values: ['1', 'new 1'] },
        { kind: 'segment', model: 'spend', segments: ['high'], not: false },
      ],
    },
  },
  {
    // added to cart in the last 7 days, no order in those 7 days
    id: 'cart_7d',
    rule: {
      match: 'all',
      items: [
        { kind: 'event', event: 'cart', did: true, atLeast: 1, days: 7 },
        { kind: 'metric', metric: 'orders', op: 'eq', value: 0, days: 7 },
      ],
    },
  },
];
