import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { detectEncoding, binaryReason, isValidUtf8, isWhitespaceSeparated, whitespaceLineToCsv } from '../../../src/ingest/encoding';
import { DATASETS } from '../../helpers/datasets';

const DS = DATASETS;
const enc = (s: string) => new TextEncoder().encode(s);

describe('encoding detection', () => {
  it('recognises BOMs', () => {
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8-bom', skip: 3 });
    expect(detectEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf-16le', skip: 2 });
    expect(detectEncoding(new Uint8Array([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf-16be', skip: 2 });
  });
  it('recognises UTF-16 without BOM', () => {
    const le = new Uint8Array(Buffer.from('user_id,amount\n1,2\n', 'utf16le'));
    expect(detectEncoding(le).encoding).toBe('utf-16le');
    expect(binaryReason(le)).toBeNull();
  });
  it('accepts UTF-8 cut in the middle of a character', () => {
    const b = enc('订单编号,总金额');
    expect(isValidUtf8(b.subarray(0, 4))).toBe(true);
    expect(isValidUtf8(b.subarray(0, 4), false)).toBe(false);
    expect(detectEncoding(b.subarray(0, 5)).encoding).toBe('utf-8');
  });
  it('tells GBK from Latin-1', () => {
    const gbk = new Uint8Array([0xb6, 0xa9, 0xb5, 0xa5, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0x31, 0x0a]); // 订单编号,1
    expect(detectEncoding(gbk).encoding).toBe('gb18030');
    expect(new TextDecoder('gb18030').decode(gbk)).toBe('订单编号,1\n');
    const latin1 = new Uint8Array([...enc('Gift Voucher '), 0xa3, ...enc('40.00,x\n')]);
    expect(detectEncoding(latin1).encoding).toBe('windows-1252');
  });
  it.skipIf(!existsSync(`${DS}/tmall-seller-export`))('detects the real GBK Tmall export', () => {
    const b = readFileSync(`${DS}/tmall-seller-export/ExportOrderDetailList202210201728.csv`).subarray(0, 65536);
    expect(detectEncoding(new Uint8Array(b)).encoding).toBe('gb18030');
    const head = new TextDecoder('gb18030').decode(b).split('\n')[0]!;
    expect(head.startsWith('"子订单编号","主订单编号"')).toBe(true);
  });
  it('rejects binary files with a reason', () => {
    expect(binaryReason(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toMatch(/ZIP/);
    expect(binaryReason(new Uint8Array([1, 0, 2, 0, 0, 0, 3, 4, 5, 0, 0, 0, 0, 0, 7, 8]))).toMatch(/binary/);
    expect(binaryReason(enc('a,b\n1,2\n'))).toBeNull();
  });
});

describe('whitespace-separated files', () => {
  it('detects fixed-width columns and rewrites them as CSV', () => {
    const text = ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n';
    expect(isWhitespaceSeparated(text)).toBe(true);
    expect(whitespaceLineToCsv(' 00001 19970101  1   11.77')).toBe('00001,19970101,1,11.77');
    expect(isWhitespaceSeparated('a,b\n1,2\n3,4\n')).toBe(false);
    expect(isWhitespaceSeparated('Brion Stark 2004-12-20 32\nAbbey O Reilly 2005 1\n')).toBe(false);
  });
  it.skipIf(!existsSync(`${DS}/cdnow`))('detects the real CDNOW files', () => {
    const t = readFileSync(`${DS}/cdnow/CDNOW_master.txt`, 'latin1').slice(0, 4096);
    expect(isWhitespaceSeparated(t)).toBe(true);
    expect(isWhitespaceSeparated(readFileSync(`${DS}/cdnow/CDNOW_sample.txt`, 'latin1').slice(0, 4096))).toBe(true);
  });
});
