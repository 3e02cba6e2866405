/**
 * How far the canonical build is, for the progress bar: the statements that read a file (directly,
 * or through the `__stage` view over it) take nearly all the time, the rest (DDL, lookups, small
 * tables) almost none. Each statement gets a weight; the bar shows the weighted share done plus
 * the current statement's own progress (how far it has read its file).
 */

const READS_FILE = /read_csv\(/;
/** a statement that (re)defines `__stage`: over the file (profiles) or over the slice just read (`__slice`, or a part written in place) */
const DEFINES_STAGE = /^\s*CREATE\s+OR\s+REPLACE\s+TEMP\s+VIEW\s+__stage\b/i;
const READS_STAGE = /\b__stage(_orders)?\b/;
const READS_TABLES = /\b(FROM|JOIN)\s+(orders|events)\b/i;
/** view definitions and drops read nothing */
const READS_NOTHING = /^\s*(CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+|TEMPORARY\s+)?VIEW|DROP)\b/i;

/** The weight of a statement that reads no file and no built table. */
export const LIGHT = 0.002;

/**
 * A weight per statement: 1 for a pass over a file (a slice of an orders or events file is read
 * once into `__slice` or into the part written in place, `canonical-in-place.ts`; a profile file is read by each statement over its `__stage` view), 0.3 for a
 * pass over the built orders or events (the customers table), `LIGHT` for the rest (DDL, and the
 * statements over a slice already read, which is in memory: a file is read once, so the many
 * small statements around it must not add up to a visible share).
 */
export function buildWeights(statements: readonly string[]): number[] {
  let stageIsFile = false;
  return statements.map((s) => {
    if (DEFINES_STAGE.test(s)) stageIsFile = READS_FILE.test(s);
    if (READS_NOTHING.test(s)) return LIGHT;
    if (READS_FILE.test(s) || (stageIsFile && READS_STAGE.test(s))) return 1;
    return READS_TABLES.test(s) ? 0.3 : LIGHT;
  });
}
/** The share done (0…1) when statement `i` has read `within` (0…1) of its file. */
export function buildShare(weights: readonly number[], i: number, within: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const before = weights.slice(0, i).reduce((a, b) => a + b, 0);
  return Math.min(1, (before + (weights[i] ?? 0) * Math.min(1, Math.max(0, within))) / total);
}
