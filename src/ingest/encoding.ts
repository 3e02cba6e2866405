/**
 * Text encoding and layout detection from the first bytes of a file and slices further in. Pure: used by the worker to
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

/** Share of NUL bytes above which a file is binary; below it the NUL bytes only spoil their rows. */
export const BINARY_NUL_SHARE = 0.01;

/**
 * Is this file binary (not any text encoding we read)? Returns the reason, or null. Decided on
 * the head's magic number and on the *share* of NUL and control bytes in the head and `more`
 * slices: a few NUL bytes in a text file reject only their rows (see `nulCount`).
 */
export function binaryReason(bytes: Uint8Array, more: readonly Uint8Array[] = []): string | null {
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, i) => bytes[i] === b)) return `the file is ${what}`;
  }
  if (startsWithUtf16Bom(bytes) || looksLikeUtf16NoBom(bytes) !== null) return null;
  let n = 0;
  let nul = 0;
  let ctrl = 0;
  for (const part of [bytes.subarray(0, 65536), ...more]) {
    n += part.length;
    for (let i = 0; i < part.length; i++) {
      const b = part[i]!;
      if (b === 0) nul++;
      else if (b < 9 || (b > 13 && b < 32 && b !== 27)) ctrl++;
    }
  }
  if (n > 0 && nul / n > BINARY_NUL_SHARE) return 'the file is binary, not text (it contains NUL bytes)';
  if (n > 0 && ctrl / n > 0.05) return 'the file is binary, not text (control characters)';
  return null;
}

/** NUL bytes in these slices (a text file with some: its rows holding them are rejected). */
export function nulCount(parts: readonly Uint8Array[]): number {
  let nul = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) if (p[i] === 0) nul++;
  return nul;
}

/**
 * Where to read slices of a file of `size` bytes besides its head: `count` slices of `length`
 * bytes spread evenly over the rest, so an encoding is judged on more than the first 64 KiB.
 */
export function sliceOffsets(size: number, head = 65536, count = 8, length = 65536): { start: number; end: number }[] {
  if (size <= head) return [];
  const out: { start: number; end: number }[] = [];
  const span = size - head;
  for (let i = 1; i <= count; i++) {
    const start = head + Math.floor((span * i) / (count + 1)) - Math.floor(length / 2);
    const s = Math.max(head, start);
    const e = Math.min(size, s + length);
    if (e > s && !out.some((o) => o.start === s)) out.push({ start: s, end: e });
  }
  return out;
}

/**
 * Valid multi-byte UTF-8 sequences and invalid bytes in a slice that may start or end in the
 * middle of a character (leading continuation bytes and a cut final sequence are not counted).
 */
export function utf8Census(b: Uint8Array): { valid: number; invalid: number } {
  let i = 0;
  while (i < b.length && i < 3 && (b[i]! & 0xc0) === 0x80) i++;
  let valid = 0;
  let invalid = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) {
      invalid++;
      i++;
      continue;
    }
    if (i + need >= b.length) break; // a sequence cut by the end of the slice
    let ok = true;
    for (let k = 1; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
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

/**
 * Guess the encoding of a text file from its first bytes (64 KiB) and `more` slices further in.
 * UTF-8 wins when its valid multi-byte sequences outnumber the invalid bytes (which are then
 * rejected with their rows as "invalid UTF-8"), so one bad byte early does not turn a UTF-8 file
 * into Latin-1 and garble every other character.
 */
export function detectEncoding(bytes: Uint8Array, more: readonly Uint8Array[] = []): EncodingGuess {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8-bom', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  const u16 = looksLikeUtf16NoBom(bytes);
  if (u16) return { encoding: u16, skip: 0 };
  if (more.length === 0 && isValidUtf8(bytes)) return { encoding: 'utf-8', skip: 0 };
  let valid = 0;
  let invalid = 0;
  for (const part of [bytes, ...more]) {
    const c = utf8Census(part);
    valid += c.valid;
    invalid += c.invalid;
  }
  if (invalid === 0 || valid > invalid) return { encoding: 'utf-8', skip: 0 };
  const gbk = [bytes, ...more].map(gbkPairShare);
  if (Math.min(...gbk) > 0.9 || (gbkPairShare(bytes) > 0.9 && more.every((m, i) => gbk[i + 1]! > 0.9 || utf8Census(m).invalid === 0)))
    return { encoding: 'gb18030', skip: 0 };
  return { encoding: 'windows-1252', skip: 0 };
}

/** True when DuckDB can read the bytes as they are (UTF-8, with or without BOM handled by skipping). */
export function needsTranscode(g: EncodingGuess): boolean {
  return g.encoding !== 'utf-8';
}

/** The field delimiter of a CSV header line (`,` `;` tab `|`, most frequent outside quotes), or undefined. */
export function guessDelimiter(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t' || ch === '|')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [ch, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = ch;
  return best;
}

/**
 * Both CRLF and bare LF line ends in these bytes: DuckDB's sniffer refuses such a file, so the
 * worker rewrites it with LF only.
 */
export function hasMixedLineEnds(parts: readonly Uint8Array[]): boolean {
  let crlf = false;
  let lf = false;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== 0x0a) continue;
      if (i > 0 && p[i - 1] === 0x0d) crlf = true;
      else if (i > 0) lf = true;
      if (crlf && lf) return true;
    }
  }
  return false;
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
