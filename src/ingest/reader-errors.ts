/**
 * DuckDB CSV reader errors, read for what they mean: which ones a second read with other options
 * fixes, and the message a user sees, which never names the worker's virtual file (`f12.csv`).
 */

/** One line is longer than `max_line_size`: read again with a larger size (`raw-rejects.ts`). */
export function isLineSizeError(message: string): boolean {
  return /Maximum line size of \d+ bytes exceeded/i.test(message);
}

/** The sniffer found no dialect (mixed CRLF and LF line ends do this): read again with LF only. */
export function isSniffError(message: string): boolean {
  return /Error when sniffing file/i.test(message);
}

/** The worker's virtual file names (`f12.csv`, `f12.records.csv`) replaced by the user's file name. */
export function withoutInternalName(message: string, internal: string, file: string): string {
  return message.replaceAll(internal, file).replace(/\bf\d+(\.records)?\.csv\b/g, file);
}
