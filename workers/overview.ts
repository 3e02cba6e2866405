/**
 * The overview after mapping: runs the queries of `src/ingest/overview.ts` and shapes them for the
 * page — per-file read/reject counts and empty values, and overall totals.
 */
import { addDays } from '../src/lib/dates';
import type { FileMapping, FlaggedValues, Overview, FileOverview, MappingIssue } from '../src/atlas-api';
import type { RawFile } from '../src/ingest/mapping';
import {
  keptOrdersSql,
  orderIdsHeadSql,
  orderIdsSql,
  overviewSql,
  readerRejectReason,
  readerRejectsSql,
  COVERAGE_ALL,
} from '../src/ingest/overview';
import { literal } from '../src/lib/sql';
import { run, type Db } from './duckdb';

export async function buildOverview(
  db: Db,
  files: { raw: RawFile; mapping: FileMapping; readerRejects: number }[],
  issues: MappingIssue[],
  buildMs: number,
): Promise<{ overview: Overview; rowPerOrder: boolean }> {
  // empty values per mapped column: counted at load for files read in two phases (their table is
  // only a sample), else counted on the raw table here
  const q = overviewSql(
    files.filter((f) => !f.raw.nulls).map((f) => f.mapping),
    false,
  );
  const [h] = await run(db, 'aux', q.headline!);
  // distinct kept orders in hash parts of the order id, so no statement holds every order id; where
  // no order id repeats, that count comes with the check (one pass), and the check tells the
  // customer base that every order is one row
  const lines = Number(h?.order_lines ?? 0);
  const [head] = await run(db, 'aux', orderIdsHeadSql());
  let orders = 0;
  let rowPerOrder = false;
  if (Number(head?.ids ?? 0) === Number(head?.distinct_ids ?? 0)) {
    const ids = { all: 0, distinct: 0, kept: 0 };
    for (const part of orderIdsSql(lines)) {
      const [r] = await run(db, 'aux', part);
      ids.all += Number(r?.ids ?? 0);
      ids.distinct += Number(r?.distinct_ids ?? 0);
      ids.kept += Number(r?.kept_ids ?? 0);
    }
    rowPerOrder = ids.all === ids.distinct;
    if (rowPerOrder) orders = ids.kept;
  }
  if (!rowPerOrder) for (const part of keptOrdersSql(lines)) orders += Number((await run(db, 'aux', part))[0]?.n ?? 0);
  const events = await run(db, 'aux', q.eventsByType!);
  const eventValues = await run(db, 'aux', q.eventValues!);
  const [cov] = await run(db, 'aux', q.coverageAll!);
  const nulls = await run(db, 'aux', q.nullsByColumn!);
  const rejectRows = await run(db, 'aux', q.rejects!).catch(() => []);
  const flagged = await flags(db, q);
  const readerReasons = await Promise.all(files.map((f) => readerRejects(db, f.raw.table, f.readerRejects)));
  const noKept = await run(db, 'aux', q.noKeptOrder!);

  const fileOverviews: FileOverview[] = files.map((f, i) => {
    const reasons = rejectRows.filter((r) => r.file === f.raw.name).map((r) => ({ reason: String(r.reason), rows: Number(r.rows) }));
    reasons.unshift(...readerReasons[i]!);
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
  // recency and stages are measured to the day after the last order (or event, without orders);
  // far-future dates are left out (a 9999-12-31 row would make the as-of date invalid)
  const lastOrder = (h?.last_order_ts as string | null) ?? (h?.last_plausible_ts as string | null) ?? null;
  const overview: Overview = {
    files: fileOverviews,
    customers: Number(h?.buyers ?? 0),
    people,
    orders,
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
    eventValues: eventValues.map((e) => ({
      file: String(e.file),
      raw: String(e.raw_type),
      type: String(e.event_type),
      count: Number(e.n),
    })),
    eventCustomers: Number(h?.event_customers ?? 0),
    coverage: (['age', ...COVERAGE_ALL] as const).map((f) => ({ field: f, share: people ? Number(cov?.[f] ?? 0) / people : 0 })),
    defaultAsOf: lastOrder ? dayAfter(lastOrder.slice(0, 10)) : null,
    flagged,
    issues,
    buildMs,
  };
  return { overview, rowPerOrder };
}

/** Reader rejects of one raw table by reason (invalid UTF-8, line too long, NUL bytes, ragged). */
async function readerRejects(db: Db, table: string, total: number): Promise<{ reason: string; rows: number }[]> {
  // the reader's rejects table is a TEMP table of the ingest connection
  const rows = await run(db, 'ingest', readerRejectsSql(table.replace(/^raw_/, 'rej_'))).catch(() => null);
  if (rows === null) return total ? [{ reason: readerRejectReason(''), rows: total }] : [];
  const by = new Map<string, number>();
  for (const r of rows) {
    const reason = readerRejectReason(String(r.error_type));
    by.set(reason, (by.get(reason) ?? 0) + Number(r.n));
  }
  return [...by].map(([reason, n]) => ({ reason, rows: n }));
}

/** Far-off dates and huge amounts (`value_flags`), per kind: counts per file and the first rows. */
async function flags(db: Db, q: Record<string, string>): Promise<FlaggedValues[]> {
  const perFile = await run(db, 'aux', q.flags!).catch(() => []);
  const rows = await run(db, 'aux', q.flagRows!).catch(() => []);
  const out: FlaggedValues[] = [];
  for (const kind of ['date', 'amount'] as const) {
    const files = perFile
      .filter((f) => f.kind === kind)
      .map((f) => ({
        file: String(f.file),
        count: Number(f.n),
        keep: kind === 'date' && f.lo !== null && f.hi !== null ? { min: String(f.lo), max: String(f.hi) } : null,
      }));
    if (files.length === 0) continue;
    out.push({
      kind,
      count: files.reduce((s, f) => s + f.count, 0),
      files,
      rows: rows
        .filter((r) => r.kind === kind)
        .map((r) => ({ file: String(r.file), row: Number(r.row), value: r.value === null ? null : String(r.value) })),
    });
  }
  return out;
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
