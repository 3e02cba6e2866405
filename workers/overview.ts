/** The overview after mapping: per-file read/reject counts and nulls, and overall totals. */
import type { FileMapping, Overview, FileOverview, MappingIssue } from '../src/worker-api';
import type { RawFile } from '../src/ingest/mapping';
import { literal } from '../src/lib/sql';
import { run, type Db } from './duckdb';

const PROFILE_FIELDS = ['age', 'gender', 'region', 'city', 'city_tier', 'occupation', 'income'] as const;

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function buildOverview(
  db: Db,
  files: { raw: RawFile; mapping: FileMapping; readerRejects: number }[],
  issues: MappingIssue[],
  buildMs: number,
): Promise<Overview> {
  const rejectRows = await run(db, 'aux', `SELECT file, reason, count(*) AS n FROM rejects GROUP BY ALL ORDER BY n DESC`).catch(() => []);
  const fileOverviews: FileOverview[] = [];
  for (const f of files) {
    const mapped = Object.entries(f.mapping.columns).filter(([, role]) => role !== 'ignore');
    let nulls: FileOverview['nulls'] = [];
    if (f.mapping.role !== 'ignore' && mapped.length) {
      const [r] = await run(
        db,
        'aux',
        `SELECT ${mapped.map(([c], i) => `count(*) - count(${q(c)}) AS n${i}`).join(', ')} FROM ${f.raw.table}`,
      );
      nulls = mapped.map(([column, role], i) => ({ column, role, nulls: Number(r?.[`n${i}`] ?? 0) }));
    }
    const mine = rejectRows.filter((r) => r.file === f.raw.name);
    const reasons = mine.map((r) => ({ reason: String(r.reason), rows: Number(r.n) }));
    if (f.readerRejects) reasons.unshift({ reason: 'unreadable CSV row (ragged or broken quotes)', rows: f.readerRejects });
    fileOverviews.push({
      file: f.raw.name,
      role: f.mapping.role,
      rowsRead: f.raw.rows,
      rowsRejected: reasons.reduce((s, r) => s + r.rows, 0),
      rejectReasons: reasons,
      nulls,
    });
  }
  const [o] = await run(
    db,
    'aux',
    `SELECT count(DISTINCT customer_id) FILTER (WHERE NOT is_return) AS customers,
            count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders,
            count(*) AS lines,
            coalesce(round(sum(amount), 2), 0) AS revenue,
            count(*) FILTER (WHERE is_return) AS returns,
            CAST(min(ts) AS VARCHAR) AS first_ts, CAST(max(ts) AS VARCHAR) AS last_ts
     FROM orders`,
  );
  const events = await run(db, 'aux', `SELECT event_type AS type, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC`);
  const [ec] = await run(db, 'aux', `SELECT count(DISTINCT customer_id) AS n, CAST(min(ts) AS VARCHAR) AS first_ts, CAST(max(ts) AS VARCHAR) AS last_ts FROM events`);
  const [cov] = await run(
    db,
    'aux',
    `SELECT count(*) AS n, ${PROFILE_FIELDS.map((f) => (f === 'age' ? `count(coalesce(CAST(age AS VARCHAR), age_band)) AS ${f}` : `count(${f}) AS ${f}`)).join(', ')} FROM customers`,
  );
  const totalCustomers = Number(cov?.n ?? 0);
  // The data's time span covers orders and events alike (event-only files have orders derived
  // from purchases, which would show a narrower range).
  const span = (a: unknown, b: unknown, pick: (x: string, y: string) => string) =>
    typeof a === 'string' && typeof b === 'string' ? pick(a, b) : typeof a === 'string' ? a : typeof b === 'string' ? b : null;
  const firstTs = span(o?.first_ts, ec?.first_ts, (x, y) => (x < y ? x : y));
  const lastTs = span(o?.last_ts, ec?.last_ts, (x, y) => (x > y ? x : y));
  const lastOrder = (o?.last_ts as string | null) ?? lastTs;
  return {
    files: fileOverviews,
    customers: Number(o?.customers ?? 0),
    orders: Number(o?.orders ?? 0),
    orderLines: Number(o?.lines ?? 0),
    revenue: Number(o?.revenue ?? 0),
    returns: Number(o?.returns ?? 0),
    firstTs,
    lastTs,
    people: totalCustomers,
    events: events.map((e) => ({ type: String(e.type), count: Number(e.n) })),
    eventCustomers: Number(ec?.n ?? 0),
    coverage: PROFILE_FIELDS.map((f) => ({ field: f, share: totalCustomers ? Number(cov?.[f] ?? 0) / totalCustomers : 0 })),
    // recency and stages are measured to the day after the last order
    defaultAsOf: lastOrder ? dayAfter(lastOrder.slice(0, 10)) : null,
    issues,
    buildMs,
  };
}

function dayAfter(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** Rejected canonical rows of one file, for the "download rejected rows" link (CSV text). */
export async function rejectSample(db: Db, file: string, limit = 1000): Promise<{ row: number | null; reason: string; value: string | null }[]> {
  const rows = await run(db, 'aux', `SELECT "row", reason, value FROM rejects WHERE file = ${literal(file)} ORDER BY "row" LIMIT ${Math.max(1, Math.floor(limit))}`).catch(() => []);
  return rows.map((r) => ({ row: r.row === null ? null : Number(r.row), reason: String(r.reason), value: r.value === null ? null : String(r.value) }));
}
