/**
 * Layout recognition: the export layouts of common platforms, told apart by their documented
 * header names, with the column roles and per-file rules each needs. A recognised layout replaces
 * the generic header rules for that file (its own columns decide; unknown columns are not used),
 * so `Name` in a Shopify export is the order number and not a person's name.
 *
 * Header names are compared after `normaliseHeader` (lower case; spaces, `_`, `-`, `.` removed),
 * so trailing spaces (Tmall) and `event_timestamp` vs `Event Timestamp` do not matter.
 */
import type { ColumnRole, FileMapping, FileRole, RawColumn } from './mapping';

export type LayoutId =
  | 'shopify_orders'
  | 'shopify_customers'
  | 'woocommerce_analytics'
  | 'woocommerce_orders'
  | 'amazon_all_orders'
  | 'stripe_payments'
  | 'etsy_sold_orders'
  | 'taobao_orders'
  | 'jd_orders'
  | 'pdd_orders'
  | 'ga4_events'
  | 'posthog_events';

export const LAYOUT_IDS: readonly LayoutId[] = [
  'shopify_orders',
  'shopify_customers',
  'woocommerce_analytics',
  'woocommerce_orders',
  'amazon_all_orders',
  'stripe_payments',
  'etsy_sold_orders',
  'taobao_orders',
  'jd_orders',
  'pdd_orders',
  'ga4_events',
  'posthog_events',
];

/** A note the page shows (translated) under a recognised layout. */
export type LayoutNote =
  /** revenue is the order-level total, counted once per order; later rows of an order take its first row's values */
  | 'order_total'
  /** a refunded amount column is subtracted from the amount */
  | 'refund_subtracted'
  /** the file has no buyer column */
  | 'no_buyer'
  /** customers are told apart by the recipient's name */
  | 'recipient_key'
  /** customers are told apart by name or e-mail */
  | 'name_key'
  /** the customer key falls back to a second column when the first is empty */
  | 'fallback_key';

export interface Layout {
  id: LayoutId;
  role: FileRole;
  /** every group must have one of its (normalised) headers in the file */
  signature: string[][];
  /**
   * Normalised header → role, in priority order: for a role only one column can have, the first
   * listed header present in the file takes it.
   */
  columns: [string, ColumnRole][];
  /** continuation rows inherit order-level columns from the order's first row; amount once per order */
  orderLevel?: boolean;
  /** amount − refunded amount; a fully refunded row is a refund */
  subtractRefund?: boolean;
  notes: LayoutNote[];
}

/** Headers as documented by each platform (see test/fixtures/platforms/README.md for sources). */
export const LAYOUTS: readonly Layout[] = [
  {
    id: 'shopify_orders',
    role: 'orders',
    signature: [['name'], ['email'], ['financialstatus'], ['lineitemquantity'], ['createdat']],
    columns: [
      ['name', 'order_id'],
      ['email', 'customer_id'],
      ['financialstatus', 'status'],
      ['createdat', 'timestamp'],
      ['total', 'amount'],
      ['refundedamount', 'refund_amount'],
      ['lineitemquantity', 'quantity'],
      ['lineitemprice', 'unit_price'],
      ['lineitemsku', 'product_id'],
      ['source', 'channel'],
      ['shippingprovincename', 'region'],
      ['shippingprovince', 'region'],
      ['billingprovincename', 'region'],
      ['shippingcountry', 'region'],
    ],
    orderLevel: true,
    subtractRefund: true,
    notes: ['order_total', 'refund_subtracted'],
  },
  {
    id: 'shopify_customers',
    role: 'customers',
    signature: [['firstname'], ['lastname'], ['email'], ['totalspent'], ['totalorders']],
    // Shopify order exports carry the e-mail, not the customer id: profiles join on e-mail.
    columns: [
      ['email', 'customer_id'],
      ['defaultaddressprovincecode', 'region'],
      ['provincecode', 'region'],
      ['province', 'region'],
      ['defaultaddresscountrycode', 'region'],
      ['country', 'region'],
      ['defaultaddresscity', 'city'],
      ['city', 'city'],
    ],
    notes: [],
  },
  {
    id: 'woocommerce_analytics',
    role: 'orders',
    signature: [['order#'], ['customer'], ['customertype'], ['netsales']],
    columns: [
      ['order#', 'order_id'],
      ['date', 'timestamp'],
      ['customer', 'customer_id'],
      ['status', 'status'],
      ['netsales', 'amount'],
      ['itemssold', 'quantity'],
      ['attribution', 'channel'],
    ],
    notes: ['name_key'],
  },
  {
    id: 'woocommerce_orders',
    role: 'orders',
    signature: [['ordernumber', 'orderid'], ['orderstatus'], ['orderdate'], ['ordertotalamount', 'ordertotal']],
    columns: [
      ['ordernumber', 'order_id'],
      ['orderid', 'order_id'],
      ['orderdate', 'timestamp'],
      ['orderstatus', 'status'],
      ['email(billing)', 'customer_id'],
      ['billingemail', 'customer_id'],
      ['customeremail', 'customer_id'],
      ['fullname(billing)', 'customer_fallback'],
      ['billingname', 'customer_fallback'],
      ['ordertotalamount', 'amount'],
      ['ordertotal', 'amount'],
      ['quantity', 'quantity'],
      ['itemcost', 'unit_price'],
      ['sku', 'product_id'],
      ['statecode(billing)', 'region'],
      ['countrycode(billing)', 'region'],
    ],
    orderLevel: true,
    notes: ['order_total', 'name_key'],
  },
  {
    id: 'amazon_all_orders',
    role: 'orders',
    signature: [['amazonorderid'], ['purchasedate'], ['orderstatus'], ['asin']],
    columns: [
      ['amazonorderid', 'order_id'],
      ['purchasedate', 'timestamp'],
      ['orderstatus', 'status'],
      ['itemprice', 'amount'],
      ['quantity', 'quantity'],
      ['sku', 'product_id'],
      ['saleschannel', 'channel'],
      ['shipstate', 'region'],
    ],
    notes: ['no_buyer'],
  },
  {
    id: 'stripe_payments',
    role: 'orders',
    signature: [['amountrefunded'], ['customeremail', 'customerid'], ['created(utc)', 'createddate(utc)', 'created'], ['status']],
    columns: [
      ['id', 'order_id'],
      ['created(utc)', 'timestamp'],
      ['createddate(utc)', 'timestamp'],
      ['created', 'timestamp'],
      ['amount', 'amount'],
      ['amountrefunded', 'refund_amount'],
      ['status', 'status'],
      ['customerid', 'customer_id'],
      ['customeremail', 'customer_fallback'],
    ],
    subtractRefund: true,
    notes: ['refund_subtracted', 'fallback_key'],
  },
  {
    id: 'etsy_sold_orders',
    role: 'orders',
    signature: [['saledate'], ['orderid'], ['buyeruserid'], ['ordertotal']],
    columns: [
      ['orderid', 'order_id'],
      ['saledate', 'timestamp'],
      ['buyeruserid', 'customer_id'],
      ['buyer', 'customer_fallback'],
      ['ordertotal', 'amount'],
      ['status', 'status'],
      ['shipstate', 'region'],
    ],
    notes: ['fallback_key'],
  },
  {
    id: 'taobao_orders',
    role: 'orders',
    signature: [['订单编号'], ['买家会员名'], ['买家实际支付金额'], ['订单状态']],
    columns: [
      ['订单编号', 'order_id'],
      ['买家会员名', 'customer_id'],
      ['订单创建时间', 'timestamp'],
      ['订单付款时间', 'timestamp'],
      ['买家实际支付金额', 'amount'],
      ['订单状态', 'status'],
      ['宝贝总数量', 'quantity'],
      ['退款金额', 'refund_amount'],
      ['收货地址', 'region'],
    ],
    notes: [],
  },
  {
    id: 'jd_orders',
    role: 'orders',
    signature: [['订单号'], ['下单帐号', '下单账号'], ['下单时间'], ['应付金额']],
    columns: [
      ['订单号', 'order_id'],
      ['下单帐号', 'customer_id'],
      ['下单账号', 'customer_id'],
      ['下单时间', 'timestamp'],
      ['应付金额', 'amount'],
      ['订单状态', 'status'],
      ['订购数量', 'quantity'],
      ['商品id', 'product_id'],
      ['订单来源', 'channel'],
    ],
    orderLevel: true,
    notes: ['order_total'],
  },
  {
    id: 'pdd_orders',
    role: 'orders',
    signature: [['订单号'], ['订单状态'], ['商家实收金额(元)'], ['用户实付金额(元)']],
    columns: [
      ['订单号', 'order_id'],
      ['收货人', 'customer_id'],
      ['支付时间', 'timestamp'],
      ['订单成交时间', 'timestamp'],
      ['拼单成功时间', 'timestamp'],
      ['用户实付金额(元)', 'amount'],
      ['订单状态', 'status'],
      ['商品数量(件)', 'quantity'],
      ['商品id', 'product_id'],
      ['省', 'region'],
    ],
    notes: ['recipient_key'],
  },
  {
    id: 'ga4_events',
    role: 'events',
    signature: [['eventtimestamp'], ['eventname'], ['userpseudoid']],
    columns: [
      ['eventtimestamp', 'timestamp'],
      ['eventname', 'event_type'],
      ['userid', 'customer_id'],
      ['userpseudoid', 'customer_fallback'],
      ['ecommercepurchaserevenue', 'amount'],
      ['purchaserevenue', 'amount'],
      ['eventvalueinusd', 'amount'],
      ['trafficsourcesource', 'channel'],
    ],
    notes: ['fallback_key'],
  },
  {
    id: 'posthog_events',
    role: 'events',
    signature: [['distinctid'], ['event'], ['timestamp']],
    columns: [
      ['distinctid', 'customer_id'],
      ['event', 'event_type'],
      ['timestamp', 'timestamp'],
      ['$sessionid', 'session_id'],
      ['properties$sessionid', 'session_id'],
    ],
    notes: [],
  },
];

/** Header as matched: lower case, without spaces, `_`, `-`, `.`. */
export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '');
}

/** The layout whose signature the file's headers carry, or null. */
export function recogniseLayout(columns: readonly RawColumn[]): Layout | null {
  const present = new Set(columns.map((c) => normaliseHeader(c.name)));
  return LAYOUTS.find((l) => l.signature.every((group) => group.some((h) => present.has(h)))) ?? null;
}

/** Roles that several columns of one file may share. */
const MULTI: ReadonlySet<ColumnRole> = new Set(['ignore']);

/** Column roles a layout gives the file's columns (every column listed; unlisted ones ignored). */
export function layoutRoles(layout: Layout, columns: readonly RawColumn[]): Record<string, ColumnRole> {
  const roles: Record<string, ColumnRole> = {};
  for (const c of columns) roles[c.name] = 'ignore';
  const taken = new Set<ColumnRole>();
  for (const [header, role] of layout.columns) {
    if (taken.has(role) && !MULTI.has(role)) continue;
    const col = columns.find((c) => normaliseHeader(c.name) === header && roles[c.name] === 'ignore');
    if (!col) continue;
    roles[col.name] = role;
    taken.add(role);
  }
  return roles;
}

/** The mapping fields a layout sets besides the column roles. */
export function layoutOptions(layout: Layout): Pick<FileMapping, 'layout' | 'orderLevel' | 'subtractRefund'> {
  return {
    layout: layout.id,
    ...(layout.orderLevel ? { orderLevel: true } : {}),
    ...(layout.subtractRefund ? { subtractRefund: true } : {}),
  };
}

/** The layout of a mapping (null when none was recognised or the id is unknown). */
export function layoutOf(m: Pick<FileMapping, 'layout'>): Layout | null {
  return LAYOUTS.find((l) => l.id === m.layout) ?? null;
}

/** A layout note with the column names it mentions (the page translates `layout.note.<key>`). */
export interface LayoutNoteText {
  key: LayoutNote;
  params: Record<string, string>;
}

/** Notes to show under a file recognised as a platform layout, naming the columns as mapped now. */
export function layoutNotes(m: FileMapping): LayoutNoteText[] {
  const layout = layoutOf(m);
  if (!layout) return [];
  const col = (role: ColumnRole) => Object.keys(m.columns).find((n) => m.columns[n] === role) ?? '—';
  return layout.notes.map((key): LayoutNoteText => {
    switch (key) {
      case 'order_total':
        return { key, params: { column: col('amount') } };
      case 'refund_subtracted':
        return { key, params: { column: col('refund_amount') } };
      case 'fallback_key':
        return { key, params: { column: col('customer_id'), fallback: col('customer_fallback') } };
      default:
        return { key, params: { column: col('customer_id') } };
    }
  });
}
