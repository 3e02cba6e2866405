/**
 * The refund/cancellation rule as SQL, and in plain words for the mapping panel.
 */
import { Sql, sql, raw, join, oneOf } from '../lib/sql';
import type { RefundRule } from './mapping';

/** Cleaned canonical expressions of one order row (absent when the file has no such column). */
export interface ReturnColumns {
  amount?: Sql;
  quantity?: Sql;
  orderId?: Sql;
  status?: Sql;
}

/**
 * TRUE when the row is a return/cancellation under `rule`, else FALSE (never NULL): negative
 * amount or quantity, order id starting with a listed prefix (case-sensitive: UCI's `C536383` is a
 * cancellation, Olist's hex id `c4a3…` is not), or status in the list (case-insensitive, trimmed).
 */
export function isReturnExpr(rule: RefundRule, cols: ReturnColumns): Sql {
  const conds: Sql[] = [];
  if (rule.negative) {
    if (cols.amount) conds.push(sql`${cols.amount} < 0`);
    if (cols.quantity) conds.push(sql`${cols.quantity} < 0`);
  }
  const prefixes = rule.orderIdPrefixes.map((p) => p.trim()).filter((p) => p !== '');
  const orderId = cols.orderId;
  if (orderId && prefixes.length > 0) {
    conds.push(
      join(
        prefixes.map((p) => sql`starts_with(${orderId}, ${p})`),
        ' OR ',
      ),
    );
  }
  const statuses = rule.statuses.map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (cols.status && statuses.length > 0) conds.push(oneOf(sql`lower(trim(${cols.status}))`, statuses));
  if (conds.length === 0) return raw('FALSE');
  return sql`coalesce(${join(
    conds.map((c) => sql`(${c})`),
    ' OR ',
  )}, FALSE)`;
}

/** The rule in one sentence, English (`en`) or Chinese (`zh`). */
export function describeRefundRule(rule: RefundRule, lang: 'en' | 'zh' = 'en'): string {
  const prefixes = rule.orderIdPrefixes.filter((p) => p.trim() !== '');
  const statuses = rule.statuses.filter((s) => s.trim() !== '');
  const parts: string[] = [];
  if (lang === 'zh') {
    if (rule.negative) parts.push('金额或数量为负');
    if (prefixes.length) parts.push(`订单号以 ${prefixes.join('、')} 开头`);
    if (statuses.length) parts.push(`状态为 ${statuses.join('、')}`);
    if (parts.length === 0) return '不识别退款或取消。';
    const what = `满足任一条件的行视为退款/取消：${parts.join('；')}。`;
    return what + (rule.mode === 'exclude' ? '这些行不计入订单和收入。' : '这些行以负金额计入收入，但不计为订单。');
  }
  if (rule.negative) parts.push('the amount or quantity is negative');
  if (prefixes.length) parts.push(`the order id starts with ${prefixes.join(' or ')}`);
  if (statuses.length) parts.push(`the status is ${statuses.join(', ')}`);
  if (parts.length === 0) return 'No rows are treated as refunds or cancellations.';
  const what = `A row is a refund or cancellation when ${parts.join('; or ')}.`;
  return `${what} ${rule.mode === 'exclude' ? 'Such rows are left out of orders and revenue.' : 'Such rows reduce revenue (negative amount) but are not counted as orders.'}`;
}
