/**
 * The memory guard's arithmetic, worked by hand: rows from the line breaks of the first bytes,
 * bytes from the measured 2.8 × CSV text (floor 100 B a row), and the refusal in plain words.
 */
import { describe, it, expect } from 'vitest';
import { budgetParams, estimateRows, estimateTableBytes, overBudget, DEFAULT_MEMORY_BUDGET } from '../../../src/ingest/canonical-size';
import { errorsEn, errorsZh, errorText } from '../../../src/lib/i18n/errors';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('memory guard', () => {
  it('rows: exact when the head is the whole file (header not counted), else size ÷ bytes per line', () => {
    expect(estimateRows(12, bytes('a,b\n1,2\n3,4\n'))).toBe(2);
    expect(estimateRows(7, bytes('a,b\n1,2'))).toBe(1);
    // ten 10-byte lines in the head (9 characters + line break) → 1,000,000 bytes hold 100,000 lines
    const head = bytes('123456789\n'.repeat(10) + '12345');
    expect(estimateRows(1_000_000, head)).toBe(100_000);
  });

  it('bytes: 2.8 × the text, at least 100 B a row', () => {
    // 1M generated orders: 57,099,954 bytes of CSV → 2.8 × = 159,879,871.2
    expect(estimateTableBytes(57_099_954, 1_000_000)).toBe(159_879_871);
    // short lines: 1,000 rows of 10 bytes → 28,000 by text, 100,000 by the floor
    expect(estimateTableBytes(10_000, 1_000)).toBe(100_000);
  });

  it('refuses in plain words when the file and what is loaded exceed the budget; fits otherwise', () => {
    const mb = 1024 ** 2;
    expect(overBudget({ file: 'big.csv', need: 60 * mb, rows: 400_000, used: 50 * mb, budget: 100 * mb })).toBe(
      'big.csv is too large for this browser tab: with about 400,000 rows it needs about 60 MB of memory, and 50 MB of the ' +
        "tab's 100 MB are free beside the files already loaded. Nothing of it was loaded and the data loaded before is kept. " +
        'Load a smaller extract instead: a shorter date range, only the columns you need, or a sample of customers (for example every tenth customer id).',
    );
    expect(overBudget({ file: 'ok.csv', need: 50 * mb, rows: 1, used: 50 * mb, budget: 100 * mb })).toBeNull();
    expect(DEFAULT_MEMORY_BUDGET).toBe(2 * 1024 ** 3);
  });

  it('the refusal as a translated error: the same figures in Chinese, the worker sentence in English', () => {
    const mb = 1024 ** 2;
    const check = { file: 'big.csv', need: 60 * mb, rows: 400_000, used: 50 * mb, budget: 100 * mb };
    expect(budgetParams(check)).toEqual({ rows: '400,000', need: '60 MB', free: '50 MB', budget: '100 MB' });
    const message = overBudget(check)!;
    const error = { code: 'too-large' as const, file: 'big.csv', message, params: { detail: message, ...budgetParams(check) } };
    const tr = (dict: Record<string, string>) => (key: string, vars?: Record<string, string | number>) =>
      (dict[key] ?? key).replace(/\{(\w+)\}/g, (m, k: string) => (vars && k in vars ? String(vars[k]) : m));
    expect(errorText(tr(errorsEn), error)).toBe(message);
    expect(errorText(tr(errorsZh), error)).toBe(
      'big.csv 对此浏览器标签页来说太大：约 400,000 行，需要约 60 MB 内存，标签页的 100 MB 中只剩 50 MB 可用。文件未载入，之前载入的数据保留。' +
        '请载入更小的数据：更短的日期范围、只保留需要的列，或抽样部分客户（例如每十个客户 ID 取一个）。',
    );
  });
});
