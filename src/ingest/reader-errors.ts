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

/**
 * A build error with the worker's names of a file (`f12.csv`) and of its slices (`f12.csv.s3.csv`,
 * `slices.ts`) replaced by the user's file name; a slice also says which part of the file it was.
 */
export function withUserNames(message: string, files: readonly { vname: string; name: string }[]): string {
  let out = message;
  for (const f of files) {
    const esc = f.vname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`${esc}\\.s(\\d+)\\.csv`, 'g'), (_, k: string) => `${f.name} (part ${Number(k) + 1})`);
    out = out.replaceAll(f.vname, f.name);
  }
  return out;
}
