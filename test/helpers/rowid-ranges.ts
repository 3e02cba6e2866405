/**
 * Reading the rowid ranges a statement in parts reads (`rowsOfPart` in `workers/cache-db.ts`): a
 * table written part by part keeps each part's rows in the rowid range that part's statement
 * appended.
 */

/** Every `rowid >= a AND rowid < b` range in `sql`, in text order. */
export function rowidRanges(sql: string): [number, number][] {
  return [...sql.matchAll(/rowid >= (\d+) AND rowid < (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** True when the ranges follow one another from row 0, each holding at least one row. */
export function chained(ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.every(([from, to], i) => from === (i === 0 ? 0 : ranges[i - 1]![1]) && to > from);
}
