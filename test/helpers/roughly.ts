/**
 * Numbers to 12 significant digits, deep in arrays and objects: the same values summed in another
 * row order (parts, another grouping) differ in the last bits, and tests compare answers through this.
 */
export const roughly = (v: unknown): unknown =>
  typeof v === 'number'
    ? Number(v.toPrecision(12))
    : Array.isArray(v)
      ? v.map(roughly)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roughly(x)]))
        : v;
