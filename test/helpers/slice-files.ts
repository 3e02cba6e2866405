/**
 * A file cut into slices the way `workers/slices.ts` cuts a registered Blob (`src/ingest/slices.ts`:
 * at line breaks outside quotes, read with the whole file's sniffed dialect), each written as a file
 * beside it, for Node tests of sliced builds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RawFile } from '../../src/ingest/mapping';
import { dialectSql } from '../../src/ingest/canonical-source';
import { dialectOf, headerEnd, planSlices, safeCut, sliceReadCsv } from '../../src/ingest/slices';
import { query } from './duckdb';

/** The file's slices of about `target` bytes, written as files, as `read_csv` calls. */
export async function sliceFiles(conn: DuckDBConnection, f: RawFile, path: string, target: number): Promise<string[]> {
  const all = new Uint8Array(readFileSync(path));
  const [d] = await query(conn, dialectSql(path));
  const dialect = dialectOf(d, f.columns.length)!;
  const header = all.subarray(0, headerEnd(all, dialect.skip + (dialect.header ? 1 : 0))!);
  const ranges = (await planSlices(all.length, target, async (at) => {
    const from = Math.max(at, header.length);
    const c = safeCut(all.subarray(from, from + 65536), 0, 0x22);
    return c === null ? null : from + c;
  }))!;
  return ranges.map((r, k) => {
    const p = `${path}.s${k}.csv`;
    // every slice after the first starts with the file's header lines, as the worker's Blob does
    writeFileSync(p, k === 0 ? all.subarray(r.start, r.end) : Buffer.concat([header, all.subarray(r.start, r.end)]));
    return sliceReadCsv(
      p,
      dialect,
      f.columns.map((c) => c.name),
      [],
    );
  });
}
