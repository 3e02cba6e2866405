/**
 * The Tianchi-layout behaviour generator: headerless five-column log the app reads as events with
 * epoch seconds, the four behaviour types, times inside the 9 days, one category per item, and the
 * same bytes for the same seed.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, query } from '../helpers/duckdb';
import { loadTwoPhase } from '../helpers/two-phase';
import { guessMapping } from '../../src/ingest/roles';
import { generateBehavior } from '../../scripts/gen-behavior.mjs';

const ROWS = 20_000;

describe('gen-behavior (Tianchi UserBehavior layout)', () => {
  let a = '';
  let b = '';
  beforeAll(async () => {
    a = ((await generateBehavior({ rows: ROWS, out: mkdtempSync(join(tmpdir(), 'beh-')) })) as { events: string }).events;
    b = ((await generateBehavior({ rows: ROWS, out: mkdtempSync(join(tmpdir(), 'beh-')) })) as { events: string }).events;
  });

  it('same seed, same bytes', () => {
    const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(hash(a)).toBe(hash(b));
  });

  it('is read as events with epoch seconds; four types; 9 days from 2017-11-25 Beijing time; one category per item', async () => {
    const conn = await openDb();
    const f = await loadTwoPhase(conn, a, 1);
    expect(f.rows).toBe(ROWS);
    expect(guessMapping(f)).toMatchObject({
      role: 'events',
      timestampFormat: { kind: 'epoch_s' },
      columns: { column0: 'customer_id', column3: 'event_type', column4: 'timestamp' },
    });
    const src = f.source!;
    const [r] = await query(
      conn,
      `SELECT count(DISTINCT column3) AS types, min(CAST(column4 AS BIGINT)) AS lo, max(CAST(column4 AS BIGINT)) AS hi,
        count(DISTINCT column0) AS users FROM ${src}`,
    );
    // 2017-11-25 00:00 UTC+8 = 1511539200; + 9 days = 1512316800 (exclusive)
    expect(r).toMatchObject({ types: 4 });
    expect(Number(r?.lo)).toBeGreaterThanOrEqual(1511539200);
    expect(Number(r?.hi)).toBeLessThan(1512316800);
    expect(Number(r?.users)).toBeLessThanOrEqual(ROWS / 100);
    expect(
      await query(conn, `SELECT count(*) AS n FROM (SELECT column1 FROM ${src} GROUP BY 1 HAVING count(DISTINCT column2) > 1)`),
    ).toEqual([{ n: 0 }]);
    const [pv] = await query(conn, `SELECT avg(CASE WHEN column3 = 'pv' THEN 1 ELSE 0 END) AS share FROM ${src}`);
    expect(Number(pv?.share)).toBeCloseTo(0.895, 1);
  });
});
