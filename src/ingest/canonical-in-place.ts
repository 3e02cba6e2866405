/**
 * One read of an orders or events file written straight into the storage of its canonical table
 * (issue 10, "one typed write"): the read's stage columns and the table's columns go into one table,
 * the part (`__orders_part`, `__events_part`), in one statement; the rejects and flags read it
 * through `__stage` as they read `__slice`; then the rows that are not kept are deleted, the
 * stage-only columns dropped (which copies nothing), and the part becomes the table's first part
 * (`__orders_p0`) when the table is still empty, else, when big, is kept apart as the next part
 * (`__orders_p1`, …, up to `MAX_PARTS`), else appended. The table's name is a view over its parts
 * (`TableLayout`). Before, each later slice was appended: a copy that cost 1.0–2.1 s per slice of
 * the 5M orders file in the tab. Only the columns some file fills are written (`TableLayout.stored`).
 */
import { Sql, sql, raw, join, literal } from '../lib/sql';
import { ORDER_COLUMNS, EVENT_COLUMNS, type Mapped } from './canonical-parts';

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

/** What `writeInPlace` writes for one read: the table and the values of the read's rows. */
export interface PartRows {
  /** the table; its columns are `tableColumns(table)` */
  table: 'orders' | 'events';
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
 * Where a canonical table's rows are while the build's statements are laid out. Its rows live in
 * tables `__<table>_p0` … `__<table>_p<n-1>` (the parts) that hold only the columns some file of the
 * build can fill (`stored`); the canonical name is a view over the parts that gives every other
 * column as a typed NULL, so every reader sees the full schema (`ORDER_COLUMNS`, `EVENT_COLUMNS`).
 * A column no file maps cost 6.5–11 bytes a row stored plain (native DuckDB, 5M rows: six NULL
 * DOUBLE columns +321 MB, six NULL VARCHAR +194 MB), and at 1M orders the build wrote 22 columns
 * where the file had 6. `empty`: the parts hold no rows yet (the first in-place read takes part 0's
 * place). The build mutates the layout as it lays statements out (`writeInPlace`, `placePart`).
 */
export interface TableLayout {
  empty: boolean;
  /** the number of parts (at least one) */
  parts: number;
  /** the columns the parts store, in the table's order */
  stored: readonly string[];
  /**
   * the build's orders and events files: the parts store `source` as an ENUM of them, about 4 bytes
   * a row natively against 26 for an 18-character name as text; the view reads it back as text
   */
  sources: readonly string[];
}

/** The canonical columns of `table`, with their types. */
export function tableColumns(table: PartRows['table']): readonly (readonly [name: string, type: string])[] {
  return table === 'orders' ? ORDER_COLUMNS : EVENT_COLUMNS;
}

/** A new layout: one empty part storing the columns `stored` (kept in the table's order), `source` among `sources`. */
export function emptyLayout(table: PartRows['table'], stored: Iterable<string>, sources: Iterable<string> = []): TableLayout {
  const keep = new Set(stored);
  return {
    empty: true,
    parts: 1,
    stored: tableColumns(table)
      .map(([n]) => n)
      .filter((n) => keep.has(n)),
    sources: [...new Set(sources)],
  };
}

/** The type a part stores column `name` as: its canonical type, but `source` as an ENUM of the build's files. */
function storedType(layout: TableLayout, name: string, type: string): string {
  if (name !== 'source' || layout.sources.length === 0) return type;
  return `ENUM(${layout.sources.map(literal).join(', ')})`;
}

/** The name of part `i` of `table`. */
export function partName(table: PartRows['table'], i: number): string {
  return `__${table}_p${i}`;
}

/** The columns the parts of `table` store, with the types they are stored as. */
export function storedColumns(table: PartRows['table'], layout: TableLayout): readonly (readonly [name: string, type: string])[] {
  return tableColumns(table)
    .filter(([n]) => layout.stored.includes(n))
    .map(([n, t]) => [n, storedType(layout, n, t)] as const);
}

/** Of `values` (one per column of `table`, in order), those of the stored columns: a part's row. */
export function storedValues<T>(table: PartRows['table'], layout: TableLayout, values: readonly T[]): T[] {
  const cols = tableColumns(table);
  if (values.length !== cols.length) throw new Error(`${table}: ${values.length} values for ${cols.length} columns`);
  return values.filter((_, i) => layout.stored.includes(cols[i]![0]));
}

/** The canonical view of `table` over its parts: stored columns in their canonical type, the others typed NULLs. */
export function canonicalView(table: PartRows['table'], layout: TableLayout): string {
  const list = tableColumns(table)
    .map(([n, t]) =>
      !layout.stored.includes(n) ? `CAST(NULL AS ${t}) AS ${n}` : storedType(layout, n, t) === t ? n : `CAST(${n} AS ${t}) AS ${n}`,
    )
    .join(', ');
  const parts = Array.from({ length: layout.parts }, (_, i) => `SELECT ${list} FROM ${partName(table, i)}`);
  return `CREATE OR REPLACE VIEW ${table} AS ${parts.join(' UNION ALL ')}`;
}

/** The set-up of `table` in a build: its first part, empty, and the view. */
export function layoutSql(table: PartRows['table'], layout: TableLayout): string[] {
  const cols = storedColumns(table, layout).map(([n, t]) => `${n} ${t}`);
  return [`CREATE TABLE ${partName(table, 0)} (${cols.join(', ')})`, canonicalView(table, layout)];
}

/** The table that statements appending rows to `table` write to: its last part. */
export function insertTarget(table: PartRows['table'], layout: TableLayout): string {
  return partName(table, layout.parts - 1);
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
 * apart — renamed to the next part, and the view redefined over all of them; no row copied. A small
 * one, or one past `MAX_PARTS`, is appended to the last part and dropped.
 */
export function placePart(table: PartRows['table'], part: string, layout: TableLayout, big: boolean): string[] {
  if (!big || layout.parts >= MAX_PARTS) return [`INSERT INTO ${insertTarget(table, layout)} SELECT * FROM ${part}`, `DROP TABLE ${part}`];
  const out = [`ALTER TABLE ${part} RENAME TO ${partName(table, layout.parts)}`];
  layout.parts++;
  out.push(canonicalView(table, layout));
  return out;
}

/** The part one read of a file of `table` is written into. */
export function partOf(table: PartRows['table']): Sql {
  return raw(`__${table}_part`);
}

/**
 * The statements of one read written in place: when the table is still empty (`layout`) the part
 * takes the place of its first part, else it is placed by `placePart` (kept apart when `big`); `layout` follows.
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
  const types = new Map(storedColumns(p.table, layout));
  const values = storedValues(p.table, layout, p.values);
  const named = join([...types].map(([n, t], i) => sql`CAST(${values[i]!} AS ${raw(t)}) AS ${raw(n)}`));
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
      ? [raw(`DROP TABLE ${partName(p.table, 0)}`), raw(`ALTER TABLE ${part.text} RENAME TO ${partName(p.table, 0)}`)]
      : placePart(p.table, part.text, layout, big).map(raw)),
  ];
}
