/**
 * Guesses that need more than one file. A file guessed as "orders" that has an order id but no
 * customer column, loaded together with an orders file that has both, is the line-level detail of
 * those orders (Tmall's 宝贝报表 next to its 订单报表): treating it as a second orders file would
 * count the same revenue twice. It becomes `order_lines`, joined by order id.
 */
import type { FileMapping } from './mapping';

function has(m: FileMapping, role: string): boolean {
  return Object.values(m.columns).includes(role as never);
}

/** The guessed mappings of newly loaded files, refined against every loaded file's mapping. */
export function refineWithOthers(fresh: FileMapping[], all: FileMapping[]): FileMapping[] {
  const hasKeyedOrders = all.some((m) => m.role === 'orders' && has(m, 'customer_id') && has(m, 'order_id'));
  if (!hasKeyedOrders) return fresh;
  return fresh.map((m) =>
    m.role === 'orders' && has(m, 'order_id') && !has(m, 'customer_id') && !has(m, 'customer_alias') ? { ...m, role: 'order_lines' } : m,
  );
}
