/**
 * Events written in place (docs/data-model.md, "Events written in place"): every read of an events
 * file whose rows depend only on themselves is written once, into `__events_part`, with only the
 * columns the file fills. The build's first is renamed `__events_p0`, the first part of the view
 * `events` (no second copy of its rows); a later big one (a slice, or a big file) is kept apart as
 * the next part; a later small file is appended. With a products file
 * the rows keep the stage table and the category lookup. Sliced or whole, parts or not, with a
 * filtered load or a date range, the tables, rejects (line numbers included) and flags are the same.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { query } from '../../helpers/duckdb';
import { loadTwoPhase } from '../../helpers/two-phase';
import { sliceFiles } from '../../helpers/slice-files';
import { buildCanonical } from '../../../src/ingest/canonical';
import { EVENT_COLUMNS, plausibleEnd } from '../../../src/ingest/canonical-parts';
import { MAX_PARTS, PART_MIN_ROWS } from '../../../src/ingest/canonical-in-place';
import { DEFAULT_REFUND_RULE, type FileMapping, type RawFile } from '../../../src/ingest/mapping';
import { runStoredBuild, storeName, type StorageMode } from '../../../src/ingest/storage';

const file: RawFile = {
  name: 'e.csv',
  table: 'raw_1',
  rows: 10,
  columns: ['user', 'item', 'type', 'when'].map((name) => ({ name, type: 'VARCHAR', samples: ['a', 'i1', 'pv', '2024-01-01 10:00:00'] })),
  source: `(SELECT row_number() OVER () + 1 AS __row, * FROM read_csv('f1.csv', all_varchar = true))`,
};
const mapping: FileMapping = {
  file: 'e.csv',
  table: 'raw_1',
  role: 'events',
  tzOffsetMinutes: 0,
  timestampFormat: { kind: 'strptime', formats: ['%Y-%m-%d %H:%M:%S'] },
  columns: { user: 'customer_id', item: 'product_id', type: 'event_type', when: 'timestamp' },
};
const second: RawFile = { ...file, name: 'e2.csv', table: 'raw_2', source: file.source!.replace('f1.csv', 'f2.csv') };
const products: RawFile = { ...file, name: 'p.csv', table: 'raw_3', source: file.source!.replace('f1.csv', 'f3.csv') };

/** The select list of the view `events` for this mapping: the unfilled columns typed NULLs, `source` (an ENUM) as text. */
const viewList = () =>
  EVENT_COLUMNS.map(([n, t]) =>
    ['session_id', 'price', 'category', 'channel', 'variant'].includes(n)
      ? `CAST(NULL AS ${t}) AS ${n}`
      : n === 'source'
        ? `CAST(source AS VARCHAR) AS source`
        : n,
  ).join(', ');

const written = (statements: string[]) => ({
  part: statements.filter((s) => /^CREATE TABLE __events_part AS/.test(s)),
  renamed: statements.filter((s) => s.trim() === 'ALTER TABLE __events_part RENAME TO __events_p0'),
  inserts: statements.filter((s) => /^\s*INSERT INTO (events|__events_p\d)\b/.test(s)),
  slices: statements.filter((s) => /^CREATE OR REPLACE TEMP TABLE __slice AS/.test(s)),
});

describe('events written in place: the statements', () => {
  it('reads an events file once into the part that becomes `events`, and never copies its rows again', () => {
    const { statements } = buildCanonical([file], [mapping], DEFAULT_REFUND_RULE);
    const w = written(statements);
    expect(w.part).toHaveLength(1);
    expect(w.part[0]).toMatch(/read_csv\('f1\.csv'/);
    // the part holds the events columns the file fills, in the table's order (no session, price,
    // category, channel or variant: the view `events` gives those as typed NULLs), then what the
    // rejects and flags read (the raw time text only on the rows they read it: no time, out of
    // range, a date flag)
    const filled = ['customer_id', 'ts', 'event_type', 'raw_type', 'product_id', 'source'];
    // (`source` as an ENUM of the build's files, read back as text through the view)
    const cols = EVENT_COLUMNS.filter(([n]) => filled.includes(n)).map(([n, t]) => [n, n === 'source' ? "ENUM\\('e\\.csv'\\)" : t]);
    expect(cols.map(([n]) => n)).toEqual(filled);
    expect(w.part[0]).toMatch(
      new RegExp(
        `^CREATE TABLE __events_part AS SELECT ${cols.map(([n, t]) => `CAST\\([\\s\\S]*? AS ${t}\\) AS ${n}`).join(', ')}, "row", CASE WHEN ts IS NULL OR [^,]*? THEN ts_raw END AS ts_raw, __bad, __out FROM`,
      ),
    );
    expect(statements).toContain(`CREATE OR REPLACE VIEW events AS SELECT ${viewList()} FROM __events_p0`);
    expect(w.renamed).toHaveLength(1);
    expect(w.inserts).toEqual([]);
    expect(w.slices).toEqual([]);
    // the rejects and flags read the part (through `__stage`) before its stage columns are dropped
    const at = (re: RegExp) => statements.findIndex((s) => re.test(s));
    expect(at(/^INSERT INTO rejects .* FROM __stage/s)).toBeGreaterThan(
      at(/^CREATE OR REPLACE TEMP VIEW __stage AS SELECT \* FROM __events_part/),
    );
    expect(at(/^ALTER TABLE __events_part DROP COLUMN ts_raw$/)).toBeGreaterThan(at(/^INSERT INTO __flag_cand SELECT 'date'/));
    expect(at(/^DELETE FROM __events_part/)).toBeLessThan(at(/RENAME TO __events_p0$/));
  });

  it('writes a second events file in place too: appended while small, kept apart as a part when big', () => {
    const mappings = [mapping, { ...mapping, file: 'e2.csv', table: 'raw_2' }];
    const small = buildCanonical([file, second], mappings, DEFAULT_REFUND_RULE).statements;
    const w = written(small);
    expect(w.part).toHaveLength(2);
    expect(w.part[1]).toMatch(/read_csv\('f2\.csv'/);
    expect(w.renamed).toHaveLength(1);
    expect(w.slices).toEqual([]);
    // the part, its stage columns dropped, appended: the table's columns in the table's order
    expect(w.inserts).toEqual(['INSERT INTO __events_p0 SELECT * FROM __events_part']);
    expect(small.indexOf(w.renamed[0]!)).toBeLessThan(small.indexOf(w.inserts[0]!));

    // a second file of PART_MIN_ROWS rows is kept apart, nothing copied
    const big = buildCanonical([file, { ...second, rows: PART_MIN_ROWS }], mappings, DEFAULT_REFUND_RULE).statements;
    const b = written(big);
    expect(b.inserts).toEqual([]);
    const placed = big.filter((s) => /^(ALTER TABLE (events|__events_part) RENAME|CREATE OR REPLACE VIEW events)/.test(s));
    const list = viewList();
    expect(placed).toEqual([
      `CREATE OR REPLACE VIEW events AS SELECT ${list} FROM __events_p0`,
      'ALTER TABLE __events_part RENAME TO __events_p0',
      'ALTER TABLE __events_part RENAME TO __events_p1',
      `CREATE OR REPLACE VIEW events AS SELECT ${list} FROM __events_p0 UNION ALL SELECT ${list} FROM __events_p1`,
    ]);
  });

  it('keeps the stage table and the category lookup when a products file is loaded', () => {
    const pm: FileMapping = {
      ...mapping,
      file: 'p.csv',
      table: 'raw_3',
      role: 'products',
      columns: { item: 'product_id', type: 'category' },
    };
    const { statements } = buildCanonical([file, products], [mapping, pm], DEFAULT_REFUND_RULE);
    const w = written(statements);
    expect(w.part).toEqual([]);
    expect(w.inserts).toHaveLength(1);
    expect(w.inserts[0]).toContain('__products');
  });
});

/** A log with a header: good rows, and bad ones in the first and in later slices. */
function writeLog(dir: string, rows: number): string {
  const types = ['pv', 'cart', 'fav', 'buy'];
  const lines = ['user,item,type,when'];
  for (let i = 0; i < rows; i++) {
    const d = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const when = i % 997 === 5 ? 'soon' : i % 1009 === 7 ? '' : i === 40 || i === 2500 ? '1985-06-01 00:00:00' : d;
    lines.push(`${i % 613 === 3 ? '' : `u${(i * 7) % 101}`},i${i % 37},${types[i % 4]},${when}`);
  }
  const p = join(dir, `log-${rows}.csv`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

const TABLES = `SELECT
  (SELECT md5(string_agg(concat_ws('|', customer_id, ts, event_type, raw_type, product_id, category, session_id, price, source, channel, variant),
    ',' ORDER BY ts, customer_id, product_id, raw_type)) FROM events) AS events,
  (SELECT count(*) FROM events) AS n,
  (SELECT string_agg(concat_ws('|', file, "row", reason, value), ',' ORDER BY file, "row") FROM rejects) AS rejects,
  (SELECT string_agg(concat_ws('|', file, "row", kind, value, lo, hi), ',' ORDER BY file, "row") FROM value_flags) AS flags,
  (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM customers) AS customers`;

describe('events written in place: the answers', () => {
  let path = '';
  beforeAll(() => {
    path = writeLog(mkdtempSync(join(tmpdir(), 'events-in-place-')), 4000);
  });

  /** The log's tables built whole or in slices of about `target` bytes, and the statements of each group. */
  async function build(m: Partial<FileMapping>, mode: StorageMode, target?: number) {
    const conn: DuckDBConnection = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
    const f = await loadTwoPhase(conn, path, 1);
    const reads = target ? await sliceFiles(conn, f, path, target) : [];
    const fm: FileMapping = { ...mapping, file: f.name, table: f.table, ...m };
    const built = buildCanonical([f], [fm], DEFAULT_REFUND_RULE, {}, target ? { [f.name]: reads } : {});
    await runStoredBuild({ exec: (s) => conn.run(s), mode, store: storeName(1), previous: null, main: 'memory', groups: built.groups });
    return { tables: (await query(conn, TABLES))[0]!, groups: built.groups, reads };
  }

  it('gives the same tables, rejects and flags whole and in slices: the first slice renamed, the later ones kept apart', async () => {
    const whole = await build({}, 'plain');
    // the bad rows, at their own line numbers (data row i is line i + 2), and the two dates of 1985 flagged
    const bad: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const why =
        i % 997 === 5 ? 'unparseable timestamp|soon' : i % 1009 === 7 ? 'missing timestamp' : i % 613 === 3 ? 'missing customer id' : null;
      if (why) bad.push(`log-4000.csv|${i + 2}|${why}`);
    }
    expect(bad).toHaveLength(16);
    expect(String(whole.tables.rejects).split(',')).toEqual(bad);
    const hi = plausibleEnd().slice(6, 16);
    expect(whole.tables.flags).toBe(
      `log-4000.csv|42|date|1985-06-01 00:00:00|1990-01-01|${hi},log-4000.csv|2502|date|1985-06-01 00:00:00|1990-01-01|${hi}`,
    );
    expect(whole.tables.n).toBe(4000 - bad.length);

    const sliced = await build({}, 'compressed', 20_000);
    expect(sliced.reads.length).toBeGreaterThanOrEqual(4);
    expect(sliced.tables).toEqual(whole.tables);
    // group 0 is the set-up; group 1 the first slice, written in place and renamed `__events_p0`; the
    // others are written in place too and kept apart up to MAX_PARTS (`events` a view over them),
    // the rest appended to the last part
    const [first, ...later] = sliced.groups.slice(1, 1 + sliced.reads.length).map(written);
    expect(first!.part).toHaveLength(1);
    expect(first!.renamed).toHaveLength(1);
    for (const g of [first!, ...later]) {
      expect(g.slices).toEqual([]);
      // nothing read from a stage: a part past MAX_PARTS is appended whole (counted below)
      expect(g.inserts.filter((x) => x !== `INSERT INTO __events_p${MAX_PARTS - 1} SELECT * FROM __events_part`)).toEqual([]);
    }
    for (const g of later) expect(g.part).toHaveLength(1);
    const all = sliced.groups.flat();
    const parts = Math.min(sliced.reads.length, MAX_PARTS);
    expect(all.filter((s) => /^INSERT INTO \S+ SELECT \* FROM __events_part/.test(s))).toEqual(
      Array.from({ length: sliced.reads.length - parts }, () => `INSERT INTO __events_p${parts - 1} SELECT * FROM __events_part`),
    );
    const views = all.filter((s) => /^CREATE OR REPLACE VIEW events /.test(s));
    // the set-up's view over the first part, then one more per part kept apart
    expect(views).toHaveLength(parts);
    const list = viewList();
    expect(views.at(-1)).toBe(
      `CREATE OR REPLACE VIEW events AS ${Array.from({ length: parts }, (_, i) => `SELECT ${list} FROM __events_p${i}`).join(' UNION ALL ')}`,
    );
    // the same in plain storage
    expect((await build({}, 'plain', 20_000)).tables).toEqual(whole.tables);
  }, 60_000);

  it('leaves out the filtered load’s rows and the date range’s the same way whole and in slices', async () => {
    const m: Partial<FileMapping> = {
      loadFilter: { sampleOneIn: 3, from: '2024-01-20' },
      dateRange: { min: '2024-01-01', max: '2024-05-31' },
    };
    const whole = await build(m, 'plain');
    const all = await build({}, 'plain');
    expect(Number(whole.tables.n)).toBeGreaterThan(300);
    expect(Number(whole.tables.n)).toBeLessThan(Number(all.tables.n) / 2);
    expect(String(whole.tables.rejects)).toMatch(/date out of range/);
    expect(await build(m, 'compressed', 20_000).then((b) => b.tables)).toEqual(whole.tables);
  }, 60_000);
});
