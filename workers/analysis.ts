/** Analysis requests: filled in once the analysis modules land. */
import type { Db } from './duckdb';

export function analysisApi(_db: () => Promise<Db>, _version: () => number) {
  return {};
}
