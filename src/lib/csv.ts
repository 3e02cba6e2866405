/**
 * CSV export that is safe to open in a spreadsheet: cells starting with `=`, `+`, `-`, `@`, tab or
 * CR are neutralised with a leading apostrophe (OWASP CSV injection advice), except plain numbers.
 */
export type Cell = string | number | boolean | null | undefined;

const DANGEROUS = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** One cell, neutralised and quoted as needed. */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  if (DANGEROUS.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A whole CSV document (header + rows), CRLF line ends as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n') + '\r\n';
}

/** Rows of objects → CSV with the given columns. */
export function objectsToCsv<T extends Record<string, Cell>>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  return toCsv(
    columns,
    rows.map((r) => columns.map((c) => r[c])),
  );
}
