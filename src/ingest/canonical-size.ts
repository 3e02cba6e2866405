/**
 * The memory guard: before a file's full pass, estimate what its rows will take in the canonical
 * tables and refuse, in plain words, a file that would not fit beside what is loaded. DuckDB-WASM
 * caps itself at about 3.1 GiB and cannot spill, so finding out during the build kills the load
 * late; the estimate comes from the first 64 KB of the file and its size.
 */
import { storageFor, type StorageMode } from './storage';

/**
 * Canonical bytes in memory per byte of CSV text. Measured (DuckDB 1.4.4, native, same storage
 * as the wasm build): 1M generated orders, 57.1 MB of CSV, take 151 MiB as `orders` + `customers`
 * (≈ 159 B a row, 2.8 × the text). See docs/data-model.md.
 */
export const MEMORY_PER_CSV_BYTE = 2.8;
/** Floor per row: 13 canonical columns cost this much even when the file's lines are short. */
export const MIN_ROW_BYTES = 100;
/**
 * What the canonical tables may take, by default: DuckDB-WASM's ~3.1 GiB ceiling less room for the
 * analysis queries (the customer base, ranks) and the build's own working memory.
 */
export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3;

/** Rows in a text file of `totalBytes`, from the line breaks in its first bytes `head`. */
export function estimateRows(totalBytes: number, head: Uint8Array): number {
  let lines = 0;
  let last = -1;
  for (let i = 0; i < head.length; i++)
    if (head[i] === 0x0a) {
      lines++;
      last = i;
    }
  // the whole file is in the head: its lines are known (a last line without a line break counts)
  if (head.length >= totalBytes) return Math.max(0, lines + (last < head.length - 1 ? 1 : 0) - 1);
  if (lines === 0) return 1;
  return Math.ceil(totalBytes / ((last + 1) / lines));
}

/** Estimated canonical bytes for a file of `totalBytes` holding about `rows` rows. */
export function estimateTableBytes(totalBytes: number, rows: number): number {
  return Math.round(Math.max(MEMORY_PER_CSV_BYTE * totalBytes, MIN_ROW_BYTES * rows));
}

export interface BudgetCheck {
  file: string;
  /** estimated bytes of this file (`estimateTableBytes`) */
  need: number;
  rows: number;
  /** estimated bytes of the files already loaded */
  used: number;
  budget: number;
}

function mb(b: number): string {
  return `${Math.max(1, Math.round(b / 1024 ** 2)).toLocaleString('en-US')} MB`;
}

/** The figures of a refusal, formatted, for the translated sentence (`error.too-large`). */
export function budgetParams(c: BudgetCheck): { rows: string; need: string; free: string; budget: string } {
  return {
    rows: Math.round(c.rows).toLocaleString('en-US'),
    need: mb(c.need),
    free: mb(Math.max(0, c.budget - c.used)),
    budget: mb(c.budget),
  };
}

/** A plain-words refusal when the file would not fit, else null. */
export function overBudget(c: BudgetCheck): string | null {
  if (c.need + c.used <= c.budget) return null;
  const free = Math.max(0, c.budget - c.used);
  return (
    `${c.file} is too large for this browser tab: with about ${Math.round(c.rows).toLocaleString('en-US')} rows it needs about ` +
    `${mb(c.need)} of memory, and ${mb(free)} of the tab's ${mb(c.budget)} are free${c.used > 0 ? ' beside the files already loaded' : ''}. ` +
    `Nothing of it was loaded and the data loaded before is kept. Load a smaller extract instead: a shorter date range, ` +
    `only the columns you need, or a sample of customers (for example every tenth customer id).`
  );
}

/** One file in the build's memory check: its whole estimate and the share the load filter keeps. */
export interface BuildShare {
  file: string;
  need: number;
  rows: number;
  /** 1 without a filter; one in n customers keeps 1/n; a date range keeps the share counted */
  share: number;
  filtered: boolean;
}

/**
 * The build's memory check, with the filtered load: where the tables go (plain while they fit, else
 * compressed: `storage.ts`), or a plain-words refusal naming the files when even compressed what
 * they keep would not fit the budget. The previous tables stay when it refuses.
 */
export function buildOverBudget(
  items: readonly BuildShare[],
  budget: number,
): { mode: StorageMode; refusal: null } | { mode: null; refusal: { message: string; params: Record<string, string> } } {
  const plain = items.reduce((s, i) => s + i.need * i.share, 0);
  const mode = storageFor(plain, budget);
  if (mode) return { mode, refusal: null };
  // what the message names: the plain estimate (compressed storage was already tried: `storage.ts`)
  const total = plain;
  // the files that weigh most, first
  const big = [...items].sort((a, b) => b.need * b.share - a.need * a.share).filter((i) => i.need * i.share > plain * 0.05);
  const named = (big.length ? big : items).map((i) => i.file).join(', ');
  const filtered = items.some((i) => i.filtered);
  const params = { file: named, need: mb(total), budget: mb(budget), rows: Math.round(big[0]?.rows ?? 0).toLocaleString('en-US') };
  const message = filtered
    ? `Even filtered, ${named} would need about ${params.need} of memory, more than the tab's ${params.budget}. ` +
      `Choose a smaller sample of customers or a shorter date range. The data loaded before is kept.`
    : `${named} is too large to load whole in this browser tab: about ${params.rows} rows need about ${params.need} of memory, ` +
      `and the tab has ${params.budget}. Choose a filtered load (a sample of customers or a date range) above the file cards. ` +
      `The data loaded before is kept.`;
  return { mode: null, refusal: { message, params } };
}
