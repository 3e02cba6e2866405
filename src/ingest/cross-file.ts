/**
 * Guesses that need more than one file. A file guessed as "orders" that has an order id but no
 * customer column, loaded together with an orders file that has both, is the line-level detail of
 * those orders (Tmall's 宝贝报表 next to its 订单报表): treating it as a second orders file would
 * count the same revenue twice. It becomes `order_lines`, joined by order id — but only when its
 * order ids are those orders' ids (where the samples tell) and it is not a recognised platform
 * export, so an unrelated order file (an Amazon report next to a Shopify export) stays orders.
 */
import type { FileMapping, RawFile } from './mapping';

function has(m: FileMapping, role: string): boolean {
  return Object.values(m.columns).includes(role as never);
}

/** An order id as the canonical builder reads it: without `="…"`/`'` wrappers and a trailing `.0`. */
function idText(v: string): string {
  return v
    .trim()
    .replace(/^="(.*)"$|^=(.*)$|^'(.*)$/, '$1$2$3')
    .replace(/^(-?\d+)\.0+$/, '$1');
}

/** Sample order ids of a mapped file, or null when its samples are not known. */
function sampleIds(m: FileMapping, files: readonly RawFile[]): Set<string> | null {
  const col = Object.keys(m.columns).find((n) => m.columns[n] === 'order_id');
  const file = files.find((f) => f.table === m.table) ?? files.find((f) => f.name === m.file);
  const c = file?.columns.find((x) => x.name === col);
  if (!c) return null;
  return new Set(c.samples.filter((s): s is string => s !== null && s.trim() !== '').map(idText));
}

/**
 * The guessed mappings of newly loaded files, refined against every loaded file's mapping.
 * `files` (the loaded files' facts) lets the order ids be compared; without it, any order id will do.
 */
export function refineWithOthers(fresh: FileMapping[], all: FileMapping[], files: readonly RawFile[] = []): FileMapping[] {
  const keyed = all.filter((m) => m.role === 'orders' && has(m, 'customer_id') && has(m, 'order_id'));
  if (keyed.length === 0) return fresh;
  const sharesIds = (m: FileMapping) => {
    const mine = sampleIds(m, files);
    if (!mine || mine.size === 0) return true;
    return keyed.some((k) => {
      const theirs = sampleIds(k, files);
      return !theirs || [...mine].some((id) => theirs.has(id));
    });
  };
  return fresh.map((m) =>
    m.role === 'orders' && !m.layout && has(m, 'order_id') && !has(m, 'customer_id') && !has(m, 'customer_alias') && sharesIds(m)
      ? { ...m, role: 'order_lines' }
      : m,
  );
}
