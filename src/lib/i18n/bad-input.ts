/** Strings for odd values in the data: the number format of a file, and dates and amounts flagged as far off. */
export const badInputEn: Record<string, string> = {
  'files.numbers': 'Numbers',
  'files.numbers.point': '1,234.56 (decimal point)',
  'files.numbers.comma': '1.234,56 (decimal comma)',
  'flags.date': '{n} date(s) far outside the rest of the data',
  'flags.date_hint': 'They are left out of the default as-of date. Excluding them rejects those rows (reason “date out of range”).',
  'flags.amount': '{n} amount(s) of a billion or more',
  'flags.amount_hint': 'Check them: one wrong amount can outweigh all the others.',
  'flags.row': '{file} · row {row}: {value}',
  'flags.more': '… and {n} more',
  'flags.exclude': 'Exclude these dates',
};

export const badInputZh: Record<string, string> = {
  'files.numbers': '数字格式',
  'files.numbers.point': '1,234.56（小数点）',
  'files.numbers.comma': '1.234,56（小数逗号）',
  'flags.date': '{n} 个日期远离其余数据',
  'flags.date_hint': '默认截止日期不计入这些日期。排除后这些行会被拒绝（原因为“日期超出范围”）。',
  'flags.amount': '{n} 个金额达到十亿或以上',
  'flags.amount_hint': '请核对：一个错误的金额可能超过其他所有金额之和。',
  'flags.row': '{file} · 第 {row} 行：{value}',
  'flags.more': '… 另有 {n} 个',
  'flags.exclude': '排除这些日期',
};
