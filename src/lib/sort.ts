/**
 * Sorting rows of a table by any column (the one rule every sortable table uses): numbers
 * numerically, text in natural order (`item 2` before `item 10`), booleans false first, empty
 * values (null, undefined, NaN) always last whichever the direction; ties keep their order.
 */

export type SortDir = 'asc' | 'desc';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** Compare two cell values ascending; empty values are not handled here (see `sortRows`). */
export function compareCells(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** A sorted copy of `rows` by the value `get` reads, in `dir`; stable, empty values last. */
export function sortRows<T>(rows: readonly T[], get: (row: T) => unknown, dir: SortDir): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: get(row) }))
    .sort((x, y) => {
      const ex = isEmpty(x.v);
      const ey = isEmpty(y.v);
      if (ex || ey) return ex === ey ? x.i - y.i : ex ? 1 : -1;
      return sign * compareCells(x.v, y.v) || x.i - y.i;
    })
    .map((x) => x.row);
}

/**
 * The next state after clicking a column header: a new column sorts in its natural first direction
 * (`desc` for numbers people rank, given by the caller), the same column flips, a third click
 * restores the original order (`key` null).
 */
export function nextSort(
  current: { key: string | null; dir: SortDir },
  key: string,
  first: SortDir = 'asc',
): { key: string | null; dir: SortDir } {
  if (current.key !== key) return { key, dir: first };
  if (current.dir === first) return { key, dir: first === 'asc' ? 'desc' : 'asc' };
  return { key: null, dir: first };
}
