/**
 * Encoding and layout decisions on more than the head (issue 16 items 5, 8, 9): NUL bytes decided
 * by share, UTF-8 judged over slices, mixed line ends, the header's delimiter.
 */
import { describe, it, expect } from 'vitest';
import {
  binaryReason,
  detectEncoding,
  guessDelimiter,
  hasMixedLineEnds,
  nulCount,
  sliceOffsets,
  utf8Census,
} from '../../../src/ingest/encoding';

const enc = (s: string) => new TextEncoder().encode(s);
const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('');

describe('NUL bytes (item 8)', () => {
  it('a few NUL bytes in a text file do not make it binary; their count is known', () => {
    const text = enc('customer_id,amount\n' + rows(2000, (i) => `c${i},${i}\n`));
    text[40] = 0;
    text[41] = 0;
    expect(binaryReason(text)).toBeNull();
    expect(nulCount([text])).toBe(2);
  });
  it('a file that is mostly NUL bytes is binary', () => {
    const b = new Uint8Array(4096);
    for (let i = 0; i < b.length; i += 7) b[i] = 0x41;
    expect(binaryReason(b)).toMatch(/binary, not text \(it contains NUL bytes\)/);
  });
  it('NUL bytes in later slices count toward the share', () => {
    const head = enc(rows(500, (i) => `c${i},${i}\n`));
    expect(binaryReason(head, [new Uint8Array(65536)])).toMatch(/NUL/);
  });
});

describe('UTF-8 judged over slices (item 9)', () => {
  it('one invalid byte early in a UTF-8 file keeps UTF-8 (it was read as Latin-1)', () => {
    const bytes = enc('name,city\n' + rows(200, (i) => `Zoë${i},São Paulo\n`));
    bytes[12] = 0xff; // an invalid byte in the first data row
    expect(detectEncoding(bytes).encoding).toBe('utf-8');
  });
  it('a Latin-1 file that looks like ASCII in its head is seen in a later slice', () => {
    const head = enc(rows(1000, (i) => `c${i},plain\n`));
    const later = new Uint8Array([...enc('c9,caf'), 0xe9, ...enc(',x\nc10,na'), 0xef, ...enc('ve\n')]);
    expect(detectEncoding(head).encoding).toBe('utf-8');
    expect(detectEncoding(head, [later]).encoding).toBe('windows-1252');
  });
  it('GBK stays GBK', () => {
    const gbk = new Uint8Array([0xb6, 0xa9, 0xb5, 0xa5, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0x31, 0x0a]);
    expect(detectEncoding(gbk, [gbk]).encoding).toBe('gb18030');
  });
  it('a slice cut mid-character counts no invalid byte', () => {
    const b = enc('订单编号,总金额');
    expect(utf8Census(b.subarray(1, b.length - 1))).toEqual({ valid: 5, invalid: 0 });
    expect(utf8Census(new Uint8Array([0x61, 0xff, 0xc3, 0xa9]))).toEqual({ valid: 1, invalid: 1 });
  });
  it('slices spread over the file after the head', () => {
    expect(sliceOffsets(1000)).toEqual([]);
    const s = sliceOffsets(10 * 65536);
    expect(s).toHaveLength(8);
    expect(s.every((x) => x.start >= 65536 && x.end <= 10 * 65536 && x.end - x.start === 65536)).toBe(true);
  });
});

describe('line shapes (item 5) and delimiter (item 2)', () => {
  it('mixed CRLF and LF are seen; one kind alone is not mixed', () => {
    expect(hasMixedLineEnds([enc('a,b\r\n1,2\n3,4\r\n')])).toBe(true);
    expect(hasMixedLineEnds([enc('a,b\r\n1,2\r\n')])).toBe(false);
    expect(hasMixedLineEnds([enc('a,b\n1,2\n')])).toBe(false);
    expect(hasMixedLineEnds([enc('a,b\r\n1,2\r\n'), enc('x\n3,4\n')])).toBe(true);
  });
  it('the header line names the delimiter; quoted separators do not count', () => {
    expect(guessDelimiter('kunde;bestellung;betrag\n1;2;3,5\n')).toBe(';');
    expect(guessDelimiter('"a;b",c,d\n')).toBe(',');
    expect(guessDelimiter('a\tb\tc\n')).toBe('\t');
    expect(guessDelimiter('single\n')).toBeUndefined();
  });
});
