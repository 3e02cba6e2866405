/**
 * First guess of a file's mapping: column roles from header names (English and Chinese), or from
 * values when the file has no header (DuckDB names such columns column0, column1 …); then the file
 * role from the roles found. The guess is always complete; the user corrects it in the mapping panel.
 */
import { guessZone, offsetSamples } from './timezones';
import type { ColumnRole, FileMapping, FileRole, RawColumn, RawFile } from './mapping';
import { detectTimestampFormat, timestampFormatFor } from './timestamps';
import { isEventWord, canonicalEventType, NUMERIC_EVENT_CODES } from './event-types';
import { detectNumberFormat, isNumericType, numericShare } from './values';
import { layoutOptions, layoutRoles, normaliseHeader, recogniseLayout } from './platforms';

export { normaliseHeader } from './platforms';

interface Rule {
  role: ColumnRole;
  re: RegExp;
  /** higher wins when several columns claim a role only one column can have */
  score: number;
}

/**
 * Matched against the header lower-cased with spaces, `_`, `-` and `.` removed. First match wins,
 * so specific names come before general ones.
 */
const RULES: Rule[] = [
  {
    role: 'ignore',
    re: /子订单|subord|昵称|nickname|zip|postal|邮编|geohash|seller|review|email|phone|电话|手机|orderitemid|^x\d*$/,
    score: 0,
  },
  { role: 'customer_id', re: /^customeruniqueid$/, score: 5 },
  {
    role: 'customer_id',
    re: /^(customerid|customer|customerno|custid|clientid|userid|user|uid|buyerid|buyer|memberid|member|householdid|household|visitorid|accountid|masterid|distinctid)$/,
    score: 4,
  },
  { role: 'customer_id', re: /^(用户id|用户|买家会员名|会员名|会员|会员id|客户id|客户编号|客户|买家id|买家|顾客id|顾客)$/, score: 4 },
  // A device or browser key (GA4, analytics exports): the customer key when no user id is filled in.
  { role: 'customer_fallback', re: /^(userpseudoid|anonymousid|deviceid)$/, score: 4 },
  {
    role: 'order_id',
    re: /^(invoiceno|invoice|invoiceid|invoicenumber|orderid|orderno|ordernumber|order|basketid|transactionid|txnid|receiptid)$/,
    score: 4,
  },
  { role: 'order_id', re: /^(主订单编号|订单编号|订单号|订单id)$/, score: 4 },
  { role: 'session_id', re: /session|会话/, score: 4 },
  {
    role: 'timestamp',
    re: /^(invoicedate|orderpurchasetimestamp|eventtime|transactiontimestamp|orderdate|ordertime|purchasedate|purchasetime|purchasetimestamp|transactiondate|createdat|created|datetime|timestamp|date|time|ts)$/,
    score: 4,
  },
  { role: 'timestamp', re: /^(下单时间|订单创建时间|创建时间|交易时间|成交时间|时间|日期)$/, score: 4 },
  { role: 'timestamp', re: /^(支付时间|订单付款时间|付款时间)$/, score: 3 },
  { role: 'refund_amount', re: /refund|退款金额/, score: 4 },
  { role: 'extra_amount', re: /^(freightvalue|freight|shippingcost|shippingfee|deliveryfee)$/, score: 4 },
  { role: 'unit_price', re: /^(unitprice|itemprice|单价)$/, score: 5 },
  { role: 'amount', re: /^(买家实际支付金额|实付金额|实际支付金额|支付金额)$/, score: 5 },
  {
    role: 'amount',
    re: /^(revenue|salesvalue|sales|paymentvalue|dollarvalue|amount|totalamount|total|ordertotal|ordervalue|orderamount|salesamount|gmv|spend|monetary)$/,
    score: 4,
  },
  { role: 'amount', re: /^(总金额|订单金额|金额|销售额|实收金额)$/, score: 3 },
  // `price` is settled per file below: unit price next to a quantity, else the line amount.
  { role: 'unit_price', re: /^(price|价格|商品价格)$/, score: 3 },
  { role: 'quantity', re: /^(quantity|qty|numberofcds|units|购买数量|宝贝总数量|数量|件数|商品数量)$/, score: 4 },
  { role: 'status', re: /^(orderstatus|status|订单状态|交易状态)$/, score: 4 },
  {
    role: 'event_type',
    re: /^(behaviortype|behavior|behaviour|behaviourtype|eventtype|eventname|event|action|actiontype|行为类型|行为)$/,
    score: 4,
  },
  { role: 'category', re: /^(categorycode|productcategoryname|itemcategory|productcategory|category|类目|品类|商品类目|分类)$/, score: 4 },
  { role: 'category', re: /^(categoryid|catid|类目id)$/, score: 3 },
  { role: 'product_id', re: /^(productid|itemid|stockcode|sku|skuid|goodsid|商品id|商品编号|宝贝id)$/, score: 4 },
  // the order's channel, an event's traffic source (utm_source, referrer) or a profile's sign-up channel
  {
    role: 'channel',
    re: /^(channel|source|platform|utmsource|trafficsource|referrer|referer|signupchannel|acquisitionchannel|registrationchannel|渠道|来源|平台|订单来源|来源渠道|注册渠道|获客渠道|流量来源)$/,
    score: 4,
  },
  { role: 'city_tier', re: /citytier|城市等级|城市级别/, score: 4 },
  { role: 'region', re: /^(customerstate|state|province|region|country|收货地址|省份|省|地区|所在地区)$/, score: 4 },
  { role: 'city', re: /^(customercity|city|城市|所在城市)$/, score: 4 },
  { role: 'birth_date', re: /birth|dob|生日|出生/, score: 4 },
  { role: 'age', re: /^(age|年龄|agegroup|ageband|agedesc|agerange)$/, score: 4 },
  { role: 'gender', re: /^(gender|sex|性别)$/, score: 4 },
  { role: 'occupation', re: /^(occupation|job|profession|职业)$/, score: 4 },
  { role: 'income', re: /^(income|incomedesc|incomeband|收入)$/, score: 4 },
  {
    role: 'variant',
    re: /^(variant|experiment|experimentgroup|abgroup|abtest|testgroup|treatment|实验组|实验分组|分组|ab分组)$/,
    score: 4,
  },
];

/** Roles that several columns of one file may share. */
const MULTI_ROLES: ReadonlySet<ColumnRole> = new Set(['ignore']);

/** True when no header rule (not even an "ignore" rule) speaks about the column name. */
function unknownHeader(name: string): boolean {
  const n = normaliseHeader(name);
  return !RULES.some((r) => r.re.test(n));
}

/** Role and score a header alone suggests. */
export function roleFromHeader(name: string): { role: ColumnRole; score: number } {
  const n = normaliseHeader(name);
  for (const r of RULES) if (r.re.test(n)) return { role: r.role, score: r.score };
  return { role: 'ignore', score: 0 };
}

function nonEmpty(c: RawColumn): string[] {
  return c.samples.filter((s): s is string => s !== null && !['', 'null', 'na'].includes(s.trim().toLowerCase())).map((s) => s.trim());
}

const isIntColumn = (c: RawColumn) => /INT/i.test(c.type) || (nonEmpty(c).length > 0 && nonEmpty(c).every((v) => /^\d+$/.test(v)));
const isDecimalColumn = (c: RawColumn) =>
  /^(DOUBLE|FLOAT|REAL|DECIMAL)/i.test(c.type) || (nonEmpty(c).length > 0 && nonEmpty(c).every((v) => /^-?\d+\.\d+$/.test(v)));
const isEventColumn = (c: RawColumn) => {
  const v = nonEmpty(c);
  return /VARCHAR/i.test(c.type) && v.length > 0 && v.filter(isEventWord).length >= v.length * 0.9;
};

/** Roles from values for a file without header. */
function rolesFromValues(columns: RawColumn[]): Record<string, ColumnRole> {
  const roles: Record<string, ColumnRole> = {};
  const free = new Set(columns.map((c) => c.name));
  const take = (c: RawColumn | undefined, role: ColumnRole) => {
    if (!c) return;
    roles[c.name] = role;
    free.delete(c.name);
  };
  take(columns.find(isEventColumn), 'event_type');
  take(
    columns.find((c) => free.has(c.name) && detectTimestampFormat(c) !== null),
    'timestamp',
  );
  take(
    columns.find((c) => free.has(c.name) && isDecimalColumn(c)),
    'amount',
  );
  const ids = columns.filter((c) => free.has(c.name) && isIntColumn(c));
  const isEvents = Object.values(roles).includes('event_type');
  if (isEvents) {
    (['customer_id', 'product_id', 'category'] as const).forEach((role, i) => take(ids[i], role));
  } else {
    take(ids[0], 'customer_id');
    const amountIdx = columns.findIndex((c) => roles[c.name] === 'amount');
    // The count of items sits just before the money in CDNOW-like logs.
    const qty = columns
      .slice(0, amountIdx < 0 ? columns.length : amountIdx)
      .filter((c) => free.has(c.name) && isIntColumn(c))
      .at(-1);
    if (qty && ids.indexOf(qty) > 0) take(qty, 'quantity');
  }
  for (const c of columns) if (!(c.name in roles)) roles[c.name] = 'ignore';
  return roles;
}

/** Roles from headers, keeping one column per single-valued role (highest score, then non-empty, then first). */
function rolesFromHeaders(columns: RawColumn[]): Record<string, ColumnRole> {
  const guesses = columns.map((c) => ({ c, ...roleFromHeader(c.name), empty: nonEmpty(c).length === 0 }));
  const roles: Record<string, ColumnRole> = {};
  const best = new Map<ColumnRole, (typeof guesses)[number]>();
  for (const g of guesses) {
    roles[g.c.name] = g.role;
    if (MULTI_ROLES.has(g.role)) continue;
    const cur = best.get(g.role);
    const better = !cur || (cur.empty && !g.empty) || (cur.empty === g.empty && g.score > cur.score);
    if (better) best.set(g.role, g);
  }
  for (const g of guesses) if (!MULTI_ROLES.has(g.role) && best.get(g.role) !== g) roles[g.c.name] = 'ignore';
  return roles;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID_LIKE = /^[\p{L}\p{N}][\p{L}\p{N}_\-:.@]*$/u;
const CUSTOMER_HINT = /id$|user|customer|client|buyer|member|account|用户|客户|买家|会员|顾客/;
const TIME_HINT = /time|date|ts$|at$|日期|时间/;
const MONEY_HINT = /amt|amount|pay|paid|total|price|money|value|revenue|sales|金额|价|额/;

const isEmailColumn = (c: RawColumn) => {
  const v = nonEmpty(c);
  return v.length > 0 && v.filter((x) => EMAIL.test(x)).length >= v.length * 0.9;
};
const isIdColumn = (c: RawColumn) => {
  const v = nonEmpty(c);
  return v.length > 0 && v.every((x) => ID_LIKE.test(x)) && !isDecimalColumn(c) && detectTimestampFormat(c) === null;
};
/** Text dates, or epoch numbers under a time-like header (a bare 10-digit id is not a time). */
const isTimeColumn = (c: RawColumn) => {
  const f = detectTimestampFormat(c);
  return f !== null && (f.kind === 'strptime' || f.kind === 'native' || TIME_HINT.test(normaliseHeader(c.name)));
};

/** Columns whose header matches `hint` first, then the rest, each in file order. */
function hintedFirst(cols: RawColumn[], hint: RegExp): RawColumn[] {
  const yes = cols.filter((c) => hint.test(normaliseHeader(c.name)));
  return [...yes, ...cols.filter((c) => !yes.includes(c))];
}

/**
 * Required roles the header rules left unmapped, taken from the values of columns whose header no
 * rule knows (`order_ts`, `paid_time`, `下单日期`, `amt`): a customer key (e-mails, or ids under an
 * id-like header), then a time, then an amount (decimals). A time is only taken next to a customer
 * key or an event type, and an amount only next to a time, so lookup files (order items, payments,
 * reviews) do not turn into order files.
 */
function fillFromValues(roles: Record<string, ColumnRole>, columns: RawColumn[]): void {
  const has = (r: ColumnRole) => Object.values(roles).includes(r);
  const free = () => columns.filter((c) => roles[c.name] === 'ignore' && unknownHeader(c.name) && nonEmpty(c).length > 0);
  const hasCustomer = () => has('customer_id') || has('customer_fallback') || has('customer_alias');
  if (!hasCustomer() && (has('order_id') || has('amount') || has('event_type') || free().some(isTimeColumn))) {
    // An e-mail column is set aside by the header rules (contact data), but with no customer id it is the key.
    const email = columns.find((c) => roles[c.name] === 'ignore' && /mail|邮箱/.test(normaliseHeader(c.name)) && isEmailColumn(c));
    const c =
      email ??
      free().find(isEmailColumn) ??
      free().find((x) => CUSTOMER_HINT.test(normaliseHeader(x.name)) && !isEmailColumn(x) && isIdColumn(x));
    if (c) roles[c.name] = 'customer_id';
  }
  if (!has('timestamp') && (hasCustomer() || has('event_type'))) {
    const c = hintedFirst(free(), TIME_HINT).find(isTimeColumn);
    if (c) roles[c.name] = 'timestamp';
  }
  if (!has('amount') && !has('unit_price') && has('timestamp') && (hasCustomer() || has('order_id'))) {
    const c = hintedFirst(free(), MONEY_HINT).find(isDecimalColumn);
    if (c) roles[c.name] = 'amount';
  }
}

/** Most common explicit UTC offset (minutes east) written in the samples, when most samples carry one. */
function writtenOffset(col: RawColumn | undefined): number | null {
  if (!col) return null;
  const vals = nonEmpty(col);
  const counts = new Map<number, number>();
  for (const v of vals) {
    const m = /\s*([+-])(\d{2}):?(\d{2})$/.exec(v);
    if (!m || !/\d[\sT]?[+-]\d{2}:?\d{2}$/.test(v)) continue;
    const off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    counts.set(off, (counts.get(off) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return best && total >= vals.length * 0.8 ? best[0] : null;
}

function decideFileRole(roles: Record<string, ColumnRole>, columns: RawColumn[]): FileRole {
  const values = Object.values(roles);
  const has = (r: ColumnRole) => (r === 'customer_id' ? values.includes(r) || values.includes('customer_fallback') : values.includes(r));
  const money = has('amount') || has('unit_price') || has('quantity');
  if (has('event_type') && has('customer_id')) return 'events';
  // An event log without a customer column is still an event log: say so (the check then asks
  // for the customer column) rather than quietly leaving the file unused.
  if (has('event_type') && has('timestamp')) return 'events';
  if (has('timestamp') && (has('customer_id') || money)) return 'orders';
  if (has('customer_id') && !has('order_id')) return 'customers';
  if (has('order_id') && money) {
    const amountCol = columns.find((c) => roles[c.name] === 'amount' || roles[c.name] === 'unit_price');
    return amountCol && /pay|支付/.test(normaliseHeader(amountCol.name)) ? 'payments' : 'order_lines';
  }
  if (has('product_id') && has('category') && !has('order_id')) return 'products';
  return 'ignore';
}

/** Per-file corrections that depend on the other columns. */
function settle(roles: Record<string, ColumnRole>, role: FileRole, columns: RawColumn[]): void {
  const names = columns.map((c) => c.name);
  const with_ = (r: ColumnRole) => names.filter((n) => roles[n] === r);
  // `price` is the unit price next to a quantity, else the amount (Olist items, REES46 events).
  const price = with_('unit_price').find((n) => roleFromHeader(n).score === 3);
  if (price && with_('quantity').length === 0 && with_('amount').length === 0) roles[price] = 'amount';
  // A profile file with two customer keys (Olist): the unique one is the person, the other an alias.
  if (role === 'customers') {
    const unique = names.find((n) => normaliseHeader(n) === 'customeruniqueid');
    const other = names.find((n) => normaliseHeader(n) === 'customerid');
    if (unique && other) {
      roles[unique] = 'customer_id';
      roles[other] = 'customer_alias';
    }
  }
  // Only events and orders carry time; a date elsewhere (shipping limit, review date) is noise.
  if (role !== 'orders' && role !== 'events') for (const n of with_('timestamp')) roles[n] = 'ignore';
  if (role === 'ignore') for (const n of names) roles[n] = 'ignore';
}

/** Event-type overrides the samples need beyond the built-in vocabulary (numeric codes 1…4). */
function guessEventTypes(col: RawColumn | undefined): Record<string, string> | undefined {
  if (!col) return undefined;
  const vals = nonEmpty(col);
  if (vals.length > 0 && vals.every((v) => v in NUMERIC_EVENT_CODES)) return { ...NUMERIC_EVENT_CODES };
  const out: Record<string, string> = {};
  for (const v of new Set(vals)) out[v] = canonicalEventType(v);
  return out;
}

const HEADERLESS = /^column\d+$/;

/** A complete first-guess mapping of one loaded file. */
export function guessMapping(file: RawFile): FileMapping {
  const columns = file.columns.filter((c) => c.name !== '__row');
  const headerless = columns.length > 0 && columns.every((c) => HEADERLESS.test(c.name));
  const layout = headerless ? null : recogniseLayout(columns);
  if (layout) return fromLayout(file, columns, layout);
  const roles = headerless ? rolesFromValues(columns) : rolesFromHeaders(columns);
  if (!headerless) fillFromValues(roles, columns);
  // An integer code column named like a type is only an event column when its values are codes.
  for (const c of columns) {
    if (roles[c.name] === 'event_type' && isNumericType(c.type) && !nonEmpty(c).every((v) => v in NUMERIC_EVENT_CODES))
      roles[c.name] = 'ignore';
  }
  const role = decideFileRole(roles, columns);
  settle(roles, role, columns);
  const tsCol = columns.find((c) => roles[c.name] === 'timestamp') ?? columns.find((c) => roles[c.name] === 'birth_date');
  const eventCol = columns.find((c) => roles[c.name] === 'event_type');
  const mapping: FileMapping = {
    file: file.name,
    table: file.table,
    role,
    columns: roles,
    timestampFormat: tsCol ? timestampFormatFor(tsCol) : null,
    tzOffsetMinutes: zoneFor(columns, tsCol),
    numberFormat: detectNumberFormat(columns, file.delimiter),
  };
  // Offsets written in the times (`-05:00` in winter, `-04:00` in summer) name the zone, DST included.
  const zone = tsCol ? guessZone(offsetSamples(tsCol.samples)) : null;
  if (zone && zone !== 'UTC') mapping.timeZone = zone;
  if (role === 'events') {
    const et = guessEventTypes(eventCol);
    if (et) mapping.eventTypes = et;
  }
  return mapping;
}

/**
 * Zone the times are shown in: the offset the texts carry (Shopify `-0500`: the shop's wall clock),
 * else China time for Chinese exports, else UTC.
 */
function zoneFor(columns: RawColumn[], tsCol: RawColumn | undefined): number {
  const written = writtenOffset(tsCol);
  if (written !== null) return written;
  return columns.some((c) => /[\u4e00-\u9fff]/.test(c.name)) ? 480 : 0;
}

/** The mapping of a file whose headers match a known platform layout. */
function fromLayout(file: RawFile, columns: RawColumn[], layout: NonNullable<ReturnType<typeof recogniseLayout>>): FileMapping {
  const roles = layoutRoles(layout, columns);
  const tsCol = columns.find((c) => roles[c.name] === 'timestamp');
  const mapping: FileMapping = {
    file: file.name,
    table: file.table,
    role: layout.role,
    columns: roles,
    timestampFormat: tsCol ? timestampFormatFor(tsCol) : null,
    tzOffsetMinutes: zoneFor(columns, tsCol),
    ...layoutOptions(layout),
  };
  if (layout.role === 'events') {
    const et = guessEventTypes(columns.find((c) => roles[c.name] === 'event_type'));
    if (et) mapping.eventTypes = et;
  }
  return mapping;
}

/** Share of a column's samples that read as numbers (used to warn about text mapped to money). */
export function looksNumeric(col: RawColumn): boolean {
  return isNumericType(col.type) || numericShare(col.samples) >= 0.9;
}

/** Column roles the mapping counts as a customer key. */
const CUSTOMER_KEYS: readonly ColumnRole[] = ['customer_id', 'customer_fallback', 'customer_alias'];

/**
 * Roles a file of its kind needs and its mapping lacks, most important first: the overview names
 * each and points at the mapping panel instead of showing zeros without a word. `all` are every
 * loaded file's mappings (an order file without amounts takes them from order lines or payments).
 */
export function missingRoles(m: FileMapping, all: readonly FileMapping[] = [m]): ColumnRole[] {
  const roles = Object.values(m.columns);
  const has = (r: ColumnRole) => roles.includes(r);
  const out: ColumnRole[] = [];
  if (m.role === 'orders' || m.role === 'events' || m.role === 'customers') {
    if (!CUSTOMER_KEYS.some(has)) out.push('customer_id');
  }
  if ((m.role === 'orders' || m.role === 'events') && !has('timestamp')) out.push('timestamp');
  if (m.role === 'events' && !has('event_type')) out.push('event_type');
  const amountsElsewhere = all.some((o) => o.role === 'order_lines' || o.role === 'payments');
  if (m.role === 'orders' && !has('amount') && !(has('quantity') && has('unit_price')) && !amountsElsewhere) out.push('amount');
  return out;
}

/**
 * The unmapped column most likely to hold `role` (so the mapping panel can open at it), or null:
 * e-mails or ids under an id-like header for a customer key, readable times, decimals for money,
 * behaviour words for event types.
 */
export function suggestColumn(file: RawFile, m: FileMapping, role: ColumnRole): string | null {
  const free = file.columns.filter((c) => c.name !== '__row' && (m.columns[c.name] ?? 'ignore') === 'ignore' && nonEmpty(c).length > 0);
  const pick = (cols: RawColumn[], ok: (c: RawColumn) => boolean) => cols.find(ok)?.name ?? null;
  switch (role) {
    case 'customer_id':
      return (
        pick(free, isEmailColumn) ??
        pick(hintedFirst(free, CUSTOMER_HINT), (c) => CUSTOMER_HINT.test(normaliseHeader(c.name)) && isIdColumn(c))
      );
    case 'timestamp':
      return pick(hintedFirst(free, TIME_HINT), isTimeColumn);
    case 'amount':
      return pick(
        hintedFirst(free, MONEY_HINT),
        (c) => isDecimalColumn(c) || (MONEY_HINT.test(normaliseHeader(c.name)) && looksNumeric(c)),
      );
    case 'event_type':
      return pick(free, isEventColumn);
    default:
      return null;
  }
}
