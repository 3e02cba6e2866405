/**
 * SQL-free checks of the mappings against the loaded files' facts (types and samples), run before
 * the canonical tables are built. Messages name the file, the column and, where known, the row.
 */
import type { ColumnRole, FileMapping, MappingIssue, RawColumn, RawFile } from './mapping';
import { NULL_MARKERS, isNumericType, numericShare } from './values';
import { firstUnreadableTime } from './timestamps';

const MONEY_ROLES: readonly ColumnRole[] = ['amount', 'quantity', 'unit_price', 'extra_amount'];

function mapped(m: FileMapping, role: ColumnRole): string | undefined {
  return Object.keys(m.columns).find((n) => m.columns[n] === role);
}

function isBadNumber(v: string | null): v is string {
  if (v === null || NULL_MARKERS.includes(v.trim().toLowerCase())) return false;
  return numericShare([v]) === 0;
}

/** Text column (not numeric type, samples mostly not numbers). */
function isTextual(c: RawColumn): boolean {
  return !isNumericType(c.type) && numericShare(c.samples) < 0.5;
}

/** Problems that stop (errors) or qualify (warnings) the mappings. */
export function validateMapping(files: RawFile[], mappings: FileMapping[]): { issues: MappingIssue[] } {
  const issues: MappingIssue[] = [];
  const used = mappings.filter((m) => m.role !== 'ignore');
  for (const m of used) {
    const file = files.find((f) => f.table === m.table) ?? files.find((f) => f.name === m.file);
    if (!file) {
      issues.push({ level: 'error', file: m.file, message: `file ${m.file} is not loaded`, code: 'not-loaded' });
      continue;
    }
    for (const name of Object.keys(m.columns)) {
      if (m.columns[name] !== 'ignore' && !file.columns.some((c) => c.name === name)) {
        issues.push({ level: 'error', file: m.file, column: name, message: `${m.file}: column ${name} does not exist`, code: 'no-column' });
      }
    }
    const hasCustomer = mapped(m, 'customer_id') !== undefined || mapped(m, 'customer_alias') !== undefined;
    if (!hasCustomer && (m.role === 'events' || m.role === 'customers')) {
      issues.push({ level: 'error', file: m.file, message: `${m.file}: no customer id column`, code: 'no-customer' });
    } else if (!hasCustomer && m.role === 'orders') {
      issues.push({
        level: 'warning',
        file: m.file,
        message: `${m.file}: no customer id column; only order-level figures are possible`,
        code: 'no-customer-orders',
      });
    }
    if ((m.role === 'orders' || m.role === 'events') && mapped(m, 'timestamp') === undefined) {
      issues.push({ level: 'error', file: m.file, message: `${m.file}: no time column`, code: 'no-time' });
    }
    const tsName = mapped(m, 'timestamp');
    const tsCol = tsName === undefined ? undefined : file.columns.find((c) => c.name === tsName);
    const badTime = tsCol && (m.role === 'orders' || m.role === 'events') ? firstUnreadableTime(tsCol, m.timestampFormat) : null;
    if (tsCol && badTime) {
      issues.push({
        level: 'error',
        file: m.file,
        column: tsCol.name,
        row: badTime.row,
        message: `${m.file}: column ${tsCol.name} holds no readable date or time (row ${badTime.row}: ${JSON.stringify(badTime.value)})`,
        code: 'unreadable-time',
        params: { value: JSON.stringify(badTime.value) },
      });
    }
    if (m.role === 'events' && mapped(m, 'event_type') === undefined) {
      issues.push({ level: 'error', file: m.file, message: `${m.file}: no event type column`, code: 'no-event-type' });
    }
    if ((m.role === 'order_lines' || m.role === 'payments') && mapped(m, 'order_id') === undefined) {
      issues.push({ level: 'error', file: m.file, message: `${m.file}: no order id column to join on`, code: 'no-order-id' });
    }
    for (const role of MONEY_ROLES) {
      const name = mapped(m, role);
      const col = name === undefined ? undefined : file.columns.find((c) => c.name === name);
      if (!col || !isTextual(col)) continue;
      const i = col.samples.findIndex(isBadNumber);
      const bad = i >= 0 ? col.samples[i] : undefined;
      issues.push({
        level: 'error',
        file: m.file,
        column: col.name,
        ...(i >= 0 ? { row: i + 1 } : {}),
        message: `${m.file}: column ${col.name} is text, not a number${i >= 0 ? ` (row ${i + 1}: ${JSON.stringify(bad)})` : ''}`,
        code: 'text-money',
        params: { value: i >= 0 ? JSON.stringify(bad) : '' },
      });
    }
  }
  // Files stacked as one order table must agree on what each money column holds.
  const orderFiles = used.filter((m) => m.role === 'orders');
  for (let a = 0; a < orderFiles.length; a++) {
    for (let b = a + 1; b < orderFiles.length; b++) {
      const ma = orderFiles[a] as FileMapping;
      const mb = orderFiles[b] as FileMapping;
      const fa = files.find((f) => f.table === ma.table);
      const fb = files.find((f) => f.table === mb.table);
      if (!fa || !fb) continue;
      for (const role of MONEY_ROLES) {
        const ca = fa.columns.find((c) => c.name === mapped(ma, role));
        const cb = fb.columns.find((c) => c.name === mapped(mb, role));
        if (ca && cb && isTextual(ca) !== isTextual(cb)) {
          issues.push({
            level: 'error',
            file: ma.file,
            column: ca.name,
            message: `${ma.file} and ${mb.file}: ${role} columns differ in type (${ca.name} ${ca.type} vs ${cb.name} ${cb.type})`,
            code: 'money-type-differs',
            params: { other: mb.file, otherColumn: cb.name },
          });
        }
      }
    }
  }
  return { issues };
}
