/**
 * Cleaning expressions for raw columns: ids, money, plain text, gender and age. Each takes the
 * raw column as `Sql` and returns SQL of the canonical type; values that are not usable become NULL
 * (the canonical builder decides which NULLs are reported as rejects).
 */
import { Sql, sql, str, oneOf } from '../lib/sql';

/** Texts that mean "no value" in exports (R `NA`, Tmall `null`, Excel `'null`, pandas `nan`). */
export const NULL_MARKERS = ['', 'null', "'null", 'na', 'n/a', 'nan', 'none', '-', '--', '\\n'];

/** `x` is one of the null markers (`oneOf`: a lazy check, not a join over every row). */
function isNullMarker(x: Sql): Sql {
  return oneOf(x, NULL_MARKERS);
}

/**
 * Trimmed text, NULL for empty and the usual null markers. Text without a space at either end
 * skips the trims (a third of the cost natively: 5M orders, category and channel 0.82 s → 0.40 s).
 */
export function textExpr(col: Sql): Sql {
  const v = sql`CAST(${col} AS VARCHAR)`;
  const t = sql`trim(${v})`;
  return sql`(CASE WHEN ${v} LIKE ' %' OR ${v} LIKE '% ' THEN ${nullIfMarker(t)} WHEN length(${v}) <= 6 AND ${isNullMarker(sql`lower(${v})`)} THEN NULL ELSE ${v} END)`;
}

/**
 * An id as text: `17850.0` → `17850` (ids that a sniffer read as floats), the Excel text wrapper
 * `="2962…"` and a leading apostrophe `'2962…` (Taobao) → `2962…`, trimmed, null markers → NULL. An id that looks like a spreadsheet formula
 * (`=1+1`, ` =1+1`, `+1`, `@x`) is kept exactly as written, spaces included: in the data these
 * are different customers, and formulas are neutralised only when exported (`src/lib/csv.ts`).
 *
 * Most ids are plain (no space at either end, no wrapper, formula mark or trailing `.0`) and skip
 * the cleaning, whose trims and tests cost ~0.13 s per million values natively (5M orders, the
 * customer and order id: 1.66 s → 0.35 s on one thread). The cleaning is one CASE whose branches
 * test the null markers themselves (a formula-like id is never one: none starts with `=`, `+` or
 * `@`). `test/unit/ingest/values.test.ts` checks it all against the definition written plainly.
 */
export function idExpr(col: Sql): Sql {
  const v = sql`CAST(${col} AS VARCHAR)`;
  const t = sql`trim(${v})`;
  const unwrapped = sql`regexp_replace(${t}, '^="(.*)"$|^''(.*)$', '\\1\\2')`;
  const noFloat = sql`regexp_replace(${unwrapped}, '^(-?\\d+)\\.0+$', '\\1')`;
  // Regexes only where they can match (a wrapper or a trailing ".0"): 8× faster on 1M rows.
  const cleaned = sql`(CASE WHEN ${t} LIKE '="%"' OR ${t} LIKE '''%' OR ${t} LIKE '%.0' THEN ${nullIfMarker(noFloat)}
    WHEN left(${t}, 1) IN ('=', '+', '@') THEN ${v}
    WHEN length(${t}) <= 6 AND ${isNullMarker(sql`lower(${t})`)} THEN NULL ELSE ${t} END)`;
  // prefix and suffix tests (LIKE without a middle wildcard) cost next to nothing; an id starting
  // with `+` or `@` comes out as written either way
  const unusual = sql`${v} LIKE ' %' OR ${v} LIKE '% ' OR ${v} LIKE '=%' OR ${v} LIKE '''%' OR ${v} LIKE '%.0'`;
  return sql`(CASE WHEN ${unusual} THEN ${cleaned} WHEN length(${v}) <= 6 AND ${isNullMarker(sql`lower(${v})`)} THEN NULL ELSE ${v} END)`;
}

/** `x`, or NULL when, trimmed, it is a null marker (the rare values that need cleaning). */
function nullIfMarker(x: Sql): Sql {
  return sql`(CASE WHEN length(${x}) <= 6 AND ${isNullMarker(sql`lower(trim(${x}))`)} THEN NULL ELSE ${x} END)`;
}

/**
 * How numbers are written in a file: `point` = `1,234.56` (decimal point; commas and spaces group
 * thousands), `comma` = `1.234,56` or `1 234,56` (decimal comma; dots and spaces group thousands).
 */
export type NumberFormat = 'point' | 'comma';

/** A leading Excel apostrophe (`'12.50`), currency marks and spaces (incl. no-break spaces) removed before a number is read. */
const MONEY_NOISE = "^'|[\\s\\x{00A0}\\x{202F}¥￥$€£元]|RMB|CNY|USD|EUR|GBP";
const MONEY_NOISE_JS = /^'|[\s\u00a0\u202f¥￥$€£元]|RMB|CNY|USD|EUR|GBP/g;

/** NULL unless finite: `NaN`, `Infinity` and `1e309` (which reads as infinity) are not amounts. */
function finiteOnly(x: Sql): Sql {
  return sql`(CASE WHEN isfinite(${x}) THEN ${x} END)`;
}

/**
 * `plain` where it is not NULL, else `cleaned`, which only the rest of the rows evaluate. A CASE,
 * not `coalesce`: DuckDB's common-subexpression pass looks into `coalesce` and computes a
 * subexpression that `cleaned` repeats (the stripped text) for every row, before the coalesce —
 * the money regexes ran on all 5M amounts of a file (0.96 s against 0.13 s natively). It leaves
 * a CASE's branches alone.
 */
function plainFirst(plain: Sql, cleaned: Sql): Sql {
  return sql`(CASE WHEN ${plain} IS NOT NULL THEN ${plain} ELSE ${cleaned} END)`;
}

/** A plain number written in `format`, cast as it stands (the cast ignores spaces at the ends); NULL when it needs cleaning. */
function plainNumber(v: Sql, format: NumberFormat): Sql {
  return format === 'comma' ? sql`TRY_CAST(replace(replace(${v}, '.', ''), ',', '.') AS DOUBLE)` : sql`TRY_CAST(${v} AS DOUBLE)`;
}

/**
 * Money as DOUBLE: numbers pass through; text loses currency symbols, `元`, currency codes,
 * spaces and thousand separators (`,` for `point`, `.` for `comma`, which reads `,` as the decimal
 * mark); `(12.50)` is negative; anything else (`无退款申请`) and non-finite values → NULL.
 */
export function moneyExpr(col: Sql, type: string, format: NumberFormat = 'point', keepNonFinite = false): Sql {
  // `keepNonFinite`: the caller checks isfinite on a stored column, which costs nothing; here the
  // check names the parse twice (measured 1.7× on 2M rows before the parse became a CASE, which
  // DuckDB's common-subexpression pass may now compute once: not re-measured).
  const finite = keepNonFinite ? (x: Sql) => x : finiteOnly;
  if (isNumericType(type)) return finite(sql`CAST(${col} AS DOUBLE)`);
  const v = sql`CAST(${col} AS VARCHAR)`;
  const text = sql`trim(${v})`;
  const stripped = sql`regexp_replace(regexp_replace(${text}, ${str(MONEY_NOISE)}, '', 'g'), ${str(format === 'comma' ? '[.]' : ',')}, '', 'g')`;
  const t = format === 'comma' ? sql`replace(${stripped}, ',', '.')` : stripped;
  const cleaned = sql`(CASE WHEN regexp_matches(${t}, '^\\(.*\\)$') THEN -TRY_CAST(substr(${t}, 2, length(${t}) - 2) AS DOUBLE) ELSE TRY_CAST(${t} AS DOUBLE) END)`;
  // Plain numbers (nearly every value) skip the cleaning regexes.
  return finite(plainFirst(plainNumber(v, format), cleaned));
}

/** A plain number (quantity) as DOUBLE in the file's number format; text that is not a finite number → NULL (see `moneyExpr` for `keepNonFinite`). */
export function numberExpr(col: Sql, type: string, format: NumberFormat = 'point', keepNonFinite = false): Sql {
  const finite = keepNonFinite ? (x: Sql) => x : finiteOnly;
  if (isNumericType(type)) return finite(sql`CAST(${col} AS DOUBLE)`);
  const v = sql`CAST(${col} AS VARCHAR)`;
  const text = sql`regexp_replace(trim(${v}), '^''|[\\s\\x{00A0}\\x{202F}]', '', 'g')`;
  const t = format === 'comma' ? sql`replace(replace(${text}, '.', ''), ',', '.')` : sql`replace(${text}, ',', '')`;
  // plain numbers skip the regex, as in `moneyExpr`
  return finite(plainFirst(plainNumber(v, format), sql`TRY_CAST(${t} AS DOUBLE)`));
}

/** True for a raw text that reads as a number but not a finite one (`NaN`, `-Infinity`, `1e309`): its own reject reason. */
export function nonFiniteExpr(raw: Sql): Sql {
  return sql`coalesce(NOT isfinite(TRY_CAST(trim(CAST(${raw} AS VARCHAR)) AS DOUBLE)), FALSE)`;
}

const COMMA_DECIMAL = /^[-+(]?\d{1,3}(\.\d{3})+,\d+\)?$/; // 1.234,56
const COMMA_DECIMAL_BARE = /^[-+(]?\d+,\d{1,2}\)?$/; // 59,44 (also 1 234,56 once spaces are gone)
const POINT_DECIMAL = /^[-+(]?(\d{1,3}(,\d{3})+\.\d+|\d+\.\d{1,2})\)?$/; // 1,234.56 · 59.44
const NUMBERISH = /^[-+(]?[\d.,]+\)?$/;

/**
 * The number format of a file, from the sample values of its text columns that read as numbers.
 * `comma` when some value has a decimal comma and none a decimal point: `1.234,56` anywhere; a
 * bare `59,44` (comma + 1–2 digits, no dot) only when the file is not comma-delimited (`;`, tab),
 * since thousands groups have three digits. Otherwise `point`.
 */
export function detectNumberFormat(
  columns: readonly { type: string; samples: readonly (string | null)[] }[],
  delimiter?: string,
): NumberFormat {
  let comma = 0;
  let point = 0;
  for (const c of columns) {
    if (isNumericType(c.type)) continue;
    const vals = c.samples
      .filter((s): s is string => s !== null && !NULL_MARKERS.includes(s.trim().toLowerCase()))
      .map((s) => s.replace(MONEY_NOISE_JS, ''));
    if (vals.length === 0 || vals.filter((v) => NUMBERISH.test(v)).length < vals.length * 0.9) continue;
    for (const v of vals) {
      if (COMMA_DECIMAL.test(v) || (delimiter !== ',' && COMMA_DECIMAL_BARE.test(v))) comma++;
      else if (POINT_DECIMAL.test(v)) point++;
    }
  }
  return comma > 0 && point === 0 ? 'comma' : 'point';
}

/** `female`, `male`, or the value as written (男/女, M/F, male/female, 1/2 are not guessed: 1/2 differ by source). */
export function genderExpr(col: Sql): Sql {
  const t = textExpr(col);
  const female = ['f', 'female', 'woman', 'women', 'w', '女', '女性', 'feminino', 'femme'];
  const male = ['m', 'male', 'man', 'men', '男', '男性', 'masculino', 'homme'];
  return sql`(CASE WHEN ${oneOf(sql`lower(${t})`, female)} THEN 'female' WHEN ${oneOf(sql`lower(${t})`, male)} THEN 'male' ELSE ${t} END)`;
}

/** Age in whole years from a number, NULL outside 0…120. */
export function ageExpr(col: Sql): Sql {
  const n = sql`TRY_CAST(TRY_CAST(trim(CAST(${col} AS VARCHAR)) AS DOUBLE) AS INTEGER)`;
  return sql`(CASE WHEN ${n} BETWEEN 0 AND 120 THEN ${n} END)`;
}

/** Age in whole years on `asOf` (a DATE/TIMESTAMP expression) for a birth TIMESTAMP expression. */
export function ageFromBirthExpr(birth: Sql, asOf: Sql): Sql {
  const years = sql`(year(${asOf}) - year(${birth}) - CASE WHEN (month(${asOf}), day(${asOf})) < (month(${birth}), day(${birth})) THEN 1 ELSE 0 END)`;
  return sql`(CASE WHEN ${years} BETWEEN 0 AND 120 THEN CAST(${years} AS INTEGER) END)`;
}

/** DuckDB numeric column types. */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?|INT\d*)$/i.test(
    type.trim(),
  );
}

/** Share of non-empty samples that read as numbers after money cleaning (0…1; 1 when no samples). */
export function numericShare(samples: readonly (string | null)[]): number {
  const vals = samples.filter((s): s is string => s !== null && !NULL_MARKERS.includes(s.trim().toLowerCase()));
  if (vals.length === 0) return 1;
  const ok = vals.filter((v) =>
    Number.isFinite(
      Number(
        v
          .trim()
          .replace(MONEY_NOISE_JS, '')
          .replace(/,/g, '')
          .replace(/^\((.*)\)$/, '-$1'),
      ),
    ),
  );
  return ok.length / vals.length;
}
