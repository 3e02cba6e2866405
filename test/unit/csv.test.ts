import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { csvCell, toCsv } from '../../src/lib/csv';

describe('CSV export', () => {
  it('neutralises formula injection', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
  });
  it('keeps numbers and plain text as they are', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell("Abbey O'Reilly")).toBe("Abbey O'Reilly");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['id', 'v'], [['x', 1]])).toBe('id,v\r\nx,1\r\n');
  });
  it('never lets a dangerous first character through (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = csvCell(s);
        const unquoted = out.startsWith('"') ? out.slice(1, -1).replaceAll('""', '"') : out;
        return !/^[=+\-@\t\r]/.test(unquoted) || /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s);
      }),
    );
  });
});
