/**
 * One read of an orders or events file written straight into the storage of its canonical table
 * (issue 10, "one typed write"): the read's stage columns and the table's columns go into one table,
 * the part (`__orders_part`, `__events_part`), in one statement; the rejects and flags read it
 * through `__stage` as they read `__slice`; then the rows that are not kept are deleted, the
 * stage-only columns dropped (which copies nothing), and the part becomes the table: renamed to it
 * when the table is still empty, else, when big, kept apart under its own name (`__orders_p1`, …)
 * with the table a `UNION ALL` view over its parts (`TableLayout`, up to `MAX_PARTS`), else
 * appended. Before, each later slice was appended: a copy that cost 1.0–2.1 s per slice of the 5M
 * orders file in the tab.
 */
import { Sql, sql, raw, join } from '../lib/sql';
import type { Mapped } from './canonical-parts';

/** One read of a file's rows: the whole file, or one slice of it (`slices.ts`). */
export interface SliceRead {
  /** a relation with `__row` = the file's line number, then the file's columns */
  rel: Sql;
  /** rows the reader loads but that are rejected (`raw-rejects.ts`), over the file's columns */
  bad: Sql;
}

/** A stage column of a slice: its SQL and its name. */
export type StageCol = readonly [expr: Sql, name: string];

/** The stage columns as a select list. */
export function colList(cols: readonly StageCol[]): Sql {
  return join(cols.map(([e, n]) => sql`${e} AS ${raw(n)}`));
}

/** What `writeInPlace` writes for one read: the table, its columns and the values of the read's rows. */
export interface PartRows {
  table: 'orders' | 'events';
  /** the table's columns in order, with their types (`ORDER_COLUMNS`, `EVENT_COLUMNS`) */
  columns: readonly (readonly [name: string, type: string])[];
  /** the stage columns plus whatever `values` read, over the relation `stage` (the read's stage columns) */
  rows: (stage: Sql) => Sql;
  /** the table's columns, in order, over `rows` */
  values: readonly Sql[];
  /**
   * the columns of `rows` the part keeps beside the table's for the checks (a name, or a value and
   * its name); dropped before it joins the table. A raw text a check reads only on some rows is
   * written only there: each text column written for every row cost ~0.3 s per 5M rows natively.
   */
  extras: readonly (string | StageCol)[];
  /** TRUE for a row the table keeps (over the part's columns) */
  kept: Sql;
  /** statements over `__stage` after the checks (the excluded returns) */
  after: readonly Sql[];
}

/**
 * Where a canonical table's rows are while the build's statements are laid out: `empty`, the table
 * as created (the first in-place read renames its part to it); `parts` 0, one table under the
 * canonical name; n ≥ 2, tables `__<table>_p0` … `__<table>_p<n-1>` and the canonical name a view
 * over them. The build mutates it as it lays statements out (`writeInPlace`, `placePart`).
 */
export interface TableLayout {
  empty: boolean;
  parts: number;
}

/** A new layout: the table as created, still empty. */
export function emptyLayout(): TableLayout {
  return { empty: true, parts: 0 };
}

/** The table that statements appending rows to `table` write to: itself, or its last part. */
export function insertTarget(table: PartRows['table'], layout: TableLayout): string {
  return layout.parts ? `__${table}_p${layout.parts - 1}` : table;
}

/**
 * A table is split into at most this many parts. A grouping over the view gathers partial results
 * per part: at 20M orders in 12 parts the build's `customers` grouping took 13–17 s in the tab
 * against 6.3 s over one table and 6.6 s over 4 parts (docs/data-model.md, "Parts kept apart").
 */
export const MAX_PARTS = 4;

/**
 * A read of a file read whole is kept apart from this many rows up (a slice of a file read in
 * slices always is: slices are big by construction). Smaller reads are appended to the table: their
 * copy is cheap (≤ ~0.1 s in the tab), while every part costs each later query a little binding.
 */
export const PART_MIN_ROWS = 200_000;

/** Whether a read is kept apart as a part (`placePart`): a slice, or a whole file of `PART_MIN_ROWS` rows. */
export function isBigRead(rows: number, sliced: boolean): boolean {
  return sliced || rows >= PART_MIN_ROWS;
}

/**
 * The statements that place the finished part `part` of `table`: a `big` one (`isBigRead`) is kept
 * apart — the table (when still one) becomes part 0, the part the next number, and the table's
 * name a view over all of them; only renames and a view, no row copied. A small one, or one past
 * `MAX_PARTS`, is appended to the table (or to its last part) and dropped.
 */
export function placePart(table: PartRows['table'], part: string, layout: TableLayout, big: boolean): string[] {
  if (!big || layout.parts >= MAX_PARTS) return [`INSERT INTO ${insertTarget(table, layout)} SELECT * FROM ${part}`, `DROP TABLE ${part}`];
  const out: string[] = [];
  if (layout.parts === 0) {
    out.push(`ALTER TABLE ${table} RENAME TO __${table}_p0`);
    layout.parts = 1;
  }
  out.push(`ALTER TABLE ${part} RENAME TO __${table}_p${layout.parts}`);
  layout.parts++;
  const all = Array.from({ length: layout.parts }, (_, i) => `SELECT * FROM __${table}_p${i}`);
  out.push(`CREATE OR REPLACE VIEW ${table} AS ${all.join(' UNION ALL ')}`);
  return out;
}

/** The part one read of a file of `table` is written into. */
export function partOf(table: PartRows['table']): Sql {
  return raw(`__${table}_part`);
}

/**
 * The statements of one read written in place: when the table is still empty (`layout`) the part is
 * renamed to it, else it is placed by `placePart` (kept apart when `big`); `layout` follows.
 * `checks` (rejects, flag candidates) read the read's kept rows through `__stage`.
 */
export function writeInPlace(
  x: Mapped,
  read: SliceRead,
  cols: readonly StageCol[],
  p: PartRows,
  layout: TableLayout,
  checks: readonly Sql[],
  big: boolean,
): Sql[] {
  const first = layout.empty;
  layout.empty = false;
  const part = partOf(p.table);
  const out = x.keep ? sql`NOT coalesce(${x.keep}, FALSE)` : raw('FALSE');
  const stage = sql`SELECT r.__row AS "row", ${colList(cols)}, ${read.bad} AS __bad, ${out} AS __out FROM ${read.rel} r`;
  const named = join(p.columns.map(([n, t], i) => sql`CAST(${p.values[i]!} AS ${raw(t)}) AS ${raw(n)}`));
  const extras = [...p.extras, '__bad', '__out'].map((e): StageCol => (typeof e === 'string' ? [raw(e), e] : e));
  const kept = join(extras.map(([e, n]) => (e.text === n ? e : sql`${e} AS ${raw(n)}`)));
  return [
    sql`CREATE TABLE ${part} AS SELECT ${named}, ${kept} FROM (${p.rows(stage)})`,
    sql`INSERT INTO __slice_rows SELECT ${x.file.name}, count(*), count(*) FILTER (WHERE NOT __bad) FROM ${part}`,
    sql`CREATE OR REPLACE TEMP VIEW __stage AS SELECT * FROM ${part} WHERE NOT __bad AND NOT __out`,
    ...checks,
    ...p.after,
    sql`DELETE FROM ${part} WHERE NOT coalesce(NOT __bad AND NOT __out AND ${p.kept}, FALSE)`,
    ...extras.map(([, c]) => raw(`ALTER TABLE ${part.text} DROP COLUMN ${c}`)),
    ...(first
      ? [raw(`DROP TABLE ${p.table}`), raw(`ALTER TABLE ${part.text} RENAME TO ${p.table}`)]
      : placePart(p.table, part.text, layout, big).map(raw)),
  ];
}
