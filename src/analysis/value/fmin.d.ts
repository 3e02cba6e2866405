/**
 * Types for the parts of `fmin` 0.0.4 (npm, BSD-3-Clause; it ships none) that `optimise.ts` uses. Imported
 * as `fmin/index.js`, its ES module source: the package's `main` is a UMD build inside a `"type": "module"`
 * package, which exports nothing when loaded as a module.
 */
declare module 'fmin/index.js' {
  /** A point with its value (fmin stores `fx` on the array itself in Nelder–Mead). */
  export type Point = number[] & { fx?: number };
  export interface NelderMeadParams {
    maxIterations?: number;
    /** stop when the simplex's values differ by less than this (fmin also uses it as the step tolerance) */
    minErrorDelta?: number;
    nonZeroDelta?: number;
    zeroDelta?: number;
    rho?: number;
    chi?: number;
    psi?: number;
    /** ≥ 1 stops instead of shrinking the simplex */
    sigma?: number;
  }
  export function nelderMead(f: (x: number[]) => number, x0: number[], params?: NelderMeadParams): { x: Point; fx: number };
}
