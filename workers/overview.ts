/**
 * The overview after mapping: runs the queries of `src/ingest/overview.ts` and shapes them for the
 * page — per-file read/reject counts and empty values, and overall totals.
 */
import { addDays } from '../src/lib/dates';
import type { FileMapping, Overview, FileOverview, MappingIssue } from '../src/atlas-api';
import type { RawFile } from '../src/ingest/mapping';
import { overviewSql, COVERAGE_ALL } from '../src/ingest/overview';
import { literal } from '../src/lib/sql';
import { run, type Db } from './duckdb';

export async function buildOverview(
  db: Db,
  files: { raw: RawFile; mapping: FileMapping; readerRejects: number }[],
  issues: MappingIssue[],
  buildMs: number,
): Promise<Overview> {
  // empty values per mapped column: counted at load for files read in two phases (their table is
  // only a sample), else counted on the raw table here
  const q = overviewSql(files.filter((f) => !f.raw.nulls).map((f) => f.mapping));
  const [h] = await run(db, 'aux', q.headline!);
  const events = await run(db, 'aux', q.eventsByType!);
  const [cov] = await run(db, 'aux', q.coverageAll!);
  const nulls = await run(db, 'aux', q.nullsByColumn!);
  const rejectRows = await run(db, 'aux', q.rejects!).catch(() => []);
  const noKept = await run(db, 'aux', q.noKeptOrder!);

  const fileOverviews: FileOverview[] = files.map((f) => {
    const reasons = rejectRows.filter((r) => r.file === f.raw.name).map((r) => ({ reason: String(r.reason), rows: Number(r.rows) }));
    if (f.readerRejects) reasons.unshift({ reason: 'unreadable CSV row (ragged or broken quotes)', rows: f.readerRejects });
    return {
      file: f.raw.name,
      role: f.mapping.role,
      rowsRead: f.raw.rows,
      rowsRejected: reasons.reduce((s, r) => s + r.rows, 0),
      rejectReasons: reasons,
      nulls: f.raw.nulls
        ? Object.entries(f.mapping.role === 'ignore' ? {} : f.mapping.columns)
            .filter(([, role]) => role !== 'ignore')
            .map(([column, role]) => ({ column, role, nulls: f.raw.nulls?.[column] ?? 0 }))
        : nulls
            .filter((n) => n.file === f.raw.name)
            .map((n) => ({ column: String(n.column_name), role: String(n.role), nulls: Number(n.nulls) })),
    };
  });

  const people = Number(cov?.customers ?? 0);
  const firstTs = (h?.first_ts as string | null) ?? null;
  const lastTs = (h?.last_ts as string | null) ?? null;
  // recency and stages are measured to the day after the last order (or event, without orders)
  const lastOrder = (h?.last_order_ts as string | null) ?? lastTs;
  return {
    files: fileOverviews,
    customers: Number(h?.buyers ?? 0),
    people,
    orders: Number(h?.orders ?? 0),
    orderLines: Number(h?.order_lines ?? 0),
    revenue: Number(h?.revenue ?? 0),
    guestRevenue: Number(h?.guest_revenue ?? 0),
    guestOrders: Number(h?.guest_orders ?? 0),
    returns: Number(h?.return_rows ?? 0),
    noKeptOrder: Number(h?.no_kept_order ?? 0),
    amountRows: Number(h?.amount_rows ?? 0),
    categoryRows: Number(h?.category_rows ?? 0),
    noKeptOrderList: noKept.map((r) => ({
      customer_id: String(r.customer_id),
      return_rows: Number(r.return_rows),
      amount: Number(r.amount),
    })),
    firstTs,
    lastTs,
    events: events.map((e) => ({ type: String(e.event_type), count: Number(e.events) })),
    eventCustomers: Number(h?.event_customers ?? 0),
    coverage: (['age', ...COVERAGE_ALL] as const).map((f) => ({ field: f, share: people ? Number(cov?.[f] ?? 0) / people : 0 })),
    defaultAsOf: lastOrder ? dayAfter(lastOrder.slice(0, 10)) : null,
    issues,
    buildMs,
  };
}

function dayAfter(d: string): string {
  return addDays(d, 1);
}

/** Rejected canonical rows of one file, for the "download rejected rows" link. */
export async function rejectSample(
  db: Db,
  file: string,
  limit = 1000,
): Promise<{ row: number | null; reason: string; value: string | null }[]> {
  const rows = await run(
    db,
    'aux',
    `SELECT "row", reason, value FROM rejects WHERE file = ${literal(file)} ORDER BY "row" LIMIT ${Math.max(1, Math.floor(limit))}`,
  ).catch(() => []);
  return rows.map((r) => ({
    row: r.row === null ? null : Number(r.row),
    reason: String(r.reason),
    value: r.value === null ? null : String(r.value),
  }));
}
