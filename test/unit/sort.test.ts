import { describe, it, expect } from 'vitest';
import { nextSort, sortRows } from '../../src/lib/sort';

describe('table sorting', () => {
  const rows = [
    { id: 'item 10', n: 3, v: null as number | null },
    { id: 'item 2', n: 1, v: 5 },
    { id: 'Item 1', n: 3, v: 2 },
    { id: 'item 3', n: 2, v: Number.NaN },
  ];
  it('sorts numbers numerically and text naturally, case-insensitively', () => {
    expect(sortRows(rows, (r) => r.id, 'asc').map((r) => r.id)).toEqual(['Item 1', 'item 2', 'item 3', 'item 10']);
    expect(sortRows(rows, (r) => r.id, 'desc').map((r) => r.id)).toEqual(['item 10', 'item 3', 'item 2', 'Item 1']);
    // ties keep their original order in both directions
    expect(sortRows(rows, (r) => r.n, 'desc').map((r) => r.id)).toEqual(['item 10', 'Item 1', 'item 3', 'item 2']);
  });
  it('puts empty values last in both directions', () => {
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.id)).toEqual(['Item 1', 'item 2', 'item 10', 'item 3']);
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.id)).toEqual(['item 2', 'Item 1', 'item 10', 'item 3']);
  });
  it('cycles first direction → reverse → original order', () => {
    let s = nextSort({ key: null, dir: 'asc' }, 'revenue', 'desc');
    expect(s).toEqual({ key: 'revenue', dir: 'desc' });
    s = nextSort(s, 'revenue', 'desc');
    expect(s).toEqual({ key: 'revenue', dir: 'asc' });
    expect(nextSort(s, 'revenue', 'desc')).toEqual({ key: null, dir: 'desc' });
    expect(nextSort(s, 'customer_id')).toEqual({ key: 'customer_id', dir: 'asc' });
  });
});
