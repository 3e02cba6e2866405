/**
 * Sort state of one table (shared by every sortable table): which column, which direction, and
 * the rows in that order. Rows keep the order they came in until a header is clicked.
 */
import { nextSort, sortRows, type SortDir } from './sort';

/** What a header needs of a table's sort state (any `TableSort<T>`). */
export interface SortState {
  readonly key: string | null;
  readonly dir: SortDir;
  toggle(key: string, first?: SortDir): void;
  aria(key: string): 'ascending' | 'descending' | 'none';
}

export class TableSort<T> implements SortState {
  key = $state<string | null>(null);
  dir = $state<SortDir>('asc');
  #get: (row: T, key: string) => unknown;

  /** `get` reads a column's value from a row (default: the property of that name). */
  constructor(get: (row: T, key: string) => unknown = (row, key) => (row as Record<string, unknown>)[key]) {
    this.#get = get;
  }

  /** Header click: sort by `key` (first direction `first`), flip, then back to the original order. */
  toggle(key: string, first: SortDir = 'asc'): void {
    const n = nextSort({ key: this.key, dir: this.dir }, key, first);
    this.key = n.key;
    this.dir = n.dir;
  }

  /** The rows in the chosen order (a copy; the input when unsorted). */
  apply(rows: readonly T[]): readonly T[] {
    const key = this.key;
    return key === null ? rows : sortRows(rows, (r) => this.#get(r, key), this.dir);
  }

  /** The `aria-sort` value of a column header. */
  aria(key: string): 'ascending' | 'descending' | 'none' {
    return this.key !== key ? 'none' : this.dir === 'asc' ? 'ascending' : 'descending';
  }
}
