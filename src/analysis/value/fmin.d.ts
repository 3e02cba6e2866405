/**
 * Types for the part of `fmin` we use (it ships none). Pinned to 0.0.2: 0.0.4 marks its UMD build
 * `type: module` (unimportable) and its Nelder–Mead reduction step throws in strict mode.
 */
declare module 'fmin' {
  export interface NelderMeadOptions {
    maxIterations?: number;
    /** stop when the simplex's function values differ by less than this (also used as the x tolerance) */
    minErrorDelta?: number;
    nonZeroDelta?: number;
    zeroDelta?: number;
  }
  export function nelderMead(f: (x: number[]) => number, x0: number[], options?: NelderMeadOptions): { x: number[]; fx: number };
}
