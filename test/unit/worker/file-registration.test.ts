/**
 * In the threaded bundle, DuckDB-WASM's `registerFileBuffer` and `insertArrowFromIPCStream` copy
 * through `Module.HEAPU8`, a view a DuckDB thread may have outgrown; the copy then throws "offset is
 * out of bounds" (duckdb-wasm#2256, seen in CI on CDNOW_master.txt). The worker registers every file
 * by handle instead (`registerBlob` in workers/files.ts). This guards the worker sources against
 * the two calls coming back.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WORKERS = join(import.meta.dirname, '../../../workers');

describe('file registration in the worker', () => {
  it('never copies into the wasm heap with registerFileBuffer or insertArrowFromIPCStream', () => {
    const offenders: string[] = [];
    for (const f of readdirSync(WORKERS).filter((n) => n.endsWith('.ts'))) {
      const code = readFileSync(join(WORKERS, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      if (/\.(registerFileBuffer|insertArrowFromIPCStream)\s*\(/.test(code)) offenders.push(f);
    }
    expect(readdirSync(WORKERS)).toContain('files.ts');
    expect(offenders).toEqual([]);
  });
});
