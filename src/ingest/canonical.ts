/**
 * Builds the canonical tables `orders`, `events`, `customers` (docs/data-model.md) and `rejects`
 * from the raw tables and the confirmed mappings. Returns SQL statements with values inlined
 * (CREATE TABLE AS / INSERT … SELECT in DuckDB-WASM take no parameters); the worker runs them in order.
 *
 * Pipeline: lookups (customer aliases, order lines, payments, products) → orders per file →
 * events per file → orders derived from purchase events when there is no order file → customers.
 */
import { Sql, sql, raw, inline, join, ident } from '../lib/sql';
import { numberedSourceSql } from './canonical-source';
import {
  colList,
  emptyLayout,
  insertTarget,
  isBigRead,
  layoutSql,
  MAX_PARTS,
  partName,
  partOf,
  storedValues,
  writeInPlace,
  type PartRows,
  type SliceRead,
  type StageCol,
  type TableLayout,
} from './canonical-in-place';
import type { FileMapping, MappingIssue, RawColumn, RawFile, RefundRule } from './mapping';
import { idExpr, moneyExpr, numberExpr, nonFiniteExpr, textExpr, genderExpr, ageExpr, ageFromBirthExpr, numericShare } from './values';
import { isReturnExpr } from './refunds';
import type { ZoneRule } from './timezones';
import {
  CANONICAL_TABLES,
  EVENT_ALWAYS,
  HUGE_AMOUNT,
  ORDER_ALWAYS,
  ORDER_COLUMNS,
  EVENT_COLUMNS,
  SIDE_DDL,
  plausibleEnd,
  colOf,
  rc,
  tableOf,
  rawText,
  tsOf,
  eventTypeExpr,
  type Mapped,
} from './canonical-parts';
import { validateMapping } from './validate';
import { notSeenBefore } from './overlap';
import { cleanLoadFilter, loadFilterPredicate } from './load-filter';
import { ATTRS_FINISH, ATTRS_STAGE, attributeStatements } from './extra-attributes';

export { validateMapping } from './validate';
export { overviewSql } from './overview';
export { CANONICAL_DDL } from './canonical-parts';

const NULL_TEXT = raw('CAST(NULL AS VARCHAR)');
const NULL_NUM = raw('CAST(NULL AS DOUBLE)');

function textOr(x: Mapped, role: Parameters<typeof colOf>[1], f: (c: Sql) => Sql = textExpr): Sql {
  const c = colOf(x, role);
  return c ? f(rc(c)) : NULL_TEXT;
}

/** `keep`: non-finite values stay (NaN, ±inf) for a check on the stored stage column. */
function moneyOr(x: Mapped, role: Parameters<typeof colOf>[1], keep = false): Sql {
  const c = colOf(x, role);
  return c ? moneyExpr(rc(c), c.type, x.m.numberFormat, keep) : NULL_NUM;
}

function numOr(x: Mapped, role: Parameters<typeof colOf>[1], keep = false): Sql {
  const c = colOf(x, role);
  return c ? numberExpr(rc(c), c.type, x.m.numberFormat, keep) : NULL_NUM;
}

/** NULL unless finite, on a stored column (cheap). */
function finiteCol(c: string): Sql {
  return raw(`(CASE WHEN isfinite(${c}) THEN ${c} END)`);
}

/**
 * An id as text; e-mail addresses in lower case, so `Ann@x.com` and `ann@x.com` are one customer.
 * Only columns whose samples hold an `@` pay for the lower-casing (a plain id column costs nothing more).
 */
function keyExpr(c: RawColumn): Sql {
  const id = idExpr(rc(c));
  return c.samples.some((v) => v?.includes('@')) ? sql`lower(${id})` : id;
}

/**
 * Customer key: the id column, else on rows where it is empty the id that the fallback value
 * (Stripe `Customer Email`, GA4 `user_pseudo_id`) has on other rows of any file (`__stitch`: the
 * device that logged in is that user all along), else the fallback value itself; then translated
 * through the profile files' alias column (Olist `customer_id` → `customer_unique_id`).
 */
function customerKey(x: Mapped): Sql {
  const c = colOf(x, 'customer_id') ?? colOf(x, 'customer_alias');
  const fb = colOf(x, 'customer_fallback');
  if (!c) return fb ? keyExpr(fb) : NULL_TEXT;
  const id = fb
    ? sql`coalesce(${keyExpr(c)}, (SELECT st.customer_id FROM __stitch st WHERE st.fallback = ${keyExpr(fb)}), ${keyExpr(fb)})`
    : keyExpr(c);
  // The alias lookup (Olist: per-order key → person) only when a profile file declares aliases.
  return x.hasAlias ? sql`coalesce((SELECT a.customer_id FROM __alias a WHERE a.alias = ${id}), ${id})` : id;
}

function lookups(all: Mapped[]): Sql[] {
  const out: Sql[] = [
    raw('CREATE OR REPLACE TEMP TABLE __alias (alias VARCHAR, customer_id VARCHAR)'),
    raw('CREATE OR REPLACE TEMP TABLE __products (product_id VARCHAR, category VARCHAR)'),
    raw('CREATE OR REPLACE TEMP TABLE __lines (order_id VARCHAR, amount DOUBLE, quantity DOUBLE, unit_price DOUBLE, product_id VARCHAR)'),
    raw('CREATE OR REPLACE TEMP TABLE __payments (order_id VARCHAR, amount DOUBLE)'),
    raw('CREATE OR REPLACE TEMP TABLE __stitch (fallback VARCHAR, customer_id VARCHAR)'),
  ];
  for (const x of all) {
    const from = sql`FROM ${tableOf(x)} r`;
    const alias = colOf(x, 'customer_alias');
    const id = colOf(x, 'customer_id');
    if (x.m.role === 'customers' && alias && id) {
      out.push(sql`INSERT INTO __alias SELECT ${idExpr(rc(alias))}, ${idExpr(rc(id))} ${from} WHERE ${idExpr(rc(alias))} IS NOT NULL`);
    }
    const fb = colOf(x, 'customer_fallback');
    if (id && fb && (x.m.role === 'orders' || x.m.role === 'events')) {
      out.push(
        sql`INSERT INTO __stitch SELECT ${keyExpr(fb)}, ${keyExpr(id)} ${from} WHERE ${keyExpr(fb)} IS NOT NULL AND ${keyExpr(id)} IS NOT NULL`,
      );
    }
    if (x.m.role === 'products' && colOf(x, 'product_id')) {
      out.push(sql`INSERT INTO __products SELECT ${textOr(x, 'product_id', idExpr)}, ${textOr(x, 'category')} ${from}`);
    }
    if (x.m.role === 'order_lines' && colOf(x, 'order_id')) {
      const qty = numOr(x, 'quantity');
      const price = moneyOr(x, 'unit_price');
      const amount = colOf(x, 'amount')
        ? sql`${moneyOr(x, 'amount')} + coalesce(${moneyOr(x, 'extra_amount')}, 0)`
        : sql`${qty} * ${price} + coalesce(${moneyOr(x, 'extra_amount')}, 0)`;
      const oid = textOr(x, 'order_id', idExpr);
      out.push(
        sql`INSERT INTO __lines SELECT ${oid}, ${amount}, ${qty}, ${price}, ${textOr(x, 'product_id', idExpr)} ${from}${x.m.keepFirstCopy ? sql` WHERE ${notSeenBefore(oid, '__lines')}` : raw('')}`,
      );
    }
    if (x.m.role === 'payments' && colOf(x, 'order_id')) {
      const oid = textOr(x, 'order_id', idExpr);
      out.push(
        sql`INSERT INTO __payments SELECT ${oid}, ${moneyOr(x, 'amount')} ${from}${x.m.keepFirstCopy ? sql` WHERE ${notSeenBefore(oid, '__payments')}` : raw('')}`,
      );
    }
  }
  // One value per key, so joins never multiply rows.
  out.push(raw('CREATE OR REPLACE TEMP TABLE __alias AS SELECT alias, any_value(customer_id) AS customer_id FROM __alias GROUP BY alias'));
  out.push(
    raw(
      'CREATE OR REPLACE TEMP TABLE __products AS SELECT product_id, any_value(category) AS category FROM __products WHERE product_id IS NOT NULL GROUP BY product_id',
    ),
  );
  out.push(raw('CREATE OR REPLACE TEMP TABLE __payments AS SELECT order_id, sum(amount) AS amount FROM __payments GROUP BY order_id'));
  // a fallback key seen with several ids (a shared device or e-mail) goes to the smallest of them: deterministic
  out.push(
    raw('CREATE OR REPLACE TEMP TABLE __stitch AS SELECT fallback, min(customer_id) AS customer_id FROM __stitch GROUP BY fallback'),
  );
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Each file's rows as the build reads them: a VIEW over the file (two-phase ingest: no staging copy). */
const STAGE = raw('__stage');
/**
 * The rows of an order-total file after `inheritOrderColumns`: a TABLE, since the inheritance reads
 * whole orders (window functions) and the statements after it should not redo that per pass. Its
 * own name, because DuckDB refuses a view and a table of one name (and DROP VIEW on a table).
 */
const ORDER_STAGE = raw('__stage_orders');

/**
 * With a date range in the mapping (the overview's "exclude far-off dates"), TRUE for rows dated
 * outside it: they are rejected as "date out of range" and left out of everything else, so they are
 * not counted as unparseable nor flagged. FALSE without a range (and for rows without a time).
 */
function outsideRange(x: Mapped): Sql {
  const r = x.m.dateRange;
  if (!r || !ISO_DATE.test(r.min) || !ISO_DATE.test(r.max)) return raw('FALSE');
  return sql`coalesce(ts < CAST(${r.min} AS DATE) OR ts >= CAST(${r.max} AS DATE) + INTERVAL 1 DAY, FALSE)`;
}

/**
 * Flag (keep, but name in the overview) dates far outside the file's bulk: after today plus a
 * year, or before 1990 when the file's median date is 2000 or later (else before 1900: year 0001
 * is always flagged); and amounts of a billion or more. See docs/bad-input.md. `stage` names the
 * relation the slice's rows are read from; rows outside the mapping's date range are left out.
 *
 * A file is built in slices (`slices.ts`), and the median is the whole file's: each slice keeps
 * its candidates (dates before 1990 or after the plausible end, huge amounts) and its counts of
 * dated rows and of those before 2000 in TEMP tables; `finishFlags` decides the lower bound from the
 * counts and writes the flags. `quantile_disc(ts, 0.5)` is the value at 0-based index ⌊(n − 1)/2⌋
 * of the sorted dates, so its year is 2000 or later exactly when at most that many dates fall before 2000.
 */
function flagCandidates(x: Mapped, withAmount: boolean, stage: Sql = STAGE): Sql[] {
  const kept = sql`ts IS NOT NULL AND NOT ${outsideRange(x)}`;
  const out = [
    sql`INSERT INTO __flag_stat SELECT count(*), count(*) FILTER (WHERE ts < DATE '2000-01-01') FROM ${stage} WHERE ${kept}`,
    sql`INSERT INTO __flag_cand SELECT 'date', "row", ts_raw, ts FROM ${stage} WHERE ${kept} AND ${dateCandidate()}`,
  ];
  if (withAmount)
    out.push(sql`INSERT INTO __flag_cand SELECT 'amount', "row", amt_raw, NULL FROM ${stage} WHERE ${kept} AND ${AMOUNT_CANDIDATE}`);
  return out;
}

/** A date that may be flagged (the bounds are decided once the whole file is read). */
function dateCandidate(): Sql {
  return sql`(ts < DATE '1990-01-01' OR ts >= ${raw(plausibleEnd())} + INTERVAL 1 DAY)`;
}

/** An amount that is flagged. */
const AMOUNT_CANDIDATE = raw(`(isfinite(amt) AND abs(amt) >= ${HUGE_AMOUNT})`);

/**
 * The raw time text of a part (`writeInPlace`), only on the rows whose checks read it: no time
 * (a reject), out of the load's range (a reject), a date flag candidate. NULL elsewhere.
 */
function tsRawWhereRead(x: Mapped): StageCol {
  return [sql`CASE WHEN ts IS NULL OR ${outsideRange(x)} OR ${dateCandidate()} THEN ts_raw END`, 'ts_raw'];
}

/** The order id and amount before the refund rule of a part, only on the returns (what `returns_excluded` reads). */
const RETURN_ONLY: readonly StageCol[] = [
  [raw('CASE WHEN is_ret THEN oid END'), 'oid'],
  [raw('CASE WHEN is_ret THEN amount0 END'), 'amount0'],
];

/** The raw amount text of a part, only where a check reads it: no amount or a non-finite one (rejects), a flagged amount. */
const AMT_RAW_WHERE_READ: StageCol = [sql`CASE WHEN amt IS NULL OR NOT isfinite(amt) OR ${AMOUNT_CANDIDATE} THEN amt_raw END`, 'amt_raw'];

/** Before a file's first slice: empty candidate and count tables for `flagCandidates`. */
const FLAG_TABLES = [
  raw(`CREATE OR REPLACE TEMP TABLE __flag_cand (kind VARCHAR, "row" BIGINT, value VARCHAR, ts TIMESTAMP)`),
  raw(`CREATE OR REPLACE TEMP TABLE __flag_stat (n BIGINT, below BIGINT)`),
];

/** After a file's last slice: its date flags (bounds from the whole file's counts), then its amount flags, in row order. */
function finishFlags(x: Mapped): Sql[] {
  const bounds = sql`(SELECT CASE WHEN sum(below) <= (sum(n) - 1) // 2 THEN DATE '1990-01-01' ELSE DATE '1900-01-01' END AS lo,
    ${raw(plausibleEnd())} AS hi FROM __flag_stat)`;
  return [
    sql`INSERT INTO value_flags SELECT ${x.file.name}, c."row", 'date', c.value, b.lo, b.hi FROM __flag_cand c, ${bounds} b
      WHERE c.kind = 'date' AND (c.ts < b.lo OR c.ts >= b.hi + INTERVAL 1 DAY) ORDER BY c."row"`,
    sql`INSERT INTO value_flags SELECT ${x.file.name}, "row", 'amount', value, NULL, NULL FROM __flag_cand WHERE kind = 'amount' ORDER BY "row"`,
  ];
}

/**
 * The reads of a file's rows: one per slice when `slices` (the `read_csv` calls of the slices, in
 * order) is given, else the whole file. Each slice is numbered after the rows the slices before it
 * returned (counted in `__slice_rows`), so every line number is the file's own.
 */
function sliceReads(x: Mapped, slices: readonly string[] | undefined): SliceRead[] {
  const p = x.file.sourceParts;
  if (!p) return [{ rel: x.file.source ? raw(x.file.source) : ident(x.file.table), bad: raw('FALSE') }];
  const offset = inline(sql`(SELECT coalesce(sum(n), 0) FROM __slice_rows WHERE file = ${x.file.name})`);
  const bad = p.exclude ? raw(`coalesce((${p.exclude}), TRUE)`) : raw('FALSE');
  return (slices?.length ? slices : [p.readCsv]).map((readCsv) => ({
    rel: raw(numberedSourceSql({ ...p, readCsv, rowOffset: offset })),
    bad,
  }));
}

/** A column that is NULL on every row (its role is not mapped). */
function isNullConstant(e: Sql): boolean {
  return e.values.length === 0 && /^CAST\(NULL AS \w+\)$/.test(e.text);
}

/**
 * The one typed, projected read of a slice: `__slice` (a TEMP table) holds the stage columns
 * `cols` of every row the reader returned, with what leaves a row out (a rejected raw line, the
 * filtered load); `__stage` is the rows kept. Everything else of the slice (rejects, flags, the
 * insert) reads that table, not the file again. Columns of unmapped roles are NULL constants: the
 * view adds them, so the table holds only mapped ones (a NULL VARCHAR still takes a 16-byte slot a row).
 */
function sliceStage(x: Mapped, read: SliceRead, cols: readonly StageCol[]): Sql[] {
  const out = x.keep ? sql`NOT coalesce(${x.keep}, FALSE)` : raw('FALSE');
  const stored = cols.filter(([e]) => !isNullConstant(e));
  const constant = cols.filter(([e]) => isNullConstant(e));
  const added = constant.length ? sql`, ${colList(constant)}` : raw('');
  return [
    sql`CREATE OR REPLACE TEMP TABLE __slice AS SELECT r.__row AS "row", ${colList(stored)}, ${read.bad} AS __bad, ${out} AS __out FROM ${read.rel} r`,
    sql`INSERT INTO __slice_rows SELECT ${x.file.name}, count(*), count(*) FILTER (WHERE NOT __bad) FROM __slice`,
    sql`CREATE OR REPLACE TEMP VIEW __stage AS SELECT * EXCLUDE (__bad, __out)${added} FROM __slice WHERE NOT __bad AND NOT __out`,
  ];
}

/**
 * The last statement of a slice's group: its stage table goes with the group's commit. Replaced by
 * the next slice's instead, it would live beside that one until the next commit (two slices at once).
 */
const DROP_SLICE = raw('DROP TABLE IF EXISTS __slice');

/** A marker in the error a sliced build raises when its slices did not give the file's rows. */
export const SLICE_MISMATCH = 'slices do not add up';

/**
 * After a sliced file: its slices must have returned the rows the counting pass counted (a slice
 * cut inside a quoted line break would not); else the build fails and nothing of it is kept.
 */
function checkSlices(x: Mapped): Sql {
  const msg = `${x.file.name}: ${SLICE_MISMATCH} (a quoted value holds a line break where the file was cut)`;
  return sql`SELECT CASE WHEN (SELECT coalesce(sum(good), 0) FROM __slice_rows WHERE file = ${x.file.name}) <> ${raw(String(x.file.rows))}
    THEN error(${msg}) END AS ok`;
}

const TIME_REASON = raw(`CASE WHEN ts_raw IS NULL OR trim(ts_raw) = '' THEN 'missing timestamp' ELSE 'unparseable timestamp' END`);

/** A further reject check for `timeRejects`: the rows it holds for, its reason and the value shown. */
interface RejectCheck {
  when: Sql;
  reason: Sql | string;
  value: Sql;
}

/**
 * Reject rows whose time is missing or unreadable, rows dated outside the mapping's date range, and
 * rows with a further problem `other`, in one pass over the file: `__stage` is a view, each
 * statement re-reads it. `stage` names the relation the file's rows are read from (`__stage`, or `ORDER_STAGE`).
 */
function timeRejects(x: Mapped, other?: RejectCheck, stage: Sql = STAGE): Sql {
  const outside = outsideRange(x);
  const range: RejectCheck = { when: outside, reason: 'date out of range', value: raw('ts_raw') };
  const checks = [...(outside.text === 'FALSE' ? [] : [range]), ...(other ? [other] : [])];
  if (checks.length === 0)
    return sql`INSERT INTO rejects SELECT ${x.file.name}, "row", ${TIME_REASON}, ts_raw FROM ${stage} WHERE ts IS NULL`;
  const reason = join(
    checks.map((c) => sql`WHEN ${c.when} THEN ${c.reason}`),
    ' ',
  );
  const value = join(
    checks.map((c) => sql`WHEN ${c.when} THEN ${c.value}`),
    ' ',
  );
  const any = join(
    checks.map((c) => sql`(${c.when})`),
    ' OR ',
  );
  return sql`INSERT INTO rejects SELECT ${x.file.name}, "row", CASE WHEN ts IS NULL THEN ${TIME_REASON} ${reason} END,
    CASE WHEN ts IS NULL THEN ts_raw ${value} END FROM ${stage} WHERE ts IS NULL OR ${any}`;
}

/**
 * Materialises `__stage` as `ORDER_STAGE` for files where only an order's first row carries the
 * order-level columns (Shopify): empty customer, time, status, channel and region are taken from the
 * order's first row that has them, and the amount (an order total, blank or repeated on later rows)
 * counts once per order — on its first row; negative rows (refunds filed under the same order number) keep theirs.
 */
function inheritOrderColumns(): Sql {
  const w = raw('(PARTITION BY oid ORDER BY "row" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)');
  const fill = (c: string) =>
    raw(`CASE WHEN oid IS NULL THEN ${c} ELSE coalesce(${c}, first_value(${c} IGNORE NULLS) OVER ${w.text}) END AS ${c}`);
  // the order total sits on the first non-negative row of the order; refunds keep their own amount
  const neg = raw('coalesce(amt < 0, FALSE)');
  const amt = sql`CASE WHEN oid IS NULL OR ${neg} THEN amt
    WHEN row_number() OVER (PARTITION BY oid, ${neg} ORDER BY "row") = 1 THEN first_value(amt IGNORE NULLS) OVER (PARTITION BY oid, ${neg} ORDER BY "row" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ELSE 0 END AS amt`;
  const cols = ['cust', 'ts', 'ts_raw', 'status', 'channel', 'region', 'full_refund', 'variant'].map(fill);
  return sql`CREATE OR REPLACE TEMP TABLE ${ORDER_STAGE} AS SELECT * REPLACE (${join([...cols, amt])}) FROM ${STAGE}`;
}

/** Where the rows of `orders` and `events` are while the build's statements are laid out (`TableLayout`). */
interface BuildState {
  orders: TableLayout;
  events: TableLayout;
}

/** The state of a file's statements laid out alone: the tables already hold rows, in one part each, every column stored. */
const notEmpty = (): BuildState => ({
  orders: {
    ...emptyLayout(
      'orders',
      ORDER_COLUMNS.map(([n]) => n),
    ),
    empty: false,
  },
  events: {
    ...emptyLayout(
      'events',
      EVENT_COLUMNS.map(([n]) => n),
    ),
    empty: false,
  },
});

/**
 * The columns of `orders` an orders file's rows can fill (`ordersFromFile`: the others are NULL on
 * its rows). Kept beside the value expressions: a column left out here is not stored, so this must
 * name every column whose expression can be non-NULL (one too many only costs memory).
 */
function orderFills(x: Mapped, hasLines: boolean, hasProducts: boolean): string[] {
  const has = (role: Parameters<typeof colOf>[1]) => Boolean(colOf(x, role));
  // the same condition as `fromLines` in `ordersFromFile`: quantity, price and product from order lines
  const fromLines = !has('amount') && !(has('quantity') && has('unit_price')) && hasLines;
  const out: string[] = [...ORDER_ALWAYS];
  if (has('quantity') || fromLines) out.push('quantity');
  if (has('unit_price') || fromLines) out.push('unit_price');
  if (has('product_id') || fromLines) out.push('product_id');
  if (has('category') || hasProducts) out.push('category');
  for (const role of ['status', 'channel', 'region', 'variant'] as const) if (has(role)) out.push(role);
  return out;
}

/** The columns of `events` an events file's rows can fill (`eventsFromFile`), as `orderFills`. */
function eventFills(x: Mapped, hasProducts: boolean): string[] {
  const has = (role: Parameters<typeof colOf>[1]) => Boolean(colOf(x, role));
  const out: string[] = [...EVENT_ALWAYS];
  if (has('amount') || has('unit_price')) out.push('price');
  if (has('category') || hasProducts) out.push('category');
  for (const role of ['product_id', 'session_id', 'channel', 'variant'] as const) if (has(role)) out.push(role);
  return out;
}

/** The orders `ordersFromEvents` derives: the columns it fills from the stored columns of `events`. */
function fillsFromEvents(events: readonly string[]): string[] {
  const from: Record<string, string> = {
    price: 'unit_price',
    category: 'category',
    product_id: 'product_id',
    channel: 'channel',
    variant: 'variant',
  };
  return [
    ...ORDER_ALWAYS,
    ...Object.keys(from)
      .filter((c) => events.includes(c))
      .map((c) => from[c]!),
  ];
}

function ordersFromFile(
  x: Mapped,
  rule: RefundRule,
  hasLines: boolean,
  hasProducts = true,
  slices?: readonly string[],
  state: BuildState = notEmpty(),
): Sql[][] {
  const amountCol = colOf(x, 'amount');
  // amount, quantity and price may be NaN/±inf in the stage: checked there once, not re-parsed
  const qty = numOr(x, 'quantity', true);
  const price = moneyOr(x, 'unit_price', true);
  const gross = amountCol
    ? sql`${moneyOr(x, 'amount', true)} + coalesce(${moneyOr(x, 'extra_amount')}, 0)`
    : colOf(x, 'quantity') && colOf(x, 'unit_price')
      ? sql`${qty} * ${price}`
      : NULL_NUM;
  // Stripe `Amount Refunded`, Shopify `Refunded Amount`: revenue is what was kept.
  const refund = x.m.subtractRefund && colOf(x, 'refund_amount') ? sql`coalesce(${moneyOr(x, 'refund_amount')}, 0)` : null;
  const lineAmount = refund ? sql`(${gross}) - ${refund}` : gross;
  // NULL without an amount (a continuation row), so it inherits the order's first row's verdict
  const fullRefund = refund
    ? sql`(CASE WHEN (${gross}) IS NOT NULL THEN ${refund} > 0 AND ${refund} >= (${gross}) END)`
    : raw('CAST(NULL AS BOOLEAN)');
  const cols: StageCol[] = [
    [customerKey(x), 'cust'],
    [textOr(x, 'order_id', idExpr), 'oid'],
    [tsOf(x, colOf(x, 'timestamp')), 'ts'],
    [rawText(colOf(x, 'timestamp')), 'ts_raw'],
    [lineAmount, 'amt'],
    [rawText(amountCol), 'amt_raw'],
    [qty, 'qty'],
    [price, 'price'],
    [textOr(x, 'status'), 'status'],
    [textOr(x, 'category'), 'category'],
    [textOr(x, 'product_id', idExpr), 'product_id'],
    [textOr(x, 'channel'), 'channel'],
    [textOr(x, 'region'), 'region'],
    [fullRefund, 'full_refund'],
    [textOr(x, 'variant'), 'variant'],
  ];
  const nonFinite = raw('coalesce(NOT isfinite(amt), FALSE)');
  const badAmount = amountCol ? sql`((amt IS NULL AND amt_raw IS NOT NULL AND trim(amt_raw) <> '') OR ${nonFinite})` : nonFinite;
  const amountReason = sql`CASE WHEN amt IS NOT NULL OR ${nonFiniteExpr(raw('amt_raw'))} THEN 'non-finite amount (NaN or infinity)' ELSE 'non-numeric amount' END`;
  const inherit = Boolean(x.m.orderLevel && colOf(x, 'order_id'));
  const outside = outsideRange(x);
  const from = inherit ? ORDER_STAGE : STAGE;
  // Without an amount or quantity × price, the value comes from order lines, else payments.
  const fromLines = !amountCol && !(colOf(x, 'quantity') && colOf(x, 'unit_price')) && hasLines;
  const joined = fromLines
    ? sql`SELECT s.*, coalesce(l.amount, p.amount, 0) AS amount0, coalesce(l.quantity, ${finiteCol('s.qty')}) AS q, coalesce(l.unit_price, ${finiteCol('s.price')}) AS up,
        coalesce(l.product_id, s.product_id) AS pid FROM ${from} s LEFT JOIN __lines l ON l.order_id = s.oid
        LEFT JOIN __payments p ON p.order_id = s.oid AND l.order_id IS NULL`
    : sql`SELECT s.*, coalesce(s.amt, 0) AS amount0, ${finiteCol('s.qty')} AS q, ${finiteCol('s.price')} AS up, s.product_id AS pid FROM ${from} s`;
  const ruled = isReturnExpr(rule, { amount: raw('amount0'), quantity: raw('q'), orderId: raw('oid'), status: raw('status') });
  const isReturn = refund ? sql`(${ruled} OR coalesce(full_refund, FALSE))` : ruled;
  // Net: a refund row (negative amount or quantity) subtracts; a row that is a refund only by its
  // status (cancelled, never paid, refunded in full) adds nothing, as it was never revenue.
  const amount =
    rule.mode === 'net'
      ? sql`CASE WHEN NOT is_ret THEN amount0 WHEN amount0 < 0 OR coalesce(q < 0, FALSE) THEN -abs(amount0) ELSE 0 END`
      : raw('amount0');
  // Without an order id: an order-level file (no product, category or quantity column) has one
  // order per row; a line-level file has one order per customer and moment (docs/data-model.md).
  const lineLevel = Boolean(colOf(x, 'product_id') || colOf(x, 'category') || colOf(x, 'quantity'));
  const perRow = sql`${x.file.name} || '#' || CAST("row" AS VARCHAR)`;
  const orderId = lineLevel
    ? sql`coalesce(oid, CASE WHEN cust IS NOT NULL THEN cust || '|' || strftime(ts, '%Y-%m-%d %H:%M:%S') ELSE ${perRow} END)`
    : sql`coalesce(oid, ${perRow})`;
  // the `orders` columns, in order, over the stage columns (and `is_ret`); `category` as given
  const values = (category: Sql): Sql[] => [
    raw('cust'),
    orderId,
    raw('ts'),
    sql`round(${amount}, 2)`,
    raw('q'),
    raw('up'),
    raw('status'),
    category,
    raw('pid'),
    raw('channel'),
    raw('region'),
    raw('is_ret'),
    sql`${x.file.name}`,
    raw('variant'),
  ];
  const row = storedValues(
    'orders',
    state.orders,
    values(hasProducts ? raw('coalesce(category, (SELECT pr.category FROM __products pr WHERE pr.product_id = pid))') : raw('category')),
  );
  const insert = sql`INSERT INTO ${raw(insertTarget('orders', state.orders))} SELECT ${join(row)}
    FROM (SELECT *, ${isReturn} AS is_ret FROM (${joined})) WHERE ts IS NOT NULL AND NOT ${outside} AND NOT ${badAmount}${rule.mode === 'exclude' ? raw(' AND NOT is_ret') : raw('')}${x.m.keepFirstCopy ? sql` AND ${notSeenBefore(raw('oid'), 'orders')}` : raw('')}`;
  // exclude mode: the return rows are not orders, but they are counted (overview) and their customers exist
  const excluded = sql`INSERT INTO returns_excluded SELECT ${x.file.name}, "row", cust, oid, round(amount0, 2)
    FROM (SELECT *, ${isReturn} AS is_ret FROM (${joined})) WHERE ts IS NOT NULL AND NOT ${outside} AND NOT ${badAmount} AND is_ret`;
  const rejects = timeRejects(x, { when: badAmount, reason: amountReason, value: raw('amt_raw') }, from);
  const body = [rejects, ...flagCandidates(x, Boolean(amountCol), from), insert, ...(rule.mode === 'exclude' ? [excluded] : [])];
  // an order-level file's orders span rows (window functions), and a kept first copy looks at the
  // orders inserted before: such files are read whole, never in slices
  const reads = sliceReads(x, inherit || x.m.keepFirstCopy ? undefined : slices);
  // Rows that depend only on themselves are written in place; joins to order lines or products, an
  // order's inherited columns and a kept first copy read other rows, and keep the stage table.
  if (!inherit && !x.m.keepFirstCopy && !fromLines && !hasProducts) {
    const o: PartRows = {
      table: 'orders',
      rows: (stage) =>
        sql`SELECT *, ${isReturn} AS is_ret FROM (SELECT s.*, coalesce(s.amt, 0) AS amount0, ${finiteCol('s.qty')} AS q, ${finiteCol('s.price')} AS up, s.product_id AS pid FROM (${stage}) s)`,
      values: values(raw('category')),
      // the order id and amount before the refund rule only for the excluded returns
      extras: ['"row"', tsRawWhereRead(x), 'amt', AMT_RAW_WHERE_READ, ...(rule.mode === 'exclude' ? RETURN_ONLY : [])],
      kept: sql`ts IS NOT NULL AND NOT ${outside} AND NOT ${badAmount}${rule.mode === 'exclude' ? raw(' AND NOT is_return') : raw('')}`,
      // exclude mode: the return rows are counted apart (over the part's columns)
      after:
        rule.mode === 'exclude'
          ? [
              sql`INSERT INTO returns_excluded SELECT ${x.file.name}, "row", customer_id, oid, round(amount0, 2)
    FROM ${STAGE} WHERE ts IS NOT NULL AND NOT ${outside} AND NOT ${badAmount} AND is_return`,
            ]
          : [],
    };
    const checks = [rejects, ...flagCandidates(x, Boolean(amountCol))];
    const groups = reads.map((read) => writeInPlace(x, read, cols, o, state.orders, checks, isBigRead(x.file.rows, reads.length > 1)));
    groups[0]!.unshift(...FLAG_TABLES);
    groups[groups.length - 1]!.push(...finishFlags(x), ...(reads.length > 1 ? [checkSlices(x)] : []));
    return groups;
  }
  state.orders.empty = false;
  const groups = reads.map((read) => [
    ...sliceStage(x, read, cols),
    // the materialised order stage is freed as soon as its file is done
    ...(inherit ? [inheritOrderColumns(), ...body, sql`DROP TABLE IF EXISTS ${ORDER_STAGE}`] : body),
    DROP_SLICE,
  ]);
  groups[0]!.unshift(...FLAG_TABLES);
  groups[groups.length - 1]!.push(...finishFlags(x), ...(reads.length > 1 ? [checkSlices(x)] : []));
  return groups;
}

function eventsFromFile(x: Mapped, hasProducts: boolean, slices?: readonly string[], state: BuildState = notEmpty()): Sql[][] {
  const typeCol = colOf(x, 'event_type');
  const rawType = typeCol ? textExpr(rc(typeCol)) : raw(`'other'`);
  const cols: StageCol[] = [
    [customerKey(x), 'cust'],
    [tsOf(x, colOf(x, 'timestamp')), 'ts'],
    [rawText(colOf(x, 'timestamp')), 'ts_raw'],
    [rawType, 'raw_type'],
    [textOr(x, 'product_id', idExpr), 'product_id'],
    [textOr(x, 'category'), 'category'],
    [textOr(x, 'session_id', idExpr), 'session_id'],
    [colOf(x, 'amount') ? moneyOr(x, 'amount') : moneyOr(x, 'unit_price'), 'price'],
    [textOr(x, 'channel'), 'channel'],
    [textOr(x, 'variant'), 'variant'],
  ];
  const eventType = eventTypeExpr(raw('raw_type'), x.m.eventTypes);
  const reads = sliceReads(x, slices);
  const groups = reads.map((read) => {
    // Every read of events whose rows depend only on themselves (no products file to look
    // categories up in) is written in place: the first becomes `events`, later ones parts beside it.
    if (!hasProducts) {
      const p: PartRows = {
        table: 'events',
        rows: (stage) => stage,
        values: [
          raw('cust'),
          raw('ts'),
          eventType,
          raw('raw_type'),
          raw('product_id'),
          raw('category'),
          raw('session_id'),
          raw('price'),
          sql`${x.file.name}`,
          raw('channel'),
          raw('variant'),
        ],
        extras: ['"row"', tsRawWhereRead(x)],
        kept: sql`ts IS NOT NULL AND customer_id IS NOT NULL AND NOT ${outsideRange(x)}`,
        after: [],
      };
      const checks = [
        timeRejects(x, { when: raw('customer_id IS NULL'), reason: 'missing customer id', value: raw('NULL') }),
        ...flagCandidates(x, false),
      ];
      return writeInPlace(x, read, cols, p, state.events, checks, isBigRead(x.file.rows, reads.length > 1));
    }
    return [
      ...sliceStage(x, read, cols),
      timeRejects(x, { when: raw('cust IS NULL'), reason: 'missing customer id', value: raw('NULL') }),
      ...flagCandidates(x, false),
      // with a products file: the correlated lookup keeps a copy of the slice's rows for its join
      sql`INSERT INTO ${raw(insertTarget('events', state.events))} SELECT ${join(
        storedValues('events', state.events, [
          raw('cust'),
          raw('ts'),
          eventType,
          raw('raw_type'),
          raw('product_id'),
          raw('coalesce(category, (SELECT pr.category FROM __products pr WHERE pr.product_id = __stage.product_id))'),
          raw('session_id'),
          raw('price'),
          sql`${x.file.name}`,
          raw('channel'),
          raw('variant'),
        ]),
      )}
      FROM __stage WHERE ts IS NOT NULL AND cust IS NOT NULL AND NOT ${outsideRange(x)}`,
      DROP_SLICE,
    ];
  });
  state.events.empty = false;
  groups[0]!.unshift(...FLAG_TABLES);
  groups[groups.length - 1]!.push(...finishFlags(x), ...(reads.length > 1 ? [checkSlices(x)] : []));
  return groups;
}

/** Orders from purchase events (one order per session, else per customer and moment), when no order file exists. */
function ordersFromEvents(orders: TableLayout): Sql {
  const row = storedValues('orders', orders, [
    'customer_id',
    `coalesce(session_id, customer_id || '|' || strftime(ts, '%Y-%m-%d %H:%M:%S'))`,
    'ts',
    'round(coalesce(price, 0), 2)',
    'NULL',
    'price',
    'NULL',
    'category',
    'product_id',
    'channel',
    'NULL',
    'FALSE',
    'source',
    'variant',
  ]);
  return raw(`INSERT INTO ${insertTarget('orders', orders)} SELECT ${row.join(', ')} FROM events WHERE event_type = 'purchase'`);
}

/** The customer key of a profile file's row: the id column, else the fallback (e-mail). */
function profileKey(x: Mapped): Sql {
  const id = colOf(x, 'customer_id');
  const fb = colOf(x, 'customer_fallback');
  return id && fb ? sql`coalesce(${keyExpr(id)}, ${keyExpr(fb)})` : id ? keyExpr(id) : fb ? keyExpr(fb) : NULL_TEXT;
}

/**
 * The filtered load's condition on a raw row of an orders, events or customers file (null: keep
 * every row). Profiles have no time: only the customer sample applies to them.
 */
export function keepCondition(x: Mapped): Sql | null {
  const f = cleanLoadFilter(x.m.loadFilter);
  if (!f) return null;
  if (x.m.role === 'customers') return loadFilterPredicate({ sampleOneIn: f.sampleOneIn }, profileKey(x), null);
  if (x.m.role !== 'orders' && x.m.role !== 'events') return null;
  return loadFilterPredicate(f, customerKey(x), tsOf(x, colOf(x, 'timestamp')));
}

/**
 * The share of a file's rows the filtered load keeps, in one pass that keeps nothing: the memory
 * guard scales the file's estimate by it when the filter has a date range.
 */
export function keptShareSql(file: RawFile, m: FileMapping, zone?: ZoneRule): string | null {
  const f = cleanLoadFilter(m.loadFilter);
  if (!f || (!f.from && !f.to) || (m.role !== 'orders' && m.role !== 'events')) return null;
  const x: Mapped = { file, m, zone };
  // the date part only: the sample's share is known (one in n), and its key lookups are built later
  const keep = loadFilterPredicate({ from: f.from, to: f.to }, NULL_TEXT, tsOf(x, colOf(x, 'timestamp')));
  if (!keep) return null;
  return inline(sql`SELECT count(*) AS n, count(*) FILTER (WHERE ${keep}) AS kept FROM ${tableOf(x)} r`);
}

function profilesFromFile(x: Mapped): Sql[] {
  const age = colOf(x, 'age');
  const numericAge = age ? numericShare(age.samples) >= 0.9 : false;
  const birth = colOf(x, 'birth_date');
  const key = profileKey(x);
  const stage = sql`CREATE OR REPLACE TEMP VIEW __stage AS SELECT r.__row AS "row", ${key} AS cust,
    ${age && numericAge ? ageExpr(rc(age)) : raw('CAST(NULL AS INTEGER)')} AS age, ${age && !numericAge ? textExpr(rc(age)) : NULL_TEXT} AS age_band,
    ${tsOf(x, birth)} AS birth, ${textOr(x, 'gender', genderExpr)} AS gender, ${textOr(x, 'region')} AS region, ${textOr(x, 'city')} AS city,
    ${textOr(x, 'city_tier')} AS city_tier, ${textOr(x, 'occupation')} AS occupation, ${textOr(x, 'income')} AS income,
    ${textOr(x, 'channel')} AS channel, ${textOr(x, 'variant')} AS variant FROM ${tableOf(x)} r`;
  return [
    stage,
    sql`INSERT INTO rejects SELECT ${x.file.name}, "row", 'missing customer id', NULL FROM __stage WHERE cust IS NULL`,
    sql`INSERT INTO __profiles SELECT cust, age, age_band, birth, gender, region, city, city_tier, occupation, income, channel, variant FROM __stage WHERE cust IS NOT NULL`,
    ...attributeStatements(x, key),
  ];
}

/**
 * The customers table: profile rows first, then every other id seen in orders, events or excluded
 * returns, in one grouping that also gives each its region (from the latest order that has one)
 * and channel (from the first order that has one). Only customers with a profile (when a profile
 * file is mapped) are updated afterwards where their own value is empty. Native CPU at 1M orders
 * without profiles: 183 ms, against 237 ms for an insert of the distinct ids and an update of all.
 */
function customers(hasProfiles: boolean): Sql[] {
  // ages on the last plausible date, so one far-future row does not age everybody
  const asOf = raw(
    `(SELECT max(ts) FROM (SELECT ts FROM orders UNION ALL SELECT ts FROM events) WHERE ts < ${plausibleEnd()} + INTERVAL 1 DAY)`,
  );
  const firsts = `arg_max(region, ts) FILTER (WHERE region IS NOT NULL) AS region, arg_min(channel, ts) FILTER (WHERE channel IS NOT NULL) AS channel`;
  const notProfiled = hasProfiles ? ' AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = u.customer_id)' : '';
  return [
    sql`INSERT INTO customers SELECT customer_id, TRUE, coalesce(any_value(age), any_value(${ageFromBirthExpr(raw('birth'), asOf)})),
      any_value(age_band), any_value(gender), any_value(region), any_value(city), any_value(city_tier), any_value(occupation),
      any_value(income), any_value(channel), any_value(variant) FROM __profiles GROUP BY customer_id`,
    raw(`INSERT INTO customers (customer_id, has_profile, region, channel) SELECT customer_id, FALSE, ${firsts} FROM
      (SELECT customer_id, ts, region, channel FROM orders UNION ALL SELECT customer_id, NULL, NULL, NULL FROM events
        UNION ALL SELECT customer_id, NULL, NULL, NULL FROM returns_excluded) u
      WHERE customer_id IS NOT NULL${notProfiled} GROUP BY customer_id`),
    // a profile without a region or channel: the same values from the customer's orders
    ...(hasProfiles
      ? [
          raw(`UPDATE customers SET region = coalesce(customers.region, f.region), channel = coalesce(customers.channel, f.channel)
      FROM (SELECT customer_id, ${firsts} FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id) f
      WHERE f.customer_id = customers.customer_id AND customers.has_profile AND (customers.region IS NULL OR customers.channel IS NULL)`),
        ]
      : []),
  ];
}

/**
 * SQL statements (run in order) that drop and rebuild `orders`, `events`, `customers`,
 * `rejects` and `returns_excluded` from the raw tables, plus the mapping issues found. When an issue is an error, the
 * statements are still returned; the caller should not run them. `zones` holds the offset table
 * of each file (by name) whose mapping names an IANA time zone.
 *
 * `groups` are the same statements in the units the worker commits one by one (`workers/storage.ts`):
 * the set-up, each slice of an orders or events file, the rest. `slices` names, per file, the
 * `read_csv` calls of its slices (`slices.ts`); without them every file is read whole, still once.
 *
 * `orders` and `events` are views over their parts (`TableLayout`), which store only the columns the
 * build's files fill (`orderFills`, `eventFills`); a big read after the first (a slice, or a big
 * file: `isBigRead`) is kept apart as a further part (`placePart`). Such a build expects a fresh
 * schema (the worker builds into a new store every time: `storage.ts`); its set-up drops what a
 * previous build left in the same schema, but not canonical tables made by `CANONICAL_DDL`
 * (DuckDB drops a view only as a view).
 */
export function buildCanonical(
  files: RawFile[],
  mappings: FileMapping[],
  rule: RefundRule,
  zones: Readonly<Record<string, ZoneRule>> = {},
  slices: Readonly<Record<string, readonly string[]>> = {},
): { statements: string[]; groups: string[][]; issues: MappingIssue[] } {
  const { issues } = validateMapping(files, mappings);
  const all: Mapped[] = [];
  for (const m of mappings) {
    const file = files.find((f) => f.table === m.table) ?? files.find((f) => f.name === m.file);
    if (file && m.role !== 'ignore') all.push({ file, m, zone: zones[m.file] });
  }
  const hasAlias = all.some((x) => x.m.role === 'customers' && Object.values(x.m.columns).includes('customer_alias'));
  for (const x of all) {
    x.hasAlias = hasAlias;
    x.keep = keepCondition(x);
  }
  const of = (role: FileMapping['role']) => all.filter((x) => x.m.role === role);
  const hasLines = of('order_lines').length > 0 || of('payments').length > 0;
  const hasProducts = of('products').length > 0;
  const derived = of('orders').length === 0 && of('events').length > 0;
  // orders derived from events keep the events file as their source
  const sources = [...of('orders'), ...of('events')].map((x) => x.file.name);
  const events = emptyLayout('events', [...EVENT_ALWAYS, ...of('events').flatMap((x) => eventFills(x, hasProducts))], sources);
  const orderCols = derived ? fillsFromEvents(events.stored) : of('orders').flatMap((x) => orderFills(x, hasLines, hasProducts));
  const state: BuildState = { orders: emptyLayout('orders', [...ORDER_ALWAYS, ...orderCols], sources), events };
  const setup: Sql[] = [
    // `orders` and `events` are views over their parts (`TableLayout`); the rest are tables
    ...(['orders', 'events'] as const).flatMap((t) => [
      raw(`DROP VIEW IF EXISTS ${t}`),
      ...Array.from({ length: MAX_PARTS }, (_, i) => raw(`DROP TABLE IF EXISTS ${partName(t, i)}`)),
    ]),
    ...CANONICAL_TABLES.filter((t) => t !== 'orders' && t !== 'events').map((t) => raw(`DROP TABLE IF EXISTS ${t}`)),
    ...layoutSql('orders', state.orders).map(raw),
    ...layoutSql('events', state.events).map(raw),
    ...SIDE_DDL.map(raw),
    ...lookups(all),
    raw(`CREATE OR REPLACE TEMP TABLE __profiles (customer_id VARCHAR, age INTEGER, age_band VARCHAR, birth TIMESTAMP, gender VARCHAR,
      region VARCHAR, city VARCHAR, city_tier VARCHAR, occupation VARCHAR, income VARCHAR, channel VARCHAR, variant VARCHAR)`),
    raw('CREATE OR REPLACE TEMP TABLE __slice_rows (file VARCHAR, n BIGINT, good BIGINT)'),
  ];
  const groups: Sql[][] = [setup];
  for (const x of of('orders')) {
    if (!colOf(x, 'amount') && !(colOf(x, 'quantity') && colOf(x, 'unit_price')) && !hasLines) {
      issues.push({
        level: 'warning',
        file: x.file.name,
        message: 'no amount column (nor quantity and unit price): order amounts are 0',
        code: 'no-amount',
      });
    }
    groups.push(...ordersFromFile(x, rule, hasLines, hasProducts, slices[x.file.name], state));
  }
  for (const x of of('events')) groups.push(...eventsFromFile(x, hasProducts, slices[x.file.name], state));
  const rest: Sql[] = [];
  if (derived) rest.push(ordersFromEvents(state.orders));
  rest.push(ATTRS_STAGE);
  for (const x of of('customers')) rest.push(...profilesFromFile(x));
  rest.push(...ATTRS_FINISH);
  rest.push(...customers(of('customers').length > 0));
  rest.push(raw('DROP VIEW IF EXISTS __stage'));
  for (const t of [
    ORDER_STAGE.text,
    partOf('orders').text,
    partOf('events').text,
    '__slice',
    '__slice_rows',
    '__flag_cand',
    '__flag_stat',
    '__alias',
    '__products',
    '__lines',
    '__payments',
    '__profiles',
    '__stitch',
  ])
    rest.push(raw(`DROP TABLE IF EXISTS ${t}`));
  groups.push(rest);
  const inlined = groups.map((g) => g.map(inline));
  return { statements: inlined.flat(), groups: inlined, issues };
}
