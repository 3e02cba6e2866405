/**
 * Time-zone offset tables for the mappings that name an IANA zone: the data's years are read from
 * the raw table, the zone's transitions over them come from Intl (`src/ingest/timezones.ts`), and
 * rows whose written offset disagrees with the zone are counted for a warning.
 */
import { run, type Db } from './duckdb';
import { inline, sql } from '../src/lib/sql';
import type { FileMapping, MappingIssue, RawFile } from '../src/ingest/mapping';
import { colOf, rc, tableOf } from '../src/ingest/canonical-parts';
import { timestampExpr, timestampFormatFor, zoneDisagrees } from '../src/ingest/timestamps';
import { zoneRule, type ZoneRule } from '../src/ingest/timezones';

/** Offset tables by file name, plus warnings about disagreeing offsets. Unknown zones are caught by `validateMapping` first. */
export async function zoneRules(
  db: Db,
  raws: RawFile[],
  mappings: FileMapping[],
): Promise<{ zones: Record<string, ZoneRule>; issues: MappingIssue[] }> {
  const zones: Record<string, ZoneRule> = {};
  const issues: MappingIssue[] = [];
  for (const m of mappings) {
    const file = raws.find((f) => f.table === m.table) ?? raws.find((f) => f.name === m.file);
    if (!m.timeZone || !file || m.role === 'ignore') continue;
    const x = { file, m };
    const col = colOf(x, 'timestamp') ?? colOf(x, 'birth_date');
    const thisYear = new Date().getUTCFullYear();
    if (!col) {
      zones[m.file] = zoneRule(m.timeZone, thisYear, thisYear);
      continue;
    }
    const fmt = m.timestampFormat ?? timestampFormatFor(col);
    // UTC (offset 0) is within a day of any zone: enough to pick the years
    const [y] = await run(
      db,
      'ingest',
      inline(
        sql`SELECT year(min(t)) AS lo, year(max(t)) AS hi FROM (SELECT ${timestampExpr(rc(col), fmt, 0)} AS t FROM ${tableOf(x)} r) s`,
      ),
    );
    const lo = typeof y?.lo === 'number' ? y.lo : thisYear;
    const hi = typeof y?.hi === 'number' ? y.hi : lo;
    const rule = zoneRule(m.timeZone, lo, Math.min(hi, lo + 200));
    zones[m.file] = rule;
    const [d] = await run(
      db,
      'ingest',
      inline(sql`SELECT count(*) FILTER (WHERE bad) AS n, count(*) AS total, min(rn) FILTER (WHERE bad) AS first_row
        FROM (SELECT ${zoneDisagrees(rc(col), fmt, rule)} AS bad, row_number() OVER () AS rn FROM ${tableOf(x)} r) s`),
    );
    const n = Number(d?.n ?? 0);
    if (n > 0) {
      issues.push({
        level: 'warning',
        file: m.file,
        column: col.name,
        row: Number(d?.first_row),
        message: `${m.file}: column ${col.name}: ${n.toLocaleString('en')} of ${Number(d?.total).toLocaleString('en')} rows carry a UTC offset that disagrees with ${m.timeZone} (first at row ${String(d?.first_row)}); is the zone right?`,
        code: 'zone-disagrees',
        params: { n, total: Number(d?.total), zone: m.timeZone },
      });
    }
  }
  return { zones, issues };
}
