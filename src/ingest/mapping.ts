/**
 * The column-mapping contract between the worker (which loads each file into a raw table),
 * the guesser (`roles.ts`), the mapping panel, and the canonical builder (`canonical.ts`).
 */
import type { LoadFilter } from './load-filter';
import type { NumberFormat } from './values';
import type { FileSource } from './canonical-source';

export type { NumberFormat } from './values';
import type { LayoutId } from './platforms';

/** What a file holds. */
export type FileRole =
  /** one row per order or per order line; must have customer id (or be order-level only) and time */
  | 'orders'
  /** order lines without time or customer, joined to an orders file by order id (Olist items) */
  | 'order_lines'
  /** payments joined to an orders file by order id; the sum per order is the order amount (Olist payments) */
  | 'payments'
  /** product lookup joined by product id: category (Olist products) */
  | 'products'
  /** behaviour events: view, cart, purchase, favourite, review, share … */
  | 'events'
  /** customer profiles: one row per customer */
  | 'customers'
  /** not used */
  | 'ignore';

export const FILE_ROLES: readonly FileRole[] = ['orders', 'order_lines', 'payments', 'products', 'events', 'customers', 'ignore'];

/** What a column holds. */
export type ColumnRole =
  | 'customer_id'
  /** an alternative per-order customer key that a profile file translates to `customer_id` (Olist `customer_id` → `customer_unique_id`) */
  | 'customer_alias'
  /** a second customer key, used on rows whose customer id is empty (Stripe `Customer Email`, GA4 `user_pseudo_id`) */
  | 'customer_fallback'
  | 'order_id'
  | 'timestamp'
  | 'amount'
  | 'quantity'
  | 'unit_price'
  /** extra amount added to the line (freight/shipping) */
  | 'extra_amount'
  | 'refund_amount'
  | 'status'
  | 'category'
  | 'product_id'
  | 'channel'
  | 'event_type'
  | 'session_id'
  | 'age'
  | 'birth_date'
  | 'gender'
  | 'region'
  | 'city'
  | 'city_tier'
  | 'occupation'
  | 'income'
  /** experiment group / variant of an A/B test (customers file) */
  | 'variant'
  | 'ignore';

export const COLUMN_ROLES: readonly ColumnRole[] = [
  'customer_id',
  'customer_alias',
  'customer_fallback',
  'order_id',
  'timestamp',
  'amount',
  'quantity',
  'unit_price',
  'extra_amount',
  'refund_amount',
  'status',
  'category',
  'product_id',
  'channel',
  'event_type',
  'session_id',
  'age',
  'birth_date',
  'gender',
  'region',
  'city',
  'city_tier',
  'occupation',
  'income',
  'variant',
  'ignore',
];

/** How a timestamp column is parsed. */
export type TimestampFormat =
  /** the column already has DuckDB type TIMESTAMP or DATE */
  | { kind: 'native' }
  /** integer seconds / milliseconds since 1970-01-01 UTC */
  | { kind: 'epoch_s' }
  | { kind: 'epoch_ms' }
  /** integer microseconds since 1970-01-01 UTC (GA4 `event_timestamp`) */
  | { kind: 'epoch_us' }
  /** integer or text 19970101 */
  | { kind: 'yyyymmdd' }
  /**
   * text parsed with DuckDB strptime formats, tried in order (first that parses wins), after
   * stripping a trailing ` UTC`/`Z`/`+08:00`-style zone, which is then applied (see data-model.md).
   * e.g. ['%m/%d/%Y %H:%M', '%m/%d/%y %H:%M'] for the mixed UCI variant.
   */
  | { kind: 'strptime'; formats: string[] };

/** A column as the worker loaded it. */
export interface RawColumn {
  name: string;
  /**
   * DuckDB type of the raw column. NOTE (lead, decided after measuring): the worker reads every CSV
   * with `read_csv(path, all_varchar=true, sample_size=20480, store_rejects=true, rejects_table=…)`
   * so no row is ever lost to a wrong type guess (UCI `C536383` after 20k numeric invoice numbers);
   * header detection still works. So for CSV this is always VARCHAR, and all parsing/casting
   * (try_cast, try_strptime, cleaning) happens in the canonical SQL. JSON/Parquet columns may be typed.
   */
  type: string;
  /** up to 200 sample values as text (NULL as null), in file order */
  samples: (string | null)[];
}

/** A loaded file: raw table plus facts the guesser and canonical builder need. */
export interface RawFile {
  /** file name as dropped (shown to the user, used in messages) */
  name: string;
  /** DuckDB table holding the raw rows; has a `__row` BIGINT column = 1-based data row number */
  table: string;
  rows: number;
  columns: RawColumn[];
  /** the CSV field delimiter seen in the header line (`,` `;` tab `|`); absent for JSON/Parquet */
  delimiter?: string;
  /**
   * SQL relation (from `canonical-source.ts`) that re-reads the whole registered file with `__row`
   * = the file's line number. When set, `table` holds only a sample and every full pass reads this.
   */
  source?: string;
  /**
   * the parts `source` is made of (`canonical-source.ts`): the build reads the file, or each slice
   * of it (`slices.ts`), numbered the same way
   */
  sourceParts?: FileSource;
  /** per column: rows in which it is empty (NULL), counted in the full pass at load */
  nulls?: Record<string, number>;
}

/** How refunds and cancellations are treated (user-visible, switchable). */
export interface RefundRule {
  /** `exclude`: return rows are dropped from orders; `net`: kept with negative amount, not counted as orders */
  mode: 'exclude' | 'net';
  /** a row with negative amount or quantity is a return */
  negative: boolean;
  /** a row whose order id starts with one of these prefixes is a return (UCI: `C`) */
  orderIdPrefixes: string[];
  /** a row whose status equals one of these (case-insensitive) is a return/cancellation */
  statuses: string[];
}

export const DEFAULT_REFUND_RULE: RefundRule = {
  mode: 'exclude',
  negative: true,
  orderIdPrefixes: ['C'],
  // Refunded, cancelled, and never paid (Shopify `pending`/`voided`, Stripe `failed`, WooCommerce
  // `pending payment`, Taobao 等待买家付款, JD 等待付款, Pinduoduo 退款成功 after or before shipping).
  statuses: [
    'canceled',
    'cancelled',
    'refunded',
    'returned',
    'unavailable',
    'voided',
    'pending',
    'failed',
    'pending payment',
    '交易关闭',
    '已取消',
    '退款成功',
    '已退款',
    '等待买家付款',
    '等待付款',
    '未发货，退款成功',
    '已发货，退款成功',
  ],
};

/** The mapping of one file. */
export interface FileMapping {
  /** RawFile.name */
  file: string;
  /** RawFile.table */
  table: string;
  role: FileRole;
  /** raw column name → role (columns not listed are ignored) */
  columns: Record<string, ColumnRole>;
  /** how the `timestamp` (and `birth_date`) column is parsed; null when the file has none */
  timestampFormat: TimestampFormat | null;
  /** zone offset in minutes applied to epoch values and to texts with an explicit zone (default 0) */
  tzOffsetMinutes: number;
  /**
   * IANA zone (`America/New_York`) the data's times are converted to, daylight-saving time
   * included; when set it replaces `tzOffsetMinutes`. Texts without a zone keep their wall clock.
   */
  timeZone?: string | null;
  /** how numbers are written (`point`: 1,234.56; `comma`: 1.234,56); absent = `point` */
  numberFormat?: NumberFormat;
  /**
   * Keep only times in this range (ISO dates `YYYY-MM-DD`, both inclusive); rows outside it are
   * rejected as "date out of range". Set by the overview's "exclude" button for far-off dates.
   */
  dateRange?: { min: string; max: string } | null;
  /**
   * The filtered load (`load-filter.ts`), offered when the data would not fit in the tab: a sample
   * of customers by hash and/or a date range. Rows left out are not rejects. Absent: every row.
   */
  loadFilter?: LoadFilter | null;
  /** the platform layout recognised from the headers (`src/ingest/platforms.ts`) */
  layout?: LayoutId;
  /**
   * One row per order line where only an order's first row carries the order-level columns
   * (Shopify): later rows of the same order id take customer, time, status, channel and region
   * from it when empty, and the amount (an order total) counts once per order.
   */
  orderLevel?: boolean;
  /** the amount is reduced by the `refund_amount` column; a row refunded in full is a refund */
  subtractRefund?: boolean;
  /** for `events`: raw event-type value → canonical type (view, cart, fav, purchase, review, share, other) */
  eventTypes?: Record<string, string>;
  /**
   * for `orders`, `order_lines`, `payments`: leave out rows whose order id an earlier file of the
   * same role already has (keep one copy), instead of adding their amounts up (src/ingest/overlap.ts)
   */
  keepFirstCopy?: boolean;
  /**
   * for `customers`: raw column → named attribute (text, number, date, list) for columns without a
   * role; absent = every such column, typed from its values (`src/ingest/extra-attributes.ts`)
   */
  attributes?: Record<string, { name: string; type: 'text' | 'number' | 'date' | 'list' }>;
}

/** A problem that stops a mapping from being applied, or a warning. Always names file, column and row where known. */
export interface MappingIssue {
  level: 'error' | 'warning';
  file: string;
  column?: string;
  row?: number;
  /** English text (logs, tests); the page shows the translation of `code` */
  message: string;
  /** what the issue is (`issue.<code>` in the dictionaries), with the values the sentence needs */
  code?: string;
  params?: Record<string, string | number>;
}
