/**
 * How far the canonical build is, for the progress bar: the statements that read a file (directly,
 * or through the `__stage` view over it) take nearly all the time, the rest (DDL, lookups, small
 * tables) almost none. Each statement gets a weight; the bar shows the weighted share done plus
 * the current statement's own progress (how far it has read its file).
 */

const READS_FILE = /read_csv\(|\b__stage(_orders)?\b/;
const READS_TABLES = /\b(FROM|JOIN)\s+(orders|events)\b/i;
/** view definitions and drops read nothing */
const READS_NOTHING = /^\s*(CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?VIEW|DROP)\b/i;

/**
 * A weight per statement: 1 for a pass over a file, 0.3 for a pass over the built orders or events
 * (the customers table), 0.02 for the rest.
 */
export function buildWeights(statements: readonly string[]): number[] {
  return statements.map((s) => (READS_NOTHING.test(s) ? 0.02 : READS_FILE.test(s) ? 1 : READS_TABLES.test(s) ? 0.3 : 0.02));
}

/** The share done (0…1) when statement `i` has read `within` (0…1) of its file. */
export function buildShare(weights: readonly number[], i: number, within: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const before = weights.slice(0, i).reduce((a, b) => a + b, 0);
  return Math.min(1, (before + (weights[i] ?? 0) * Math.min(1, Math.max(0, within))) / total);
}
