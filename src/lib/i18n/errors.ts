/**
 * Errors, mapping issues and reject reasons in the user's language. The worker sends codes with
 * parameters (`AppError`, `MappingIssue.code`, fixed reject reasons); only these functions turn
 * them into sentences. Anything without a translation falls back to the English text it carries.
 */
import type { AppError, MappingIssue } from '../../atlas-api';

export const errorsEn: Record<string, string> = {
  // English: the worker's own sentence is already specific (file, line, reason)
  'error.empty-file': '{message}',
  'error.binary-file': '{message}',
  'error.unsupported-format': '{message}',
  'error.parse-error': '{message}',
  'error.out-of-memory': '{message}',
  'error.too-large': '{message}',
  'error.needs-filter': '{message}',
  'error.slice-mismatch': '{message}',
  'error.cancelled': '{message}',
  'error.cancelled-file': '{message}',
  'error.mapping': '{message}',
  'error.query': '{message}',
  'error.storage': 'Browser storage failed: {detail}',
  'error.internal': 'Something went wrong: {detail}',
  'error.details': 'Details',
  'error.sql': 'SQL that failed',
  'error.where.column': 'column “{column}”',
  'error.where.row': 'row {row}',
  'issue.not-loaded': 'the file is not loaded',
  'issue.no-column': 'column “{column}” does not exist',
  'issue.no-customer': 'no customer id column is mapped; map one in the mapping panel',
  'issue.no-customer-orders': 'no customer id column: only order-level figures are possible',
  'issue.no-time': 'no time column is mapped',
  'issue.unreadable-time': 'column “{column}” holds no readable date or time (row {row}: {value})',
  'issue.no-event-type': 'no event type column is mapped',
  'issue.no-order-id': 'no order id column to join on',
  'issue.text-money': 'column “{column}” is text, not a number (row {row}: {value})',
  'issue.money-type-differs': 'column “{column}” holds a different kind of value than “{otherColumn}” in {other}',
  'issue.no-amount': 'no amount column (nor quantity and unit price): order amounts are 0',
  'reject.missing timestamp': 'missing timestamp',
  'reject.unparseable timestamp': 'unparseable timestamp',
  'reject.non-numeric amount': 'non-numeric amount',
  'reject.missing customer id': 'missing customer id',
  'reject.too many columns': 'too many columns',
  'reject.missing columns': 'too few columns',
  'reject.unquoted value': 'broken quotes',
  'reject.invalid unicode': 'invalid characters',
  'reject.line size over maximum': 'line too long',
  'reject.cast error': 'value of the wrong type',
  'reject.unreadable csv row (ragged or broken quotes)': 'unreadable CSV row (ragged or broken quotes)',
};

export const errorsZh: Record<string, string> = {
  'error.empty-file': '{file} 没有数据。',
  'error.binary-file': '{file} 无法作为表格读取（{detail}）。',
  'error.unsupported-format': '{file}：不支持此格式（{detail}）。',
  'error.parse-error': '{file} 无法读取：{detail}',
  'error.out-of-memory': '浏览器标签页内存不足。请加载更少或更小的文件，或缩小日期范围与筛选条件。（{detail}）',
  'error.too-large':
    '{file} 对此浏览器标签页来说太大：约 {rows} 行，需要约 {need} 内存，标签页的 {budget} 中只剩 {free} 可用。文件未载入，之前载入的数据保留。请载入更小的数据：更短的日期范围、只保留需要的列，或抽样部分客户（例如每十个客户 ID 取一个）。',
  'error.needs-filter':
    '{file} 无法整体放入此浏览器标签页：需要约 {need} 内存，标签页共 {budget}。请在文件卡片上方选择筛选载入（抽样部分客户或缩短日期范围）；已经筛选时，请选更小的样本或更短的日期范围。之前载入的数据保留。',
  'error.slice-mismatch':
    '{file} 无法分段载入：某个带引号的值在切分处含有换行，分段读出的行数与文件不符。本次载入未保留任何内容，之前载入的数据保留。请载入其中较小的一部分（抽样部分客户或缩短日期范围），或重新导出为值内不含换行的文件。',
  'error.cancelled': '已取消。',
  'error.cancelled-file': '已取消加载 {file}。',
  'error.mapping': '{file} 的字段映射无法应用：{detail}',
  'error.query': '分析失败：{detail}',
  'error.storage': '浏览器存储失败：{detail}',
  'error.internal': '出现问题：{detail}',
  'error.details': '详情',
  'error.sql': '失败的 SQL',
  'error.where.column': '列“{column}”',
  'error.where.row': '第 {row} 行',
  'issue.not-loaded': '文件未加载',
  'issue.no-column': '列“{column}”不存在',
  'issue.no-customer': '未映射客户 ID 列；请在字段映射中指定',
  'issue.no-customer-orders': '没有客户 ID 列：只能计算订单层面的指标',
  'issue.no-time': '未映射时间列',
  'issue.unreadable-time': '列“{column}”没有可读的日期或时间（第 {row} 行：{value}）',
  'issue.no-event-type': '未映射事件类型列',
  'issue.no-order-id': '没有可用于关联的订单号列',
  'issue.text-money': '列“{column}”是文本而不是数字（第 {row} 行：{value}）',
  'issue.money-type-differs': '列“{column}”与 {other} 中的“{otherColumn}”数值类型不同',
  'issue.no-amount': '没有金额列（也没有数量和单价）：订单金额为 0',
  'reject.missing timestamp': '缺少时间',
  'reject.unparseable timestamp': '时间无法识别',
  'reject.non-numeric amount': '金额不是数字',
  'reject.missing customer id': '缺少客户 ID',
  'reject.too many columns': '列数过多',
  'reject.missing columns': '列数不足',
  'reject.unquoted value': '引号不匹配',
  'reject.invalid unicode': '无效字符',
  'reject.line size over maximum': '行过长',
  'reject.cast error': '值的类型不对',
  'reject.unreadable csv row (ragged or broken quotes)': '无法读取的 CSV 行（列数不符或引号不匹配）',
};

type Translate = (key: string, vars?: Record<string, string | number>) => string;

function has(tr: Translate, key: string): boolean {
  return tr(key) !== key;
}

/** A mapping issue as a sentence (without the file name, which the view shows once). */
export function issueText(tr: Translate, i: Pick<MappingIssue, 'code' | 'params' | 'column' | 'row' | 'message' | 'file'>): string {
  const key = `issue.${i.code ?? ''}`;
  if (i.code && has(tr, key)) return tr(key, { column: i.column ?? '', row: i.row ?? '', ...i.params });
  const prefix = `${i.file}: `;
  return i.message.startsWith(prefix) ? i.message.slice(prefix.length) : i.message;
}

/** An error as a sentence in the current language. */
export function errorText(tr: Translate, e: AppError): string {
  if (e.code === 'mapping' && e.params.issue) {
    const detail = issueText(tr, { ...e, code: String(e.params.issue), file: e.file ?? '' });
    return tr('error.mapping', { file: e.file ?? '', message: e.message, detail });
  }
  const key = e.code === 'cancelled' && e.file ? 'error.cancelled-file' : `error.${e.code}`;
  if (!has(tr, key)) return e.message;
  return tr(key, { detail: e.message, file: e.file ?? '', ...e.params, message: e.message });
}

/** A reject reason (`missing timestamp`, or a CSV reader's `error type: message`) in the current language. */
export function rejectReasonText(tr: Translate, reason: string): string {
  const colon = reason.indexOf(':');
  const kind = (colon < 0 ? reason : reason.slice(0, colon)).trim().toLowerCase();
  const key = `reject.${kind}`;
  // the reader's own detail after the colon (e.g. "Expected 3 columns, found 4") stays as written
  return has(tr, key) ? tr(key) + (colon < 0 ? '' : reason.slice(colon)) : reason;
}
