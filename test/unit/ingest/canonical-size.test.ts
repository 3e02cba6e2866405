/**
 * The memory guard's arithmetic, worked by hand: rows from the line breaks of the first bytes,
 * bytes from the measured 2.8 × CSV text (floor 100 B a row), and the refusal in plain words.
 */
import { describe, it, expect } from 'vitest';
import { budgetParams, estimateRows, estimateTableBytes, overBudget, DEFAULT_MEMORY_BUDGET } from '../../../src/ingest/canonical-size';
import { errorsEn, errorsZh, errorText } from '../../../src/lib/i18n/errors';
import { storageFor } from '../../../src/ingest/storage';

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

  it('event logs in the Tianchi layout (~30 B a line, so the row floor decides): 10M plain, 30M compressed, 100M not whole at the default budget', () => {
    // the generated logs of scripts/gen-behavior.mjs (docs/data-model.md, "Event logs at scale")
    const log = (bytes: number, rows: number) => storageFor(estimateTableBytes(bytes, rows), DEFAULT_MEMORY_BUDGET);
    expect(estimateTableBytes(294_494_069, 10_000_000)).toBe(1e9);
    expect(log(294_494_069, 10_000_000)).toBe('plain');
    expect(log(936_431_761, 30_000_000)).toBe('compressed');
    // 100M: 10 GB plain, 2 GB at rest compressed plus a slice being built is over 2 GiB: the page offers a filtered load
    expect(estimateTableBytes(3_241_405_931, 100_000_000)).toBe(1e10);
    expect(log(3_241_405_931, 100_000_000)).toBeNull();
    // with a budget of 2.7 GB (`?membudget=2700000000`) it would be built compressed
    expect(storageFor(1e10, 2.7e9)).toBe('compressed');
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
