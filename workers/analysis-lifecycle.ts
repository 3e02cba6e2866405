/** Lifecycle page requests (placeholder until the lifecycle page lands). */
import type { Db } from './duckdb';

export function lifecycleApi(_db: () => Promise<Db>, _version: () => number) {
  return {};
}
