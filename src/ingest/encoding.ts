/**
 * Text encoding and layout detection from the first bytes of a file. Pure: used by the worker to
 * decide whether a file must be transcoded to UTF-8 (GBK/GB18030, UTF-16, Latin-1) or rewritten
 * (whitespace-separated columns, as in CDNOW) before DuckDB reads it.
 */

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';

export interface EncodingGuess {
  encoding: TextEncoding;
  /** bytes to skip at the start (BOM) */
  skip: number;
}

/** Thrown-as-data reason a file cannot be text. */
export interface BinaryVerdict {
  binary: true;
  /** short reason, e.g. "looks like a ZIP archive (an .xlsx?)" */
  reason: string;
}

const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an Excel .xlsx?). Save it as CSV and drop it again'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel/Office file (.xls). Save it as CSV and drop it again'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable'],
];

/** Is this prefix binary (not any text encoding we read)? Returns the reason, or null. */
export function binaryReason(bytes: Uint8Array): string | null {
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, i) => bytes[i] === b)) return `the file is ${what}`;
  }
  if (startsWithUtf16Bom(bytes)) return null;
  const n = Math.min(bytes.length, 65536);
  let nul = 0;
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) nul++;
    else if (b < 9 || (b > 13 && b < 32 && b !== 27)) ctrl++;
  }
  // UTF-16 without BOM has NUL in every other byte of ASCII text.
  if (nul > 0 && looksLikeUtf16NoBom(bytes) === null) return 'the file is binary, not text (it contains NUL bytes)';
  if (n > 0 && ctrl / n > 0.05) return 'the file is binary, not text (control characters)';
  return null;
}

function startsWithUtf16Bom(b: Uint8Array): boolean {
  return (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
}

function looksLikeUtf16NoBom(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > half * 0.4 && evenNul < half * 0.05) return 'utf-16le';
  if (evenNul > half * 0.4 && oddNul < half * 0.05) return 'utf-16be';
  return null;
}

/** Valid UTF-8, allowing a multi-byte sequence cut at the end of the sample. */
export function isValidUtf8(bytes: Uint8Array, truncated = true): boolean {
  let end = bytes.length;
  if (truncated) {
    // back off an incomplete trailing sequence
    let i = end - 1;
    let k = 0;
    while (i >= 0 && k < 4 && (bytes[i]! & 0xc0) === 0x80) {
      i--;
      k++;
    }
    if (i >= 0) {
      const lead = bytes[i]!;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (need > k + 1) end = i;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Share of non-ASCII bytes that form valid GBK/GB18030 double-byte pairs. */
function gbkPairShare(bytes: Uint8Array): number {
  let pairs = 0;
  let high = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    high++;
    const t = bytes[i + 1];
    if (b >= 0x81 && b <= 0xfe && t !== undefined && t >= 0x40 && t <= 0xfe && t !== 0x7f) {
      pairs++;
      high++;
      i++;
    }
  }
  return high === 0 ? 0 : (pairs * 2) / high;
}

/** Guess the encoding of a text file from its first bytes (64 KiB is plenty). */
export function detectEncoding(bytes: Uint8Array): EncodingGuess {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8-bom', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  const u16 = looksLikeUtf16NoBom(bytes);
  if (u16) return { encoding: u16, skip: 0 };
  if (isValidUtf8(bytes)) return { encoding: 'utf-8', skip: 0 };
  if (gbkPairShare(bytes) > 0.9) return { encoding: 'gb18030', skip: 0 };
  return { encoding: 'windows-1252', skip: 0 };
}

/** True when DuckDB can read the bytes as they are (UTF-8, with or without BOM handled by skipping). */
export function needsTranscode(g: EncodingGuess): boolean {
  return g.encoding !== 'utf-8';
}

/**
 * Whitespace-separated columns (fixed-width exports such as CDNOW_master.txt): no comma, tab,
 * semicolon or pipe on the first lines, and every line splits on runs of spaces into the same
 * number (>1) of fields.
 */
export function isWhitespaceSeparated(firstText: string): boolean {
  const lines = firstText.split(/\r?\n/).slice(0, 50);
  if (lines.length > 1) lines.pop(); // may be cut
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  if (nonEmpty.length < 2) return false;
  if (nonEmpty.some((l) => /[,\t;|"]/.test(l))) return false;
  const counts = new Set(nonEmpty.map((l) => l.trim().split(/ +/).length));
  const [only] = [...counts];
  return counts.size === 1 && only !== undefined && only > 1;
}

/** Rewrite one line of a whitespace-separated file as CSV (fields have no commas or quotes). */
export function whitespaceLineToCsv(line: string): string {
  const t = line.trim();
  return t === '' ? '' : t.split(/ +/).join(',');
}
