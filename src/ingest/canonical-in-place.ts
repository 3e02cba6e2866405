/**
 * One read of an orders or events file written straight into the storage of its canonical table
 * (issue 10, "one typed write"): the read's stage columns and the table's columns go into one table,
 * the part (`__orders_part`, `__events_part`), in one statement; the rejects and flags read it
 * through `__stage` as they read `__slice`; then the rows that are not kept are deleted, the
 * stage-only columns dropped (which copies nothing), and the part becomes the table — renamed when
 * the table is still empty, else appended. Before, every row was written twice: into `__slice`,
 * then copied into the table (as much CPU as a plain copy of the rows, and the slice in memory twice).
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

/** The part one read of a file of `table` is written into. */
export function partOf(table: PartRows['table']): Sql {
  return raw(`__${table}_part`);
}

/**
 * The statements of one read written in place: `first` when the table is still empty (the part is
 * renamed to it), else the part is appended and dropped. `checks` (rejects, flag candidates) read
 * the read's kept rows through `__stage`.
 */
export function writeInPlace(
  x: Mapped,
  read: SliceRead,
  cols: readonly StageCol[],
  p: PartRows,
  first: boolean,
  checks: readonly Sql[],
): Sql[] {
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
      : [raw(`INSERT INTO ${p.table} SELECT * FROM ${part.text}`), raw(`DROP TABLE ${part.text}`)]),
  ];
}
