/** The shared real datasets live beside the project root (`../shared/datasets`), when present. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DATASETS = resolve(import.meta.dirname, '../../../shared/datasets');
export const hasDatasets = existsSync(DATASETS);

/** Path of a file inside the datasets folder. */
export function dataset(...parts: string[]): string {
  return join(DATASETS, ...parts);
}
