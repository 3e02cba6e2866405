/**
 * Whole loads in slices (`src/ingest/slices.ts`, `canonical.ts`, `storage.ts`) on native DuckDB:
 * cuts fall on line breaks and never beside a quoted line break; a file built in slices, each
 * committed and checkpointed into a compressed store, gives exactly the tables of the file read
 * whole (orders, rejects with the file's own line numbers after ragged lines in later slices, the
 * value flags whose bounds depend on the whole file's median date); each slice is read once; a cut
 * inside a quoted value fails the build and keeps the earlier tables.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { buildCanonical, SLICE_MISMATCH } from '../../../src/ingest/canonical';
import { MAX_PARTS } from '../../../src/ingest/canonical-in-place';
import { toAppError } from '../../../workers/errors';
import { dialectSql, headerLinesSql } from '../../../src/ingest/canonical-source';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import {
  dialectOf,
  headerEnd,
  planSlices,
  safeCut,
  sliceReadCsv,
  sliceTextBytes,
  MIN_SLICE_BYTES,
  type SliceRange,
} from '../../../src/ingest/slices';
import { runStoredBuild, storeName, SLICE_SHARE, type StorageMode } from '../../../src/ingest/storage';
import { MEMORY_PER_CSV_BYTE } from '../../../src/ingest/canonical-size';

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

describe('slice cuts', () => {
  it('finds the header end, and cuts only after a line break, never beside a line with an open quote', () => {
    expect(headerEnd(bytes('a,b\n1,2\n'), 1)).toBe(4);
    expect(headerEnd(bytes('# x\na,b\n1,2\n'), 2)).toBe(8);
    expect(headerEnd(bytes('a,b'), 1)).toBeNull();
    expect(headerEnd(bytes('1,2\n'), 0)).toBe(0);
    // lines: "1,a\n" (0–3) "2,b\n" (4–7) "3,c\n" (8–11) "4,d\n": the first cut with a whole line before it is 8
    const plain = bytes('1,a\n2,b\n3,c\n4,d\n');
    expect(safeCut(plain, 0, 0x22)).toBe(8);
    expect(safeCut(plain, 9, 0x22)).toBe(12);
    // a quoted value holding a line break: "2,\"x" / "y\",z" — no cut beside either half
    const quoted = bytes('1,a\n2,"x\ny",z\n3,c\n4,d\n5,e\n');
    const cut = safeCut(quoted, 0, 0x22)!;
    const text = new TextDecoder().decode(quoted);
    expect(text.slice(cut)).toBe('4,d\n5,e\n');
    // without a quote character every line break is a cut
    expect(safeCut(quoted, 0, null)).toBe(9);
    // no safe cut in the window
    expect(safeCut(bytes('1,"a\nb\n'), 0, 0x22)).toBeNull();
  });

  it('plans ranges that cover the file exactly, each ending on a line break', async () => {
    const text = Array.from({ length: 500 }, (_, i) => `${i},c${i % 7},2024-01-01,${i}.5`).join('\n') + '\n';
    const b = bytes(text);
    const cutNear = async (at: number) => {
      const c = safeCut(b.subarray(at), 0, 0x22);
      return c === null ? null : at + c;
    };
    const ranges = (await planSlices(b.length, 2000, cutNear))!;
    expect(ranges.length).toBeGreaterThan(3);
    expect(ranges[0]!.start).toBe(0);
    expect(ranges.at(-1)!.end).toBe(b.length);
    for (let k = 1; k < ranges.length; k++) {
      expect(ranges[k]!.start).toBe(ranges[k - 1]!.end);
      expect(b[ranges[k]!.start - 1]).toBe(0x0a);
    }
    expect(await planSlices(100, 2000, cutNear)).toEqual([{ start: 0, end: 100 }]);
    expect(await planSlices(b.length, 2000, async () => null)).toBeNull();
  });

  it('sizes a slice to its share of the budget', () => {
    expect(sliceTextBytes(2 * 1024 ** 3)).toBe(Math.floor((2 * 1024 ** 3 * SLICE_SHARE) / MEMORY_PER_CSV_BYTE));
    expect(sliceTextBytes(1000)).toBe(MIN_SLICE_BYTES);
  });
});

/**
 * A file where slicing would change everything done per file if it were done per slice: dates in
 * 1995 for the first 40 % and in 2024 after it (the whole file's median decides the lower bound
 * of the date flags: the first slices alone would say 1900, the last ones 1990), dates in 1985
 * (flagged only under the 1990 bound), year 1 and 2099, a huge and a non-numeric amount, empty
 * dates, and ragged lines (skipped by the reader) in several places.
 */
function writeTricky(dir: string, rows: number): string {
  const lines = ['order_id,customer_id,order_time,amount'];
  for (let i = 1; i <= rows; i++) {
    let date =
      i <= rows * 0.4
        ? `1995-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`
        : `2024-05-${String((i % 28) + 1).padStart(2, '0')} 12:00:00`;
    let amount = `${(i % 90) + 10}.25`;
    if (i % 97 === 0) date = '1985-06-01 00:00:00';
    if (i % 211 === 0) date = '0001-01-01 00:00:00';
    if (i % 307 === 0) date = '2099-01-01 00:00:00';
    if (i % 113 === 0) date = '';
    if (i % 401 === 0) amount = '2500000000';
    if (i % 389 === 0) amount = 'n/a-amount';
    lines.push(`O${i},C${i % 53},${date},${amount}`);
    if (i % 263 === 0) lines.push(`O${i}x,C1,2024-01-01,1,extra,fields`);
  }
  const path = join(dir, `tricky-${rows}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const mapping = (f: RawFile): FileMapping => ({
  file: f.name,
  table: f.table,
  role: 'orders',
  tzOffsetMinutes: 0,
  timestampFormat: null,
  columns: { order_id: 'order_id', customer_id: 'customer_id', order_time: 'timestamp', amount: 'amount' },
});

async function bare(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
}

/** The slices of `path` as files on disk: the first range as it is, the others after the header lines. */
async function writeSlices(conn: DuckDBConnection, path: string, ranges: SliceRange[], columns: string[]): Promise<string[]> {
  const [h] = await query(conn, headerLinesSql(path));
  const [d] = await query(conn, dialectSql(path));
  const all = readFileSync(path);
  const head = headerEnd(all.subarray(0, 65536), Number(h!.h))!;
  const dialect = dialectOf(d, columns.length)!;
  return ranges.map((r, k) => {
    const p = `${path}.s${k}.csv`;
    writeFileSync(p, k === 0 ? all.subarray(0, r.end) : Buffer.concat([all.subarray(0, head), all.subarray(r.start, r.end)]));
    return sliceReadCsv(p, dialect, columns, []);
  });
}

async function rangesOf(path: string, target: number): Promise<SliceRange[]> {
  const all = new Uint8Array(readFileSync(path));
  return (await planSlices(all.length, target, async (at) => {
    const c = safeCut(all.subarray(at, at + 65536), 0, 0x22);
    return c === null ? null : at + c;
  }))!;
}

/** A fresh connection with `path` loaded (phase one) and cut into slices of about `target` bytes. */
async function slicedLoad(path: string, target: number): Promise<{ conn: DuckDBConnection; g: RawFile; reads: string[] }> {
  const conn = await bare();
  const g = await loadTwoPhase(conn, path, 1);
  const reads = await writeSlices(
    conn,
    path,
    await rangesOf(path, target),
    g.columns.map((c) => c.name),
  );
  return { conn, g, reads };
}

let builds = 0;
async function build(conn: DuckDBConnection, groups: string[][], mode: StorageMode, previous: string | null): Promise<string> {
  const store = storeName(++builds);
  await runStoredBuild({ exec: (s) => conn.run(s), mode, store, previous, main: 'memory', groups });
  return store;
}

const TABLES = `SELECT
  (SELECT md5(string_agg(customer_id || '|' || order_id || '|' || ts::VARCHAR || '|' || amount::VARCHAR, ',' ORDER BY order_id)) FROM orders) AS orders,
  (SELECT count(*) FROM orders) AS n, (SELECT count(*) FROM customers) AS customers,
  (SELECT string_agg("row"::VARCHAR || ':' || reason, ',' ORDER BY "row") FROM rejects) AS rejects,
  (SELECT string_agg(kind || "row"::VARCHAR || ':' || coalesce(value, '') || ':' || coalesce(lo::VARCHAR, ''), ',' ORDER BY kind, "row") FROM value_flags) AS flags`;

describe('a file built in slices', () => {
  let dir = '';
  let path = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slices-'));
    path = writeTricky(dir, 3000);
  });

  it('gives the whole read’s tables exactly, reading each slice once', async () => {
    const whole = await bare();
    const f = await loadTwoPhase(whole, path, 1);
    const one = buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE);
    // one read of the file in the whole build (the counting pass at load is the other)
    expect(one.statements.filter((s) => s.includes('read_csv(')).length).toBe(1);
    await build(whole, one.groups, 'plain', null);
    const want = (await query(whole, TABLES))[0]!;

    const { conn, g, reads } = await slicedLoad(path, 12_000);
    expect(reads.length).toBeGreaterThanOrEqual(5);
    const sliced = buildCanonical([g], [mapping(g)], DEFAULT_REFUND_RULE, {}, { [g.name]: reads });
    // each slice read once, by its own statement; one group (a commit) per slice, plus set-up and the rest
    for (const r of reads) expect(sliced.statements.filter((s) => s.includes(r)).length).toBe(1);
    expect(sliced.groups.length).toBe(reads.length + 2);
    await build(conn, sliced.groups, 'compressed', null);
    const got = (await query(conn, TABLES))[0]!;
    expect(got).toEqual(want);

    // independent checks of what the test data holds (counted from the text, not by the build)
    const text = readFileSync(path, 'utf8').split('\n');
    const ragged = text.flatMap((l, i) => (l.split(',').length > 4 ? [i + 1] : []));
    expect(ragged.length).toBeGreaterThanOrEqual(10);
    // the rejects name the file’s own lines (1 is the header), also after the ragged lines the reader skipped
    const emptyDate = text.flatMap((l, i) => (/^O\d+,C\d+,,/.test(l) ? [i + 1] : []));
    const rejectRows = String(want.rejects)
      .split(',')
      .filter((r) => r.endsWith('missing timestamp'))
      .map((r) => Number(r.split(':')[0]));
    expect(rejectRows).toEqual(emptyDate);
    // the median date of the kept rows is in 2024 (more than half are): the lower bound is 1990, so 1985 is flagged
    const [m] = await query(
      conn,
      `SELECT year(quantile_disc(TRY_CAST(order_time AS TIMESTAMP), 0.5)) AS y FROM read_csv('${path}', all_varchar = true, ignore_errors = true)
       WHERE TRY_CAST(order_time AS TIMESTAMP) IS NOT NULL`,
    );
    expect(Number(m!.y)).toBeGreaterThanOrEqual(2000);
    expect(String(want.flags)).toMatch(/date\d+:1985-06-01 00:00:00:1990-01-01/);
  }, 120_000);

  it('keeps big slices apart as parts of `orders`, a view over them, with the same tables; past MAX_PARTS it appends', async () => {
    const whole = await bare();
    const f = await loadTwoPhase(whole, path, 1);
    await build(whole, buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE).groups, 'plain', null);
    const want = (await query(whole, TABLES))[0]!;
    const tablesOf = async (conn: DuckDBConnection) =>
      (await query(conn, `SELECT table_name AS t FROM duckdb_tables() WHERE table_name LIKE '__orders_p%' ORDER BY t`)).map((r) =>
        String(r.t),
      );

    for (const [target, mode] of [
      [12_000, 'plain'],
      [12_000, 'compressed'],
      [2_000, 'plain'],
    ] as const) {
      const { conn, g, reads } = await slicedLoad(path, target);
      const built = buildCanonical([g], [mapping(g)], DEFAULT_REFUND_RULE, {}, { [g.name]: reads });
      const all = built.statements;
      await build(conn, built.groups, mode, null);
      expect((await query(conn, TABLES))[0]).toEqual(want);
      const parts = Math.min(reads.length, MAX_PARTS);
      // one table per kept part, the view over all of them; no slice copied but those past the cap
      expect(await tablesOf(conn)).toEqual(Array.from({ length: parts }, (_, i) => `__orders_p${i}`).sort());
      const [v] = await query(conn, `SELECT sql FROM duckdb_views() WHERE view_name = 'orders' AND database_name <> 'memory'`);
      expect(String(v!.sql)).toContain(`__orders_p${parts - 1}`);
      const copies = all.filter((s) => /^INSERT INTO \S+ SELECT \* FROM __orders_part$/.test(s));
      expect(copies).toEqual(
        Array.from({ length: reads.length - parts }, () => `INSERT INTO __orders_p${MAX_PARTS - 1} SELECT * FROM __orders_part`),
      );
      if (target === 2_000) expect(reads.length).toBeGreaterThan(MAX_PARTS);
    }
  }, 120_000);

  it('decides the lower date bound from the whole file’s median, as quantile_disc does (ties at the middle)', async () => {
    // n even and odd, with exactly the middle dates on either side of 2000
    for (const [before, after] of [
      [2, 2],
      [3, 2],
      [2, 3],
      [1, 1],
      [1, 0],
    ] as const) {
      const lines = ['order_id,customer_id,order_time,amount'];
      for (let i = 0; i < before; i++) lines.push(`a${i},c,1985-01-0${i + 1},1`);
      for (let i = 0; i < after; i++) lines.push(`b${i},c,2024-01-0${i + 1},1`);
      const p = join(dir, `median-${before}-${after}.csv`);
      writeFileSync(p, lines.join('\n') + '\n');
      const conn = await bare();
      const f = await loadTwoPhase(conn, p, 1);
      await build(conn, buildCanonical([f], [mapping(f)], DEFAULT_REFUND_RULE).groups, 'plain', null);
      const [r] = await query(conn, `SELECT count(*) AS n FROM value_flags WHERE kind = 'date'`);
      const [q] = await query(conn, `SELECT year(quantile_disc(CAST(order_time AS TIMESTAMP), 0.5)) AS y FROM read_csv('${p}')`);
      // the median year decides: 2000 or later → 1985 dates flagged (before 1990), else not
      expect(Number(r!.n), `${before}/${after}`).toBe(Number(q!.y) >= 2000 ? before : 0);
    }
  }, 60_000);

  it('fails a build whose cut falls inside a quoted line break, and keeps the earlier tables', async () => {
    const lines = ['order_id,customer_id,order_time,amount,note'];
    for (let i = 1; i <= 200; i++) lines.push(`O${i},C${i % 9},2024-01-01 10:00:00,${i},"plain"`);
    lines.splice(100, 0, 'Q1,C1,2024-02-01 10:00:00,5,"first half', 'second half"');
    const p = join(dir, 'quoted.csv');
    writeFileSync(p, lines.join('\n') + '\n');
    const conn = await bare();
    const f = await loadTwoPhase(conn, p, 1);
    const m = mapping(f);
    const first = await build(conn, buildCanonical([f], [m], DEFAULT_REFUND_RULE).groups, 'compressed', null);
    const want = await query(conn, TABLES);
    expect(Number(want[0]!.n)).toBe(201);
    // a cut by hand just after "first half\n": inside the quoted value
    const text = readFileSync(p, 'utf8');
    const at = text.indexOf('second half');
    const reads = await writeSlices(
      conn,
      p,
      [
        { start: 0, end: at },
        { start: at, end: text.length },
      ],
      f.columns.map((c) => c.name),
    );
    // the cut finder would not cut there
    const all = new Uint8Array(readFileSync(p));
    expect(safeCut(all.subarray(at - 30, at + 60), 30, 0x22)).not.toBe(30);
    const sliced = buildCanonical([f], [m], DEFAULT_REFUND_RULE, {}, { [f.name]: reads });
    const failed: unknown = await build(conn, sliced.groups, 'compressed', first).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(failed)).toContain(SLICE_MISMATCH);
    // the page gets its own error, naming the file, in the user's language
    expect(toAppError(failed, { code: 'mapping' })).toMatchObject({ code: 'slice-mismatch', file: f.name, params: { file: f.name } });
    expect(await query(conn, TABLES)).toEqual(want);
    expect(await query(conn, 'SELECT current_database() AS d')).toEqual([{ d: 'memory' }]);
    // the failed build's store is gone, the earlier one stays
    const dbs = (await query(conn, `SELECT database_name AS d FROM duckdb_databases() WHERE database_name LIKE 'atlas_store%'`)).map(
      (r) => r.d,
    );
    expect(dbs).toEqual([first]);
  }, 60_000);
});
